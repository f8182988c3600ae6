import type { Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describe, isUnknownValueError, PolicyResourceLike, Rule, Violation } from "./resource";

/**
 * The rules as `@pulumi/policy` policies, the way the engine calls them (see `RuleScope`), plus
 * one advisory stack policy that says, once per rule, what a preview could not judge.
 */

/**
 * Whether this run is a preview. The Node language host sets `PULUMI_NODEJS_DRY_RUN` for a
 * policy pack from the engine's `ConfigureStack` call (pulumi/pulumi v3.248.0
 * `sdk/nodejs/cmd/pulumi-language-nodejs/main.go`, `RunPlugin`).
 */
function isPreview(): boolean {
    return process.env.PULUMI_NODEJS_DRY_RUN === "true";
}

/**
 * What each rule could not judge in this preview: values the engine does not know yet, or
 * resources it shows without properties. The pack process serves the whole deployment, so
 * notes taken during `Analyze` calls are still here when `AnalyzeStack` runs at its end
 * (`pkg/resource/deploy/deployment_executor.go`, `AnalyzeResources` after every step).
 */
export class PreviewNotes {
    private readonly notes = new Map<string, Map<string, { what: string; why: string }>>();

    /**
     * `id` tells resources apart (their URN): two clusters' objects can share a kind, namespace
     * and name, which is all `what` shows.
     */
    note(rule: string, what: string, why: string, id: string = what): void {
        const forRule = this.notes.get(rule) ?? new Map<string, { what: string; why: string }>();
        forRule.set(id, { what, why });
        this.notes.set(rule, forRule);
    }

    /** One message per rule, naming up to five resources and why. */
    messages(): string[] {
        return [...this.notes].map(([rule, notes]) => {
            const listed = [...notes.values()]
                .slice(0, 5)
                .map(({ what, why }) => `${what} (${why})`);
            const more = notes.size > 5 ? `, and ${notes.size - 5} more` : "";
            return `${rule}: ${notes.size} resource(s) could not be judged during preview: ${listed.join("; ")}${more}. Not a violation: \`pulumi up\` runs the rule again once these values are known.`;
        });
    }
}

export const previewNotes = new PreviewNotes();

/** A Pulumi resource's properties as the pack receives them: empty when the engine shows none. */
function isEmpty(props: Record<string, unknown>): boolean {
    return Object.keys(props).length === 0;
}

function metadata(rule: Rule) {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        severity: rule.severity,
        remediationSteps: rule.remediationSteps,
        ...(rule.configSchema ? { configSchema: rule.configSchema as Policy["configSchema"] } : {}),
    };
}

/**
 * Runs the rule's check; a value the engine does not know yet stops only this evaluation, which
 * becomes a note instead of a violation (`@pulumi/policy` would otherwise report it per
 * resource, `server.js` `makeAnalyzeRpcFun`).
 */
function judge(
    rule: Rule,
    resources: readonly PolicyResourceLike[],
    config: Readonly<Record<string, unknown>>,
    what: string,
    notes: PreviewNotes,
    id: string = what,
): Violation[] {
    try {
        return rule.check(resources, config);
    } catch (e) {
        if (isUnknownValueError(e)) {
            notes.note(rule.name, what, (e as Error).message, id);
            return [];
        }
        throw e;
    }
}

/** A rule as the policy the engine calls for it. */
export function toPolicy(rule: Rule, notes: PreviewNotes = previewNotes): Policy {
    const config = (getConfig: () => unknown) =>
        (getConfig() ?? {}) as Readonly<Record<string, unknown>>;
    if (rule.scope === "resource") {
        const policy: ResourceValidationPolicy = {
            ...metadata(rule),
            validateResource: (args, reportViolation) => {
                if (!rule.appliesTo(args.type)) {
                    return;
                }
                const r: PolicyResourceLike = {
                    type: args.type,
                    name: args.name,
                    urn: args.urn,
                    props: args.props,
                };
                if (isEmpty(args.props)) {
                    if (isPreview()) {
                        notes.note(
                            rule.name,
                            describe(r),
                            "no inputs visible during preview",
                            r.urn,
                        );
                    }
                    return;
                }
                const settings = config(args.getConfig);
                for (const v of judge(rule, [r], settings, describe(r), notes, r.urn)) {
                    reportViolation(v.message, v.urn);
                }
            },
        };
        return policy;
    }
    const policy: StackValidationPolicy = {
        ...metadata(rule),
        validateStack: (args, reportViolation) => {
            if (isPreview()) {
                for (const r of args.resources) {
                    if (rule.appliesTo(r.type) && isEmpty(r.props)) {
                        notes.note(
                            rule.name,
                            describe(r),
                            "outputs unknown until the resource exists",
                            r.urn,
                        );
                    }
                }
            }
            const resources = args.resources as readonly PolicyResourceLike[];
            for (const v of judge(rule, resources, config(args.getConfig), "the stack", notes)) {
                reportViolation(v.message, v.urn);
            }
        },
    };
    return policy;
}

/** Runs last: reports, once per rule, what the preview could not judge. */
export function previewCoverage(notes: PreviewNotes = previewNotes): StackValidationPolicy {
    return {
        name: "preview-coverage",
        description:
            "Says, once per rule, which resources a preview could not judge because their values are known only at pulumi up.",
        enforcementLevel: "advisory",
        severity: "low",
        remediationSteps:
            "Nothing to fix: pulumi up judges these resources with every rule once their values are known.",
        validateStack: (_args, reportViolation) => {
            for (const message of notes.messages()) {
                reportViolation(message);
            }
        },
    };
}

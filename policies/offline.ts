import type { RecordedResource } from "../components/render/mocks";
import type { EnforcementLevel, PolicyResourceLike, Rule, Violation } from "./resource";

/** A rule's outcome on one stack. */
export interface Verdict {
    readonly rule: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly violations: readonly Violation[];
}

/**
 * Resources recorded under the mock runtime, shaped like the CLI's PolicyResource: with their
 * inputs (what the engine's `Analyze` shows resource policies) or their state (what
 * `AnalyzeStack` shows stack policies; see `RuleScope`). The mocks do not report which resource
 * an input came from, so property dependencies are derived from values: an input holding
 * exactly a string another resource computed (a PEM, a password) depends on that resource.
 */
export function asPolicyResources(
    recorded: readonly RecordedResource[],
    stack: string,
    project: string,
    view: "inputs" | "outputs" = "inputs",
): PolicyResourceLike[] {
    const urn = (r: RecordedResource) => `urn:pulumi:${stack}::${project}::${r.type}::${r.name}`;
    const producers = new Map<string, RecordedResource>();
    for (const r of recorded) {
        for (const [key, value] of Object.entries(r.outputs)) {
            // Only values the resource computed (not its own inputs) identify it as a source.
            if (typeof value === "string" && !(key in r.inputs) && value.length > 0) {
                producers.set(value, r);
            }
        }
    }
    const base = new Map(
        recorded.map((r) => [
            r,
            {
                type: r.type,
                name: r.name,
                urn: urn(r),
                props: view === "inputs" ? r.inputs : r.outputs,
            } as PolicyResourceLike,
        ]),
    );
    return recorded.map((r) => {
        const propertyDependencies: Record<string, PolicyResourceLike[]> = {};
        for (const [key, value] of Object.entries(r.inputs)) {
            const sources = stringLeaves(value)
                .map((s) => producers.get(s))
                .filter((p): p is RecordedResource => p !== undefined && p !== r);
            if (sources.length > 0) {
                propertyDependencies[key] = [...new Set(sources)].map(
                    (p) => base.get(p) as PolicyResourceLike,
                );
            }
        }
        return { ...(base.get(r) as PolicyResourceLike), propertyDependencies };
    });
}

/** A stack's resources seen both ways the engine shows them to policies. */
export interface PolicyViews {
    readonly inputs: readonly PolicyResourceLike[];
    readonly outputs: readonly PolicyResourceLike[];
}

export function policyViews(
    recorded: readonly RecordedResource[],
    stack: string,
    project: string,
): PolicyViews {
    return {
        inputs: asPolicyResources(recorded, stack, project, "inputs"),
        outputs: asPolicyResources(recorded, stack, project, "outputs"),
    };
}

/**
 * Runs every rule as the engine would: resource rules once per resource they apply to, stack
 * rules once over the whole stack. `config` holds per-rule settings as in a policy config file.
 */
export function runRules(
    rules: readonly Rule[],
    views: PolicyViews,
    config: Readonly<Record<string, Record<string, unknown>>> = {},
): Verdict[] {
    return rules.map((rule) => {
        const settings = config[rule.name] ?? {};
        const violations =
            rule.scope === "stack"
                ? rule.check(views.outputs, settings)
                : views.inputs
                      .filter((r) => rule.appliesTo(r.type))
                      .flatMap((r) => rule.check([r], settings));
        return { rule: rule.name, enforcementLevel: rule.enforcementLevel, violations };
    });
}

function stringLeaves(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).flatMap(stringLeaves);
    }
    return [];
}

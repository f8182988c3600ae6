/**
 * The slice of a Pulumi resource the rules read. `@pulumi/policy`'s PolicyResource satisfies it,
 * and so does a resource recorded by the offline renderer, so the same rule code runs at
 * `pulumi preview`, at `pulumi up` and in `npm run plan`.
 */
export interface PolicyResourceLike {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    // Resource properties are arbitrary JSON; rules narrow what they read.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly props: Record<string, any>;
    readonly parent?: PolicyResourceLike;
    /** Which resources each input property's value came from, where known. */
    readonly propertyDependencies?: Readonly<Record<string, readonly PolicyResourceLike[]>>;
}

export interface Violation {
    readonly message: string;
    readonly urn?: string;
}

export type EnforcementLevel = "mandatory" | "advisory" | "disabled";

/**
 * How the engine hands a rule its resources (pulumi/pulumi v3.248.0
 * `pkg/resource/deploy/step_generator.go`):
 *  - `resource`: `Analyze`, once per resource as it is registered, with its *inputs* after the
 *    provider's `Check`. A provider whose config is unknown during preview (a cluster that does
 *    not exist yet) returns the inputs unchanged (`sdk/go/common/resource/plugin/provider_plugin.go`
 *    `Check`), so these rules judge a resource's own settings at preview.
 *  - `stack`: `AnalyzeStack`, once after every step, with each resource's *outputs* and property
 *    dependencies. Behind an unknown provider a preview's outputs are empty
 *    (`provider_plugin.go` `Create`), so only rules that need several resources at once use it.
 */
export type RuleScope = "resource" | "stack";

/** One rule of the pack: metadata plus a check over resources. */
export interface Rule {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly severity: "low" | "medium" | "high" | "critical";
    readonly remediationSteps: string;
    readonly scope: RuleScope;
    /** The resource types the rule reads; the pack notes those it could not see at preview. */
    appliesTo(type: string): boolean;
    /** JSON schema of the rule's settings in a policy config file, with defaults. */
    readonly configSchema?: {
        readonly properties: Record<
            string,
            { type: string; default?: unknown; description?: string }
        >;
    };
    /** With `scope: "resource"` the pack calls this with one resource at a time. */
    check(
        resources: readonly PolicyResourceLike[],
        config: Readonly<Record<string, unknown>>,
    ): Violation[];
}

/** `kubernetes:<group>/<version>:<Kind>` for any served version of the group (`core` for the core group). */
export function isKind(r: PolicyResourceLike | string, group: string, kind: string): boolean {
    const m = /^kubernetes:([^/]+)\/[^:]+:(.+)$/.exec(typeof r === "string" ? r : r.type);
    return m !== null && m[1] === group && m[2] === kind;
}

/** "Kind namespace/name" of a Kubernetes resource, or its Pulumi name when it has no metadata. */
export function describe(r: PolicyResourceLike): string {
    const kind = r.type.split(":").pop();
    const meta = known(() => r.props.metadata as { name?: string; namespace?: string });
    const name =
        meta !== UNKNOWN && meta?.name
            ? `${meta.namespace ? `${meta.namespace}/` : ""}${meta.name}`
            : r.name;
    return `${kind} ${name}`;
}

/** The rule's setting `key`, or its declared default. */
export function setting<T>(rule: Rule, config: Readonly<Record<string, unknown>>, key: string): T {
    return (config[key] ?? rule.configSchema?.properties[key]?.default) as T;
}

/** A value the engine does not know yet (a preview's computed output). */
export const UNKNOWN: unique symbol = Symbol("unknown until pulumi up");

/**
 * Reads a property through `@pulumi/policy`'s unknown-checking proxy (1.21.0 `proxy.js`
 * `unknownCheckingProxy`), which throws `UnknownValueError` on a value not known during preview;
 * returns {@link UNKNOWN} instead, so a rule can skip that one value and judge the rest.
 */
export function known<T>(read: () => T): T | typeof UNKNOWN {
    try {
        return read();
    } catch (e) {
        if (isUnknownValueError(e)) {
            return UNKNOWN;
        }
        throw e;
    }
}

/**
 * `UnknownValueError` is internal to `@pulumi/policy` (its declaration is not published); the
 * constructor in `proxy.js` sets `unknownTypeSentinel`, which no other error carries.
 */
export function isUnknownValueError(e: unknown): boolean {
    return e instanceof Error && "unknownTypeSentinel" in e;
}

/**
 * The slice of a Pulumi resource the rules read. `@pulumi/policy`'s PolicyResource satisfies it,
 * and so does a resource recorded by the offline renderer, so the same rule code runs at
 * `pulumi preview` and in `npm run plan`.
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

/** One rule of the pack: metadata plus a check over every resource of the stack. */
export interface Rule {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly severity: "low" | "medium" | "high" | "critical";
    readonly remediationSteps: string;
    /** JSON schema of the rule's settings in a policy config file, with defaults. */
    readonly configSchema?: {
        readonly properties: Record<
            string,
            { type: string; default?: unknown; description?: string }
        >;
    };
    check(
        resources: readonly PolicyResourceLike[],
        config: Readonly<Record<string, unknown>>,
    ): Violation[];
}

/** `kubernetes:<group>/<version>:<Kind>` for any served version of the group. */
export function isKind(r: PolicyResourceLike, group: string, kind: string): boolean {
    const m = /^kubernetes:([^/]+)\/[^:]+:(.+)$/.exec(r.type);
    return m !== null && m[1] === group && m[2] === kind;
}

/** "Kind namespace/name" of a Kubernetes resource, or its Pulumi name when it has no metadata. */
export function describe(r: PolicyResourceLike): string {
    const kind = r.type.split(":").pop();
    const meta = (r.props.metadata ?? {}) as { name?: string; namespace?: string };
    const name = meta.name ? `${meta.namespace ? `${meta.namespace}/` : ""}${meta.name}` : r.name;
    return `${kind} ${name}`;
}

/** The rule's setting `key`, or its declared default. */
export function setting<T>(rule: Rule, config: Readonly<Record<string, unknown>>, key: string): T {
    return (config[key] ?? rule.configSchema?.properties[key]?.default) as T;
}

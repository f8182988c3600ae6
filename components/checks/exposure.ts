import { cidrProblem, parseCidr } from "../plan/cidr";

/**
 * Exposure rules shared by config validation, the components and the policy pack: which ports
 * must never face the internet, and which source ranges count as "the internet".
 */

/** Native transport (9042) and the legacy dedicated TLS port (9142). */
export const CQL_PORTS = [9042, 9142] as const;
export const MANAGEMENT_API = 8080;

/** Ranges this wide admit a large part of the internet; narrower ranges are a deliberate choice. */
export const PUBLIC_PREFIX_LIMIT = 8;

/** Whether a source range admits everyone: any IPv6 `/0`, or an IPv4 range wider than a /8. */
export function isOpenRange(range: string): boolean {
    if (range.trim() === "::/0") {
        return true;
    }
    if (cidrProblem(range)) {
        return range.trim().endsWith("/0");
    }
    return parseCidr(range).prefix < PUBLIC_PREFIX_LIMIT;
}

/**
 * Marks a LoadBalancer Service whose internet-wide source ranges are deliberate: the value lists
 * those ranges, comma-separated (e.g. `"0.0.0.0/0"`). The ingress layers set it on the public
 * entry points they build from `clientCidrs` that hold such ranges, which stack config accepts
 * only with `allowPublicClients: true`; the `no-open-cql` rule accepts an open range on a Service
 * only when this annotation lists it. It never makes the management API (8080) acceptable.
 */
export const PUBLIC_CLIENTS_ANNOTATION = "cassandra-multicluster/allow-public-clients";

/** The annotation a public entry point carries for `clientCidrs`: none unless some range is open. */
export function publicClientsAnnotation(clientCidrs: readonly string[]): Record<string, string> {
    const open = clientCidrs.filter(isOpenRange);
    return open.length > 0 ? { [PUBLIC_CLIENTS_ANNOTATION]: open.join(",") } : {};
}

/** The ranges a Service's annotations declare as deliberately public. */
export function declaredPublicRanges(annotations: unknown): string[] {
    const value = (annotations as Record<string, unknown> | undefined)?.[PUBLIC_CLIENTS_ANNOTATION];
    return typeof value === "string"
        ? value
              .split(",")
              .map((r) => r.trim())
              .filter((r) => r.length > 0)
        : [];
}

/** The service ports (`port`, `targetPort`, `nodePort` as numbers) of a Kubernetes Service spec. */
interface ServicePort {
    readonly port?: unknown;
    readonly targetPort?: unknown;
    readonly name?: unknown;
}

/**
 * Why a Service exposes CQL or the management API beyond the cluster, if it does. `declared`
 * holds the open ranges marked deliberate with {@link PUBLIC_CLIENTS_ANNOTATION}.
 */
export function serviceExposureProblems(spec: unknown, declared: readonly string[] = []): string[] {
    const s = (spec ?? {}) as {
        type?: string;
        ports?: ServicePort[];
        loadBalancerSourceRanges?: string[];
    };
    if (s.type !== "LoadBalancer" && s.type !== "NodePort") {
        return [];
    }
    const ports = (s.ports ?? []).flatMap((p) => [p.port, p.targetPort]).map(Number);
    const problems: string[] = [];
    if (ports.includes(MANAGEMENT_API)) {
        problems.push(
            `type ${s.type} exposes the management API (${MANAGEMENT_API}) outside the cluster; only cass-operator inside the cluster may call it`,
        );
    }
    const cql = CQL_PORTS.filter((p) => ports.includes(p));
    if (cql.length === 0) {
        return problems;
    }
    if (s.type === "NodePort") {
        problems.push(
            `type NodePort exposes CQL (${cql.join(", ")}) on every node address with no source restriction; use a LoadBalancer with loadBalancerSourceRanges`,
        );
        return problems;
    }
    const ranges = s.loadBalancerSourceRanges ?? [];
    if (ranges.length === 0) {
        problems.push(
            `LoadBalancer exposes CQL (${cql.join(", ")}) without loadBalancerSourceRanges; list the client ranges`,
        );
    }
    for (const r of ranges.filter((x) => isOpenRange(x) && !declared.includes(x.trim()))) {
        problems.push(
            `LoadBalancer admits ${r} to CQL (${cql.join(", ")}); list the client ranges instead (/${PUBLIC_PREFIX_LIMIT} or narrower), or, if that exposure is deliberate, annotate the Service ${PUBLIC_CLIENTS_ANNOTATION}: "${r}" (what allowPublicClients: true does for the stack's own entry points)`,
        );
    }
    return problems;
}

/** A GCP firewall rule's `allows` entries: protocol and port specs such as "9042" or "9000-9100". */
interface FirewallAllow {
    readonly protocol?: string;
    readonly ports?: readonly string[];
}

/** Whether an allow entry admits TCP `port` (no ports listed means every port). */
export function allowsPort(allow: FirewallAllow, port: number): boolean {
    if (allow.protocol !== "tcp" && allow.protocol !== "all") {
        return false;
    }
    if (!allow.ports || allow.ports.length === 0) {
        return true;
    }
    return allow.ports.some((spec) => {
        const [lo, hi] = spec.split("-").map(Number);
        return port >= lo && port <= (hi ?? lo);
    });
}

/**
 * The text a GCP firewall rule's description carries to declare its open `clientCidrs`
 * deliberate (a firewall has no annotations): empty unless some range is open.
 */
export function publicClientsMarker(clientCidrs: readonly string[]): string {
    const open = clientCidrs.filter(isOpenRange);
    return open.length > 0 ? ` [${PUBLIC_CLIENTS_ANNOTATION}: ${open.join(", ")}]` : "";
}

/**
 * The ranges a GCP firewall rule's description declares deliberately public: the text
 * `[cassandra-multicluster/allow-public-clients: <range>, …]` (a firewall has no annotations).
 */
export function firewallDeclaredPublicRanges(description: unknown): string[] {
    const m =
        typeof description === "string"
            ? new RegExp(`\\[${PUBLIC_CLIENTS_ANNOTATION}: ([^\\]]*)\\]`).exec(description)
            : null;
    return m ? declaredPublicRanges({ [PUBLIC_CLIENTS_ANNOTATION]: m[1] }) : [];
}

/**
 * Why an ingress firewall rule opens CQL or the management API to everyone, if it does. Open
 * ranges its description declares deliberate ({@link firewallDeclaredPublicRanges}) are accepted
 * for CQL, never for the management API.
 */
export function firewallExposureProblems(rule: unknown): string[] {
    const r = (rule ?? {}) as {
        direction?: string;
        allows?: FirewallAllow[];
        sourceRanges?: string[];
        description?: string;
    };
    if (r.direction !== undefined && r.direction !== "INGRESS") {
        return [];
    }
    const open = (r.sourceRanges ?? []).filter(isOpenRange);
    if (open.length === 0) {
        return [];
    }
    const declared = firewallDeclaredPublicRanges(r.description);
    const problems: string[] = [];
    for (const port of [...CQL_PORTS, MANAGEMENT_API]) {
        const admitted =
            port === MANAGEMENT_API ? open : open.filter((o) => !declared.includes(o.trim()));
        if (admitted.length > 0 && (r.allows ?? []).some((a) => allowsPort(a, port))) {
            problems.push(
                `admits ${admitted.join(", ")} to port ${port}; restrict sourceRanges to the declared client ranges`,
            );
        }
    }
    return problems;
}

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

/** The service ports (`port`, `targetPort`, `nodePort` as numbers) of a Kubernetes Service spec. */
interface ServicePort {
    readonly port?: unknown;
    readonly targetPort?: unknown;
    readonly name?: unknown;
}

/** Why a Service exposes CQL or the management API beyond the cluster, if it does. */
export function serviceExposureProblems(spec: unknown): string[] {
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
    for (const r of ranges.filter(isOpenRange)) {
        problems.push(
            `LoadBalancer admits ${r} to CQL (${cql.join(", ")}); list the client ranges instead`,
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

/** Why an ingress firewall rule opens CQL or the management API to everyone, if it does. */
export function firewallExposureProblems(rule: unknown): string[] {
    const r = (rule ?? {}) as {
        direction?: string;
        allows?: FirewallAllow[];
        sourceRanges?: string[];
    };
    if (r.direction !== undefined && r.direction !== "INGRESS") {
        return [];
    }
    const open = (r.sourceRanges ?? []).filter(isOpenRange);
    if (open.length === 0) {
        return [];
    }
    const problems: string[] = [];
    for (const port of [...CQL_PORTS, MANAGEMENT_API]) {
        if ((r.allows ?? []).some((a) => allowsPort(a, port))) {
            problems.push(
                `admits ${open.join(", ")} to port ${port}; restrict sourceRanges to the declared client ranges`,
            );
        }
    }
    return problems;
}

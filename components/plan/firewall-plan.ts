import { publicClientsMarker } from "../checks/exposure";
import type { Settings } from "../config";
import { overlaps, parseCidr } from "./cidr";
import { DatacenterRanges, sourceRanges } from "./network-plan";

/**
 * Firewall rules for the shared VPC, as plain data. A custom-mode VPC denies ingress by default
 * and GKE adds its own rules for traffic inside each cluster, so these rules only open what
 * crosses clusters or comes from outside: gossip between datacenters, CQL from declared clients,
 * and the private control plane's calls to the cass-operator webhook.
 */

export interface FirewallRulePlan {
    /** Resource and GCP rule name suffix, e.g. `internode`. */
    readonly role: string;
    readonly action: "allow" | "deny";
    /** GCP priority: lower wins. Denies sit above every allow so no later allow rule can open them. */
    readonly priority: number;
    readonly description: string;
    readonly ports: readonly string[];
    readonly sourceRanges: readonly string[];
    /** Network tags of the node pools the rule admits traffic to. */
    readonly targetTags: readonly string[];
}

/**
 * Cassandra's internode (storage) port. Internode TLS runs on it; the legacy TLS port 7001 is
 * off (`legacy_ssl_storage_port_enabled: false` in `encryptionOptions`), so it stays closed.
 */
export const INTERNODE_PORTS = ["7000"] as const;
/** The native transport (CQL) port; client encryption runs on it, no separate TLS port. */
export const NATIVE_TRANSPORT_PORT = "9042";
/** The management API sidecar; cass-operator in the same cluster is its only legitimate caller. */
export const MANAGEMENT_API_PORT = "8080";
/** cass-operator's admission webhook listens here; a private control plane must reach it. */
export const WEBHOOK_PORT = "9443";

/** The network tag on a datacenter's Cassandra node pool. */
export function nodeTag(clusterName: string, datacenter: string): string {
    return `${clusterName}-${datacenter}-nodes`;
}

export function planFirewall(s: Settings, ranges: readonly DatacenterRanges[]): FirewallRulePlan[] {
    const allTags = ranges.map((r) => nodeTag(s.clusterName, r.datacenter));
    const podRanges = ranges.map((r) => r.pods);
    const rules: FirewallRulePlan[] = [
        {
            role: "internode",
            action: "allow",
            priority: 1000,
            description:
                "Cassandra gossip and streaming (7000, TLS) between the pods of every datacenter",
            ports: [...INTERNODE_PORTS],
            sourceRanges: podRanges,
            targetTags: allTags,
        },
        {
            role: "native-transport",
            action: "allow",
            priority: 1000,
            // Ranges wider than /8 (accepted only with allowPublicClients) are declared in the
            // description, the opt-in the policy pack's no-open-cql honours on a firewall rule.
            description: `CQL (9042) from the declared client ranges and from Cassandra pods (cross-datacenter drivers and tools)${publicClientsMarker(s.clientCidrs)}`,
            ports: [NATIVE_TRANSPORT_PORT],
            sourceRanges: dedupe([...s.clientCidrs, ...podRanges]),
            targetTags: allTags,
        },
    ];
    for (const r of ranges) {
        if (r.controlPlane) {
            rules.push({
                role: `${r.datacenter}-webhook`,
                action: "allow",
                priority: 1000,
                description: `cass-operator admission webhook (${WEBHOOK_PORT}) from the ${r.datacenter} control plane`,
                ports: [WEBHOOK_PORT],
                sourceRanges: [r.controlPlane],
                targetTags: [nodeTag(s.clusterName, r.datacenter)],
            });
        }
    }
    for (const r of ranges) {
        const own = sourceRanges(r).map(parseCidr);
        const outside = ranges.filter((o) => o !== r).flatMap(sourceRanges);
        // A client range that covers this cluster's own pods or nodes would deny the operator too.
        const sources = dedupe([...outside, ...s.clientCidrs]).filter(
            (c) => !own.some((o) => overlaps(o, parseCidr(c))),
        );
        if (sources.length > 0) {
            rules.push({
                role: `${r.datacenter}-deny-management-api`,
                action: "deny",
                priority: 900,
                description: `management API (${MANAGEMENT_API_PORT}) of ${r.datacenter} only from inside its own cluster`,
                ports: [MANAGEMENT_API_PORT],
                sourceRanges: sources,
                targetTags: [nodeTag(s.clusterName, r.datacenter)],
            });
        }
    }
    return rules;
}

function dedupe(values: readonly string[]): string[] {
    return [...new Set(values)];
}

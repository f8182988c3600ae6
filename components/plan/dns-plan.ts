import type { DnsMode } from "../config";
import { serviceSuffix, Topology } from "./topology";

/**
 * Cross-cluster discovery. With Cloud DNS (VPC scope) every cluster's records are published in
 * the shared VPC under the cluster's own domain, so nothing is forwarded. With stub domains each
 * cluster forwards every other datacenter's service suffix to that cluster's DNS service.
 */

export interface StubForward {
    /** The domain to forward, e.g. `cassandra-dc2.svc.cluster.local`. */
    readonly domain: string;
    /** The datacenter whose cluster DNS answers for it. */
    readonly target: string;
}

export interface DnsPlan {
    readonly mode: DnsMode;
    /** Per datacenter: the domains its cluster forwards, and to which datacenter. Empty unless `stub`. */
    readonly forwards: Readonly<Record<string, readonly StubForward[]>>;
}

export function planDns(mode: DnsMode, t: Topology): DnsPlan {
    const forwards: Record<string, StubForward[]> = {};
    for (const dc of t.datacenters) {
        forwards[dc.name] =
            mode === "stub"
                ? t.datacenters
                      .filter((o) => o.name !== dc.name)
                      .map((o) => ({
                          domain: serviceSuffix(o.namespace, o.clusterDomain),
                          target: o.name,
                      }))
                : [];
    }
    return { mode, forwards };
}

import type { NodeRoute } from "./routes";

/**
 * What an application outside the clusters needs to connect to one datacenter: where to
 * connect, how to verify the nodes, and how to reach every node individually.
 */
export interface ClientBundle {
    readonly localDataCenter: string;
    /** `host:port` contact points, one per node of the local datacenter, each reaching that node only. */
    readonly contactPoints: readonly string[];
    /** The name clients verify node certificates against (every node certificate carries it). */
    readonly serverName: string;
    /**
     * Node address → `host:port` that reaches it from outside. Drivers learn peers by their
     * broadcast RPC address; an address translator applies this map. Filled for nodes whose
     * address is known (cass-operator's `status.nodeStatuses`).
     */
    readonly addressTranslation: Readonly<Record<string, string>>;
    /** SNI name per node, for drivers that route by SNI (DataStax Java/Python SNI endpoints). */
    readonly sniHosts: Readonly<Record<string, readonly string[]>>;
}

/** Per-node address as a driver sees it: the pod's (broadcast RPC) address and native port. */
export interface NodeAddress {
    readonly ip: string;
    readonly port: number;
}

/** Builds the bundle for `datacenter` from the route table and, when known, the nodes' addresses (by pod name). */
export function clientBundle(
    datacenter: string,
    routes: readonly NodeRoute[],
    addresses: Readonly<Record<string, NodeAddress>> = {},
): ClientBundle {
    const mine = routes.filter((r) => r.datacenter === datacenter);
    if (mine.length === 0) {
        throw new Error(`no routes for datacenter "${datacenter}"; is ingress enabled and the datacenter declared?`);
    }
    const translation: Record<string, string> = {};
    for (const r of routes) {
        const a = Object.hasOwn(addresses, r.podName) ? addresses[r.podName] : undefined;
        if (a) {
            translation[`${a.ip}:${a.port}`] = `${r.entryPoint}:${r.nodePort}`;
        }
    }
    return {
        localDataCenter: datacenter,
        contactPoints: mine.map((r) => `${r.entryPoint}:${r.nodePort}`),
        serverName: mine[0].entryPoint,
        addressTranslation: translation,
        sniHosts: Object.fromEntries(routes.map((r) => [r.podName, r.sniNames])),
    };
}

import { NodeRoute, SNI_PORT } from "./routes";

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
     * Node address → `host:port` that reaches it from outside. Give drivers `ip:port` (resolve
     * the entry point first): the Node.js driver keys hosts by address, and a node known under
     * a name and an IP loses token awareness after a control-connection failover. Drivers learn peers by their
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
        throw new Error(
            `no routes for datacenter "${datacenter}"; is ingress enabled and the datacenter declared?`,
        );
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

/** One node as a client outside the clusters reaches it. */
export interface ExternalNode {
    readonly datacenter: string;
    readonly rack: string;
    readonly pod: string;
    /** The node's own DNS name under `externalDomain` (on its certificate). */
    readonly externalName: string;
    /** Host that reaches the node from outside: the entry point's (or the node's own load balancer's) address or name. */
    readonly externalAddress: string;
    /** Port on `externalAddress` that reaches only this node. */
    readonly port: number;
    /** Name the client verifies the node's certificate against. */
    readonly serverName: string;
    /**
     * Behind a shared entry point: the port on `externalAddress` that picks the node by SNI
     * (`externalName`, which the node's certificate carries). Absent behind per-node load balancers.
     */
    readonly sniPort?: number;
    /** The node's Cassandra host ID, once cass-operator reports it (`status.nodeStatuses`). */
    readonly hostId?: string;
}

/** Everything an application outside the clusters needs: the stack output `clientBundle`. */
export interface ExternalClientBundle {
    readonly clusterName: string;
    /** The CA certificate (PEM) to trust. Public. */
    readonly caCertificate: string;
    readonly datacenters: readonly string[];
    readonly nodes: readonly ExternalNode[];
}

/**
 * The bundle from the route table and the entry points' addresses (per datacenter; with
 * per-node load balancers, per pod). Without a known address the external name is used,
 * which the stack's DNS records resolve. `hostIds` (by pod) are the ones cass-operator reports.
 */
export function externalClientBundle(
    clusterName: string,
    caCertificate: string,
    routes: readonly NodeRoute[],
    racks: Readonly<Record<string, string>>,
    addresses: Readonly<Record<string, string>>,
    hostIds: Readonly<Record<string, string>> = {},
): ExternalClientBundle {
    return {
        clusterName,
        caCertificate,
        datacenters: [...new Set(routes.map((r) => r.datacenter))],
        nodes: routes.map((r) => {
            const known = addresses[r.podName] || addresses[r.datacenter];
            const hostId = Object.hasOwn(hostIds, r.podName) ? hostIds[r.podName] : undefined;
            // A per-node load balancer's entry point is the node's own name; a shared one routes by SNI.
            const shared = r.entryPoint !== r.sniNames[0];
            return {
                datacenter: r.datacenter,
                rack: racks[r.podName] ?? "",
                pod: r.podName,
                externalName: r.sniNames[0],
                externalAddress: known || r.entryPoint,
                port: r.nodePort,
                serverName: r.entryPoint,
                ...(shared ? { sniPort: SNI_PORT } : {}),
                ...(hostId ? { hostId } : {}),
            };
        }),
    };
}

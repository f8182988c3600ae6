import type { Settings } from "../config";
import { entryPointName, SNI_INGRESS } from "./pki-plan";
import type { Topology } from "./topology";

/**
 * The routing table every ingress layer renders: one route per node, so each node stays
 * individually addressable and drivers stay token-aware.
 *  - SNI: the node's external name, plus its Cassandra host ID once known (DataStax drivers in
 *    SNI mode send the host ID) → the node's own Service.
 *  - Dedicated port: for drivers that send no SNI (the Node.js driver outside cloud mode,
 *    cqlsh), `entry point : port` reaches exactly one node; the client bundle's address
 *    translation maps each node's address to it.
 */

/**
 * Marks an ingress object that serves one node on its dedicated port; the port identifies the
 * node, so it may accept any SNI (or none). The policy pack exempts only objects carrying it.
 */
export const DEDICATED_PORT_ANNOTATION = "cassandra-multicluster/dedicated-node-port";

/** The shared SNI port of every entry point. */
export const SNI_PORT = 9042;
/** Per-node ports start here, in the order of the datacenter's nodes. */
export const NODE_PORT_BASE = 19042;
/** The Cassandra native transport port the backends listen on. */
export const BACKEND_PORT = 9042;

export interface NodeRoute {
    readonly datacenter: string;
    readonly podName: string;
    /** Host name of the datacenter's entry point, which clients connect to. */
    readonly entryPoint: string;
    /** SNI names that select this node; the first is its external name. */
    readonly sniNames: readonly string[];
    /** The entry point port that reaches only this node, without SNI. */
    readonly nodePort: number;
    /** The node's own backend: a Service selecting just this pod. */
    readonly backend: {
        readonly service: string;
        readonly namespace: string;
        readonly port: number;
    };
}

/** Name of the Service that selects exactly one pod (by `statefulset.kubernetes.io/pod-name`). */
export function perPodServiceName(podName: string): string {
    return podName;
}

/**
 * Routes for every node. `hostIds` maps pod names to Cassandra host IDs (from cass-operator's
 * `status.nodeStatuses`); nodes without one are routed by name and port only.
 */
export function planRoutes(
    s: Settings,
    t: Topology,
    hostIds: Readonly<Record<string, string>> = {},
): NodeRoute[] {
    if (s.ingress === "none" || !s.externalDomain) {
        return [];
    }
    const domain = s.externalDomain;
    return t.datacenters.flatMap((dc) =>
        dc.nodes.map((node, i): NodeRoute =>
            withHostId(
                {
                    datacenter: dc.name,
                    podName: node.podName,
                    entryPoint:
                        s.ingress === "loadbalancer"
                            ? (node.externalName as string)
                            : entryPointName(dc.name, domain),
                    sniNames: [node.externalName as string],
                    nodePort: s.ingress === "loadbalancer" ? BACKEND_PORT : NODE_PORT_BASE + i,
                    backend: {
                        service: perPodServiceName(node.podName),
                        namespace: dc.namespace,
                        port: BACKEND_PORT,
                    },
                },
                hostIds,
            ),
        ),
    );
}

/**
 * The route with the node's host ID added to its SNI names, once cass-operator reports one
 * (`status.nodeStatuses`): DataStax drivers in SNI mode send the host ID as SNI. Ingress layers
 * apply it to their planned routes when the datacenter's status arrives.
 */
export function withHostId(route: NodeRoute, hostIds: Readonly<Record<string, string>>): NodeRoute {
    const hostId = Object.hasOwn(hostIds, route.podName) ? hostIds[route.podName] : undefined;
    return hostId && !route.sniNames.includes(hostId)
        ? { ...route, sniNames: [...route.sniNames, hostId] }
        : route;
}

/** Whether the chosen ingress routes by SNI through a shared entry point. */
export function routesBySni(s: Settings): boolean {
    return SNI_INGRESS.includes(s.ingress);
}

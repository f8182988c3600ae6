import type { Settings } from "../config";
import type { NetworkPlan } from "./network-plan";
import { sourceRanges } from "./network-plan";
import type { DatacenterPlan } from "./topology";

/**
 * Who may reach a datacenter's Cassandra pods, port by port. Container ports and labels are
 * cass-operator's (v1.30.0 `apis/cassandra/v1beta1/cassandradatacenter_types.go`,
 * `GetContainerPorts` and `ClusterLabel`/`DatacenterLabel`); every port not listed here is closed
 * (JMX 7199, the legacy TLS ports 7001 and 9142: internode and client TLS run on 7000 and 9042,
 * `legacy_ssl_storage_port_enabled: false`).
 */

export const CLUSTER_LABEL = "cassandra.datastax.com/cluster";
export const DATACENTER_LABEL = "cassandra.datastax.com/datacenter";

/** Namespaces labelled so may open CQL connections to the nodes from inside the cluster. */
export const CQL_CLIENT_LABEL = "cassandra-multicluster/cql-client";
/** Namespaces labelled so may read the nodes' metrics (9000 and 9103). */
export const METRICS_SCRAPER_LABEL = "cassandra-multicluster/metrics-scraper";

export const PORTS = {
    internode: 7000,
    native: 9042,
    managementApi: 8080,
    metrics: 9000,
    prometheus: 9103,
} as const;

/** Where the ingress layer's proxies run, when the stack knows it (Gateway API implementations vary). */
export function ingressNamespace(s: Settings, dc: DatacenterPlan): string | undefined {
    if (s.ingressController.namespace) {
        return s.ingressController.namespace;
    }
    switch (s.ingress) {
        case "traefik":
            return "traefik";
        case "istio":
            return "istio-system";
        case "kong":
            return "kong";
        case "gateway-api":
            // Implementations that deploy a proxy per Gateway (Istio, Envoy Gateway in namespace
            // mode) put it beside the Gateway, in the Cassandra namespace.
            return dc.namespace;
        default:
            return undefined;
    }
}

type Peer = Record<string, unknown>;

const namespace = (name: string): Peer => ({
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } },
});
const labelledNamespaces = (label: string): Peer => ({
    namespaceSelector: { matchLabels: { [label]: "true" } },
});
const ports = (...ps: number[]) => ps.map((port) => ({ protocol: "TCP", port }));

/**
 * The NetworkPolicy `spec` of one datacenter's pods:
 *  - internode (7000) from this cluster's Cassandra pods and the other datacenters' pod and node
 *    ranges (gossip crosses clusters by pod IP);
 *  - CQL (9042) from this cluster's Cassandra pods, the ingress layer's proxies (their namespace),
 *    with `loadbalancer` the client ranges themselves (the per-node load balancers keep the
 *    client's address), and namespaces labelled `cassandra-multicluster/cql-client: "true"`;
 *  - the management API (8080) from the operator's namespace only;
 *  - metrics (9000, 9103) from namespaces labelled `cassandra-multicluster/metrics-scraper: "true"`.
 */
export function datacenterNetworkPolicy(
    s: Settings,
    network: NetworkPlan,
    dc: DatacenterPlan,
    operatorNamespace: string,
): Record<string, unknown> {
    const cassandraPods: Peer = {
        podSelector: { matchLabels: { [CLUSTER_LABEL]: s.clusterName } },
    };
    const otherClusters = network.datacenters
        .filter((r) => r.datacenter !== dc.name)
        .flatMap(sourceRanges)
        .map((cidr) => ({ ipBlock: { cidr } }));
    const proxies = ingressNamespace(s, dc);
    const cqlFrom: Peer[] = [
        cassandraPods,
        ...(proxies ? [namespace(proxies)] : []),
        ...(s.ingress === "loadbalancer"
            ? s.clientCidrs.map((cidr) => ({ ipBlock: { cidr } }))
            : []),
        labelledNamespaces(CQL_CLIENT_LABEL),
    ];
    return {
        podSelector: { matchLabels: { [DATACENTER_LABEL]: dc.name } },
        policyTypes: ["Ingress"],
        ingress: [
            { from: [cassandraPods, ...otherClusters], ports: ports(PORTS.internode) },
            { from: cqlFrom, ports: ports(PORTS.native) },
            { from: [namespace(operatorNamespace)], ports: ports(PORTS.managementApi) },
            {
                from: [labelledNamespaces(METRICS_SCRAPER_LABEL)],
                ports: ports(PORTS.metrics, PORTS.prometheus),
            },
        ],
    };
}

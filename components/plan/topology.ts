import type { DatacenterSettings, Settings } from "../config";
import { problem, Problem } from "../errors";
import { GATEWAY_API } from "../versions";
import { entryPointName } from "./pki-plan";

/**
 * Topology: datacenters → racks → nodes, with every name a later component needs. Names follow
 * cass-operator (k8ssandra/cass-operator, apis/cassandra/v1beta1/cassandradatacenter_types.go and
 * pkg/reconciliation/construct_statefulset.go):
 *   StatefulSet   CleanupForKubernetes(clusterName)-LabelResourceName()-CleanupSubdomain(rack)-sts
 *   pods          <statefulset>-<ordinal>
 *   all-pods svc  <cluster>-<dc>-all-pods-service  (headless; the StatefulSet's serviceName, so pod DNS lives under it)
 *   dc svc        <cluster>-<dc>-service
 *   seed svc      <cluster>-seed-service            (one per Cassandra cluster name, in every namespace)
 *   add. seeds    <cluster>-<dc>-additional-seed-service
 * CleanupForKubernetes returns a valid DNS-1035 label unchanged. Config only accepts such labels
 * for the cluster, datacenter and rack names, so the names computed here are exactly the
 * operator's and no sanitising is needed.
 */

export interface NodePlan {
    readonly datacenter: string;
    readonly rack: string;
    readonly zone: string;
    readonly ordinal: number;
    /** The pod (and Cassandra node) name, e.g. `cassandra-dc1-rack1-sts-0`. */
    readonly podName: string;
    readonly statefulSet: string;
    /** The pod's FQDN under its own cluster's domain: the name other datacenters use. */
    readonly fqdn: string;
    /** The name clients outside the clusters use, under `externalDomain`; absent without one. */
    readonly externalName?: string;
}

export interface RackPlan {
    readonly name: string;
    readonly zone: string;
    readonly statefulSet: string;
    readonly replicas: number;
}

export interface DatacenterPlan {
    readonly name: string;
    readonly region?: string;
    readonly zones: readonly string[];
    readonly size: number;
    readonly namespace: string;
    /** The cluster's DNS domain (the suffix after `svc.`). */
    readonly clusterDomain: string;
    readonly racks: readonly RackPlan[];
    readonly nodes: readonly NodePlan[];
    readonly services: {
        readonly allPods: string;
        readonly datacenter: string;
        readonly seed: string;
        readonly additionalSeed: string;
    };
    /** FQDN of this datacenter's seed service, resolvable from every cluster through the DNS plan. */
    readonly seedFqdn: string;
    /** Name of the GKE cluster (unused with existing clusters). */
    readonly gkeClusterName: string;
    readonly nodeMachineType: string;
    readonly storageGb: number;
}

export interface Topology {
    readonly clusterName: string;
    readonly datacenters: readonly DatacenterPlan[];
}

/** Kubernetes limits a StatefulSet name to 52 characters: its revision label appends an 11-character hash to a 63-character value. */
const MAX_STATEFULSET_NAME = 52;
/** GKE cluster names are limited to 40 characters. */
const MAX_GKE_CLUSTER_NAME = 40;

/** The default domain of Kubernetes clusters; GKE uses it unless Cloud DNS VPC scope sets another. */
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

/** Racks as configured, or one per zone named rack1, rack2, … */
export function racksOf(dc: DatacenterSettings): { name: string; zone: string }[] {
    return dc.racks ?? dc.zones.map((zone, i) => ({ name: `rack${i + 1}`, zone }));
}

/**
 * The DNS domain of a datacenter's cluster. Cloud DNS VPC scope gives each GKE cluster its own
 * domain so the same service name in two clusters never collides in the shared VPC zone.
 */
export function clusterDomainOf(s: Settings, dc: DatacenterSettings): string {
    const existing = s.existingClusters?.[dc.name];
    if (existing) {
        return existing.clusterDomain;
    }
    return s.dns === "cloud-dns" ? `${dc.name}.${s.clusterName}.internal` : DEFAULT_CLUSTER_DOMAIN;
}

/**
 * The namespace a datacenter's Cassandra runs in. Stub domains forward `<namespace>.svc.<domain>`,
 * so when two clusters share a domain their datacenters need distinct namespaces: the default
 * then appends the datacenter name.
 */
export function namespaceOf(s: Settings, dc: DatacenterSettings): string {
    if (dc.namespace) {
        return dc.namespace;
    }
    const domains = s.datacenters.map((d) => clusterDomainOf(s, d));
    const shared = new Set(domains).size < domains.length;
    return s.dns === "stub" && shared ? `${s.namespace}-${dc.name}` : s.namespace;
}

/**
 * A node's name for clients outside the clusters. `per-datacenter` puts it under its
 * datacenter's entry point (`<pod>.<dc>.<domain>`), so one wildcard record per datacenter
 * (`*.<dc>.<domain>`, RFC 4592) resolves every node behind that datacenter's SNI ingress;
 * `flat` (`<pod>.<domain>`) needs a record per node.
 */
export function externalNameOf(
    podName: string,
    datacenter: string,
    externalDomain: string,
    scheme: Settings["externalNames"],
): string {
    return scheme === "flat"
        ? `${podName}.${externalDomain}`
        : `${podName}.${entryPointName(datacenter, externalDomain)}`;
}

/** The DNS suffix under which a datacenter's services are found from another cluster. */
export function serviceSuffix(namespace: string, clusterDomain: string): string {
    return `${namespace}.svc.${clusterDomain}`;
}

export function buildTopology(s: Settings): Topology {
    const seedService = `${s.clusterName}-seed-service`;
    const datacenters = s.datacenters.map((dc): DatacenterPlan => {
        const namespace = namespaceOf(s, dc);
        const clusterDomain = clusterDomainOf(s, dc);
        const suffix = serviceSuffix(namespace, clusterDomain);
        const allPods = `${s.clusterName}-${dc.name}-all-pods-service`;
        const perRack = dc.size / racksOf(dc).length;
        const racks = racksOf(dc).map((r) => ({
            name: r.name,
            zone: r.zone,
            statefulSet: `${s.clusterName}-${dc.name}-${r.name}-sts`,
            replicas: perRack,
        }));
        const nodes = racks.flatMap((r) =>
            Array.from({ length: r.replicas }, (_, ordinal): NodePlan => {
                const podName = `${r.statefulSet}-${ordinal}`;
                return {
                    datacenter: dc.name,
                    rack: r.name,
                    zone: r.zone,
                    ordinal,
                    podName,
                    statefulSet: r.statefulSet,
                    fqdn: `${podName}.${allPods}.${suffix}`,
                    externalName: s.externalDomain
                        ? externalNameOf(podName, dc.name, s.externalDomain, s.externalNames)
                        : undefined,
                };
            }),
        );
        return {
            name: dc.name,
            region: dc.region,
            zones: dc.zones,
            size: dc.size,
            namespace,
            clusterDomain,
            racks,
            nodes,
            services: {
                allPods,
                datacenter: `${s.clusterName}-${dc.name}-service`,
                seed: seedService,
                additionalSeed: `${s.clusterName}-${dc.name}-additional-seed-service`,
            },
            seedFqdn: `${seedService}.${suffix}`,
            gkeClusterName: `${s.clusterName}-${dc.name}`,
            nodeMachineType: dc.nodeMachineType,
            storageGb: dc.storageGb,
        };
    });
    return { clusterName: s.clusterName, datacenters };
}

/** Name-length limits and DNS suffix clashes that only show once names are composed. */
export function validateTopology(s: Settings, t: Topology): Problem[] {
    const problems: Problem[] = [];
    t.datacenters.forEach((dc, i) => {
        for (const r of dc.racks) {
            if (r.statefulSet.length > MAX_STATEFULSET_NAME) {
                problems.push(
                    problem(
                        `datacenters[${i}]`,
                        `StatefulSet name "${r.statefulSet}" (clusterName-datacenter-rack-sts) is ${r.statefulSet.length} characters; Kubernetes allows ${MAX_STATEFULSET_NAME}: shorten clusterName, the datacenter name or the rack name`,
                    ),
                );
            }
        }
        if (!s.existingClusters && dc.gkeClusterName.length > MAX_GKE_CLUSTER_NAME) {
            problems.push(
                problem(
                    `datacenters[${i}].name`,
                    `GKE cluster name "${dc.gkeClusterName}" (clusterName-datacenter) is ${dc.gkeClusterName.length} characters; GKE allows ${MAX_GKE_CLUSTER_NAME}`,
                ),
            );
        }
        for (const n of dc.nodes) {
            if (n.externalName && n.externalName.length > 253) {
                problems.push(
                    problem(
                        "externalDomain",
                        `external name "${n.externalName}" is longer than the 253 characters DNS allows; use a shorter externalDomain`,
                    ),
                );
                break;
            }
        }
    });
    if (s.ingress === "gateway-api") {
        t.datacenters.forEach((dc, i) => {
            if (dc.size + 1 > GATEWAY_API.maxListeners) {
                problems.push(
                    problem(
                        `datacenters[${i}].size`,
                        `ingress "gateway-api" gives datacenter "${dc.name}" one Gateway listener on 9042 plus one per node, ${dc.size + 1} in all, but a Gateway holds at most ${GATEWAY_API.maxListeners} (Gateway API ${GATEWAY_API.version}): keep it to ${GATEWAY_API.maxListeners - 1} nodes, or use ingress traefik, istio or kong`,
                    ),
                );
            }
        });
    }
    if (s.dns === "stub") {
        const seen = new Map<string, string>();
        for (const dc of t.datacenters) {
            const suffix = serviceSuffix(dc.namespace, dc.clusterDomain);
            const other = seen.get(suffix);
            if (other) {
                problems.push(
                    problem(
                        `datacenters[${t.datacenters.indexOf(dc)}].namespace`,
                        `datacenters ${other} and ${dc.name} both use the DNS suffix ${suffix}; stub domains need a distinct suffix per cluster: give them different namespaces or cluster domains`,
                    ),
                );
            }
            seen.set(suffix, dc.name);
        }
    }
    return problems;
}

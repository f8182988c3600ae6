import type { DatacenterPlan, Topology } from "./topology";

/**
 * What the program reads back from cass-operator once a datacenter runs, and what it derives
 * from it: the seeds the next datacenter joins through, and the host IDs clients route by.
 * Field names and meanings follow k8ssandra/cass-operator v1.30.0 (the release the pinned chart
 * ships; unchanged in v1.32.0), `apis/cassandra/v1beta1/cassandradatacenter_types.go`.
 */

/** `CassandraNodeStatus`: one entry of `status.nodeStatuses`, keyed by pod name. */
export interface CassandraNodeStatus {
    /** The node's Cassandra host ID; stable across pod restarts, new for a replaced node. */
    readonly hostID?: string;
    /** The node's RPC address: its pod IP (`getRpcAddress` in reconcile_racks.go). */
    readonly ip?: string;
    readonly rack?: string;
}

/** The parts of a CassandraDatacenter's `status` the program reads. */
export interface DatacenterStatus {
    /** `Updating` or `Ready` (`ProgressReady`). */
    readonly cassandraOperatorProgress?: string;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string }[];
    readonly nodeStatuses?: Readonly<Record<string, CassandraNodeStatus>>;
}

/** Nodes of each earlier datacenter a new datacenter lists as additional seeds. */
export const SEEDS_PER_DATACENTER = 3;

/**
 * Whether cass-operator reports the datacenter ready: condition `Ready` true and progress
 * `Ready`, the test k8ssandra-operator uses before it creates the next datacenter
 * (k8ssandra-operator v1.32.5 `pkg/cassandra/util.go` `DatacenterReady`).
 */
export function isDatacenterReady(status: DatacenterStatus | undefined): boolean {
    return (
        status?.cassandraOperatorProgress === "Ready" &&
        (status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True")
    );
}

/**
 * The seeds datacenter `index` joins through: the pod IPs of up to
 * {@link SEEDS_PER_DATACENTER} nodes of every datacenter before it, one per rack first, read
 * from their `status.nodeStatuses` — the way k8ssandra-operator feeds seeds across clusters
 * (`controllers/k8ssandra/seeds.go`, `reconcileSeedsEndpoints`: pod IPs, host names omitted on
 * purpose). IPs, not names, because cass-operator puts a host name into an FQDN EndpointSlice
 * (v1.30.0 `pkg/reconciliation/construct_service.go`, `newEndpointSlicesForAdditionalSeeds`),
 * which kube-dns does not answer. The first datacenter gets none: with no additional seeds
 * cass-operator labels its first node a seed before starting it
 * (`reconcile_racks.go`, `startOneNodePerRack` and `hasAdditionalSeeds`), and with any it labels
 * none, so a datacenter listing others must join running ones.
 */
export function additionalSeeds(
    topology: Topology,
    index: number,
    statuses: Readonly<Record<string, DatacenterStatus | undefined>>,
): string[] {
    return topology.datacenters.slice(0, index).flatMap((dc) => {
        const nodes = statuses[dc.name]?.nodeStatuses ?? {};
        return seedOrder(dc)
            .map((pod) => nodes[pod]?.ip)
            .filter((ip): ip is string => typeof ip === "string" && ip.length > 0)
            .slice(0, SEEDS_PER_DATACENTER);
    });
}

/** The datacenter's pods, first of each rack, then second of each rack, and so on. */
function seedOrder(dc: DatacenterPlan): string[] {
    const perRack = dc.racks.map((r) => dc.nodes.filter((n) => n.rack === r.name));
    const longest = Math.max(0, ...perRack.map((p) => p.length));
    return Array.from({ length: longest }, (_, i) =>
        perRack.flatMap((p) => (p[i] ? [p[i].podName] : [])),
    ).flat();
}

/** Pod name → host ID, for the nodes the status reports one for. */
export function hostIdsOf(status: DatacenterStatus | undefined): Record<string, string> {
    return Object.fromEntries(
        Object.entries(status?.nodeStatuses ?? {})
            .filter(([, n]) => typeof n.hostID === "string" && n.hostID.length > 0)
            .map(([pod, n]) => [pod, n.hostID as string]),
    );
}

/**
 * How long `pulumi up` waits for a datacenter to become ready: cass-operator starts the first
 * node of each rack, then the others, and a Cassandra node takes a few minutes to join. Fifteen
 * minutes for the first node of every rack (image pulls, volume binding) plus three per further
 * node of the largest rack; the README says how to raise it.
 */
export function readyTimeoutSeconds(dc: DatacenterPlan): number {
    const largestRack = Math.max(...dc.racks.map((r) => r.replicas));
    return 900 + 180 * (largestRack - 1);
}

import { describeOverlap, findOverlaps, OwnedRange } from "../../components/plan/cidr";
import { known, PolicyResourceLike, Rule, UNKNOWN } from "../resource";

/**
 * Every IPv4 range of the stack's clusters is pairwise disjoint: subnets' primary and secondary
 * ranges, GKE clusters' pod/service blocks and private control planes, and the ranges declared
 * for existing clusters on the top-level component. Overlaps break cross-cluster routing
 * silently, so the check reads the ranges wherever they were declared.
 */
export const noOverlappingRanges: Rule = {
    name: "no-overlapping-ranges",
    description: "Node, pod, service and control-plane ranges of all clusters must not overlap.",
    enforcementLevel: "mandatory",
    severity: "critical",
    // Overlaps are between resources, so the rule needs the whole stack.
    scope: "stack",
    appliesTo: (type) => RANGE_TYPES.includes(type),
    remediationSteps:
        "Give each cluster its own ranges: let the network plan allocate them from a supernet, or change the explicit ranges named in the message.",
    check(resources) {
        const owned = resources.flatMap(rangesOf);
        const urnOf = new Map(owned.map((o) => [o.range, o.urn]));
        return findOverlaps(owned.map((o) => o.range)).map((o) => ({
            message: `${describeOverlap(o)}; pod, service, node and control-plane ranges of clusters that route to each other must be disjoint`,
            urn: urnOf.get(o.b),
        }));
    },
};

interface Owned {
    readonly range: OwnedRange;
    readonly urn: string;
}

const SUBNETWORK = "gcp:compute/subnetwork:Subnetwork";
const CLUSTER = "gcp:container/cluster:Cluster";
const MULTI_CLUSTER = "cassandra-multicluster:index:CassandraMultiCluster";
const RANGE_TYPES = [SUBNETWORK, CLUSTER, MULTI_CLUSTER];

function rangesOf(r: PolicyResourceLike): Owned[] {
    const out: OwnedRange[] = [];
    const p = r.props;
    if (r.type === SUBNETWORK) {
        push(out, `Subnetwork ${r.name} primary`, () => p.ipCidrRange);
        const secondary = known(() => (p.secondaryIpRanges ?? []) as unknown[]);
        if (secondary !== UNKNOWN) {
            secondary.forEach((_, i) => {
                const s = () => p.secondaryIpRanges[i];
                const name = known(() => s().rangeName as string | undefined);
                push(
                    out,
                    `Subnetwork ${r.name} ${name === UNKNOWN || !name ? "secondary" : name}`,
                    () => s().ipCidrRange,
                );
            });
        }
    } else if (r.type === CLUSTER) {
        push(out, `Cluster ${r.name} pods`, () => p.ipAllocationPolicy?.clusterIpv4CidrBlock);
        push(out, `Cluster ${r.name} services`, () => p.ipAllocationPolicy?.servicesIpv4CidrBlock);
        push(
            out,
            `Cluster ${r.name} control plane`,
            () => p.privateClusterConfig?.masterIpv4CidrBlock,
        );
    } else if (r.type === MULTI_CLUSTER) {
        // Its args (offline plan, Analyze) and its registered outputs (AnalyzeStack) both carry
        // `existingClusters` with the ranges of clusters the stack does not create.
        const existing = known(
            () => p.existingClusters as Record<string, Record<string, string>> | undefined,
        );
        const clusters = existing === UNKNOWN ? {} : (existing ?? {});
        for (const dc of Object.keys(clusters)) {
            for (const key of ["nodeCidr", "podCidr", "serviceCidr"]) {
                push(out, `existingClusters.${dc}.${key}`, () => clusters[dc]?.[key]);
            }
        }
    }
    return out.map((range) => ({ range, urn: r.urn }));
}

/**
 * Unknown (preview: a range GCP picks, or an output not computed yet) and empty values are
 * skipped: they cannot be checked here, and `pulumi up` runs the rule again with them known.
 */
function push(out: OwnedRange[], owner: string, read: () => unknown): void {
    const cidr = known(read);
    if (typeof cidr === "string" && cidr.includes("/")) {
        out.push({ owner, cidr });
    }
}

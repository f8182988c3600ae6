import { describeOverlap, findOverlaps, OwnedRange } from "../../components/plan/cidr";
import type { PolicyResourceLike, Rule } from "../resource";

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

function rangesOf(r: PolicyResourceLike): Owned[] {
    const out: OwnedRange[] = [];
    const p = r.props;
    if (r.type === "gcp:compute/subnetwork:Subnetwork") {
        push(out, `Subnetwork ${r.name} primary`, p.ipCidrRange);
        for (const s of (p.secondaryIpRanges ?? []) as {
            rangeName?: string;
            ipCidrRange?: string;
        }[]) {
            push(out, `Subnetwork ${r.name} ${s.rangeName ?? "secondary"}`, s.ipCidrRange);
        }
    } else if (r.type === "gcp:container/cluster:Cluster") {
        push(out, `Cluster ${r.name} pods`, p.ipAllocationPolicy?.clusterIpv4CidrBlock);
        push(out, `Cluster ${r.name} services`, p.ipAllocationPolicy?.servicesIpv4CidrBlock);
        push(out, `Cluster ${r.name} control plane`, p.privateClusterConfig?.masterIpv4CidrBlock);
    } else if (r.type === "cassandra-multicluster:index:CassandraMultiCluster") {
        for (const [dc, c] of Object.entries(
            (p.existingClusters ?? {}) as Record<string, Record<string, string>>,
        )) {
            for (const key of ["nodeCidr", "podCidr", "serviceCidr"]) {
                push(out, `existingClusters.${dc}.${key}`, c?.[key]);
            }
        }
    }
    return out.map((range) => ({ range, urn: r.urn }));
}

/** Unknown (preview) and empty values are skipped: a range GCP picks cannot be checked here. */
function push(out: OwnedRange[], owner: string, cidr: unknown): void {
    if (typeof cidr === "string" && cidr.includes("/")) {
        out.push({ owner, cidr });
    }
}

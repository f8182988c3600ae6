import type { Settings } from "../config";
import { problem, Problem } from "../errors";
import {
    cidrProblem,
    describeOverlap,
    enclosing,
    findOverlaps,
    format,
    Ipv4Range,
    isPrivateRange,
    OwnedRange,
    parseCidr,
    prefixFor,
    PRIVATE_RANGES,
    size,
    span,
    subrange,
} from "./cidr";

/**
 * The CIDR plan: which node, pod, service and control-plane range each datacenter's cluster
 * uses. Automatic plans carve one fixed-size block per datacenter out of the supernet, by the
 * datacenter's position in the list, so appending a datacenter or resizing one never moves
 * another datacenter's ranges (moving a GKE range replaces the cluster).
 */

/** The ranges of one datacenter's cluster. `nodes`/`controlPlane` are absent only for existing clusters that did not declare them. */
export interface DatacenterRanges {
    readonly datacenter: string;
    readonly nodes?: string;
    readonly pods: string;
    readonly services: string;
    readonly controlPlane?: string;
    /** Where the ranges came from, for messages and the plan report. */
    readonly source: "supernet" | "network.ranges" | "existingClusters";
}

export interface NetworkPlan {
    /** The supernet automatic ranges were carved from; absent when every range was given. */
    readonly supernet?: string;
    readonly maxPodsPerNode: number;
    readonly datacenters: readonly DatacenterRanges[];
}

/** GKE's private control plane must be exactly a /28. */
export const CONTROL_PLANE_PREFIX = 28;
/** GKE's default services range size; Cassandra needs few services, but the default is what GKE docs size for. */
export const SERVICES_PREFIX = 20;
/** GCP reserves four addresses in every subnet's primary range. */
const SUBNET_RESERVED_ADDRESSES = 4;
/**
 * Node capacity planned when `maxNodes` is not set: datacenters up to 32 nodes keep their ranges
 * while they scale. Larger ones are sized at twice their node count; set `maxNodes` to the
 * capacity you will ever need so growth never moves a range (which replaces the GKE cluster).
 */
const DEFAULT_MAX_NODES = 64;

/** Addresses GKE reserves per node for pods: twice the max pods per node, rounded up to a power of two. */
export function podAddressesPerNode(maxPodsPerNode: number): number {
    return 2 ** Math.ceil(Math.log2(maxPodsPerNode * 2));
}

/** The node capacity ranges are sized for. */
export function plannedNodeCapacity(dc: { size: number; maxNodes?: number }): number {
    return dc.maxNodes ?? Math.max(DEFAULT_MAX_NODES, 2 ** Math.ceil(Math.log2(dc.size * 2)));
}

/** Computes the CIDR plan, or returns every problem that prevents one. */
export function planNetwork(s: Settings): { plan?: NetworkPlan; problems: Problem[] } {
    const perNode = podAddressesPerNode(s.network.maxPodsPerNode);
    let result: { datacenters: DatacenterRanges[]; problems: Problem[]; supernet?: string };
    if (s.existingClusters) {
        result = fromExistingClusters(s);
    } else if (s.network.ranges) {
        result = fromExplicitRanges(s, perNode);
    } else {
        result = allocate(s, perNode);
    }
    const problems = [...result.problems, ...overlapProblems(result.datacenters)];
    if (problems.length > 0) {
        return { problems };
    }
    return {
        plan: {
            supernet: result.supernet,
            maxPodsPerNode: s.network.maxPodsPerNode,
            datacenters: result.datacenters,
        },
        problems,
    };
}

/** What one datacenter's block must hold. */
interface BlockNeed {
    readonly index: number;
    readonly name: string;
    readonly capacity: number;
    readonly wanted: readonly {
        role: "pods" | "services" | "nodes" | "controlPlane";
        prefix: number;
    }[];
    /** Addresses of all its ranges together. */
    readonly needed: number;
}

function blockNeed(dc: Settings["datacenters"][number], index: number, perNode: number): BlockNeed {
    const capacity = plannedNodeCapacity(dc);
    const wanted = [
        { role: "pods", prefix: prefixFor(capacity * perNode) },
        { role: "services", prefix: SERVICES_PREFIX },
        {
            role: "nodes",
            prefix: Math.min(29, prefixFor(capacity + SUBNET_RESERVED_ADDRESSES)),
        },
        { role: "controlPlane", prefix: CONTROL_PLANE_PREFIX },
    ] as const;
    const needed = wanted.reduce((n, w) => n + 2 ** (32 - w.prefix), 0);
    return { index, name: dc.name, capacity, wanted, needed };
}

/** "datacenter "dc1" needs 8336 addresses for 64 nodes (pods /20, …)": why a block has its size. */
function describeNeed(n: BlockNeed): string {
    const p = Object.fromEntries(n.wanted.map((w) => [w.role, w.prefix]));
    return `datacenter "${n.name}" needs ${n.needed} addresses for ${n.capacity} nodes (pods /${p.pods}, services /${p.services}, nodes /${p.nodes}, control plane /${p.controlPlane})`;
}

function allocate(s: Settings, perNode: number) {
    const problems: Problem[] = [];
    if (!wellFormed(s.network.supernet)) {
        return { datacenters: [], problems }; // reported by the schema
    }
    const supernet = parseCidr(s.network.supernet);
    const blockPrefix = s.network.datacenterPrefix;
    const needs = s.datacenters.map((dc, i) => blockNeed(dc, i, perNode));
    if (needs.length === 0) {
        return { datacenters: [], problems }; // reported by the schema
    }
    const misfit = supernetMisfit(s, supernet, needs);
    if (misfit) {
        return { datacenters: [], problems: [misfit] };
    }
    const datacenters: DatacenterRanges[] = [];
    const fits = prefixFor(Math.max(...needs.map((n) => n.needed)));
    for (const need of needs) {
        const block = subrange(supernet, blockPrefix, need.index);
        if (need.needed > size(block)) {
            problems.push(
                problem(
                    `datacenters[${need.index}]`,
                    `${describeNeed(need)} but its block ${format(block)} holds ${size(block)}; lower maxNodes or network.maxPodsPerNode, or set network.datacenterPrefix to ${prefixRange(supernet.prefix + slotBits(needs.length), fits)}`,
                ),
            );
            continue;
        }
        const placed = pack(block, need.wanted);
        datacenters.push({
            datacenter: need.name,
            pods: placed.pods,
            services: placed.services,
            nodes: placed.nodes,
            controlPlane: placed.controlPlane,
            source: "supernet",
        });
    }
    return { datacenters, problems, supernet: s.network.supernet };
}

/** Prefix bits that number `count` equal blocks inside a parent. */
function slotBits(count: number): number {
    return Math.ceil(Math.log2(Math.max(1, count)));
}

/**
 * One problem when the supernet cannot hold every datacenter's block at the configured block
 * size, naming the smallest supernet (and the block prefix) that fits, so that following it
 * fixes the layout in one step. A block too small for its datacenter while the supernet is big
 * enough is reported per datacenter by {@link allocate}.
 */
function supernetMisfit(
    s: Settings,
    supernet: Ipv4Range,
    needs: readonly BlockNeed[],
): Problem | undefined {
    const b = s.network.datacenterPrefix;
    const k = slotBits(needs.length);
    const largest = needs.reduce((a, n) => (n.needed > a.needed ? n : a));
    // The longest block prefix that still holds the largest datacenter.
    const m = prefixFor(largest.needed);
    const count = `${needs.length} datacenter${needs.length === 1 ? "" : "s"}`;
    const why = `the largest block needed is a /${m}: ${describeNeed(largest)}`;
    const smallest = m - k;
    if (supernet.prefix + k > m) {
        // No block size works in this supernet: say the smallest one that does.
        if (smallest < 8) {
            return problem(
                "network.supernet",
                `${s.network.supernet} is too small for ${count}: ${why}, and ${needs.length} such blocks need a /${smallest}, larger than any private range (10.0.0.0/8 holds ${2 ** (m - 8)}); lower maxNodes or network.maxPodsPerNode`,
            );
        }
        const prefixFix = b === m ? "" : ` with network.datacenterPrefix: ${m}`;
        return problem(
            "network.supernet",
            `${s.network.supernet} is too small for ${count}: ${why}, so the supernet must be a /${smallest} or larger; use e.g. ${privateExample(supernet, smallest)}${prefixFix}`,
        );
    }
    if (b >= supernet.prefix + k) {
        return undefined; // enough blocks; whether each holds its datacenter is checked per datacenter
    }
    const current =
        b < supernet.prefix
            ? `a /${b} datacenter block (network.datacenterPrefix, 16 unless set) is larger than the supernet ${s.network.supernet}`
            : `${s.network.supernet} holds ${2 ** (b - supernet.prefix)} /${b} datacenter block(s) (network.datacenterPrefix, 16 unless set) but ${count} are declared`;
    const keep =
        b - k >= 8
            ? `, or keep /${b} blocks in a /${b - k} supernet (e.g. ${privateExample(supernet, b - k)})`
            : "";
    return problem(
        b < supernet.prefix ? "network.datacenterPrefix" : "network.supernet",
        `${current}; ${why}. Set network.datacenterPrefix to ${prefixRange(supernet.prefix + k, m)} to keep ${s.network.supernet}${keep}`,
    );
}

/** "18" or "a value from 17 to 18": the block prefixes that work, within the schema's 8–24. */
function prefixRange(shortest: number, longest: number): string {
    const lo = Math.max(8, shortest);
    return lo >= longest ? `${longest}` : `a value from ${lo} to ${longest}`;
}

/** A /`prefix` around the given supernet when that is private address space, else the first private one that holds it. */
function privateExample(near: Ipv4Range, prefix: number): string {
    const around = format(enclosing(near, prefix));
    if (isPrivateRange(around)) {
        return around;
    }
    const parent = PRIVATE_RANGES.map(parseCidr).find((p) => p.prefix <= prefix) as Ipv4Range;
    return format({ base: parent.base, prefix });
}

/** Places ranges largest first at the next free address; power-of-two sizes in descending order stay aligned. */
function pack<R extends string>(
    block: Ipv4Range,
    wanted: readonly { role: R; prefix: number }[],
): Record<R, string> {
    const ordered = [...wanted].sort((a, b) => a.prefix - b.prefix);
    let cursor = block.base;
    const out = {} as Record<R, string>;
    for (const w of ordered) {
        out[w.role] = format({ base: cursor, prefix: w.prefix });
        cursor += 2 ** (32 - w.prefix);
    }
    return out;
}

function fromExplicitRanges(s: Settings, perNode: number) {
    const problems: Problem[] = [];
    const given = s.network.ranges ?? {};
    const datacenters: DatacenterRanges[] = [];
    const declared = new Set(s.datacenters.map((d) => d.name));
    for (const key of Object.keys(given)) {
        if (!declared.has(key)) {
            problems.push(
                problem(
                    `network.ranges.${key}`,
                    `"${key}" is not a declared datacenter; key network.ranges by datacenter name (${[...declared].join(", ")})`,
                ),
            );
        }
    }
    s.datacenters.forEach((dc) => {
        const r = given[dc.name];
        const path = `network.ranges.${dc.name}`;
        if (!r) {
            problems.push(
                problem(
                    path,
                    `datacenter "${dc.name}" has no ranges; when network.ranges is set it must give nodes, pods, services and controlPlane for every datacenter`,
                ),
            );
            return;
        }
        problems.push(
            ...minimumSize(
                `${path}.nodes`,
                r.nodes,
                dc.size + SUBNET_RESERVED_ADDRESSES,
                `${dc.size} nodes plus the 4 addresses GCP reserves`,
            ),
        );
        problems.push(
            ...minimumSize(
                `${path}.pods`,
                r.pods,
                dc.size * perNode,
                `${dc.size} nodes × ${perNode} pod addresses per node (maxPodsPerNode ${s.network.maxPodsPerNode})`,
            ),
        );
        if (
            wellFormed(r.controlPlane) &&
            parseCidr(r.controlPlane).prefix !== CONTROL_PLANE_PREFIX
        ) {
            problems.push(
                problem(
                    `${path}.controlPlane`,
                    `${r.controlPlane} must be a /28: GKE's private control plane takes exactly 16 addresses`,
                ),
            );
        }
        datacenters.push({ datacenter: dc.name, ...r, source: "network.ranges" });
    });
    return { datacenters, problems };
}

function fromExistingClusters(s: Settings) {
    const problems: Problem[] = [];
    const datacenters: DatacenterRanges[] = [];
    for (const dc of s.datacenters) {
        const c = s.existingClusters?.[dc.name];
        if (!c) {
            continue; // reported by validateSettings
        }
        problems.push(
            ...minimumSize(
                `existingClusters.${dc.name}.podCidr`,
                c.podCidr,
                dc.size,
                `one address for each of ${dc.size} Cassandra pods`,
            ),
        );
        datacenters.push({
            datacenter: dc.name,
            pods: c.podCidr,
            services: c.serviceCidr,
            nodes: c.nodeCidr,
            source: "existingClusters",
        });
    }
    return { datacenters, problems };
}

/**
 * Whether a configured range can be judged. A malformed one (or one missing beside other
 * schema errors) is reported by the schema; the checks that need it are skipped.
 */
function wellFormed(cidr: string | undefined): cidr is string {
    return typeof cidr === "string" && cidrProblem(cidr) === undefined;
}

function minimumSize(path: string, cidr: string, addresses: number, why: string): Problem[] {
    if (!wellFormed(cidr)) {
        return [];
    }
    const range = parseCidr(cidr);
    if (size(range) >= addresses) {
        return [];
    }
    return [
        problem(
            path,
            `${cidr} holds ${size(range)} addresses but ${addresses} are needed (${why}); use a /${prefixFor(addresses)} or larger`,
        ),
    ];
}

/** The ranges a cluster's traffic comes from: its pods and, where declared, its nodes. */
export function sourceRanges(r: DatacenterRanges): string[] {
    return [r.pods, ...(r.nodes ? [r.nodes] : [])];
}

/** Every range of the plan with its owner, in a stable order; the policy pack reads the same list. */
export function ownedRanges(datacenters: readonly DatacenterRanges[]): OwnedRange[] {
    const out: OwnedRange[] = [];
    for (const d of datacenters) {
        for (const role of ["nodes", "pods", "services", "controlPlane"] as const) {
            const cidr = d[role];
            if (cidr) {
                out.push({ owner: `${rangePath(d, role)}`, cidr });
            }
        }
    }
    return out;
}

function rangePath(
    d: DatacenterRanges,
    role: "nodes" | "pods" | "services" | "controlPlane",
): string {
    if (d.source === "existingClusters") {
        const key = {
            nodes: "nodeCidr",
            pods: "podCidr",
            services: "serviceCidr",
            controlPlane: "controlPlane",
        }[role];
        return `existingClusters.${d.datacenter}.${key}`;
    }
    return d.source === "network.ranges"
        ? `network.ranges.${d.datacenter}.${role}`
        : `datacenter ${d.datacenter} ${role}`;
}

function overlapProblems(datacenters: readonly DatacenterRanges[]): Problem[] {
    return findOverlaps(ownedRanges(datacenters)).map((o) =>
        problem(
            o.b.owner,
            `${describeOverlap(o)}; ranges of all clusters must be disjoint (${o.a.cidr} spans ${span(parseCidr(o.a.cidr))})`,
        ),
    );
}

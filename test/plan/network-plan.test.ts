import { describe, it, expect } from "vitest";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_ERROR, parseSettings, Settings } from "../../components/config";
import { buildPlan } from "../../components/plan";
import {
    cidrProblem,
    contains,
    findOverlaps,
    format,
    parseCidr,
    size,
    subrange,
} from "../../components/plan/cidr";
import {
    CONTROL_PLANE_PREFIX,
    DatacenterRanges,
    NetworkPlan,
    ownedRanges,
    plannedNodeCapacity,
    planNetwork,
    podAddressesPerNode,
    SERVICES_PREFIX,
} from "../../components/plan/network-plan";
import { ExpectedProblem, expectProblemList } from "../helpers/problems";

const NUM_RUNS = 100;
const ZONES = ["us-west1-a", "us-west1-b", "us-west1-c"];

/** A GKE datacenter in us-west1 with one rack per zone. */
function gkeDc(name: string, size = 3, extra: Record<string, unknown> = {}) {
    return { name, region: "us-west1", zones: ZONES, size, ...extra };
}

/** A datacenter on an existing cluster (no region needed). */
function existingDc(name: string, size = 3) {
    return { name, zones: ["zone-a"], size };
}

function settings(raw: Record<string, unknown>): Settings {
    return parseSettings(raw);
}

/** The plan, failing the test with the problems when there is none. */
function planOf(s: Settings): NetworkPlan {
    const result = planNetwork(s);
    expect(result.problems).toEqual([]);
    expect(result.plan).toBeDefined();
    return result.plan as NetworkPlan;
}

/** planNetwork refuses to plan and returns exactly these problems. */
function expectNoPlan(s: Settings, expected: readonly ExpectedProblem[]): void {
    const result = planNetwork(s);
    expect(result.plan).toBeUndefined();
    expectProblemList(result.problems, expected);
}

type Ranges = Omit<DatacenterRanges, "datacenter" | "source">;

describe("podAddressesPerNode and plannedNodeCapacity", () => {
    it.each([
        [8, 16],
        [16, 32],
        [32, 64],
        [33, 128],
        [64, 128],
        [110, 256],
        [256, 512],
    ])("maxPodsPerNode %i reserves %i pod addresses per node", (maxPods, addresses) => {
        expect(podAddressesPerNode(maxPods)).toBe(addresses);
    });

    it.each([
        [{ size: 1 }, 64],
        [{ size: 32 }, 64],
        [{ size: 33 }, 128],
        [{ size: 60 }, 128],
        [{ size: 100 }, 256],
        [{ size: 3, maxNodes: 10 }, 10],
        [{ size: 60, maxNodes: 60 }, 60],
    ])("%j is planned for %i nodes", (dc, capacity) => {
        expect(plannedNodeCapacity(dc)).toBe(capacity);
    });
});

describe("planNetwork golden layouts", () => {
    const golden: [string, Record<string, unknown>, string, number, Record<string, Ranges>][] = [
        [
            "two datacenters, all defaults",
            { datacenters: [gkeDc("dc1", 3), gkeDc("dc2", 6)] },
            "10.0.0.0/8",
            32,
            {
                // 64 planned nodes × 64 pod addresses = 4096 = /20; 64 + 4 node addresses → /25.
                dc1: {
                    pods: "10.0.0.0/20",
                    services: "10.0.16.0/20",
                    nodes: "10.0.32.0/25",
                    controlPlane: "10.0.32.128/28",
                },
                dc2: {
                    pods: "10.1.0.0/20",
                    services: "10.1.16.0/20",
                    nodes: "10.1.32.0/25",
                    controlPlane: "10.1.32.128/28",
                },
            },
        ],
        [
            "maxPodsPerNode 110: 256 pod addresses per node",
            { datacenters: [gkeDc("dc1", 3)], network: { maxPodsPerNode: 110 } },
            "10.0.0.0/8",
            110,
            {
                // 64 × 256 = 16384 = /18.
                dc1: {
                    pods: "10.0.0.0/18",
                    services: "10.0.64.0/20",
                    nodes: "10.0.80.0/25",
                    controlPlane: "10.0.80.128/28",
                },
            },
        ],
        [
            "small blocks in 172.16.0.0/12 with maxNodes 10 and 8 pods per node",
            {
                datacenters: [
                    gkeDc("east", 3, { maxNodes: 10 }),
                    gkeDc("west", 3, { maxNodes: 10 }),
                ],
                network: { supernet: "172.16.0.0/12", datacenterPrefix: 18, maxPodsPerNode: 8 },
            },
            "172.16.0.0/12",
            8,
            {
                // Services (/20) are now the largest range and go first; 10 × 16 = 160 → /24; 10 + 4 → /28.
                east: {
                    pods: "172.16.16.0/24",
                    services: "172.16.0.0/20",
                    nodes: "172.16.17.0/28",
                    controlPlane: "172.16.17.16/28",
                },
                west: {
                    pods: "172.16.80.0/24",
                    services: "172.16.64.0/20",
                    nodes: "172.16.81.0/28",
                    controlPlane: "172.16.81.16/28",
                },
            },
        ],
        [
            "60 nodes without maxNodes plans for 128",
            { datacenters: [gkeDc("big", 60)] },
            "10.0.0.0/8",
            32,
            {
                // 128 × 64 = 8192 = /19; 128 + 4 → /24.
                big: {
                    pods: "10.0.0.0/19",
                    services: "10.0.32.0/20",
                    nodes: "10.0.48.0/24",
                    controlPlane: "10.0.49.0/28",
                },
            },
        ],
        [
            "three datacenters in 192.168.0.0/16 with /18 blocks",
            {
                datacenters: [gkeDc("dc1"), gkeDc("dc2"), gkeDc("dc3")],
                network: { supernet: "192.168.0.0/16", datacenterPrefix: 18 },
            },
            "192.168.0.0/16",
            32,
            {
                dc1: {
                    pods: "192.168.0.0/20",
                    services: "192.168.16.0/20",
                    nodes: "192.168.32.0/25",
                    controlPlane: "192.168.32.128/28",
                },
                dc2: {
                    pods: "192.168.64.0/20",
                    services: "192.168.80.0/20",
                    nodes: "192.168.96.0/25",
                    controlPlane: "192.168.96.128/28",
                },
                dc3: {
                    pods: "192.168.128.0/20",
                    services: "192.168.144.0/20",
                    nodes: "192.168.160.0/25",
                    controlPlane: "192.168.160.128/28",
                },
            },
        ],
    ];

    it.each(golden)("%s", (_name, raw, supernet, maxPods, expected) => {
        const plan = planOf(settings(raw));
        expect(plan.supernet).toBe(supernet);
        expect(plan.maxPodsPerNode).toBe(maxPods);
        expect(plan.datacenters).toEqual(
            Object.entries(expected).map(([datacenter, r]) => ({
                datacenter,
                ...r,
                source: "supernet",
            })),
        );
    });

    it.each(golden)(
        "%s: the golden ranges are aligned, disjoint and inside their blocks",
        (_n, raw, supernet, _m, expected) => {
            const s = settings(raw);
            const parent = parseCidr(supernet);
            Object.values(expected).forEach((r, i) => {
                const block = subrange(parent, s.network.datacenterPrefix, i);
                for (const cidr of [r.pods, r.services, r.nodes, r.controlPlane] as string[]) {
                    expect(cidrProblem(cidr)).toBeUndefined();
                    expect(contains(block, parseCidr(cidr))).toBe(true);
                }
                expect(parseCidr(r.controlPlane as string).prefix).toBe(CONTROL_PLANE_PREFIX);
                expect(parseCidr(r.services).prefix).toBe(SERVICES_PREFIX);
            });
            const all = Object.entries(expected).flatMap(([dc, r]) =>
                Object.entries(r).map(([role, cidr]) => ({
                    owner: `${dc} ${role}`,
                    cidr: cidr as string,
                })),
            );
            expect(findOverlaps(all)).toEqual([]);
        },
    );
});

describe("planNetwork allocation problems", () => {
    it("rejects more datacenters than the supernet has blocks", () => {
        expectNoPlan(
            settings({
                datacenters: [gkeDc("dc1"), gkeDc("dc2"), gkeDc("dc3")],
                network: { supernet: "10.0.0.0/15", datacenterPrefix: 16 },
            }),
            [
                {
                    path: "network.supernet",
                    reason: 'holds 2 /16 datacenter block(s) (network.datacenterPrefix, 16 unless set) but 3 datacenters are declared; the largest block needed is a /18: datacenter "dc1" needs 8336 addresses for 64 nodes (pods /20, services /20, nodes /25, control plane /28). Set network.datacenterPrefix to a value from 17 to 18 to keep 10.0.0.0/15, or keep /16 blocks in a /14 supernet (e.g. 10.0.0.0/14)',
                },
            ],
        );
    });

    it("rejects a datacenter block larger than the supernet", () => {
        expectNoPlan(
            settings({
                datacenters: [gkeDc("dc1")],
                network: { supernet: "10.0.0.0/16", datacenterPrefix: 12 },
            }),
            [
                {
                    path: "network.datacenterPrefix",
                    reason: 'a /12 datacenter block (network.datacenterPrefix, 16 unless set) is larger than the supernet 10.0.0.0/16; the largest block needed is a /18: datacenter "dc1" needs 8336 addresses for 64 nodes (pods /20, services /20, nodes /25, control plane /28). Set network.datacenterPrefix to a value from 16 to 18 to keep 10.0.0.0/16, or keep /12 blocks in a /12 supernet (e.g. 10.0.0.0/12)',
                },
            ],
        );
    });

    it("names every datacenter whose ranges do not fit its block", () => {
        expectNoPlan(
            settings({
                datacenters: [
                    gkeDc("dc1", 3, { maxNodes: 1000 }),
                    gkeDc("dc2"),
                    gkeDc("dc3", 3, { maxNodes: 500 }),
                ],
                network: { datacenterPrefix: 18 },
            }),
            [
                {
                    path: "datacenters[0]",
                    reason: 'datacenter "dc1" needs 70672 addresses for 1000 nodes (pods /16, services /20, nodes /22, control plane /28) but its block 10.0.0.0/18 holds 16384',
                },
                { path: "datacenters[2]", reason: 'datacenter "dc3" needs' },
            ],
        );
    });

    it("a /24 datacenter block never fits (the services range alone is a /20)", () => {
        expectNoPlan(
            settings({
                datacenters: [gkeDc("dc1", 3, { maxNodes: 3 })],
                network: { datacenterPrefix: 24 },
            }),
            [{ path: "datacenters[0]", reason: "but its block 10.0.0.0/24 holds 256" }],
        );
    });

    it("buildPlan throws the same problems as an InputPropertiesError", () => {
        let caught: unknown;
        try {
            buildPlan(
                settings({
                    datacenters: [gkeDc("dc1"), gkeDc("dc2")],
                    network: { supernet: "10.0.0.0/16", datacenterPrefix: 16 },
                }),
            );
        } catch (e) {
            caught = e;
        }
        expect(caught).toBeInstanceOf(pulumi.InputPropertiesError);
        const err = caught as pulumi.InputPropertiesError;
        expect(err.message).toBe(CONFIG_ERROR);
        expectProblemList(err.errors, [
            { path: "network.supernet", reason: "holds 1 /16 datacenter block(s)" },
        ]);
    });

    // Issue #16, item 4: a supernet too small used to blame network.datacenterPrefix (never set),
    // then the block count, then a datacenter's block size: three rounds.
    it("names the smallest supernet that fits, in one message that fixes the layout when followed", () => {
        const raw = {
            datacenters: [gkeDc("dc1"), gkeDc("dc2")],
            network: { supernet: "10.0.0.0/20" },
        };
        expectNoPlan(settings(raw), [
            {
                path: "network.supernet",
                reason: '10.0.0.0/20 is too small for 2 datacenters: the largest block needed is a /18: datacenter "dc1" needs 8336 addresses for 64 nodes (pods /20, services /20, nodes /25, control plane /28), so the supernet must be a /17 or larger; use e.g. 10.0.0.0/17 with network.datacenterPrefix: 18',
            },
        ]);
        planOf(settings({ ...raw, network: { supernet: "10.0.0.0/17", datacenterPrefix: 18 } }));
    });

    it("suggests a private supernet when the one around the given supernet would be public", () => {
        expectNoPlan(
            settings({
                datacenters: ["dc1", "dc2", "dc3", "dc4", "dc5"].map((n) => gkeDc(n)),
                network: { supernet: "192.168.0.0/16", datacenterPrefix: 18 },
            }),
            [
                {
                    path: "network.supernet",
                    // 192.168.0.0/15 would reach into public space.
                    reason: "so the supernet must be a /15 or larger; use e.g. 10.0.0.0/15",
                },
            ],
        );
    });

    it("says when no private range can hold the datacenters", () => {
        expectNoPlan(
            settings({
                datacenters: [gkeDc("dc1", 3, { maxNodes: 100000 }), gkeDc("dc2")],
                network: { supernet: "10.0.0.0/8", datacenterPrefix: 8 },
            }),
            [
                {
                    path: "network.supernet",
                    reason: "and 2 such blocks need a /7, larger than any private range (10.0.0.0/8 holds 1); lower maxNodes or network.maxPodsPerNode",
                },
            ],
        );
    });
});

describe("planNetwork properties", () => {
    interface DcSpec {
        readonly racks: number;
        readonly perRack: number;
        readonly maxExtra?: number;
    }
    interface Layout {
        readonly dcs: readonly DcSpec[];
        readonly supernetAddress: number;
        readonly supernetPrefix: number;
        readonly datacenterPrefix: number;
        readonly maxPodsPerNode: number;
    }

    const dcSpec: fc.Arbitrary<DcSpec> = fc.integer({ min: 1, max: 3 }).chain((racks) =>
        fc.record({
            racks: fc.constant(racks),
            perRack: fc.integer({ min: 1, max: Math.floor(60 / racks) }),
            maxExtra: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
        }),
    );

    const layout: fc.Arbitrary<Layout> = fc.record({
        dcs: fc.array(dcSpec, { minLength: 1, maxLength: 8 }),
        supernetAddress: fc.integer({ min: 0, max: 0xffffffff }),
        supernetPrefix: fc.integer({ min: 8, max: 12 }),
        datacenterPrefix: fc.integer({ min: 14, max: 18 }),
        maxPodsPerNode: fc.constantFrom(8, 16, 32, 64, 110),
    });

    const sizeOf = (d: DcSpec) => d.racks * d.perRack;

    function supernetOf(l: Layout): string {
        const mask = (0xffffffff << (32 - l.supernetPrefix)) >>> 0;
        return format({ base: (l.supernetAddress & mask) >>> 0, prefix: l.supernetPrefix });
    }

    function settingsOf(l: Layout, network: Record<string, unknown> = {}): Settings {
        return parseSettings({
            datacenters: l.dcs.map((d, i) => ({
                name: `dc${i}`,
                region: "us-west1",
                zones: ZONES.slice(0, d.racks),
                size: sizeOf(d),
                ...(d.maxExtra === undefined ? {} : { maxNodes: sizeOf(d) + d.maxExtra }),
            })),
            network: {
                supernet: supernetOf(l),
                datacenterPrefix: l.datacenterPrefix,
                maxPodsPerNode: l.maxPodsPerNode,
                // Random supernets are mostly public address space; the planner is the subject here.
                allowPublicRanges: true,
                ...network,
            },
        });
    }

    /**
     * The network settings each fix a problem proposes: "set network.datacenterPrefix to N" or
     * "a value from A to B", "use e.g. <supernet> with network.datacenterPrefix: N", "keep /b
     * blocks in a /p supernet (e.g. <supernet>)".
     */
    function proposedFixes(reason: string): Record<string, unknown>[] {
        const fixes: Record<string, unknown>[] = [];
        const prefixes = /network\.datacenterPrefix to (?:a value from (\d+) to )?(\d+)/.exec(
            reason,
        );
        if (prefixes) {
            for (const p of [prefixes[1], prefixes[2]].filter((x) => x !== undefined)) {
                fixes.push({ datacenterPrefix: Number(p) });
            }
        }
        const bigger = /use e\.g\. (\S+?)(?: with network\.datacenterPrefix: (\d+))?$/.exec(reason);
        if (bigger) {
            fixes.push({
                supernet: bigger[1],
                ...(bigger[2] ? { datacenterPrefix: Number(bigger[2]) } : {}),
            });
        }
        const keep = /keep \/\d+ blocks in a \/\d+ supernet \(e\.g\. (\S+)\)/.exec(reason);
        if (keep) {
            fixes.push({ supernet: keep[1] });
        }
        return fixes;
    }

    it("produces a plan exactly when there are no problems, and every fix it proposes gives a plan in one step", () => {
        let followed = 0;
        fc.assert(
            fc.property(layout, (l) => {
                const result = planNetwork(settingsOf(l));
                expect(result.plan === undefined).toBe(result.problems.length > 0);
                if (result.problems.length === 0) {
                    return;
                }
                const layoutWide = result.problems.filter((p) =>
                    p.propertyPath.startsWith("network."),
                );
                if (layoutWide.length > 0) {
                    // The supernet cannot hold the blocks: one message, never per datacenter too.
                    expect(result.problems).toHaveLength(1);
                    expect(layoutWide[0].propertyPath).toMatch(
                        /^network\.(supernet|datacenterPrefix)$/,
                    );
                } else {
                    for (const p of result.problems) {
                        expect(p.propertyPath).toMatch(/^datacenters\[\d\]$/);
                        expect(p.reason).toContain(
                            `/${l.datacenterPrefix} holds ${2 ** (32 - l.datacenterPrefix)}`,
                        );
                    }
                }
                const reason = result.problems[0].reason;
                if (reason.includes("larger than any private range")) {
                    return;
                }
                const fixes = proposedFixes(reason);
                expect(fixes.length, reason).toBeGreaterThan(0);
                for (const fix of fixes) {
                    const fixed = planNetwork(settingsOf(l, fix));
                    expect(fixed.problems, `${reason}\nfollowing ${JSON.stringify(fix)}`).toEqual(
                        [],
                    );
                    followed++;
                }
            }),
            { numRuns: NUM_RUNS },
        );
        expect(followed).toBeGreaterThan(0);
    });

    it("never overlaps, keeps every range in the supernet and its block, and sizes ranges for the nodes", () => {
        let planned = 0;
        fc.assert(
            fc.property(layout, (l) => {
                const s = settingsOf(l);
                const { plan } = planNetwork(s);
                if (!plan) {
                    return;
                }
                planned++;
                expect(plan.datacenters).toHaveLength(l.dcs.length);
                expect(findOverlaps(ownedRanges(plan.datacenters))).toEqual([]);
                const supernet = parseCidr(supernetOf(l));
                const perNode = podAddressesPerNode(l.maxPodsPerNode);
                // Collect violations and assert once per run: hundreds of expect() calls per run are slow.
                const violations: string[] = [];
                const check = (ok: boolean, what: string) => {
                    if (!ok) {
                        violations.push(what);
                    }
                };
                plan.datacenters.forEach((r, i) => {
                    check(
                        r.datacenter === `dc${i}` && r.source === "supernet",
                        `${r.datacenter}: name/source`,
                    );
                    const block = subrange(supernet, l.datacenterPrefix, i);
                    for (const cidr of [r.nodes, r.pods, r.services, r.controlPlane]) {
                        if (cidr === undefined || cidrProblem(cidr) !== undefined) {
                            violations.push(`${r.datacenter}: bad range ${cidr}`);
                            continue;
                        }
                        const range = parseCidr(cidr);
                        check(
                            contains(supernet, range),
                            `${r.datacenter}: ${cidr} outside the supernet`,
                        );
                        check(
                            contains(block, range),
                            `${r.datacenter}: ${cidr} outside its block ${format(block)}`,
                        );
                    }
                    const dc = s.datacenters[i];
                    const capacity = plannedNodeCapacity(dc);
                    check(
                        capacity >= dc.size,
                        `${r.datacenter}: capacity ${capacity} < size ${dc.size}`,
                    );
                    check(
                        size(parseCidr(r.pods)) >= capacity * perNode,
                        `${r.datacenter}: pods ${r.pods} too small`,
                    );
                    check(
                        size(parseCidr(r.nodes as string)) >= capacity + 4,
                        `${r.datacenter}: nodes ${r.nodes} too small`,
                    );
                    check(
                        parseCidr(r.services).prefix === SERVICES_PREFIX,
                        `${r.datacenter}: services ${r.services}`,
                    );
                    check(
                        parseCidr(r.controlPlane as string).prefix === CONTROL_PLANE_PREFIX,
                        `${r.datacenter}: control plane ${r.controlPlane}`,
                    );
                });
                expect(violations).toEqual([]);
            }),
            { numRuns: NUM_RUNS },
        );
        // The generator must actually exercise successful plans.
        expect(planned).toBeGreaterThan(NUM_RUNS / 4);
    });

    it("is deterministic: the same input gives a deep-equal plan", () => {
        fc.assert(
            fc.property(layout, (l) => {
                const s = settingsOf(l);
                const first = planNetwork(s);
                expect(planNetwork(settingsOf(l))).toEqual(first);
                expect(planNetwork(structuredClone(s))).toEqual(first);
            }),
            { numRuns: NUM_RUNS },
        );
    });

    it("appending a datacenter never changes the existing datacenters' ranges", () => {
        fc.assert(
            fc.property(layout, dcSpec, (l, added) => {
                const before = planNetwork(settingsOf(l)).plan;
                const after = planNetwork(settingsOf({ ...l, dcs: [...l.dcs, added] })).plan;
                if (after) {
                    // Anything that fits with the extra datacenter fits without it.
                    expect(before).toBeDefined();
                    expect(after.datacenters.slice(0, l.dcs.length)).toEqual(before?.datacenters);
                }
            }),
            { numRuns: NUM_RUNS },
        );
    });

    it("resizing one datacenter never changes the other datacenters' ranges", () => {
        fc.assert(
            fc.property(layout, fc.nat(), fc.nat(), (l, which, newPerRack) => {
                const k = which % l.dcs.length;
                const dc = l.dcs[k];
                const maxNodes = dc.maxExtra === undefined ? undefined : sizeOf(dc) + dc.maxExtra;
                const limit = Math.min(60, maxNodes ?? 60);
                const perRack = 1 + (newPerRack % Math.floor(limit / dc.racks));
                // maxNodes stays where it was; only the size changes.
                const maxExtra = maxNodes === undefined ? undefined : maxNodes - dc.racks * perRack;
                const resized: DcSpec = { racks: dc.racks, perRack, maxExtra };
                const dcs = l.dcs.map((d, i) => (i === k ? resized : d));
                const before = planNetwork(settingsOf(l)).plan;
                const after = planNetwork(settingsOf({ ...l, dcs })).plan;
                if (before && after) {
                    const others = (p: NetworkPlan) => p.datacenters.filter((_, i) => i !== k);
                    expect(others(after)).toEqual(others(before));
                    if (dc.maxExtra !== undefined) {
                        // With maxNodes, resizing within it does not move the datacenter's own ranges either.
                        expect(after.datacenters[k]).toEqual(before.datacenters[k]);
                    }
                }
            }),
            { numRuns: NUM_RUNS },
        );
    });

    it("without maxNodes, any size up to 32 keeps the same ranges", () => {
        const plans = [1, 2, 3, 12, 30, 32].map(
            (n) =>
                planOf(
                    settings({
                        datacenters: [
                            gkeDc("dc1", 3),
                            { ...gkeDc("dc2", n), zones: ["us-west1-a"] },
                        ],
                    }),
                ).datacenters,
        );
        for (const p of plans) {
            expect(p).toEqual(plans[0]);
        }
    });
});

describe("planNetwork with explicit network.ranges", () => {
    const dc1Ranges = {
        nodes: "10.0.0.0/24",
        pods: "10.1.0.0/16",
        services: "10.2.0.0/20",
        controlPlane: "10.3.0.0/28",
    };
    const dc2Ranges = {
        nodes: "10.0.1.0/24",
        pods: "10.4.0.0/16",
        services: "10.2.16.0/20",
        controlPlane: "10.3.0.16/28",
    };

    function explicit(
        ranges: Record<string, unknown>,
        sizes: [number, number] = [3, 3],
        network: Record<string, unknown> = {},
    ) {
        return settings({
            datacenters: [gkeDc("dc1", sizes[0]), gkeDc("dc2", sizes[1])],
            network: { ...network, ranges },
        });
    }

    it("uses the given ranges unchanged, with no supernet", () => {
        const plan = planOf(explicit({ dc1: dc1Ranges, dc2: dc2Ranges }));
        expect(plan.supernet).toBeUndefined();
        expect(plan.datacenters).toEqual([
            { datacenter: "dc1", ...dc1Ranges, source: "network.ranges" },
            { datacenter: "dc2", ...dc2Ranges, source: "network.ranges" },
        ]);
        expect(ownedRanges(plan.datacenters).map((o) => o.owner)).toEqual([
            "network.ranges.dc1.nodes",
            "network.ranges.dc1.pods",
            "network.ranges.dc1.services",
            "network.ranges.dc1.controlPlane",
            "network.ranges.dc2.nodes",
            "network.ranges.dc2.pods",
            "network.ranges.dc2.services",
            "network.ranges.dc2.controlPlane",
        ]);
    });

    it("ignores the supernet: explicit ranges may lie outside it", () => {
        const plan = planOf(
            explicit({ dc1: dc1Ranges, dc2: dc2Ranges }, [3, 3], { supernet: "172.16.0.0/12" }),
        );
        expect(plan.datacenters.map((d) => d.pods)).toEqual(["10.1.0.0/16", "10.4.0.0/16"]);
    });

    it.each([
        // size 3 needs 3 + 4 = 7 node addresses.
        [
            "nodes",
            "10.0.0.0/30",
            3,
            "10.0.0.0/30 holds 4 addresses but 7 are needed (3 nodes plus the 4 addresses GCP reserves); use a /29 or larger",
        ],
        [
            "nodes",
            "10.0.0.0/29",
            6,
            "10.0.0.0/29 holds 8 addresses but 10 are needed (6 nodes plus the 4 addresses GCP reserves); use a /28 or larger",
        ],
        // size 3 × 64 = 192 pod addresses.
        [
            "pods",
            "10.1.0.0/25",
            3,
            "10.1.0.0/25 holds 128 addresses but 192 are needed (3 nodes × 64 pod addresses per node (maxPodsPerNode 32)); use a /24 or larger",
        ],
        [
            "pods",
            "10.1.0.0/24",
            6,
            "10.1.0.0/24 holds 256 addresses but 384 are needed (6 nodes × 64 pod addresses per node (maxPodsPerNode 32)); use a /23 or larger",
        ],
    ] as const)("rejects a too-small %s range %s for %i nodes", (role, cidr, dcSize, reason) => {
        expectNoPlan(
            explicit({ dc1: { ...dc1Ranges, [role]: cidr }, dc2: dc2Ranges }, [dcSize, 3]),
            [{ path: `network.ranges.dc1.${role}`, reason }],
        );
    });

    it.each([
        ["10.0.0.0/29", 3],
        ["10.1.0.0/24", 3],
    ])("accepts ranges exactly large enough (%s for %i nodes)", (cidr, dcSize) => {
        const role = cidr.startsWith("10.0.") ? "nodes" : "pods";
        planOf(explicit({ dc1: { ...dc1Ranges, [role]: cidr }, dc2: dc2Ranges }, [dcSize, 3]));
    });

    it("sizes pods by maxPodsPerNode", () => {
        expectNoPlan(
            explicit({ dc1: { ...dc1Ranges, pods: "10.1.0.0/23" }, dc2: dc2Ranges }, [3, 3], {
                maxPodsPerNode: 110,
            }),
            [
                {
                    path: "network.ranges.dc1.pods",
                    reason: "10.1.0.0/23 holds 512 addresses but 768 are needed (3 nodes × 256 pod addresses per node (maxPodsPerNode 110)); use a /22 or larger",
                },
            ],
        );
    });

    it.each(["10.7.0.0/27", "10.7.0.0/29", "10.7.0.0/24", "10.7.0.0/32"])(
        "rejects the control plane %s: it must be a /28",
        (cidr) => {
            expectNoPlan(explicit({ dc1: { ...dc1Ranges, controlPlane: cidr }, dc2: dc2Ranges }), [
                {
                    path: "network.ranges.dc1.controlPlane",
                    reason: `${cidr} must be a /28: GKE's private control plane takes exactly 16 addresses`,
                },
            ]);
        },
    );

    it("requires an entry for every datacenter", () => {
        expectNoPlan(explicit({ dc1: dc1Ranges }), [
            {
                path: "network.ranges.dc2",
                reason: 'datacenter "dc2" has no ranges; when network.ranges is set it must give nodes, pods, services and controlPlane for every datacenter',
            },
        ]);
    });

    it("rejects an entry for an undeclared datacenter", () => {
        expectNoPlan(explicit({ dc1: dc1Ranges, dc2: dc2Ranges, dc3: dc2Ranges }), [
            {
                path: "network.ranges.dc3",
                reason: '"dc3" is not a declared datacenter; key network.ranges by datacenter name (dc1, dc2)',
            },
        ]);
    });

    it("names both owners and both ranges for an overlap between datacenters", () => {
        expectNoPlan(explicit({ dc1: dc1Ranges, dc2: { ...dc2Ranges, pods: "10.1.128.0/17" } }), [
            {
                path: "network.ranges.dc2.pods",
                reason: "network.ranges.dc1.pods 10.1.0.0/16 overlaps network.ranges.dc2.pods 10.1.128.0/17; ranges of all clusters must be disjoint (10.1.0.0/16 spans 10.1.0.0–10.1.255.255)",
            },
        ]);
    });

    it("names both owners for an overlap inside one datacenter, and for different roles", () => {
        expectNoPlan(
            explicit({
                dc1: { ...dc1Ranges, services: "10.1.16.0/20" },
                dc2: { ...dc2Ranges, nodes: "10.3.0.0/24" },
            }),
            [
                {
                    path: "network.ranges.dc1.services",
                    reason: "network.ranges.dc1.pods 10.1.0.0/16 overlaps network.ranges.dc1.services 10.1.16.0/20",
                },
                {
                    path: "network.ranges.dc2.nodes",
                    reason: "network.ranges.dc1.controlPlane 10.3.0.0/28 overlaps network.ranges.dc2.nodes 10.3.0.0/24",
                },
                {
                    path: "network.ranges.dc2.controlPlane",
                    reason: "network.ranges.dc2.nodes 10.3.0.0/24 overlaps network.ranges.dc2.controlPlane 10.3.0.16/28",
                },
            ],
        );
    });

    it("reports every overlapping pair, not just the first", () => {
        const same = "10.9.0.0/16";
        expectNoPlan(
            explicit({
                dc1: { ...dc1Ranges, pods: same },
                dc2: { ...dc2Ranges, pods: same, services: "10.9.0.0/20" },
            }),
            [
                {
                    path: "network.ranges.dc2.pods",
                    reason: `network.ranges.dc1.pods ${same} overlaps network.ranges.dc2.pods ${same}`,
                },
                {
                    path: "network.ranges.dc2.services",
                    reason: `network.ranges.dc1.pods ${same} overlaps network.ranges.dc2.services 10.9.0.0/20`,
                },
                {
                    path: "network.ranges.dc2.services",
                    reason: `network.ranges.dc2.pods ${same} overlaps network.ranges.dc2.services 10.9.0.0/20`,
                },
            ],
        );
    });

    it("collects size, control-plane, missing and unknown problems together", () => {
        expectNoPlan(
            explicit({
                dc1: { ...dc1Ranges, pods: "10.1.0.0/25", controlPlane: "10.3.0.0/27" },
                dc3: dc2Ranges,
            }),
            [
                { path: "network.ranges.dc3", reason: "is not a declared datacenter" },
                {
                    path: "network.ranges.dc1.pods",
                    reason: "10.1.0.0/25 holds 128 addresses but 192 are needed",
                },
                { path: "network.ranges.dc1.controlPlane", reason: "10.3.0.0/27 must be a /28" },
                { path: "network.ranges.dc2", reason: 'datacenter "dc2" has no ranges' },
            ],
        );
    });

    // A datacenter named "constructor" is a valid DNS label, but `given[dc.name]` finds
    // Object.prototype.constructor, so planNetwork throws a plain Error ("undefined" is not an
    // IPv4 CIDR range) instead of reporting network.ranges.constructor; see the report.
    it('reports network.ranges.constructor as missing for a datacenter named "constructor"', () => {
        const s = settings({
            datacenters: [gkeDc("dc1"), gkeDc("constructor")],
            network: {
                ranges: {
                    dc1: {
                        nodes: "10.0.0.0/24",
                        pods: "10.1.0.0/16",
                        services: "10.2.0.0/20",
                        controlPlane: "10.3.0.0/28",
                    },
                },
            },
        });
        expectNoPlan(s, [
            {
                path: "network.ranges.constructor",
                reason: 'datacenter "constructor" has no ranges',
            },
        ]);
    });
});

describe("planNetwork with existingClusters", () => {
    function existing(clusters: Record<string, unknown>, sizes: [number, number] = [3, 3]) {
        return settings({
            datacenters: [existingDc("dc1", sizes[0]), existingDc("dc2", sizes[1])],
            existingClusters: clusters,
        });
    }
    const c1 = { podCidr: "10.0.0.0/16", serviceCidr: "10.1.0.0/16" };
    const c2 = { podCidr: "10.4.0.0/16", serviceCidr: "10.5.0.0/16", nodeCidr: "10.6.0.0/24" };

    it("takes the declared ranges, without nodes or control plane unless given", () => {
        const plan = planOf(existing({ dc1: c1, dc2: c2 }));
        expect(plan.supernet).toBeUndefined();
        expect(plan.datacenters).toEqual([
            {
                datacenter: "dc1",
                pods: "10.0.0.0/16",
                services: "10.1.0.0/16",
                nodes: undefined,
                source: "existingClusters",
            },
            {
                datacenter: "dc2",
                pods: "10.4.0.0/16",
                services: "10.5.0.0/16",
                nodes: "10.6.0.0/24",
                source: "existingClusters",
            },
        ]);
        expect(ownedRanges(plan.datacenters)).toEqual([
            { owner: "existingClusters.dc1.podCidr", cidr: "10.0.0.0/16" },
            { owner: "existingClusters.dc1.serviceCidr", cidr: "10.1.0.0/16" },
            { owner: "existingClusters.dc2.nodeCidr", cidr: "10.6.0.0/24" },
            { owner: "existingClusters.dc2.podCidr", cidr: "10.4.0.0/16" },
            { owner: "existingClusters.dc2.serviceCidr", cidr: "10.5.0.0/16" },
        ]);
    });

    it("names both clusters and both ranges for overlapping existing clusters", () => {
        expectNoPlan(
            existing({
                dc1: c1,
                dc2: { ...c2, podCidr: "10.0.128.0/17", nodeCidr: "10.1.3.0/24" },
            }),
            [
                {
                    path: "existingClusters.dc2.podCidr",
                    reason: "existingClusters.dc1.podCidr 10.0.0.0/16 overlaps existingClusters.dc2.podCidr 10.0.128.0/17; ranges of all clusters must be disjoint (10.0.0.0/16 spans 10.0.0.0–10.0.255.255)",
                },
                {
                    path: "existingClusters.dc2.nodeCidr",
                    reason: "existingClusters.dc1.serviceCidr 10.1.0.0/16 overlaps existingClusters.dc2.nodeCidr 10.1.3.0/24",
                },
            ],
        );
    });

    it("rejects a pod range with fewer addresses than Cassandra pods", () => {
        expectNoPlan(existing({ dc1: { ...c1, podCidr: "10.0.0.0/31" }, dc2: c2 }), [
            {
                path: "existingClusters.dc1.podCidr",
                reason: "10.0.0.0/31 holds 2 addresses but 3 are needed (one address for each of 3 Cassandra pods); use a /30 or larger",
            },
        ]);
    });

    it("skips a datacenter with no entry (validateSettings reports it)", () => {
        const s = existing({ dc1: c1, dc2: c2 });
        const result = planNetwork({
            ...s,
            existingClusters: {
                dc1: s.existingClusters?.dc1 as NonNullable<Settings["existingClusters"]>[string],
            },
        });
        expect(result.problems).toEqual([]);
        expect(result.plan?.datacenters.map((d) => d.datacenter)).toEqual(["dc1"]);
    });
});

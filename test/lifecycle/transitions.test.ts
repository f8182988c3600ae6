import { describe, expect, it } from "vitest";
import {
    LifecycleState,
    nextCaSteps,
    transitionProblems,
} from "../../components/lifecycle/transitions";

const dc = (
    index: number,
    extra: Partial<LifecycleState["datacenters"][string]> = {},
): LifecycleState["datacenters"][string] => ({
    index,
    size: 6,
    storageGb: 200,
    racks: [
        { name: "rack1", zone: "z-a" },
        { name: "rack2", zone: "z-b" },
    ],
    decommission: false,
    ...extra,
});
const base: LifecycleState = {
    serverVersion: "5.0.5",
    storageCompatibilityMode: "NONE",
    datacenters: { dc1: dc(0), dc2: dc(1) },
    ca: { generation: 1, rotation: null },
};
const reasons = (after: Partial<LifecycleState>, before: LifecycleState = base) =>
    transitionProblems(before, { ...before, ...after }).map((p) => `${p.property}: ${p.reason}`);

describe("changes a running cluster survives", () => {
    it("accepts growth: storage, size, a new datacenter, a new rack with enough nodes, a patch upgrade", () => {
        expect(
            reasons({
                serverVersion: "5.0.6",
                datacenters: {
                    dc1: dc(0, {
                        storageGb: 400,
                        size: 9,
                        racks: [...dc(0).racks, { name: "rack3", zone: "z-c" }],
                    }),
                    dc2: dc(1, { size: 8 }),
                    dc3: dc(2),
                },
            }),
        ).toEqual([]);
    });

    it("refuses what cass-operator or Cassandra would refuse mid-way, naming the setting", () => {
        expect(
            reasons({
                serverVersion: "4.1.9",
                datacenters: {
                    dc1: dc(0, { racks: [{ name: "rack1", zone: "z-a" }] }),
                    dc2: dc(1, {
                        racks: [
                            { name: "rack2", zone: "z-b" },
                            { name: "rack1", zone: "z-a" },
                        ],
                    }),
                },
            }),
        ).toEqual([
            'datacenters[0].racks: racks cannot be removed from a running datacenter (cass-operator\'s webhook refuses "remove rack"); it has rack1, rack2',
            "datacenters[1].racks[0]: rack rack1 in z-a cannot become rack2 in z-b (cass-operator's webhook refuses renaming, moving or reordering racks; new racks go at the end)",
            "datacenters[1].racks[1]: rack rack2 in z-b cannot become rack1 in z-a (cass-operator's webhook refuses renaming, moving or reordering racks; new racks go at the end)",
            "serverVersion: 5.0.5 → 4.1.9: Cassandra cannot be downgraded in place (sstables and system tables written by the newer version)",
        ]);
        // cass-operator's webhook: each new rack needs at least the old racks' smallest share.
        expect(
            reasons({
                datacenters: {
                    dc1: dc(0, {
                        size: 8,
                        racks: [...dc(0).racks, { name: "rack3", zone: "z-c" }],
                    }),
                    dc2: dc(1),
                },
            }),
        ).toEqual([
            "datacenters[0].size: adding 1 rack(s) needs the size to grow by at least 3 (cass-operator's webhook keeps existing nodes from moving to new racks); it grows by 2",
        ]);
    });

    it("upgrades 4.1 to 5.0 only through CASSANDRA_4, then UPGRADING, then NONE", () => {
        const v41: LifecycleState = {
            ...base,
            serverVersion: "4.1.9",
            storageCompatibilityMode: null,
        };
        const on = (serverVersion: string, mode: string | null) =>
            ({ serverVersion, storageCompatibilityMode: mode }) as Partial<LifecycleState>;
        expect(reasons(on("5.0.5", "CASSANDRA_4"), v41)).toEqual([]);
        expect(reasons(on("5.0.5", "NONE"), v41)[0]).toContain(
            "4.1.9 → 5.0.5 in storage compatibility mode NONE",
        );
        const c4: LifecycleState = { ...base, storageCompatibilityMode: "CASSANDRA_4" };
        const up: LifecycleState = { ...base, storageCompatibilityMode: "UPGRADING" };
        expect(reasons(on("5.0.5", "UPGRADING"), c4)).toEqual([]);
        expect(reasons(on("5.0.5", "NONE"), up)).toEqual([]);
        expect(reasons(on("5.0.5", "NONE"), c4)).toEqual([
            "storageCompatibilityMode: CASSANDRA_4 → NONE: the storage compatibility mode moves one step per rolling restart, CASSANDRA_4 → UPGRADING → NONE, and never back (UPGRADING already writes 5.0 formats); from CASSANDRA_4 the next step is UPGRADING",
        ]);
        expect(reasons(on("5.0.5", "CASSANDRA_4"), up)).toHaveLength(1);
        expect(reasons(on("5.0.6", "NONE"))).toEqual([]);
    });

    it("walks a CA rotation one phase at a time and refuses every skip", () => {
        const states = [
            { generation: 1, rotation: null },
            { generation: 1, rotation: "add-new-ca" },
            { generation: 1, rotation: "issue-from-new-ca" },
            { generation: 2, rotation: null },
            { generation: 2, rotation: "add-new-ca" },
        ] as const;
        const ok = (a: LifecycleState["ca"], b: LifecycleState["ca"]) =>
            transitionProblems({ ...base, ca: a }, { ...base, ca: b }).length === 0;
        for (const [i, a] of states.entries()) {
            for (const [j, b] of states.entries()) {
                // Forward one phase, back to the previous phase (abandoning), or staying: nothing else.
                const allowed =
                    j === i ||
                    j === i + 1 ||
                    (a.rotation === "add-new-ca" && j === i - 1) ||
                    (a.rotation === "issue-from-new-ca" && j === i - 1);
                expect(ok(a, b), `${JSON.stringify(a)} → ${JSON.stringify(b)}`).toBe(allowed);
            }
        }
        expect(nextCaSteps({ generation: 3, rotation: null })).toEqual([
            { generation: 3, rotation: "add-new-ca" },
        ]);
    });

    it("keeps a running stack's external names: no switch between flat and per-datacenter, either way", () => {
        const named = (externalNames: string | null | undefined): LifecycleState => ({
            ...base,
            externalNames,
        });
        const rename =
            "externalNames: flat → per-datacenter would rename every node (<pod>.<domain> → <pod>.<datacenter>.<domain>): clients configured with the old names would fail to resolve them, to be routed by them, and to verify the nodes' certificates against them. ";
        expect(reasons({ externalNames: "per-datacenter" }, named("flat"))).toEqual([
            `${rename}Keep externalNames: flat (README "External names")`,
        ]);
        // A state recorded before the setting existed: its names were flat.
        expect(reasons({ externalNames: "per-datacenter" }, named(undefined))).toEqual([
            `${rename}Keep externalNames: flat (this stack was created before externalNames existed, with flat names) (README "External names")`,
        ]);
        expect(reasons({ externalNames: "flat" }, named("per-datacenter"))).toHaveLength(1);
        expect(reasons({ externalNames: "flat" }, named(undefined))).toEqual([]);
        // Publishing names for the first time, or no longer, renames nothing.
        expect(reasons({ externalNames: "per-datacenter" }, named(null))).toEqual([]);
        expect(reasons({ externalNames: null }, named("per-datacenter"))).toEqual([]);
        expect(reasons({ externalNames: "per-datacenter" }, named("per-datacenter"))).toEqual([]);
    });
});

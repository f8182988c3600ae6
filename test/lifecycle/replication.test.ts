import { describe, expect, it } from "vitest";
import {
    KeyspaceReplication,
    replicationProblems,
    replicationReport,
} from "../../components/lifecycle/replication";

const NTS = "org.apache.cassandra.locator.NetworkTopologyStrategy";
const ks = (keyspace: string, replication: Record<string, string>): KeyspaceReplication => ({
    keyspace,
    replication,
});

/** Keyspaces as a Cassandra 5.0 cluster lists them in system_schema.keyspaces. */
const CLUSTER = [
    ks("system", { class: "org.apache.cassandra.locator.LocalStrategy" }),
    ks("system_schema", { class: "org.apache.cassandra.locator.LocalStrategy" }),
    ks("system_auth", { class: NTS, dc1: "3", dc2: "3", dc3: "3" }),
    ks("system_distributed", { class: NTS, dc1: "3", dc2: "3", dc3: "3" }),
    ks("system_traces", {
        class: "org.apache.cassandra.locator.SimpleStrategy",
        replication_factor: "2",
    }),
    ks("orders", { class: NTS, dc1: "3", dc2: "3" }),
    ks("Events", { class: NTS, dc1: "3", dc3: "2" }),
    ks("only_dc3", { class: NTS, dc3: "3" }),
    ks("zeroed", { class: NTS, dc1: "3", dc3: "0" }),
];

describe("keyspaces that still replicate to a leaving datacenter", () => {
    const problems = replicationProblems(CLUSTER, ["dc3"], ["dc1", "dc2"]);

    it("finds NetworkTopologyStrategy replicas there and SimpleStrategy keyspaces, skipping node-local ones, system_auth and zero counts", () => {
        expect(problems.map((p) => p.keyspace)).toEqual([
            "system_distributed",
            "system_traces",
            "Events",
            "only_dc3",
        ]);
    });

    it("gives the ALTER that keeps the other datacenters' counts, quoting names that need it", () => {
        const by = Object.fromEntries(problems.map((p) => [p.keyspace, p.statement]));
        expect(by.system_distributed).toBe(
            "ALTER KEYSPACE system_distributed WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 3};",
        );
        expect(by.Events).toBe(
            `ALTER KEYSPACE "Events" WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3};`,
        );
        // SimpleStrategy spreads over every datacenter: its factor in each remaining one.
        expect(by.system_traces).toBe(
            "ALTER KEYSPACE system_traces WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 2};",
        );
        expect(by.only_dc3).toMatch(
            /has replicas only in dc3: add replicas elsewhere .* or DROP KEYSPACE only_dc3/,
        );
    });

    it("accepts a cluster whose keyspaces left the datacenter already", () => {
        const moved = CLUSTER.filter(
            (k) =>
                !["system_distributed", "system_traces", "Events", "only_dc3"].includes(k.keyspace),
        );
        expect(replicationProblems(moved, ["dc3"], ["dc1", "dc2"])).toEqual([]);
    });

    it("reports every statement in one message", () => {
        const text = replicationReport(problems, ["dc3"]);
        expect(text).toContain(
            "refusing to remove datacenter(s) dc3: 4 keyspace(s) still replicate there",
        );
        for (const p of problems) {
            expect(text).toContain(p.statement);
        }
    });
});

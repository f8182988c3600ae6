import { Client, types } from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectedHosts } from "./harness/clients";
import { waitFor } from "./harness/exec";
import { createKeyspace, Fixture, fixture } from "./harness/fixture";

/**
 * The stock Node.js driver, given only a datacenter's client bundle and the CA, finds the whole
 * two-datacenter cluster through the router, opens one connection per local node, and reads
 * and writes at LOCAL_QUORUM in both datacenters over internode TLS.
 */
describe("bundle clients in both datacenters", () => {
    let f: Fixture;
    const clients: Record<string, Client> = {};

    beforeAll(async () => {
        f = fixture();
        for (const dc of Object.keys(f.bundles)) {
            clients[dc] = await f.connect(dc);
        }
        await createKeyspace(clients.dc1, "e2e_multi", { dc1: 2, dc2: 2 });
    });
    afterAll(() => f.closeAll());

    it("discovers all four nodes with their datacenter, rack and host ID", () => {
        for (const dc of ["dc1", "dc2"]) {
            const seen = clients[dc].hosts
                .values()
                .map((h) => ({
                    pod: f.podOfEndpoint(h.address),
                    dc: h.datacenter,
                    rack: h.rack,
                    hostId: h.hostId.toString(),
                }))
                .sort((a, b) => String(a.pod).localeCompare(String(b.pod)));
            const expected = f.state.nodes
                .map((n) => ({
                    pod: n.podName,
                    dc: n.datacenter,
                    rack: n.rack,
                    hostId: f.state.hostIds[n.podName],
                }))
                .sort((a, b) => a.pod.localeCompare(b.pod));
            expect(seen).toEqual(expected);
        }
    });

    it("connects to every local node through its own entry point port, and to no remote one", async () => {
        for (const dc of ["dc1", "dc2"]) {
            const bundle = f.bundles[dc];
            // Pools open in the background after connect(); all local ones must come up.
            const hosts = await waitFor(
                `${dc} pools`,
                () => {
                    const h = connectedHosts(clients[dc]);
                    return h.length === 2 && h;
                },
                10_000,
            );
            expect(hosts.map((e) => f.podOfEndpoint(e)).sort()).toEqual(
                f.state.nodes
                    .filter((n) => n.datacenter === dc)
                    .map((n) => n.podName)
                    .sort(),
            );
            expect(
                hosts.every(
                    (e) =>
                        e.startsWith(`${bundle.serverName}:`) ||
                        e.startsWith(`${f.state.entryAddresses[bundle.serverName]}:`),
                ),
            ).toBe(true);
        }
        expect(
            new Set(
                [...connectedHosts(clients.dc1), ...connectedHosts(clients.dc2)].map((e) =>
                    f.podOfEndpoint(e),
                ),
            ).size,
        ).toBe(4);
    });

    it("reaches, on each host's endpoint, exactly the node the driver believes is there", async () => {
        for (const dc of ["dc1", "dc2"]) {
            for (const host of clients[dc].hosts.values().filter((h) => h.datacenter === dc)) {
                const row = (
                    await clients[dc].execute("SELECT host_id, rpc_address FROM system.local", [], {
                        host,
                    })
                ).first();
                expect(row["host_id"].toString()).toBe(host.hostId.toString());
                const pod = f.state.nodes.find(
                    (n) => n.ip === row["rpc_address"].toString(),
                )?.podName;
                expect(pod).toBe(f.podOfEndpoint(host.address));
            }
        }
    });

    it("uses NetworkTopologyStrategy with two replicas in each datacenter", () => {
        const ks = clients.dc1.metadata.keyspaces["e2e_multi"] as {
            strategy: string;
            strategyOptions?: Record<string, string>;
        };
        expect(ks.strategy).toBe("org.apache.cassandra.locator.NetworkTopologyStrategy");
        expect(ks.strategyOptions).toMatchObject({ dc1: "2", dc2: "2" });
    });

    it("writes and reads at LOCAL_QUORUM in both datacenters, and each sees the other's writes", async () => {
        const lq = { consistency: types.consistencies.localQuorum, prepare: true };
        for (const dc of ["dc1", "dc2"]) {
            for (let i = 0; i < 20; i++) {
                await clients[dc].execute(
                    "INSERT INTO e2e_multi.kv (k, v) VALUES (?, ?)",
                    [`${dc}-${i}`, `from ${dc}`],
                    lq,
                );
            }
            for (let i = 0; i < 20; i++) {
                const row = (
                    await clients[dc].execute(
                        "SELECT v FROM e2e_multi.kv WHERE k = ?",
                        [`${dc}-${i}`],
                        lq,
                    )
                ).first();
                expect(row?.["v"]).toBe(`from ${dc}`);
            }
        }
        // LOCAL_QUORUM acknowledges before the other datacenter has the write: wait for replication.
        for (const [reader, writer] of [
            ["dc1", "dc2"],
            ["dc2", "dc1"],
        ]) {
            await waitFor(
                `${reader} to read ${writer}'s writes`,
                async () => {
                    for (let i = 0; i < 20; i++) {
                        const row = (
                            await clients[reader].execute(
                                "SELECT v FROM e2e_multi.kv WHERE k = ?",
                                [`${writer}-${i}`],
                                lq,
                            )
                        ).first();
                        if (row?.["v"] !== `from ${writer}`) {
                            return false;
                        }
                    }
                    return true;
                },
                20_000,
                500,
            );
        }
    });
});

import { Client, policies, types } from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyspace, Fixture, fixture } from "./harness/fixture";

const KEYS = Array.from({ length: 60 }, (_, i) => `token-${i}`);

/** For each key: the node that coordinated the write, and the nodes that own the key. */
async function coordinators(
    f: Fixture,
    client: Client,
): Promise<{ queried: string; replicas: string[] }[]> {
    const out: { queried: string; replicas: string[] }[] = [];
    for (const k of KEYS) {
        const rs = await client.execute("INSERT INTO e2e_rf1.kv (k, v) VALUES (?, ?)", [k, "v"], {
            prepare: true,
            consistency: types.consistencies.localOne,
        });
        const replicas = client
            .getReplicas("e2e_rf1", Buffer.from(k, "utf8"))
            .filter((h) => h.datacenter === "dc1")
            .map((h) => f.podOfEndpoint(h.address) as string);
        out.push({ queried: f.podOfEndpoint(rs.info.queriedHost) as string, replicas });
    }
    return out;
}

/**
 * Per-node routes keep the driver token-aware: with one replica per datacenter, every request
 * goes to the node that owns the key. The control run, the same driver without token awareness,
 * shows the check can tell the difference.
 */
describe("token-aware routing through per-node routes", () => {
    let f: Fixture;
    beforeAll(async () => {
        f = fixture();
        await createKeyspace(await f.connect("dc1"), "e2e_rf1", { dc1: 1, dc2: 1 });
    });
    afterAll(() => f.closeAll());

    it("sends every keyed request to the key's replica, spread over both local nodes", async () => {
        const client = await f.connect("dc1");
        const hits = await coordinators(f, client);
        for (const h of hits) {
            expect(h.replicas).toHaveLength(1);
            expect(h.replicas).toContain(h.queried);
        }
        expect(new Set(hits.map((h) => h.queried)).size).toBe(2);
    });

    it("misses replicas without token awareness (control)", async () => {
        const client = await f.connect("dc1", {
            loadBalancing: new policies.loadBalancing.DCAwareRoundRobinPolicy("dc1"),
        });
        const hits = await coordinators(f, client);
        const onReplica = hits.filter((h) => h.replicas.includes(h.queried)).length;
        expect(onReplica).toBeLessThan(hits.length);
        expect(onReplica).toBeGreaterThan(0);
    });
});

import { Client, types } from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExternalClient } from "../../components/client/external-client";
import { externalClientBundle } from "../../components/plan/client-bundle";
import { planRoutes } from "../../components/plan/routes";
import { createKeyspace, Fixture, fixture } from "./harness/fixture";
import { e2ePlan } from "./harness/topology";

/**
 * `createExternalClient`, the client the project ships for applications outside the clusters,
 * against the real cluster: from the stack's `clientBundle` output alone it discovers every
 * node's pod address through the node's dedicated port, then runs token-aware over TLS.
 */
describe("createExternalClient through the router", () => {
    let f: Fixture;
    let client: Client;

    beforeAll(async () => {
        f = fixture();
        const plan = e2ePlan();
        const routes = planRoutes(plan.settings, plan.topology, f.state.hostIds);
        const racks = Object.fromEntries(f.state.nodes.map((n) => [n.podName, n.rack]));
        // No addresses: the entry point names resolve as the stack's DNS records would.
        const bundle = externalClientBundle(
            plan.settings.clusterName,
            f.state.caPem,
            routes,
            racks,
            {},
        );
        client = await createExternalClient(bundle, { localDataCenter: "dc1" });
    });
    afterAll(async () => {
        await client?.shutdown();
    });

    it("knows all four nodes by their own external endpoints, with datacenter and rack", () => {
        const seen = client.hosts
            .values()
            .map(
                (h) =>
                    `${f.podOfEndpoint(h.address)} ${h.datacenter}/${h.rack} ${h.hostId.toString()}`,
            )
            .sort();
        const expected = f.state.nodes
            .map((n) => `${n.podName} ${n.datacenter}/${n.rack} ${f.state.hostIds[n.podName]}`)
            .sort();
        expect(seen).toEqual(expected);
    });

    it("writes and reads at LOCAL_QUORUM and sends keyed requests to the replica", async () => {
        await createKeyspace(client, "e2e_external", { dc1: 1, dc2: 1 });
        const coordinators = new Set<string>();
        for (let i = 0; i < 40; i++) {
            const key = `ext-${i}`;
            const opts = { prepare: true, consistency: types.consistencies.localQuorum };
            const rs = await client.execute(
                "INSERT INTO e2e_external.kv (k, v) VALUES (?, ?)",
                [key, "v"],
                opts,
            );
            const replicas = client
                .getReplicas("e2e_external", Buffer.from(key, "utf8"))
                .filter((h) => h.datacenter === "dc1")
                .map((h) => h.address);
            expect(replicas).toContain(rs.info.queriedHost);
            coordinators.add(rs.info.queriedHost);
            expect(
                (
                    await client.execute("SELECT v FROM e2e_external.kv WHERE k = ?", [key], opts)
                ).first()["v"],
            ).toBe("v");
        }
        expect(coordinators.size).toBe(2);
    });
});

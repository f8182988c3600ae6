import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodePemKey, secretNames } from "../../components/plan/datacenter-spec";
import { additionalSeeds } from "../../components/plan/datacenter-status";
import { resolveEndpoint } from "./harness/clients";
import { Fixture, fixture } from "./harness/fixture";
import { tlsProbe } from "./harness/tls-probe";
import { e2ePlan } from "./harness/topology";

/**
 * The cluster the suite runs is the one the program deploys: every node serves the key and
 * certificate of its own entry in the program's node Secret (PKCS#8, which Cassandra's
 * PEMReader requires), dc1 was seeded by the node cass-operator labels first, and dc2 joined
 * through the pod IPs the program reads from dc1's status.
 */
describe("the cluster formed from the program's own objects", () => {
    let f: Fixture;
    beforeAll(() => {
        f = fixture();
    });
    afterAll(async () => {
        await f.closeAll();
    });

    it("serves on every node the certificate of that node's entry in the program's Secret", async () => {
        const plan = e2ePlan();
        for (const n of f.state.nodes) {
            const secret =
                f.state.secrets[secretNames(plan.settings.clusterName, n.datacenter).tls];
            const pem = secret[nodePemKey(n.podName)];
            expect(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), n.podName).toBe(true);
            const endpoint = f.bundles[n.datacenter].addressTranslation[`${n.ip}:9042`];
            const [host, port] = (await resolveEndpoint(endpoint)).split(":");
            const r = await tlsProbe({
                host,
                port: Number(port),
                ca: f.state.caPem,
                servername: f.bundles[n.datacenter].serverName,
            });
            expect(r.error, n.podName).toBeUndefined();
            expect(r.fingerprint256, n.podName).toBe(new X509Certificate(pem).fingerprint256);
        }
    });

    it("seeded dc1 from the first node cass-operator started, and dc2 from dc1's pod IPs alone", () => {
        const plan = e2ePlan();
        expect(f.state.specs.base.dc1.additionalSeeds).toEqual([]);
        expect(f.state.seedPods[0]).toBe("cassandra-dc1-rack1-sts-0");
        const dc1Ips = f.state.nodes.filter((n) => n.datacenter === "dc1").map((n) => n.ip);
        const dc2Seeds = f.state.specs.base.dc2.additionalSeeds as string[];
        expect(dc2Seeds).toEqual(additionalSeeds(plan.topology, 1, { dc1: f.state.statuses.dc1 }));
        expect([...dc2Seeds].sort()).toEqual([...dc1Ips].sort());
        // dc2's own seeds came only after its nodes were ready, labelled by cass-operator's rule.
        expect(f.state.seedPods.filter((p) => p.includes("-dc2-"))).toHaveLength(2);
    });

    it("reports one ring: each datacenter's status lists its nodes with host IDs, and all four are peers", async () => {
        for (const dc of ["dc1", "dc2"]) {
            const st = f.state.statuses[dc];
            expect(Object.keys(st.nodeStatuses ?? {}).sort()).toEqual(
                f.state.nodes
                    .filter((n) => n.datacenter === dc)
                    .map((n) => n.podName)
                    .sort(),
            );
        }
        const client = await f.connect("dc2");
        const peers = (await client.execute("SELECT peer, data_center FROM system.peers_v2")).rows;
        expect(peers.map((r) => r["data_center"]).sort()).toEqual(["dc1", "dc1", "dc2"]);
    });
});

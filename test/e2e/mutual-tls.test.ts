import { Client, errors, types } from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restartNode } from "./harness/cassandra-node";
import { bundleClientOptions } from "./harness/clients";
import { nodeConfig } from "./harness/cluster";
import { createKeyspace, Fixture, fixture, waitUntilHealthy } from "./harness/fixture";
import { createCa, issue } from "./harness/pki";
import { E2E_MTLS_SETTINGS, e2ePlan } from "./harness/topology";

/**
 * With `tls.requireClientAuth`, the node's native transport (cassandra.yaml from
 * encryptionOptions with requireClientAuth: true) accepts only clients presenting a certificate
 * from the cluster CA, such as the ones the stack issues for `tls.clientCertificates`.
 * One dc2 node is restarted with that config for the duration of this file.
 */
describe("mutual TLS on a node restarted with requireClientAuth", () => {
    let f: Fixture;
    let node: string;
    let endpoint: string;

    beforeAll(async () => {
        f = fixture();
        const n = f.state.nodes.find((x) => x.datacenter === "dc2" && !x.seed)!;
        node = n.podName;
        endpoint = f.bundles.dc2.addressTranslation[`${n.ip}:9042`];
        await restartNode(nodeConfig(f.state, node, { requireClientAuth: true }));
    });
    afterAll(async () => {
        await f.closeAll();
        await restartNode(nodeConfig(f.state, node));
        await waitUntilHealthy(f);
    });

    /** A client that may talk to the mutual-TLS node only. */
    const onlyThatNode = (clientCert?: { cert: string; key: string }) =>
        new Client(
            bundleClientOptions(f.bundles.dc2, {
                ca: f.state.caPem,
                contactPoints: [endpoint],
                clientCert,
            }),
        );

    it("refuses a client without a certificate", async () => {
        const client = onlyThatNode();
        const err = await client.connect().then(
            () => undefined,
            (e: unknown) => e,
        );
        await client.shutdown();
        expect(err).toBeInstanceOf(errors.NoHostAvailableError);
        const inner = Object.values(
            (err as errors.NoHostAvailableError).innerErrors,
        ) as NodeJS.ErrnoException[];
        expect(inner.map((e) => e.code ?? e.message).join(" ")).toMatch(
            /CERTIFICATE_REQUIRED|certificate required|ECONNRESET|closed/i,
        );
    });

    it("refuses a client certificate from another CA", async () => {
        const plan = e2ePlan(E2E_MTLS_SETTINGS);
        const rogueCa = await createCa(plan.pki, "someone else's CA");
        const rogue = await issue(rogueCa, plan.pki.clients[0]);
        const client = onlyThatNode({ cert: rogue.certPem, key: rogue.keyPem });
        await expect(client.connect()).rejects.toBeInstanceOf(errors.NoHostAvailableError);
        await client.shutdown();
    });

    it("accepts the bundle's client certificate and serves LOCAL_QUORUM traffic through that node", async () => {
        const id = e2ePlan(E2E_MTLS_SETTINGS).pki.clients[0].id;
        const client = onlyThatNode(f.state.clientCerts[id]);
        await client.connect();
        try {
            const host = client.hosts.values().find((h) => f.podOfEndpoint(h.address) === node)!;
            await createKeyspace(client, "e2e_mtls", { dc1: 2, dc2: 2 });
            const lq = { prepare: true, consistency: types.consistencies.localQuorum, host };
            await client.execute("INSERT INTO e2e_mtls.kv (k, v) VALUES (?, ?)", ["mtls", id], lq);
            const rs = await client.execute("SELECT v FROM e2e_mtls.kv WHERE k = ?", ["mtls"], lq);
            expect(rs.first()["v"]).toBe(id);
            expect(f.podOfEndpoint(rs.info.queriedHost)).toBe(node);
        } finally {
            await client.shutdown();
        }
    });
});

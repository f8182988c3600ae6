import { once } from "node:events";
import { AddressInfo } from "node:net";
import { createServer } from "node:tls";
import { Client, errors } from "cassandra-driver";
import { beforeAll, describe, expect, it } from "vitest";
import { logSince, logSize } from "./harness/cassandra-node";
import { bundleClientOptions, tlsOptions } from "./harness/clients";
import { Fixture, fixture } from "./harness/fixture";
import { nodeBackend, proxyStats } from "./harness/haproxy";
import { createCa, issue, loadCa } from "./harness/pki";
import { tlsProbe } from "./harness/tls-probe";
import { nodePemKey, secretNames } from "../../components/plan/datacenter-spec";
import { e2ePlan } from "./harness/topology";

/** Error codes the driver collected per host when it gave up. */
async function connectFailure(client: Client): Promise<string[]> {
    try {
        await client.connect();
    } catch (err) {
        expect(err).toBeInstanceOf(errors.NoHostAvailableError);
        const inner = (err as errors.NoHostAvailableError).innerErrors as Record<
            string,
            NodeJS.ErrnoException
        >;
        return Object.values(inner).map((e) => e.code ?? e.message);
    } finally {
        await client.shutdown();
    }
    throw new Error("the driver connected");
}

/**
 * What must not work: plaintext CQL (the nodes accept TLS only), a client trusting another CA,
 * and a node certificate that lacks the entry point name clients verify.
 */
describe("TLS is required and verified end to end", () => {
    let f: Fixture;
    beforeAll(() => {
        f = fixture();
    });

    it("a plaintext driver connection through a node's own port reaches the node, which answers no CQL", async () => {
        const bundle = f.bundles.dc1;
        const node = f.state.nodes.find((n) => n.datacenter === "dc1")!;
        const endpoint = bundle.addressTranslation[`${node.ip}:9042`];
        const before = await proxyStats();
        const logFrom = logSize(node.podName);
        const opts = bundleClientOptions(bundle, { ca: f.state.caPem, contactPoints: [endpoint] });
        const codes = await connectFailure(
            new Client({
                ...opts,
                sslOptions: undefined,
                socketOptions: { ...opts.socketOptions, readTimeout: 3000 },
            }),
        );
        expect(codes.length).toBe(1);
        const after = await proxyStats();
        // HAProxy passed the bytes on, and Cassandra itself refused them as not TLS.
        expect(after.bytesToBackend[nodeBackend(node.podName)]).toBeGreaterThan(
            before.bytesToBackend[nodeBackend(node.podName)],
        );
        expect(logSince(node.podName, logFrom)).toMatch(
            /NotSslRecordException: not an SSL\/TLS record/,
        );
    });

    it("a client that trusts a different CA refuses every node", async () => {
        const rogue = await createCa(e2ePlan().pki, "someone else's CA");
        const codes = await connectFailure(
            new Client(bundleClientOptions(f.bundles.dc1, { ca: rogue.cert.toString("pem") })),
        );
        expect(codes.length).toBe(2);
        for (const c of codes) {
            expect(c).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
        }
    });

    it("a node certificate without the entry point name fails hostname verification; the program's own passes", async () => {
        const plan = e2ePlan();
        const ca = await loadCa(f.state.caPem, f.state.caKeyPem, plan.pki.key);
        const nodePlan = plan.pki.nodes[0];
        const entry = f.bundles[nodePlan.datacenter].serverName;
        // The node's PEM pair exactly as the program's Secret holds it.
        const pem =
            f.state.secrets[secretNames(plan.settings.clusterName, nodePlan.datacenter).tls][
                nodePemKey(nodePlan.id)
            ];
        const good = { keyPem: pem, certPem: pem };
        const bad = await issue(ca, nodePlan, {
            dnsNames: nodePlan.dnsNames.filter((n) => n !== entry),
        });
        expect(nodePlan.dnsNames).toContain(entry);

        const outcomes: Record<string, string | undefined> = {};
        for (const [name, cert] of Object.entries({ good, bad })) {
            // A stand-in node: only its certificate matters to the client's verification.
            const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (s) => s.end());
            server.listen(0, "127.0.0.1");
            await once(server, "listening");
            const { port } = server.address() as AddressInfo;
            const opts = tlsOptions(entry, f.state.caPem);
            const r = await tlsProbe({
                host: "127.0.0.1",
                port,
                ca: opts.ca[0],
                servername: opts.servername,
            });
            outcomes[name] = r.error ?? `verified ${r.cn}`;
            server.close();
        }
        expect(outcomes).toEqual({
            good: `verified ${nodePlan.commonName}`,
            bad: "ERR_TLS_CERT_ALTNAME_INVALID",
        });
    });
});

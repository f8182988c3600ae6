import { randomUUID } from "node:crypto";
import { connect as tcpConnect } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { SNI_PORT } from "../../components/plan/routes";
import { Fixture, fixture } from "./harness/fixture";
import { proxyStats, sniFrontend } from "./harness/haproxy";
import { tlsProbe } from "./harness/tls-probe";

/**
 * The shared SNI port of each entry point selects the node by the name a client sends: the
 * node's external name (its certificate carries it) or its Cassandra host ID (what DataStax
 * drivers send in SNI mode; verified against the entry point name, which every node
 * certificate carries). Anything else never reaches a node.
 */
describe("SNI routing on the shared entry point port", () => {
    let f: Fixture;
    beforeAll(() => {
        f = fixture();
    });

    const entryOf = (dc: string) => f.bundles[dc].serverName;

    it("routes each node's external name to that node, verified against that name", async () => {
        for (const n of f.state.nodes) {
            const externalName = f.bundles[n.datacenter].sniHosts[n.podName][0];
            const r = await tlsProbe({
                host: externalName,
                port: SNI_PORT,
                ca: f.state.caPem,
                servername: externalName,
            });
            expect(r, externalName).toMatchObject({ cn: n.podName });
        }
    });

    it("routes each node's host ID to that node, verified against the entry point name", async () => {
        for (const n of f.state.nodes) {
            const [, hostId] = f.bundles[n.datacenter].sniHosts[n.podName];
            expect(hostId).toBe(f.state.hostIds[n.podName]);
            const entry = entryOf(n.datacenter);
            const r = await tlsProbe({
                host: entry,
                port: SNI_PORT,
                ca: f.state.caPem,
                servername: hostId,
                verifyName: entry,
            });
            expect(r, hostId).toMatchObject({ cn: n.podName });
            expect(r.dnsNames).toContain(entry);
        }
    });

    it("does not route one datacenter's nodes through the other's entry point", async () => {
        const dc2Node = f.state.nodes.find((n) => n.datacenter === "dc2")!;
        const r = await tlsProbe({
            host: entryOf("dc1"),
            port: SNI_PORT,
            ca: f.state.caPem,
            servername: f.state.hostIds[dc2Node.podName],
            verifyName: entryOf("dc1"),
        });
        expect(r.cn).toBeUndefined();
        expect(r.error).toBeDefined();
    });

    it("rejects unknown SNI names, no SNI and non-TLS bytes, counting each as denied", async () => {
        const entry = entryOf("dc1");
        const fe = sniFrontend(entry);
        const before = await proxyStats();
        const unknownId = await tlsProbe({
            host: entry,
            port: SNI_PORT,
            ca: f.state.caPem,
            servername: randomUUID(),
            verifyName: entry,
        });
        const unknownName = await tlsProbe({
            host: entry,
            port: SNI_PORT,
            ca: f.state.caPem,
            servername: `nosuchnode.${entry}`,
            verifyName: entry,
        });
        const noSni = await tlsProbe({
            host: f.state.entryAddresses[entry],
            port: SNI_PORT,
            ca: f.state.caPem,
            verifyName: entry,
        });
        const plaintext = await new Promise<string>((resolve) => {
            // A CQL v4 OPTIONS frame, unencrypted.
            const s = tcpConnect({ host: entry, port: SNI_PORT }, () =>
                s.write(Buffer.from([0x04, 0, 0, 1, 0x05, 0, 0, 0, 0])),
            );
            let got = 0;
            s.on("data", (d) => (got += d.length));
            s.on("close", () =>
                resolve(got === 0 ? "closed without a reply" : `replied ${got} bytes`),
            );
            s.on("error", () => undefined);
            s.setTimeout(8000, () => s.destroy());
        });
        for (const r of [unknownId, unknownName, noSni]) {
            expect(r.cn).toBeUndefined();
            expect(r.error).toMatch(/ECONNRESET|socket disconnected|EPIPE|ERR_SSL/);
        }
        expect(plaintext).toBe("closed without a reply");
        const after = await proxyStats();
        expect(after.deniedByFrontend[fe] - before.deniedByFrontend[fe]).toBe(4);
    });
});

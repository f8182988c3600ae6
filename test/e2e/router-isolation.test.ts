import { connect as tcpConnect } from "node:net";
import { types } from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, waitFor } from "./harness/exec";
import { Fixture, fixture, createKeyspace } from "./harness/fixture";
import { nodeBackend, portFrontend, proxyStats } from "./harness/haproxy";
import { NET, NS } from "./harness/netns";

/** Outcome of a plain TCP connect: "connected" or the error code. */
function tcpProbe(host: string, port: number, timeoutMs = 2000): Promise<string> {
    return new Promise((resolve) => {
        const s = tcpConnect({ host, port });
        const done = (r: string) => {
            s.destroy();
            resolve(r);
        };
        s.setTimeout(timeoutMs, () => done("TIMEOUT"));
        s.on("connect", () => done("connected"));
        s.on("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    });
}

/**
 * The client sits outside the cluster: it has no route to any pod address, the router does not
 * forward packets, and everything the driver does goes through HAProxy's frontends.
 */
describe("the client reaches the cluster only through the router", () => {
    let f: Fixture;
    beforeAll(() => {
        f = fixture();
    });
    afterAll(() => f.closeAll());

    it("cannot open a TCP connection to any node's address, while the entry points answer", async () => {
        for (const n of f.state.nodes) {
            expect(await tcpProbe(n.ip, 9042)).toBe("ENETUNREACH");
        }
        for (const entry of Object.values(f.state.entryAddresses)) {
            expect(await tcpProbe(entry, 19042)).toBe("connected");
        }
    });

    it("cannot get through even with a route via the router, because the router does not forward", async () => {
        const range = "198.18.0.0/16";
        run("ip", ["route", "add", range, "via", NET.routerClientLeg]);
        try {
            for (const n of f.state.nodes) {
                expect(await tcpProbe(n.ip, 9042)).not.toBe("connected");
            }
        } finally {
            run("ip", ["route", "del", range, "via", NET.routerClientLeg]);
        }
        expect(
            run("ip", ["netns", "exec", NS.router, "sysctl", "-n", "net.ipv4.ip_forward"]).trim(),
        ).toBe("0");
    });

    it("carries every driver connection through HAProxy's per-node frontends and node backends", async () => {
        const before = await proxyStats();
        const client = await f.connect("dc1");
        await createKeyspace(client, "e2e_multi", { dc1: 2, dc2: 2 });
        for (let i = 0; i < 20; i++) {
            await client.execute(
                "INSERT INTO e2e_multi.kv (k, v) VALUES (?, ?)",
                [`iso-${i}`, "x"],
                { consistency: types.consistencies.localQuorum },
            );
        }
        await f.closeAll();
        const bundle = f.bundles.dc1;
        const local = f.state.nodes.filter((x) => x.datacenter === "dc1");
        // Byte counters are settled when HAProxy closes a session, a moment after the driver does.
        const after = await waitFor(
            "HAProxy to account the closed sessions' bytes",
            async () => {
                const s = await proxyStats();
                return (
                    local.every(
                        (n) =>
                            s.bytesToBackend[nodeBackend(n.podName)] >
                            before.bytesToBackend[nodeBackend(n.podName)],
                    ) && s
                );
            },
            5000,
        );
        for (const n of local) {
            const port = Number(bundle.addressTranslation[`${n.ip}:9042`].split(":")[1]);
            const fe = portFrontend(bundle.serverName, port);
            expect(after.frontends[fe], fe).toBeGreaterThan(before.frontends[fe]);
            expect(after.backends[nodeBackend(n.podName)]).toBeGreaterThan(
                before.backends[nodeBackend(n.podName)],
            );
        }
    });
});

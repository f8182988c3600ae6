import type { PeerCertificate } from "node:tls";
import { describe, expect, it, vi } from "vitest";
import {
    Discover,
    Discovery,
    externalClientOptions,
    RediscoveringTranslator,
    sslOptionsFor,
} from "../../components/client/external-client";
import { externalClientBundle, ExternalClientBundle, NodeRoute } from "../../components/plan";

const route = (
    dc: string,
    pod: string,
    port: number,
    entryPoint = `${dc}.db.example.com`,
): NodeRoute => ({
    datacenter: dc,
    podName: pod,
    entryPoint,
    sniNames: [`${pod}.db.example.com`],
    nodePort: port,
    backend: { service: pod, namespace: "cassandra", port: 9042 },
});

const routes = [
    route("dc1", "c-dc1-r1-sts-0", 19042),
    route("dc1", "c-dc1-r2-sts-0", 19043),
    route("dc2", "c-dc2-r1-sts-0", 19042),
];
const bundle: ExternalClientBundle = externalClientBundle(
    "c",
    "CA PEM",
    routes,
    { "c-dc1-r1-sts-0": "r1" },
    { dc1: "127.0.0.1", dc2: "127.0.0.2" },
);

const cert = (names: string[]) =>
    ({
        subject: { CN: names[0] },
        subjectaltname: names.map((n) => `DNS:${n}`).join(", "),
    }) as unknown as PeerCertificate;

describe("the client bundle", () => {
    it("lists every node with its external address, dedicated port and the name to verify", () => {
        expect(bundle.datacenters).toEqual(["dc1", "dc2"]);
        expect(bundle.nodes[0]).toEqual({
            datacenter: "dc1",
            rack: "r1",
            pod: "c-dc1-r1-sts-0",
            externalName: "c-dc1-r1-sts-0.db.example.com",
            externalAddress: "127.0.0.1",
            port: 19042,
            serverName: "dc1.db.example.com",
            sniPort: 9042,
        });
        expect(externalClientBundle("c", "CA", routes, {}, {}).nodes[2].externalAddress).toBe(
            "dc2.db.example.com",
        );
    });
});

describe("createExternalClient's driver options", () => {
    it("pins the CA, verifies every certificate and checks the name the address belongs to", async () => {
        const ssl = await sslOptionsFor(bundle, { localDataCenter: "dc1" });
        expect(ssl).toMatchObject({ ca: ["CA PEM"], rejectUnauthorized: true });
        expect(
            ssl.checkServerIdentity(
                "127.0.0.1",
                cert(["c-dc1-r1-sts-0.db.example.com", "dc1.db.example.com"]),
            ),
        ).toBeUndefined();
        expect(
            ssl.checkServerIdentity("127.0.0.1", cert(["c-dc1-r1-sts-0.db.example.com"])),
        ).toBeInstanceOf(Error);
        expect(ssl.checkServerIdentity("127.0.0.2", cert(["dc1.db.example.com"]))).toBeInstanceOf(
            Error,
        );
        expect(
            ssl.checkServerIdentity("10.9.9.9", cert(["dc1.db.example.com"]))?.message,
        ).toContain("no node of the bundle");
    });

    it("contacts the local datacenter's nodes through their dedicated ports, token-aware by default", async () => {
        const o = await externalClientOptions(
            bundle,
            { localDataCenter: "dc1", username: "u", password: "p" },
            async () => ({ map: new Map(), unanswered: [] }),
            { map: new Map(), unanswered: [] },
        );
        expect(o.contactPoints).toEqual(["127.0.0.1:19042", "127.0.0.1:19043"]);
        expect(o.localDataCenter).toBe("dc1");
        expect(o.policies?.loadBalancing).toBeUndefined(); // the driver's default: token-aware, DC-aware
        expect(o.authProvider).toBeDefined();
        await expect(
            externalClientOptions(
                bundle,
                { localDataCenter: "dc9" },
                async () => ({ map: new Map(), unanswered: [] }),
                { map: new Map(), unanswered: [] },
            ),
        ).rejects.toThrow('localDataCenter "dc9" is not in the bundle');
    });
});

describe("RediscoveringTranslator", () => {
    const translate = (t: RediscoveringTranslator, address: string, port: number) =>
        new Promise<string>((r) => t.translate(address, port, r));
    const found = (entries: [string, string][], unanswered: string[] = []): Discovery => ({
        map: new Map(entries),
        unanswered,
    });
    const quick = { retryMs: 5, giveUpMs: 200 };

    it("maps known pod addresses without asking again", async () => {
        const discover = vi.fn(async () => found([]));
        const t = new RediscoveringTranslator(
            found([["10.0.0.5:9042", "127.0.0.1:19042"]]),
            discover,
        );
        expect(await translate(t, "10.0.0.5", 9042)).toBe("127.0.0.1:19042");
        expect(discover).not.toHaveBeenCalled();
    });

    it("asks the nodes again, once for concurrent lookups, when a pod moved to a new address", async () => {
        const before = found([["10.0.0.5:9042", "127.0.0.1:19042"]]);
        const discover = vi.fn(async () => found([["10.0.0.7:9042", "127.0.0.1:19042"]]));
        const t = new RediscoveringTranslator(before, discover, quick);
        const [a, b] = await Promise.all([
            translate(t, "10.0.0.7", 9042),
            translate(t, "10.0.0.7", 9042),
        ]);
        expect([a, b]).toEqual(["127.0.0.1:19042", "127.0.0.1:19042"]);
        expect(discover).toHaveBeenCalledTimes(1);
        expect(discover).toHaveBeenCalledWith(before);
    });

    it("answers an address no node is at with that address at once, when every node answered", async () => {
        const discover = vi.fn(async () => found([["10.0.0.7:9042", "127.0.0.1:19042"]]));
        const log = vi.fn();
        const t = new RediscoveringTranslator(found([]), discover, quick, log);
        expect(await translate(t, "10.0.0.8", 9042)).toBe("10.0.0.8:9042");
        expect(discover).toHaveBeenCalledTimes(1);
        expect(log).toHaveBeenCalledWith(
            expect.stringContaining("a node the bundle does not list"),
        );
    });

    it("keeps asking while a node has not answered, and maps the moved pod once its route answers", async () => {
        // The moved pod is in system.peers before its own route serves it (readiness).
        const discover = vi
            .fn<Discover>()
            .mockResolvedValueOnce(found([], ["127.0.0.1:19043"]))
            .mockResolvedValueOnce(found([], ["127.0.0.1:19043"]))
            .mockResolvedValue(found([["10.0.0.9:9042", "127.0.0.1:19043"]]));
        const t = new RediscoveringTranslator(found([]), discover, quick);
        expect(await translate(t, "10.0.0.9", 9042)).toBe("127.0.0.1:19043");
        expect(discover).toHaveBeenCalledTimes(3);
    });

    it("gives up after giveUpMs with the pod address, which the TLS check then refuses, and says why", async () => {
        const discover = vi.fn(async () => found([], ["127.0.0.1:19043"]));
        const log = vi.fn();
        const t = new RediscoveringTranslator(
            found([]),
            discover,
            { retryMs: 5, giveUpMs: 30 },
            log,
        );
        expect(await translate(t, "10.0.0.9", 9042)).toBe("10.0.0.9:9042");
        expect(discover.mock.calls.length).toBeGreaterThan(1);
        expect(log).toHaveBeenCalledWith(expect.stringContaining("127.0.0.1:19043 did not answer"));

        const unreachable = vi.fn(async () => {
            throw new Error("no node of the bundle answered through its external address");
        });
        const failing = new RediscoveringTranslator(found([]), unreachable, quick, log);
        expect(await translate(failing, "10.0.0.9", 9042)).toBe("10.0.0.9:9042");
        expect(unreachable.mock.calls.length).toBeGreaterThan(1);
        expect(log).toHaveBeenLastCalledWith(
            expect.stringContaining("no node of the bundle answered"),
        );
    });
});

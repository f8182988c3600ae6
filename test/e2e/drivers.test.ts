import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { Client, errors } from "cassandra-driver";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSetup, clientConfig, cqlsh, Driver, Route, startDriver } from "./harness/drivers";
import { waitFor } from "./harness/exec";
import { createKeyspace, Fixture, fixture } from "./harness/fixture";
import { createCa } from "./harness/pki";
import { PYTHON } from "./harness/paths";
import { recordDriverFigures } from "./harness/report";
import { e2ePlan } from "./harness/topology";
import { Workload, WorkloadError } from "./harness/workload";

const KEYSPACE = "e2e_drivers";
const KEYS = 200;

interface Case {
    readonly driver: Driver;
    readonly route: Route;
    readonly bundle: ClientSetup["bundle"];
}

/**
 * Every stock driver, as an application outside the clusters runs it from the files
 * `npm run client-config` writes, through the real router: for each route model (a dedicated
 * port per node on the shared entry point, SNI on the shared entry point, one load balancer per
 * node) and for bundles whose load balancers report IPs or names, it discovers every node, holds
 * connections to every local node, and sends keyed requests to their replica (RF 1 per
 * datacenter).
 */
const CASES: readonly Case[] = [
    { driver: "java", route: "node", bundle: "sni-ip" },
    { driver: "java", route: "node", bundle: "sni-names" },
    { driver: "java", route: "sni", bundle: "sni-names" },
    { driver: "java", route: "node", bundle: "lb-ip" },
    { driver: "python", route: "node", bundle: "sni-ip" },
    { driver: "python", route: "sni", bundle: "sni-ip" },
    { driver: "python", route: "sni", bundle: "sni-names" },
    { driver: "python", route: "node", bundle: "lb-ip" },
    { driver: "node", route: "node", bundle: "sni-ip" },
    { driver: "node", route: "node", bundle: "sni-names" },
    { driver: "node", route: "node", bundle: "lb-ip" },
];

describe("stock drivers configured by npm run client-config", () => {
    let f: Fixture;
    const dirs = new Map<string, string>();
    const dirFor = (bundle: ClientSetup["bundle"]) => {
        if (!dirs.has(bundle)) {
            dirs.set(bundle, clientConfig(f.state, { bundle, dc: "dc1" }));
        }
        return dirs.get(bundle) as string;
    };

    beforeAll(async () => {
        f = fixture();
        await createKeyspace(await f.connect("dc1"), KEYSPACE, { dc1: 1, dc2: 1 });
    });
    afterAll(() => f.closeAll());

    it.each(CASES)(
        "$driver, $route route, $bundle bundle: every node found, every local node connected, keyed requests on their replica",
        async ({ driver, route, bundle }) => {
            const w = await startDriver(driver, dirFor(bundle), "dc1", { route });
            try {
                const nodes = await w.info();
                expect(nodes.map((n) => n.hostId).sort()).toEqual(
                    Object.values(f.state.hostIds).sort(),
                );
                // Drivers open their pools in the background once connected (Python, for one).
                const local = await waitFor(
                    "a connection to every local node",
                    async () => {
                        const mine = (await w.info()).filter((n) => n.datacenter === "dc1");
                        return mine.every((n) => n.up && n.connections > 0) && mine;
                    },
                    15_000,
                    200,
                ).catch(async (err: Error) => {
                    throw new Error(`${err.message}: ${JSON.stringify(await w.info())}`);
                });
                expect(local).toHaveLength(2);
                const r = await w.replicas(KEYSPACE, KEYS);
                recordDriverFigures(`${driver} ${route} ${bundle}`, { replicas: r });
                expect(r.onReplica / r.total).toBeGreaterThanOrEqual(0.99);
                expect(Object.keys(r.coordinators).sort()).toEqual(
                    local.map((n) => n.hostId).sort(),
                );
            } finally {
                await w.kill();
            }
        },
    );

    it("java without host IDs in application.conf (nodes added since it was written) asks each node through its own address", async () => {
        const dir = `${dirFor("sni-ip")}-no-host-ids`;
        cpSync(dirFor("sni-ip"), dir, { recursive: true });
        const conf = readFileSync(join(dir, "application.conf"), "utf8").replace(
            / [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/g,
            '"',
        );
        expect(conf).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
        writeFileSync(join(dir, "application.conf"), conf);
        const w = await startDriver("java", dir, "dc1");
        try {
            expect((await w.info()).map((n) => n.hostId).sort()).toEqual(
                Object.values(f.state.hostIds).sort(),
            );
            const r = await w.replicas(KEYSPACE, KEYS);
            expect(r.onReplica / r.total).toBeGreaterThanOrEqual(0.99);
        } finally {
            await w.kill();
        }
    });

    it("cqlsh with the generated cqlshrc connects and runs a query, per route model", () => {
        for (const bundle of ["sni-ip", "lb-ip"] as const) {
            const r = cqlsh(dirFor(bundle), "SELECT host_id, data_center FROM system.local");
            expect(r.status, r.output).toBe(0);
            const first = f.state.nodes.find((n) => n.datacenter === "dc1")!;
            expect(r.output).toContain(f.state.hostIds[first.podName]);
        }
    });

    describe("refusals", () => {
        /** A copy of the sni-ip configuration whose ca.pem is another CA's. */
        let wrongCa: string;
        beforeAll(async () => {
            wrongCa = `${dirFor("sni-ip")}-wrong-ca`;
            cpSync(dirFor("sni-ip"), wrongCa, { recursive: true });
            const rogue = await createCa(e2ePlan().pki, "someone else's CA");
            writeFileSync(join(wrongCa, "ca.pem"), rogue.cert.toString("pem"));
            const bundle = JSON.parse(readFileSync(join(wrongCa, "bundle.json"), "utf8"));
            writeFileSync(
                join(wrongCa, "bundle.json"),
                JSON.stringify({ ...bundle, caCertificate: rogue.cert.toString("pem") }),
            );
        });

        it.each(["java", "python", "node"] as const)(
            "%s does not connect when the nodes' CA is not the one it trusts",
            async (driver) => {
                await expect(startDriver(driver, wrongCa, "dc1")).rejects.toBeInstanceOf(
                    WorkloadError,
                );
            },
        );

        it("cqlsh (with cassandra-driver 3.28.0) does not connect with another CA", () => {
            const r = cqlsh(wrongCa, "SELECT host_id FROM system.local");
            expect(r.status).not.toBe(0);
            expect(r.output).toMatch(/certificate verify failed/i);
        });

        it("cqlsh with cassandra-driver 3.30.1 connects with another CA: why the README pins 3.28.0", () => {
            const r = cqlsh(wrongCa, "SELECT host_id FROM system.local", "venv");
            expect(r.status, r.output).toBe(0);
        });

        it("java without TLS (the ssl-engine-factory block removed) is refused", async () => {
            const dir = dirFor("sni-ip");
            const conf = readFileSync(join(dir, "application.conf"), "utf8").replace(
                /\n {2}advanced\.ssl-engine-factory \{[^}]*\}/,
                "",
            );
            expect(conf).not.toContain("ssl-engine-factory");
            writeFileSync(join(dir, "plaintext.conf"), conf);
            let w: Workload | undefined;
            await expect(
                startDriver("java", dir, "dc1", { javaConf: "plaintext.conf" }).then(
                    (x) => (w = x),
                ),
            ).rejects.toBeInstanceOf(WorkloadError);
            await w?.kill();
        });

        it("python, node and cqlsh without TLS are refused on every route", async () => {
            const bundle = f.state.clientBundles["sni-ip"];
            const node = bundle.nodes.find((n) => n.datacenter === "dc1")!;
            const targets = [
                [node.externalAddress, node.port],
                [node.externalAddress, node.sniPort as number],
                [f.state.clientBundles["lb-ip"].nodes[0].externalAddress, 9042],
            ] as const;
            for (const [host, port] of targets) {
                const py = spawnSync(
                    PYTHON,
                    [
                        "-c",
                        "import sys; from cassandra.cluster import Cluster; " +
                            "Cluster(contact_points=[(sys.argv[1], int(sys.argv[2]))], connect_timeout=5).connect()",
                        host,
                        String(port),
                    ],
                    { encoding: "utf8", timeout: 60_000 },
                );
                expect(py.status, `python plaintext to ${host}:${port}`).not.toBe(0);
                expect(py.stderr).toContain("NoHostAvailable");

                const client = new Client({
                    contactPoints: [`${host}:${port}`],
                    localDataCenter: "dc1",
                    socketOptions: { connectTimeout: 5000 },
                });
                await expect(
                    client.connect(),
                    `node plaintext to ${host}:${port}`,
                ).rejects.toBeInstanceOf(errors.NoHostAvailableError);
                await client.shutdown();
            }
            const plain = `${dirFor("sni-ip")}-plaintext`;
            cpSync(dirFor("sni-ip"), plain, { recursive: true });
            const rc = readFileSync(join(plain, "cqlshrc"), "utf8").replace(
                "ssl = true",
                "ssl = false",
            );
            writeFileSync(join(plain, "cqlshrc"), rc);
            const r = cqlsh(plain, "SELECT host_id FROM system.local");
            expect(r.status, r.output).not.toBe(0);
        });
    });
});

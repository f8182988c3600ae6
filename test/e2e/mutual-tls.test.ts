import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restartNode } from "./harness/cassandra-node";
import { nodeConfig } from "./harness/cluster";
import { clientConfig, cqlsh, Driver, Route, startDriver } from "./harness/drivers";
import { waitFor } from "./harness/exec";
import { createKeyspace, Fixture, fixture, waitUntilHealthy } from "./harness/fixture";
import { createCa, issue } from "./harness/pki";
import { recordDriverFigures } from "./harness/report";
import { e2ePlan } from "./harness/topology";
import { WorkloadError } from "./harness/workload";

const KEYSPACE = "e2e_mtls";
const APP = "e2e-app";

const ACCEPTED: readonly { driver: Driver; route: Route }[] = [
    { driver: "java", route: "node" },
    { driver: "java", route: "sni" },
    { driver: "python", route: "node" },
    { driver: "python", route: "sni" },
    { driver: "node", route: "node" },
];

/**
 * With `tls.requireClientAuth`, the nodes running the CassandraDatacenter the program registers
 * for it accept only clients presenting a certificate from the cluster CA: the one the stack
 * outputs for `tls.clientCertificates` (`clientCertificates`), handed to every driver by
 * `npm run client-config --client`. Both dc2 nodes run the mutual-TLS variant's spec for the
 * duration of this file; the applications use dc2 as their local datacenter.
 */
describe("mutual TLS: datacenter dc2 restarted with requireClientAuth", () => {
    let f: Fixture;
    let withCert: string;
    let withoutCert: string;
    let rogueCert: string;
    const dc2 = () => f.state.nodes.filter((n) => n.datacenter === "dc2");

    beforeAll(async () => {
        f = fixture();
        expect(
            f.state.specs.mtls.dc2.config["cassandra-yaml"].client_encryption_options
                .require_client_auth,
        ).toBe(true);
        await createKeyspace(await f.connect("dc1"), KEYSPACE, { dc1: 1, dc2: 1 });
        for (const n of dc2()) {
            await restartNode(nodeConfig(f.state, n.podName, "mtls"));
        }
        withCert = clientConfig(f.state, { bundle: "sni-ip", dc: "dc2", clientCertificate: APP });
        withoutCert = clientConfig(f.state, { bundle: "sni-names", dc: "dc2" });
        rogueCert = `${withCert}-rogue`;
        cpSync(withCert, rogueCert, { recursive: true });
        const plan = e2ePlan("mtls");
        const rogue = await issue(
            await createCa(plan.pki, "someone else's CA"),
            plan.pki.clients[0],
        );
        writeFileSync(join(rogueCert, "client.pem"), rogue.certPem);
        writeFileSync(join(rogueCert, "client-key.pem"), rogue.keyPem);
    });
    afterAll(async () => {
        await f.closeAll();
        for (const n of dc2()) {
            await restartNode(nodeConfig(f.state, n.podName));
        }
        await waitUntilHealthy(f);
    });

    it.each(ACCEPTED)(
        "$driver ($route route) presents the bundle's client certificate: every dc2 node connected, keyed requests on their replica",
        async ({ driver, route }) => {
            const w = await startDriver(driver, withCert, "dc2", { route });
            try {
                await waitFor(
                    "a connection to every dc2 node",
                    async () => {
                        const mine = (await w.info()).filter((n) => n.datacenter === "dc2");
                        return mine.length === 2 && mine.every((n) => n.up && n.connections > 0);
                    },
                    15_000,
                    200,
                );
                const r = await w.replicas(KEYSPACE, 200);
                recordDriverFigures(`${driver} ${route} mutual TLS`, { replicas: r });
                expect(r.onReplica / r.total).toBeGreaterThanOrEqual(0.99);
                expect(Object.keys(r.coordinators)).toHaveLength(2);
            } finally {
                await w.kill();
            }
        },
    );

    it("cqlsh presents it too", () => {
        const r = cqlsh(withCert, "SELECT host_id FROM system.local");
        expect(r.status, r.output).toBe(0);
        expect(r.output).toContain(f.state.hostIds[dc2()[0].podName]);
    });

    it.each(["java", "python", "node"] as const)(
        "%s without a client certificate is refused",
        async (driver) => {
            await expect(startDriver(driver, withoutCert, "dc2")).rejects.toBeInstanceOf(
                WorkloadError,
            );
        },
    );

    it.each(["java", "python", "node"] as const)(
        "%s with a client certificate from another CA is refused",
        async (driver) => {
            await expect(startDriver(driver, rogueCert, "dc2")).rejects.toBeInstanceOf(
                WorkloadError,
            );
        },
    );

    it("cqlsh without a client certificate, or with one from another CA, is refused", () => {
        for (const dir of [withoutCert, rogueCert]) {
            const r = cqlsh(dir, "SELECT host_id FROM system.local");
            expect(r.status, `${dir}: ${r.output}`).not.toBe(0);
        }
    });
});

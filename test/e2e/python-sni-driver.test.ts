import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SNI_PORT } from "../../components/plan/routes";
import { Fixture, fixture } from "./harness/fixture";
import { proxyStats, sniFrontend } from "./harness/haproxy";
import { PROJECT_DIR, PYTHON } from "./harness/paths";

interface PythonReport {
    hosts: { hostId: string; dc: string; endpoint: string }[];
    rowsReadBack: number;
    coordinatedByReplica: number;
    queriedHostIds: string[];
    peers: { sni: string; cn: string; dns: string[] }[];
}

const ROWS = 40;

/**
 * A second, independent driver: the DataStax Python driver in SNI mode (SniEndPointFactory,
 * host IDs as SNI) through the same router, with the entry point and host IDs from the bundle.
 */
describe("Python driver in SNI mode through the shared entry point", () => {
    let f: Fixture;
    beforeAll(() => {
        f = fixture();
        if (!existsSync(PYTHON)) {
            throw new Error(`${PYTHON} is missing: run "bash scripts/e2e/setup.sh" first`);
        }
    });

    it("discovers the cluster, routes by host ID to replicas, and writes and reads at LOCAL_QUORUM", async () => {
        const bundle = f.bundles.dc1;
        const local = f.state.nodes.filter((n) => n.datacenter === "dc1");
        const before = await proxyStats();
        const r = spawnSync(PYTHON, [resolve(PROJECT_DIR, "test/e2e/python/sni_client.py")], {
            input: JSON.stringify({
                ca: f.state.caPem,
                proxy: bundle.serverName,
                port: SNI_PORT,
                dc: bundle.localDataCenter,
                contactHostIds: local.map((n) => bundle.sniHosts[n.podName][1]),
                keyspace: "e2e_python",
                rows: ROWS,
            }),
            encoding: "utf8",
            timeout: 120_000,
        });
        expect(r.status, r.stderr).toBe(0);
        const report = JSON.parse(r.stdout) as PythonReport;

        expect(report.hosts.map((h) => h.hostId).sort()).toEqual(
            Object.values(f.state.hostIds).sort(),
        );
        expect(report.rowsReadBack).toBe(ROWS);
        expect(report.coordinatedByReplica).toBe(ROWS);
        expect(report.queriedHostIds.sort()).toEqual(
            local.map((n) => f.state.hostIds[n.podName]).sort(),
        );

        // Each connection reached the node its SNI named, whose certificate carries the entry point name.
        const podByHostId = Object.fromEntries(
            Object.entries(f.state.hostIds).map(([pod, id]) => [id, pod]),
        );
        expect(report.peers.length).toBeGreaterThanOrEqual(local.length);
        for (const p of report.peers) {
            expect(p.cn).toBe(podByHostId[p.sni]);
            expect(p.dns).toContain(bundle.serverName);
        }
        const after = await proxyStats();
        const fe = sniFrontend(bundle.serverName);
        expect(after.frontends[fe] - before.frontends[fe]).toBeGreaterThanOrEqual(local.length);
        expect(after.deniedByFrontend[fe]).toBe(before.deniedByFrontend[fe]);
    });
});

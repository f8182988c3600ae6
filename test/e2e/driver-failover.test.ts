import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
    Application,
    expectNoFailedRequest,
    reportPhases,
    startApplications,
} from "./harness/applications";
import { killNode, nodePid, restartNode } from "./harness/cassandra-node";
import { nodeConfig } from "./harness/cluster";
import { waitFor } from "./harness/exec";
import { createKeyspace, Fixture, fixture, waitUntilHealthy } from "./harness/fixture";
import { progress } from "./harness/log";

const KEYSPACE = "e2e_failover";

/**
 * A local node crashes (SIGKILL) while the Java, Python and Node.js applications write to the
 * cluster, each configured only by `npm run client-config`, and comes back. Writes are keyed,
 * idempotent and at LOCAL_ONE on a keyspace with two replicas per datacenter, so every key keeps
 * a live local replica: no request may fail, the dead node coordinates nothing while it is down,
 * and every driver uses it again once it is back.
 */
describe("every driver survives a local node's crash and uses it again", () => {
    let f: Fixture;
    let apps: Application[] = [];

    beforeAll(async () => {
        f = fixture();
        await createKeyspace(await f.connect("dc1"), KEYSPACE, { dc1: 2, dc2: 2 });
        apps = await startApplications(f.state);
    });
    afterAll(async () => {
        await Promise.all(apps.map((a) => a.w.kill()));
        await f.closeAll();
        // A failed run may leave the node down; the next files need every node.
        for (const n of f.state.nodes.filter((x) => nodePid(x.podName) === undefined)) {
            await restartNode(nodeConfig(f.state, n.podName));
        }
        await waitUntilHealthy(f);
    });

    it("zero failed requests around the crash, none coordinated by the dead node, the node used again", async () => {
        const victimNode = f.state.nodes.find(
            (n) => n.datacenter === "dc1" && n.podName !== f.state.seedPods[0],
        )!;
        const victim = f.state.hostIds[victimNode.podName];
        const all = (line: string) => Promise.all(apps.map((a) => a.w.command(line)));

        await all(`load ${KEYSPACE}`);
        await sleep(3000);
        await killNode(victimNode.podName);
        await all("phase down");
        progress(`killed ${victimNode.podName} (${victim})`);
        await sleep(8000);
        await restartNode(nodeConfig(f.state, victimNode.podName));
        await all("phase back");
        for (const a of apps) {
            await waitFor(
                `${a.name} to send requests to ${victimNode.podName} again`,
                async () => ((await a.w.status()).back?.coordinators[victim] ?? 0) > 0,
                120_000,
                500,
            ).catch((err: Error) => {
                throw new Error(`${err.message}\n${a.w.log()}`);
            });
        }
        await sleep(1000);
        const results = [];
        for (const a of apps) {
            results.push({ a, phases: await a.w.stop() });
        }
        for (const { a, phases } of results) {
            reportPhases(a.name, phases, "node kill", (r) => ({
                byVictim: r.coordinators[victim] ?? 0,
            }));
        }
        for (const { a, phases } of results) {
            expectNoFailedRequest(a, phases);
            expect(phases.down.ok, a.name).toBeGreaterThan(50);
            expect(phases.down.coordinators[victim] ?? 0, a.name).toBe(0);
            expect(phases.back.coordinators[victim], a.name).toBeGreaterThan(0);
        }
    });
});

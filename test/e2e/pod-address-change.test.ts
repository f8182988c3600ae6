import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
    Application,
    EVERY_DRIVER,
    expectNoFailedRequest,
    reportPhases,
    startApplications,
} from "./harness/applications";
import { nodetool } from "./harness/cassandra-node";
import { nodeConfig } from "./harness/cluster";
import { countAtAll, createKeyspace, Fixture, fixture } from "./harness/fixture";
import { movePod } from "./harness/pod-move";
import { servingAgain } from "./harness/rollout";
import type { Workload } from "./harness/workload";

const KEYSPACE = "e2e_pod_move";
/** Every driver, and Java on the SNI route too: its translator maps names there. */
const APPS = [...EVERY_DRIVER, { driver: "java", route: "sni" }] as const;
/** Inside dc1's pod range (test/e2e/stack/Pulumi.e2e.yaml), unused by any node. */
const NEW_POD_IP = "198.18.1.20";

/**
 * Every recreated Kubernetes pod gets a new IP; a StatefulSet's keeps its name, its volume and so
 * its host ID. The applications were configured before, from the stack's outputs, which held the
 * old pod address: the Java translator and the Node.js client must find the node's new pod
 * address themselves (the Python endpoint factory maps host IDs, which do not change). While
 * they write, a dc1 node moves; none of them fails a request, each routes to the node again
 * through the same external address, and the cluster knows the node only at its new address.
 */
describe("a node recreated on a new pod IP", () => {
    let f: Fixture;
    let apps: Application[] = [];

    beforeAll(async () => {
        f = fixture();
        await createKeyspace(await f.connect("dc1"), KEYSPACE, { dc1: 2, dc2: 2 });
        apps = await startApplications(f.state, APPS);
    });
    afterAll(async () => {
        await Promise.all(apps.map((a) => a.w.kill()));
        await f.closeAll();
    });

    it("keeps every application writing, and each finds the node at its new address through the same route", async () => {
        // Not the pod cass-operator seeded the ring with, as for a node drained off a machine.
        const victim = f.state.nodes.find(
            (n) => n.datacenter === "dc1" && n.podName !== f.state.seedPods[0],
        )!;
        const hostId = f.state.hostIds[victim.podName];
        const endpointIn = async (w: Workload) =>
            (await w.info()).find((n) => n.hostId === hostId)?.endpoint;
        const before = await Promise.all(apps.map((a) => endpointIn(a.w)));
        for (const [i, e] of before.entries()) {
            expect(e, apps[i].name).toBeDefined();
            expect(
                e,
                `${apps[i].name} reaches the node by its route, not its pod IP`,
            ).not.toContain(victim.ip);
        }

        await Promise.all(apps.map((a, i) => a.w.command(`load ${KEYSPACE} m${i}w`)));
        await sleep(2000);
        await Promise.all(apps.map((a) => a.w.command("phase moving")));
        const moved = await movePod(f.state, victim.podName, NEW_POD_IP);
        await servingAgain(apps, moved, victim.podName, "dc1");
        await Promise.all(apps.map((a) => a.w.command("phase after")));
        await sleep(2000);
        const after = await Promise.all(apps.map((a) => endpointIn(a.w)));
        expect(after).toEqual(before);

        let acknowledged = 0;
        for (const a of apps) {
            const phases = await a.w.stop();
            reportPhases(a.name, phases, "pod IP change");
            acknowledged += expectNoFailedRequest(a, phases);
            expect(phases.after.ok, `${a.name} writes after the move`).toBeGreaterThan(10);
        }

        // The ring has the node (same host ID) at its new address, up, and nothing at the old one.
        const other = moved.nodes.find((n) => n.datacenter === "dc2")!;
        const status = nodetool(nodeConfig(moved, other.podName), ["status"]);
        const line = status.split("\n").find((l) => l.includes(hostId)) ?? "";
        expect(line, status).toMatch(new RegExp(`^UN\\s+${NEW_POD_IP.replace(/\./g, "\\.")}\\s`));
        expect(status).not.toContain(` ${victim.ip} `);

        const admin = await fixture().connect("dc1");
        expect(await countAtAll(admin, KEYSPACE)).toBe(acknowledged);
        await admin.shutdown();
    }, 600_000);
});

import { setTimeout as sleep } from "node:timers/promises";
import { types } from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killNode, restartNode } from "./harness/cassandra-node";
import { nodeConfig } from "./harness/cluster";
import { waitFor } from "./harness/exec";
import { progress } from "./harness/log";
import { createKeyspace, Fixture, fixture, waitUntilHealthy } from "./harness/fixture";

type Phase = "before" | "down" | "back";

/**
 * A node crashes (SIGKILL) under a steady write load from outside and comes back. Writes use
 * QUORUM over RF {dc1: 2, dc2: 2}: 3 of the 4 replicas must acknowledge, which survives any one
 * node, and QUORUM reads (3) overlap every acknowledged write. (LOCAL_QUORUM with 2 replicas in
 * the datacenter would need both, so it could not survive the crash; this topology keeps the
 * issue's two nodes per datacenter instead of adding a fifth JVM.)
 */
describe("one node killed mid-workload", () => {
    let f: Fixture;
    beforeAll(() => {
        f = fixture();
    });
    afterAll(async () => {
        await f.closeAll();
        await waitUntilHealthy(f);
    });

    it("keeps serving, loses no acknowledged write, and uses the node again once it is back", async () => {
        // A node cass-operator started second: not the one it seeded the ring with.
        const victimNode = f.state.nodes.find(
            (n) => n.datacenter === "dc1" && n.podName !== f.state.seedPods[0],
        )!;
        const victim = victimNode.podName;
        // The client's only contact point is the victim, so its control connection dies with it too:
        // the hardest case for the driver's view of the cluster.
        const client = await f.connect("dc1", {
            contactPoints: [f.bundles.dc1.addressTranslation[`${victimNode.ip}:9042`]],
        });
        // The driver's own account of hosts going down and up, shown if the test fails.
        const driverLog: string[] = [];
        client.on("log", (level: string, cls: string, msg: string) => {
            if (
                level === "warning" ||
                level === "error" ||
                (level === "info" && /Host|ControlConnection/.test(cls))
            ) {
                driverLog.push(`${new Date().toISOString()} ${level} ${cls}: ${msg}`);
            }
        });
        await createKeyspace(client, "e2e_fault", { dc1: 2, dc2: 2 });
        const acked: { key: string; phase: Phase; coordinator: string }[] = [];
        const failed: { key: string; phase: Phase; error: string }[] = [];
        let phase: Phase = "before";
        let stop = false;
        let seq = 0;

        const worker = async () => {
            while (!stop) {
                const key = `k${seq++}`;
                const at = phase;
                try {
                    const rs = await client.execute(
                        "INSERT INTO e2e_fault.kv (k, v) VALUES (?, ?)",
                        [key, at],
                        {
                            prepare: true,
                            consistency: types.consistencies.quorum,
                        },
                    );
                    acked.push({
                        key,
                        phase: at,
                        coordinator: f.podOfEndpoint(rs.info.queriedHost) ?? rs.info.queriedHost,
                    });
                } catch (err) {
                    failed.push({ key, phase: at, error: (err as Error).message });
                }
                await sleep(50);
            }
        };
        const workers = Array.from({ length: 3 }, worker);

        await sleep(2000);
        await killNode(victim);
        phase = "down";
        progress(`killed ${victim} after ${acked.length} acknowledged writes`);
        await sleep(5000);
        await restartNode(nodeConfig(f.state, victim));
        phase = "back";
        await waitFor(
            `${victim} to coordinate writes again`,
            () => acked.some((a) => a.phase === "back" && a.coordinator === victim),
            90_000,
            200,
        ).catch((err: Error) => {
            const hosts = client.hosts
                .values()
                .map((h) => `${h.address}=${h.isUp() ? "up" : "down"}`);
            throw new Error(
                `${err.message}\nhosts: ${hosts.join(" ")}\ndriver log:\n${driverLog.slice(-40).join("\n")}`,
            );
        });
        await sleep(1000);
        stop = true;
        await Promise.all(workers);
        progress(
            `workload: ${acked.length} acknowledged, ${failed.length} failed ${JSON.stringify(failed.slice(0, 4))}`,
        );

        const during = acked.filter((a) => a.phase === "down");
        expect(during.length).toBeGreaterThan(30);
        expect(during.every((a) => a.coordinator !== victim)).toBe(true);
        // Only requests in flight on the victim's connections when it died may fail.
        expect(failed.length).toBeLessThanOrEqual(6);

        const stored = new Set<string>();
        let pageState: string | undefined;
        do {
            const rs = await client.execute("SELECT k FROM e2e_fault.kv", [], {
                consistency: types.consistencies.quorum,
                fetchSize: 1000,
                pageState,
            });
            rs.rows.forEach((r) => stored.add(r["k"] as string));
            pageState = rs.pageState ?? undefined;
        } while (pageState);
        const lost = acked.filter((a) => !stored.has(a.key));
        expect(lost).toEqual([]);
    });
});

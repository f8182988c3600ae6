import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
    Application,
    expectNoFailedRequest,
    reportPhases,
    startApplications,
} from "./harness/applications";
import { countAtAll, createKeyspace, Fixture, fixture } from "./harness/fixture";
import { progress } from "./harness/log";
import { PROGRAM_FILE } from "./harness/paths";
import { Program } from "./harness/product";
import { rollOut, servingAgain } from "./harness/rollout";
import { servedCertificates } from "./harness/served-certificates";
import type { Phases } from "./harness/workload";

const KEYSPACE = "e2e_renewal";

/**
 * Certificates renewed by `pulumi up` reach every running node. The program runs again with
 * the certificates re-issued (the tls provider replaces a certificate inside its renewal
 * window; here an input change does the same), registers the new Secret and a new TLS revision
 * in the pod template, and cass-operator's rolling update (emulated by its own rules, see
 * harness/rollout.ts) restarts the nodes one by one onto the new files — while Java, Python and
 * Node.js applications keep writing.
 */
describe("certificate renewal reaches every node under load", () => {
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
    });

    it("serves the renewed certificate on every node, with no failed request and every write readable", async () => {
        const program = Program.load(PROGRAM_FILE);
        const renewed = await program.deploy(f.state.statuses, {
            tls: { certificateValidityHours: 8000 },
        });
        const before = await servedCertificates(f.state);
        for (const [pod, c] of Object.entries(before)) {
            expect(c.served, pod).toBe(c.inSecret);
        }

        const all = (line: string) => Promise.all(apps.map((a) => a.w.command(line)));
        await Promise.all(apps.map((a, i) => a.w.command(`load ${KEYSPACE} a${i}w`)));
        await sleep(2000);
        await all("phase rolling");
        const t0 = Date.now();
        const state = await rollOut(f.state, renewed, "base", (pod) =>
            servingAgain(apps, f.state, pod, "dc1"),
        );
        progress(`rolled out in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
        await all("phase after");
        await sleep(2000);
        const results: { a: Application; phases: Phases }[] = [];
        for (const a of apps) {
            results.push({ a, phases: await a.w.stop() });
        }
        program.save(PROGRAM_FILE);

        const after = await servedCertificates(state);
        for (const [pod, c] of Object.entries(after)) {
            expect(c.served, pod).toBe(c.inSecret);
            expect(c.served, pod).not.toBe(before[pod].served);
        }
        let acknowledged = 0;
        for (const { a, phases } of results) {
            reportPhases(a.name, phases, "certificate renewal");
            acknowledged += expectNoFailedRequest(a, phases);
            expect(phases.rolling.ok, a.name).toBeGreaterThan(100);
        }
        const admin = await f.connect("dc1");
        expect(await countAtAll(admin, KEYSPACE)).toBe(acknowledged);
    });
});

import { X509Certificate } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodePemKey, secretNames } from "../../components/plan/datacenter-spec";
import {
    Application,
    expectNoFailedRequest,
    reportPhases,
    startApplications,
} from "./harness/applications";
import { clientBundlesOf, plan } from "./harness/cluster";
import { countAtAll, createKeyspace, Fixture, fixture } from "./harness/fixture";
import { progress } from "./harness/log";
import { PROGRAM_FILE } from "./harness/paths";
import { Program } from "./harness/product";
import { rollOut, servingAgain } from "./harness/rollout";
import { servedCertificates } from "./harness/served-certificates";
import { E2eState, readState, writeState } from "./harness/state";
import type { Phases } from "./harness/workload";

const KEYSPACE = "e2e_ca_rotation";
const pemsIn = (bundle: string) =>
    bundle
        .split("-----END CERTIFICATE-----")
        .filter((p) => p.includes("BEGIN CERTIFICATE"))
        .map((p) => new X509Certificate(`${p.trim()}\n-----END CERTIFICATE-----\n`));

/**
 * The CA rotated in its three phases (README "Rotating the CA"), each a `pulumi up` rolled out by
 * cass-operator's rules while Java, Python and Node.js applications write: (1) every node and
 * client trusts the old and the new CA; the applications are redeployed with the new
 * `caCertificate`; (2) every certificate comes from the new CA; (3) the old CA is dropped. No
 * request fails in any phase, the nodes keep talking to each other, and every write is readable.
 */
describe("CA rotation in phases under load", () => {
    let f: Fixture;
    let program: Program;
    let apps: Application[] = [];
    const results: { a: Application; phases: Phases }[] = [];

    const start = async (state: E2eState, round: string): Promise<Application[]> => {
        const started = await startApplications(state, undefined, "dc1", ` ${round}`);
        for (const [i, a] of started.entries()) {
            await a.w.command(`load ${KEYSPACE} ${round}${i}w`);
        }
        return started;
    };
    const stop = async (list: Application[]) => {
        for (const a of list) {
            results.push({ a, phases: await a.w.stop() });
        }
    };
    const ready = (pod: string) => servingAgain(apps, f.state, pod, "dc1");
    const phase = async (label: string, tls: Record<string, unknown>): Promise<E2eState> => {
        const current = program.overrides;
        const product = await program.deploy(f.state.statuses, {
            ...current,
            tls: { ...(current.tls as object | undefined), ...tls },
        });
        await Promise.all(apps.map((a) => a.w.command(`phase ${label}`)));
        const t0 = Date.now();
        const state = await rollOut(readState(), product, "base", ready);
        progress(`${label}: rolled out in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
        program.save(PROGRAM_FILE);
        const withBundles = { ...state, clientBundles: await clientBundlesOf(program, state) };
        writeState(withBundles);
        return withBundles;
    };

    beforeAll(async () => {
        f = fixture();
        await createKeyspace(await f.connect("dc1"), KEYSPACE, { dc1: 2, dc2: 2 });
        program = Program.load(PROGRAM_FILE);
        apps = await start(f.state, "r1");
    });
    afterAll(async () => {
        await Promise.all(apps.map((a) => a.w.kill()));
        await f.closeAll();
    });

    it("keeps every client and every node working through trust, issue and drop, and ends on the new CA only", async () => {
        const oldCa = pemsIn(f.state.caPem);
        expect(oldCa).toHaveLength(1);

        // Phase 1: trust both. Certificates still come from the old CA.
        const trusting = await phase("trust-both", { caRotation: "add-new-ca" });
        const bundle = pemsIn(trusting.caPem);
        expect(bundle.map((c) => c.subject)).toEqual([
            oldCa[0].subject,
            expect.stringContaining("Cassandra CA 2"),
        ]);
        // The applications are redeployed with the new caCertificate before certificates change.
        await sleep(1000);
        const first = apps;
        apps = await start(trusting, "r2");
        await stop(first);

        // Phase 2: every certificate from the new CA, both still trusted.
        const issued = await phase("issue-new", { caRotation: "issue-from-new-ca" });
        const newCa = bundle[1];
        const clusterName = plan().settings.clusterName;
        for (const n of issued.nodes) {
            const pem =
                issued.secrets[secretNames(clusterName, n.datacenter).tls][nodePemKey(n.podName)];
            const cert = new X509Certificate(pem.slice(pem.indexOf("-----BEGIN CERTIFICATE-----")));
            expect(cert.checkIssued(newCa), n.podName).toBe(true);
        }

        // Phase 3: the old CA dropped.
        const done = await phase("drop-old", { caGeneration: 2, caRotation: undefined });
        expect(pemsIn(done.caPem).map((c) => c.fingerprint256)).toEqual([newCa.fingerprint256]);
        await sleep(2000);
        await stop(apps);
        apps = [];

        // Every node serves its new certificate, verified against the new CA alone.
        f = fixture();
        for (const [pod, c] of Object.entries(await servedCertificates(f.state))) {
            expect(c.served, pod).toBe(c.inSecret);
        }
        let acknowledged = 0;
        for (const { a, phases } of results) {
            reportPhases(a.name, phases, "CA rotation");
            acknowledged += expectNoFailedRequest(a, phases);
        }
        const admin = await f.connect("dc1");
        expect(await countAtAll(admin, KEYSPACE)).toBe(acknowledged);
    }, 900_000);
});

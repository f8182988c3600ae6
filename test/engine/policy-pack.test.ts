import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rules } from "../../policies/rules";
import { deploy } from "./harness/deployment";
import type { FakeEngine } from "./harness/fake-engine";
import { Diagnostic, PolicyPackProcess } from "./harness/policy-pack";

/**
 * The policy pack as the engine runs it: started through `cmd/run-policy-pack` from `policies/`
 * (TypeScript compiled by the pack's own tsconfig), driven over the Analyzer gRPC protocol with
 * the resources a preview and an update of real programs register.
 */

const root = join(__dirname, "..", "..");
const packDir = join(root, "policies");
const handWritten = join(root, "test", "fixtures", "programs", "hand-written");

let previewPack: PolicyPackProcess;
let upPack: PolicyPackProcess;
const runs: Record<string, FakeEngine> = {};

beforeAll(async () => {
    const [engines, packs] = await Promise.all([
        Promise.all([
            deploy({ root, stack: "dev", preview: true }),
            deploy({ root, stack: "dev", preview: false }),
            deploy({ root: handWritten, stack: "test", preview: true }),
            deploy({ root: handWritten, stack: "test", preview: false }),
        ]),
        Promise.all(
            [true, false].map((dryRun) =>
                PolicyPackProcess.start({
                    packDir,
                    engineAddress: "127.0.0.1:1",
                    project: "cassandra-multicluster",
                    stack: "dev",
                    dryRun,
                }),
            ),
        ),
    ]);
    [runs.devPreview, runs.devUp, runs.handPreview, runs.handUp] = engines;
    [previewPack, upPack] = packs;
}, 300_000);

afterAll(() => {
    previewPack?.stop();
    upPack?.stop();
});

/** A fresh pack per deployment would be faithful but slow; notes are per process, so each shape gets its own. */
async function analyze(pack: PolicyPackProcess, engine: FakeEngine, dryRun: boolean) {
    await pack.configure({ project: engine.project, stack: engine.stack, dryRun });
    return pack.analyzeDeployment(engine);
}

const mandatory = (ds: readonly Diagnostic[]) => ds.filter((d) => d.level === "mandatory");
/** `@pulumi/policy` prefixes each reported message with the policy's description and a newline. */
const reported = (d: Diagnostic) => d.message.slice(d.message.indexOf("\n") + 1);

describe("the pack starts the way the engine starts it", () => {
    it("serves every rule, plus the preview coverage note, with their enforcement levels", async () => {
        const info = await previewPack.info();
        expect(info.getName()).toBe("cassandra-multicluster");
        const policies = info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]);
        expect(policies.map(([n]) => n)).toEqual([...rules.map((r) => r.name), "preview-coverage"]);
    });
});

describe("our dev stack", () => {
    let preview: Diagnostic[];
    let up: Diagnostic[];
    beforeAll(async () => {
        preview = await analyze(previewPack, runs.devPreview, true);
        up = await analyze(upPack, runs.devUp, false);
    });

    it("passes a first preview with no mandatory violation", () => {
        expect(mandatory(preview)).toEqual([]);
    });

    it("says once per rule what the preview could not judge, and nothing else", () => {
        expect(
            preview.every((d) => d.policy === "preview-coverage" && d.level === "advisory"),
        ).toBe(true);
        const noted = preview.map((d) => reported(d).split(":")[0]).sort();
        expect(noted).toEqual([...new Set(noted)]);
        // SNI routes carry host IDs known once their datacenter is ready; Secrets and datacenters
        // behind a cluster that does not exist have no outputs yet; charts show no inputs.
        // Everything else (datacenter specs, Services, port routes, keys, ranges) is judged.
        expect(noted).toEqual([
            "sni-passthrough-only",
            "superuser-secret-generated",
            "versions-pinned",
        ]);
        const routes = preview.map(reported).find((m) => m.startsWith("sni-passthrough-only"));
        // One object per datacenter holds its SNI routes (same name in both clusters: counted twice).
        expect(routes).toContain("2 resource(s) could not be judged during preview");
        const charts = preview.map(reported).find((m) => m.startsWith("versions-pinned"));
        expect(charts).toContain("6 resource(s) could not be judged during preview");
        expect(charts).toContain(
            "Chart cassandra-multicluster-dc1-operator-chart (no inputs visible during preview)",
        );
    });

    it("passes an update with no diagnostics at all", () => {
        expect(up).toEqual([]);
    });
});

describe("a hand-written stack that breaks the rules", () => {
    let preview: Diagnostic[];
    let up: Diagnostic[];
    beforeAll(async () => {
        preview = await analyze(previewPack, runs.handPreview, true);
        up = await analyze(upPack, runs.handUp, false);
    });

    it.each([
        [
            "native-transport-encrypted",
            "CassandraDatacenter cassandra/dc9: client_encryption_options.enabled is false",
        ],
        [
            "no-open-cql",
            "Service cassandra/open-cql: LoadBalancer exposes CQL (9042) without loadBalancerSourceRanges",
        ],
        [
            "no-overlapping-ranges",
            "Subnetwork subnet-a primary 10.10.0.0/16 overlaps Subnetwork subnet-b primary 10.10.128.0/20",
        ],
    ])("is refused by %s at preview and at up", (policy, message) => {
        for (const ds of [preview, up]) {
            expect(mandatory(ds)).toEqual(
                expect.arrayContaining([
                    expect.objectContaining({ policy, message: expect.stringContaining(message) }),
                ]),
            );
        }
    });
});

import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { outputOf, RecordedResource, settled, setupMocks } from "./helpers/mocks";

const example = join(__dirname, "..", "examples", "consumer");

describe("examples/consumer, a second project importing the package", () => {
    let resources: RecordedResource[];
    let program: typeof import("../examples/consumer/index");

    beforeAll(async () => {
        resources = await setupMocks();
        program = await import("../examples/consumer/index");
        await outputOf(program.clientBundle);
        await settled(resources);
    }, 60_000);

    it("type-checks against the package's public API", () => {
        execFileSync(
            process.execPath,
            [
                join(__dirname, "..", "node_modules", "typescript", "bin", "tsc"),
                "--noEmit",
                "-p",
                join(example, "tsconfig.json"),
            ],
            { stdio: "pipe" },
        );
    }, 120_000);

    it("adds a datacenter on an existing cluster with per-node load balancers", async () => {
        expect(
            resources.filter(
                (r) => r.type.startsWith("gcp:compute") || r.type.startsWith("gcp:container"),
            ),
        ).toEqual([]);
        const cassdc = resources.find(
            (r) => r.type === "kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter",
        );
        expect(cassdc?.inputs.spec).toMatchObject({ clusterName: "analytics", size: 3 });
        const lbs = resources.filter(
            (r) =>
                r.type === "kubernetes:core/v1:Service" &&
                (r.inputs.spec as { type?: string }).type === "LoadBalancer",
        );
        expect(lbs).toHaveLength(3);
        expect(program.routes).toEqual([
            "analytics-dc3-rack1-sts-0.dc3.analytics.example.com -> analytics-dc3-rack1-sts-0",
            "analytics-dc3-rack2-sts-0.dc3.analytics.example.com -> analytics-dc3-rack2-sts-0",
            "analytics-dc3-rack3-sts-0.dc3.analytics.example.com -> analytics-dc3-rack3-sts-0",
        ]);
        const bundle = await outputOf(program.clientBundle);
        expect(bundle?.nodes.map((n) => n.port)).toEqual([9042, 9042, 9042]);
    });
});

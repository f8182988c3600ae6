import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { LIFECYCLE_GUARD_TYPE } from "../../components/lifecycle/lifecycle-guard";
import { buildPlan } from "../../components/plan";
import { parseSettings, settingsFromConfigMap } from "../../components/config";
import { readStackConfig } from "../../components/render/stack-config";
import { deploy } from "./harness/deployment";
import { FakeEngine, Registration } from "./harness/fake-engine";
import { pwdAndMain } from "./harness/run-program";
import { readProjectFile } from "../../components/render/stack-config";

/**
 * The program as the engine runs it: `@pulumi/pulumi`'s `cmd/run` with the arguments and config
 * the Node language host passes, against a resource monitor speaking the real gRPC protocol.
 */

const root = join(__dirname, "..", "..");
let dev: FakeEngine;
let local: FakeEngine;

beforeAll(async () => {
    // The library build the package's `exports` point at; the engine must still run the program.
    execFileSync(
        process.execPath,
        [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"],
        {
            cwd: root,
        },
    );
    [dev, local] = await Promise.all([
        deploy({ root, stack: "dev", preview: true }),
        deploy({ root, stack: "local", preview: true }),
    ]);
}, 300_000);

const ofType = (e: FakeEngine, type: string) => e.registrations.filter((r) => r.type === type);
const only = (e: FakeEngine, type: string, name: string): Registration => {
    const found = e.registrations.find((r) => r.type === type && r.name === name);
    expect(found, `${type} ${name}`).toBeDefined();
    return found as Registration;
};

describe("the entry point the engine runs", () => {
    it("is index.ts, named in Pulumi.yaml, not the package's exports", () => {
        const { pwd, main } = pwdAndMain(root, readProjectFile(root).main);
        expect(join(pwd, main)).toBe(join(root, "index.ts"));
    });

    it("registers the whole stack after `npm run build`, not the library's empty one", () => {
        expect(dev.rootUrn).toBe(
            "urn:pulumi:dev::cassandra-multicluster::pulumi:pulumi:Stack::cassandra-multicluster-dev",
        );
        expect(ofType(dev, "cassandra-multicluster:index:CassandraMultiCluster")).toHaveLength(1);
        // The dev stack registers 87 (a real-engine preview counted 111, UPSTREAM.md, before each
        // node's key, request and certificate became an entry of its datacenter's
        // CertificateSet); the library alone, 1.
        expect(dev.registrations.length).toBeGreaterThan(80);
        const stack = dev.byUrn(dev.rootUrn) as Registration;
        expect(Object.keys(stack.outputs).sort()).toEqual([
            "caCertificate",
            "clientBundle",
            "clientCertificates",
            "datacenters",
            "externalNameServers",
            "ingressAddresses",
        ]);
    });

    it("leaves the library importable from its build", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const lib = require(join(root, "bin", "components", "index.js"));
        expect(typeof lib.CassandraMultiCluster).toBe("function");
        expect(typeof lib.plan.buildPlan).toBe("function");
    });
});

describe("stack config as the CLI passes it", () => {
    it("reaches the program: regions, sizes and planned ranges of the dev stack", () => {
        const { project, config } = readStackConfig(root, "dev");
        const plan = buildPlan(parseSettings(settingsFromConfigMap(project, config)));
        const subnets = ofType(dev, "gcp:compute/subnetwork:Subnetwork");
        expect(subnets.map((s) => [s.inputs.region, s.inputs.ipCidrRange])).toEqual(
            plan.network.datacenters.map((d, i) => [plan.topology.datacenters[i].region, d.nodes]),
        );
        const dcs = dev.registrations.filter((r) => r.inputs.kind === "CassandraDatacenter");
        expect(dcs.map((d) => (d.inputs.spec as { size: number }).size)).toEqual([3, 3]);
    });

    it("reaches the program for an existing-cluster stack (local): no GCP resources, its context", () => {
        expect(local.registrations.some((r) => r.type.startsWith("gcp:"))).toBe(false);
        const provider = ofType(local, "pulumi:providers:kubernetes");
        expect(provider.map((p) => p.inputs.context)).toEqual(["k3d-cassandra"]);
    });
});

describe("a first preview, as the engine sees it", () => {
    it("puts every Kubernetes resource of a GKE stack behind a provider it cannot configure yet", () => {
        const k8s = dev.registrations.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
        expect(k8s.length).toBeGreaterThan(30);
        expect(k8s.filter((r) => dev.providerKnown(r))).toEqual([]);
    });

    it("shows Helm charts as remote components without inputs", () => {
        const charts = ofType(dev, "kubernetes:helm.sh/v4:Chart");
        expect(charts.length).toBe(6);
        expect(charts.every((c) => c.remote && Object.keys(c.inputs).length === 0)).toBe(true);
    });

    it("configures the providers of existing clusters from the stack's known context", () => {
        const k8s = local.registrations.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
        expect(k8s.every((r) => local.providerKnown(r))).toBe(true);
        expect(
            only(local, "pulumi:providers:kubernetes", "cassandra-multicluster-dc1-k8s"),
        ).toBeDefined();
    });
});

describe("data-bearing resources as the engine records them", () => {
    it("protects every CassandraDatacenter (deletionProtection), and registers the lifecycle guard first", () => {
        const dcs = ofType(dev, "kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter");
        expect(dcs.map((r) => r.protect)).toEqual([true, true]);
        const annotations = (r: Registration) =>
            (r.inputs.metadata as { annotations: Record<string, string> }).annotations;
        for (const r of dcs) {
            expect(annotations(r)["cassandra.datastax.com/allow-storage-changes"]).toBe("true");
            expect(annotations(r)["cassandra.datastax.com/decommission-on-delete"]).toBeUndefined();
        }
        // The guard's inputs wait for its serialized provider, so others register before it; every
        // object that reaches a cluster waits for it instead.
        const guard = dev.registrations.find((r) => r.type === LIFECYCLE_GUARD_TYPE);
        expect(guard?.name).toBe("cassandra-multicluster-lifecycle");
        const k8sObjects = dev.registrations.filter(
            (r) =>
                r.type.startsWith("kubernetes:") &&
                r.name.match(/-dc\d-(ns|superuser|node-tls|network-policy|cassdc)$/),
        );
        expect(k8sObjects).toHaveLength(10);
        for (const r of k8sObjects) {
            expect(r.dependencies, r.name).toContain(guard?.urn);
        }
    });
});

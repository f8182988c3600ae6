import type * as grpc from "@grpc/grpc-js";
import * as errorproto from "@pulumi/pulumi/proto/errors_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computedOutputs } from "../../components/render/mocks";
import { readStackConfig } from "../../components/render/stack-config";
import { FakeEngine, Registration, UNKNOWN_VALUE } from "../engine/harness/fake-engine";
import {
    buildPackage,
    ComponentProviderProcess,
    EXAMPLE_DIR,
    packageJson,
    provproto,
    RegisteredComponent,
    runPythonExample,
    startComponentProvider,
    unary,
} from "./harness";

/**
 * The package's provider started the way the engine starts a source-based plugin, in the Python
 * consumer's directory, and driven over the provider gRPC protocol: `GetSchema`, then `Construct`
 * of what the Python example registers, which the provider's component code turns into child
 * registrations against a resource monitor (the in-test engine). The engine's part follows
 * `sdk/go/common/resource/plugin/provider_plugin.go` `Construct` at v3.248.0.
 */

const TOKEN = "cassandra-mc:index:CassandraCluster";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

const { project, config } = readStackConfig(EXAMPLE_DIR, "dev");
const stack = "dev";
const stackUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;

let engine: FakeEngine;
let provider: ComponentProviderProcess;
let schema: { resources: Record<string, { properties: Record<string, unknown> }> };
let example: RegisteredComponent;
let state: Record<string, unknown>;

/**
 * A ConstructRequest as the engine sends it for a remote component the program registered:
 * the stack, its config, the monitor's address, the type, name and parent, and the inputs with
 * their dependencies (`provider_plugin.go` `Construct`).
 */
function constructRequest(opts: {
    name: string;
    inputs: Record<string, unknown>;
    inputDependencies?: Record<string, string[]>;
    monitor: string;
    dryRun?: boolean;
}): provproto.ConstructRequest {
    const req = new provproto.ConstructRequest();
    req.setProject(project);
    req.setStack(stack);
    req.setOrganization("organization");
    for (const [k, v] of Object.entries(config)) {
        req.getConfigMap().set(k, v);
    }
    req.setDryrun(opts.dryRun ?? false);
    req.setParallel(16);
    req.setMonitorendpoint(opts.monitor);
    req.setType(TOKEN);
    req.setName(opts.name);
    req.setParent(stackUrn);
    req.setInputs(Struct.fromJavaScript(opts.inputs as never));
    for (const [k, urns] of Object.entries(opts.inputDependencies ?? {})) {
        const deps = new provproto.ConstructRequest.PropertyDependencies();
        deps.setUrnsList(urns);
        req.getInputdependenciesMap().set(k, deps);
    }
    return req;
}

let monitor = "";
const construct = (req: provproto.ConstructRequest) =>
    unary<provproto.ConstructResponse>((cb) => provider.client.construct(req, cb));

/** The property errors an InputPropertiesError carries (`provider/server.ts` `buildInvalidPropertiesError`). */
function propertyErrors(err: grpc.ServiceError): { path: string; reason: string }[] {
    const [bin] = err.metadata.get("grpc-status-details-bin") as Buffer[];
    const status = statusproto.Status.deserializeBinary(new Uint8Array(bin));
    return status.getDetailsList().flatMap((any) =>
        errorproto.InputPropertiesError.deserializeBinary(any.getValue_asU8())
            .getErrorsList()
            .map((e) => ({ path: e.getPropertyPath(), reason: e.getReason() })),
    );
}

async function constructError(req: provproto.ConstructRequest): Promise<grpc.ServiceError> {
    try {
        await construct(req);
    } catch (err) {
        return err as grpc.ServiceError;
    }
    throw new Error("Construct succeeded");
}

const unwrap = (v: unknown) => (v as Record<string, unknown>).value;
const ofType = (type: string): Registration[] =>
    engine.registrations.filter((r) => r.type === type);

beforeAll(async () => {
    buildPackage();
    let address = 0;
    const started = await FakeEngine.start({
        project,
        stack,
        preview: false,
        compute: (r) => computedOutputs(r, () => ++address),
    });
    engine = started.engine;
    monitor = started.address;
    provider = await startComponentProvider({ engineAddress: monitor, cwd: EXAMPLE_DIR });
    const res = await unary<provproto.GetSchemaResponse>((cb) =>
        provider.client.getSchema(new provproto.GetSchemaRequest(), cb),
    );
    schema = JSON.parse(res.getSchema());
    [example] = runPythonExample(schema).registered;
    const constructed = await construct(
        constructRequest({ name: example.name, inputs: example.inputs, monitor }),
    );
    state = constructed.getState()?.toJavaScript() as Record<string, unknown>;
}, 120_000);

afterAll(async () => {
    await provider?.stop();
    await engine?.stop();
});

describe("the package's provider, started as the engine starts it", () => {
    it("serves the inferred schema over GetSchema", () => {
        expect(Object.keys(schema.resources)).toEqual([TOKEN]);
        // Every output the schema promises is in Construct's answer.
        expect(Object.keys(schema.resources[TOKEN].properties).sort()).toEqual(
            Object.keys(state).sort(),
        );
    });

    it("reports the package's version", async () => {
        const info = await unary<PluginInfo>((cb) =>
            provider.client.getPluginInfo(new Empty(), cb),
        );
        expect(info.getVersion()).toBe(packageJson.version);
    });
});

describe("Construct of what the Python example registers", () => {
    it("registers the component under the stack, and the library's component under it", () => {
        const [facade] = ofType(TOKEN);
        expect(facade).toMatchObject({ name: "orders", parent: stackUrn, custom: false });
        // Its own state holds no args: the child records them, kubeconfigs as secrets.
        expect(facade.inputs).toEqual({});
        const [lib] = ofType("cassandra-multicluster:index:CassandraMultiCluster");
        expect(lib).toMatchObject({ name: "orders", parent: facade.urn });
        expect(facade.outputs).toMatchObject({ caCertPem: state.caCertPem });
    });

    it("creates the stack the settings describe: two GKE clusters, their datacenters and racks", () => {
        const clusters = ofType("gcp:container/cluster:Cluster");
        expect(clusters.map((c) => [c.inputs.name, c.inputs.location, c.inputs.project])).toEqual([
            ["orders-dc1", "europe-west4", "my-gcp-project"],
            ["orders-dc2", "us-east1", "my-gcp-project"],
        ]);
        const dcs = ofType("kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter");
        const spec = (r: Registration) =>
            r.inputs.spec as { clusterName: string; size: number; racks: { name: string }[] };
        expect(
            dcs.map((d) => [spec(d).clusterName, spec(d).size, spec(d).racks.map((r) => r.name)]),
        ).toEqual([
            ["orders", 3, ["rack1", "rack2", "rack3"]],
            ["orders", 4, ["east-b", "east-c"]],
        ]);
        expect(engine.logs.filter((l) => l.severity >= 3)).toEqual([]);
    });

    it("returns each datacenter's endpoints", () => {
        const dcs = state.datacenters as Record<string, Record<string, unknown>>;
        expect(Object.keys(dcs)).toEqual(["dc1", "dc2"]);
        expect(dcs.dc1).toMatchObject({
            clusterName: "orders-dc1",
            namespace: "cassandra",
            cassandraDatacenter: "dc1",
            additionalSeeds: [],
            ranges: {
                nodes: expect.any(String),
                pods: expect.any(String),
                controlPlane: expect.any(String),
            },
        });
        expect(dcs.dc1.ingressAddress).toMatch(/^198\.51\.100\.\d+$/);
        expect(Object.keys(dcs.dc2.hostIds as object)).toHaveLength(4);
        // dc2 starts after dc1 and joins through its nodes' pod IPs.
        expect(dcs.dc2.additionalSeeds).toHaveLength(3);
    });

    it("returns the CA certificate and the client bundle as JSON", () => {
        const ca = new X509Certificate(state.caCertPem as string);
        expect(ca.ca).toBe(true);
        const bundle = JSON.parse(state.clientBundleJson as string);
        expect(bundle).toMatchObject({ clusterName: "orders", datacenters: ["dc1", "dc2"] });
        expect(bundle.caCertificate).toBe(state.caCertPem);
        expect(bundle.nodes).toHaveLength(7);
        expect(bundle.nodes[0]).toMatchObject({
            datacenter: "dc1",
            rack: "rack1",
            externalName: expect.stringMatching(/\.orders\.cassandra\.example\.com$/),
        });
    });

    it("returns the superuser and the client certificates as secrets", () => {
        expect(state.superuser).toMatchObject({ [SIG_KEY]: SECRET_SIG });
        expect(unwrap(state.superuser)).toEqual({
            username: "orders-superuser",
            password: expect.stringMatching(/.{8,}/),
        });
        expect(state.clientCertificates).toMatchObject({ [SIG_KEY]: SECRET_SIG });
        const certs = unwrap(state.clientCertificates) as Record<
            string,
            { certPem: string; keyPem: string }
        >;
        expect(Object.keys(certs)).toEqual(["orders-service"]);
        const cert = new X509Certificate(certs["orders-service"].certPem);
        expect(cert.checkIssued(new X509Certificate(state.caCertPem as string))).toBe(true);
        // The key the schema documents: PKCS#8, and the certificate's.
        expect(certs["orders-service"].keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
        expect(cert.checkPrivateKey(createPrivateKey(certs["orders-service"].keyPem))).toBe(true);
    });
});

describe("Construct with args the component cannot use", () => {
    it("answers every settings problem at once, by key, as the engine prints them", async () => {
        const err = await constructError(
            constructRequest({
                name: "bad",
                monitor,
                inputs: {
                    ...example.inputs,
                    datacenters: [
                        { name: "dc1", region: "us-west1", zones: ["us-east1-b"], size: 3 },
                    ],
                    clientCidrs: [],
                },
            }),
        );
        expect(err.code).toBe(3); // INVALID_ARGUMENT
        expect(err.details).toBe("Invalid stack configuration for cassandra-multicluster");
        expect(
            propertyErrors(err)
                .map((e) => e.path)
                .sort(),
        ).toEqual(["clientCidrs", "datacenters[0].zones[0]"]);
    });

    it("refuses a secret or a resource's output: the topology is planned before anything exists", async () => {
        const err = await constructError(
            constructRequest({
                name: "secret",
                monitor,
                inputs: {
                    datacenters: [{ name: "dc1", zones: ["zone-a"], size: 1 }],
                    // A Python program passing pulumi.Output.secret(...): the engine sends it as a
                    // secret, and the provider hands the arg over as an output (`deserializeInputs`).
                    existingClusters: {
                        [SIG_KEY]: SECRET_SIG,
                        value: {
                            dc1: {
                                kubeconfig: "apiVersion: v1",
                                podCidr: "10.1.0.0/16",
                                serviceCidr: "10.2.0.0/16",
                            },
                        },
                    },
                    gcpProject: "my-gcp-project",
                },
                inputDependencies: { gcpProject: [stackUrn] },
            }),
        );
        expect(err.code).toBe(3);
        expect(err.details).toBe('Invalid arguments for CassandraCluster "secret"');
        expect(propertyErrors(err).map((e) => e.path)).toEqual(["existingClusters", "gcpProject"]);
        expect(propertyErrors(err)[0].reason).toMatch(/pass a plain value/);
    });
});

describe("Construct on clusters the stack does not create", () => {
    it("reaches an existing cluster by kubeconfig and context strings", async () => {
        const kubeconfig = "apiVersion: v1\nkind: Config\n";
        const res = await construct(
            constructRequest({
                name: "onprem",
                monitor,
                inputs: {
                    clusterName: "onprem",
                    datacenters: [
                        {
                            name: "dc1",
                            zones: ["zone-a"],
                            size: 1,
                            nodeMachineType: "custom-2-4096",
                        },
                    ],
                    existingClusters: {
                        dc1: {
                            kubeconfig,
                            context: "onprem",
                            podCidr: "10.1.0.0/16",
                            serviceCidr: "10.2.0.0/16",
                        },
                    },
                },
            }),
        );
        const out = res.getState()?.toJavaScript() as Record<string, Record<string, unknown>>;
        expect(out.datacenters.dc1).toMatchObject({ clusterName: "onprem", endpoint: "onprem" });
        const k8s = engine.registrations.find(
            (r) => r.type === "pulumi:providers:kubernetes" && r.name === "onprem-dc1-k8s",
        ) as Registration;
        // The provider's inputs, as the engine records them: the kubeconfig only as a secret.
        expect(k8s.inputs).toMatchObject({
            kubeconfig: { [SIG_KEY]: SECRET_SIG, value: kubeconfig },
            context: "onprem",
        });
        // The component's own state keeps no args; the library's records the kubeconfig secret.
        const facade = ofType(TOKEN).find((r) => r.name === "onprem") as Registration;
        expect(facade.inputs).toEqual({});
        const lib = engine.registrations.find((r) => r.parent === facade.urn) as Registration;
        const clusters = lib.inputs.existingClusters as Record<string, Record<string, unknown>>;
        expect(clusters.dc1.kubeconfig).toEqual({ [SIG_KEY]: SECRET_SIG, value: kubeconfig });
    });
});

describe("Construct in a preview", () => {
    it("plans the same stack before anything exists, its outputs unknown", async () => {
        const preview = await FakeEngine.start({ project, stack, preview: true });
        try {
            const res = await construct(
                constructRequest({
                    name: example.name,
                    inputs: example.inputs,
                    monitor: preview.address,
                    dryRun: true,
                }),
            );
            const planned = res.getState()?.toJavaScript() as Record<string, unknown>;
            expect(planned.datacenters).toBe(UNKNOWN_VALUE);
            const types = preview.engine.registrations.map((r) => r.type);
            expect(types.filter((t) => t === TOKEN)).toHaveLength(1);
            expect(types.filter((t) => t === "gcp:container/cluster:Cluster")).toHaveLength(2);
            expect(
                types.filter(
                    (t) => t === "kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter",
                ),
            ).toHaveLength(2);
            expect(preview.engine.logs.filter((l) => l.severity >= 3)).toEqual([]);
        } finally {
            await preview.engine.stop();
        }
    });
});

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "vitest";
import { IngressKind, parseSettings } from "../../../components/config";
// Types only: a layer module must load after the mocks are set (see renderLayer).
import type {
    IngressControllerArgs,
    LoadBalancersArgs,
} from "../../../components/kubernetes/ingress";
import { planPki } from "../../../components/plan/pki-plan";
import { NodeRoute, planRoutes } from "../../../components/plan/routes";
import { buildTopology } from "../../../components/plan/topology";
import { kubernetesObjects } from "../../../components/render/manifests";
import { RecordedResource, recordingMocks } from "../../../components/render/mocks";
import { createValidator, SchemaError } from "../../../components/render/schema-validator";

export type { RecordedResource };

/**
 * Installs the recording mocks (not a preview, so `apply` callbacks run). The same mocks as
 * test/helpers/mocks.ts; kept here so these tests do not load the offline renderer.
 */
export async function setupMocks(): Promise<RecordedResource[]> {
    const { mocks, resources } = recordingMocks();
    await pulumi.runtime.setMocks(mocks, "cassandra-multicluster", "test", false);
    return resources;
}

export function outputOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Registrations finish after the outputs resolve; wait until none arrive for a while. */
export async function settled(resources: readonly RecordedResource[]): Promise<void> {
    let seen = -1;
    let quiet = 0;
    while (quiet < 5) {
        await new Promise((r) => setTimeout(r, 5));
        quiet = resources.length === seen ? quiet + 1 : 0;
        seen = resources.length;
    }
}

/**
 * Shared fixtures of the ingress layer tests: one plan (two datacenters of three nodes; the
 * layers get dc1's routes), rendering under the recording mocks, and the strict schema check.
 */

export const CLIENT_CIDRS = ["203.0.113.0/24", "198.51.100.0/25"];
export const DOMAIN = "db.example.com";
/** Host IDs as cass-operator reports them (`status.nodeStatuses[pod].hostID`). */
export const HOST_IDS: Readonly<Record<string, string>> = {
    "cassandra-dc1-rack1-sts-0": "5c0a1b3e-8f2d-4e6a-9b1c-2d3e4f5a6b7c",
    "cassandra-dc1-rack2-sts-0": "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70",
};

export interface Scenario {
    /** dc1's routes as clients see them once the datacenter is ready: with host IDs. */
    readonly routes: NodeRoute[];
    /** dc1's routes as the program plans them before host IDs are known: what layers are given. */
    readonly planned: NodeRoute[];
    /** Host IDs by pod name, as cass-operator reports them: what layers add to `planned`. */
    readonly hostIds: Readonly<Record<string, string>>;
    /** Certificate SANs by pod name, from the PKI plan. */
    readonly sans: Readonly<Record<string, readonly string[]>>;
    readonly namespace: string;
}

export function scenario(
    kind: IngressKind,
    hostIds: Readonly<Record<string, string>> = {},
    externalNames: "per-datacenter" | "flat" = "per-datacenter",
): Scenario {
    const settings = parseSettings({
        clusterName: "cassandra",
        datacenters: [
            {
                name: "dc1",
                region: "us-west1",
                zones: ["us-west1-a", "us-west1-b", "us-west1-c"],
                size: 3,
            },
            {
                name: "dc2",
                region: "us-east1",
                zones: ["us-east1-b", "us-east1-c", "us-east1-d"],
                size: 3,
            },
        ],
        ingress: kind,
        externalDomain: DOMAIN,
        externalNames,
        clientCidrs: CLIENT_CIDRS,
    });
    const topology = buildTopology(settings);
    const routes = planRoutes(settings, topology, hostIds).filter((r) => r.datacenter === "dc1");
    const planned = planRoutes(settings, topology).filter((r) => r.datacenter === "dc1");
    const sans = Object.fromEntries(
        planPki(settings, topology).nodes.map((n) => [n.id, n.dnsNames]),
    );
    return { routes, planned, hostIds, sans, namespace: topology.datacenters[0].namespace };
}

export interface Rendered<T> {
    readonly component: T;
    readonly address: string;
    readonly recorded: RecordedResource[];
    /** The Kubernetes objects as they would be applied (charts and YAML files are not expanded). */
    readonly objects: Record<string, unknown>[];
}

let providers = 0;

/** Builds one component with a fresh dc1 provider and returns what it registered. */
export async function render<T extends { address: pulumi.Output<string> }>(
    resources: RecordedResource[],
    make: (provider: k8s.Provider) => T,
): Promise<Rendered<T>> {
    resources.length = 0;
    const provider = new k8s.Provider(`s${++providers}-dc1-k8s`, {});
    const component = make(provider);
    const address = await outputOf(component.address);
    await settled(resources);
    const recorded = [...resources];
    return {
        component,
        address,
        recorded,
        objects: kubernetesObjects(recorded, ["dc1"]).map((o) => o.object),
    };
}

/** One build of a layer: its resource name and what it gets beyond dc1's routes and the client ranges. */
export interface LayerCase {
    readonly name: string;
    readonly controller: IngressControllerArgs;
    readonly loadBalancerAnnotations?: Readonly<Record<string, string>>;
    readonly staticAddresses?: Readonly<Record<string, string>>;
}

/**
 * Sets up a layer test: installs the mocks, then loads the layer module (it must register with
 * the mocks), then renders one build per case in order, each with dc1's routes of `s` and
 * `CLIENT_CIDRS`.
 */
export async function renderLayer<M, T extends { address: pulumi.Output<string> }>(
    load: () => Promise<M>,
    s: Scenario,
    make: (mod: M, name: string, args: LoadBalancersArgs) => T,
    cases: readonly LayerCase[],
): Promise<{ mod: M; rendered: Rendered<T>[] }> {
    const resources = await setupMocks();
    const mod = await load();
    const rendered: Rendered<T>[] = [];
    for (const { name, ...rest } of cases) {
        rendered.push(
            await render(resources, (provider) =>
                make(mod, name, {
                    namespace: s.namespace,
                    datacenter: "dc1",
                    routes: s.planned,
                    hostIds: s.hostIds,
                    clientCidrs: CLIENT_CIDRS,
                    provider,
                    ...rest,
                }),
            ),
        );
    }
    return { mod, rendered };
}

const validator = createValidator();

/** Strict schema errors of every object whose kind has a vendored schema. */
export function schemaErrors(objects: readonly Record<string, unknown>[]): SchemaError[] {
    return objects
        .filter((o) => validator.knows(String(o.apiVersion), String(o.kind)))
        .flatMap((o) => validator.validate(o));
}

/** `apiVersion kind` of every object without a vendored schema. */
export function unvalidatedKinds(objects: readonly Record<string, unknown>[]): string[] {
    return [
        ...new Set(
            objects
                .filter((o) => !validator.knows(String(o.apiVersion), String(o.kind)))
                .map((o) => `${o.apiVersion} ${o.kind}`),
        ),
    ];
}

/** Rendered objects are arbitrary JSON; tests index into them freely and assert on the values. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = Record<string, any>;

export function ofKind(objects: readonly Record<string, unknown>[], kind: string): K8sObject[] {
    return objects.filter((o) => o.kind === kind) as K8sObject[];
}

/** Services a client outside the cluster could reach: LoadBalancer and NodePort. */
export function publicServices(objects: readonly Record<string, unknown>[]): K8sObject[] {
    return ofKind(objects, "Service").filter(
        (s) => s.spec?.type === "LoadBalancer" || s.spec?.type === "NodePort",
    );
}

/** The per-pod backends: one ClusterIP Service per node selecting only that pod. */
export function expectNodeBackends(objects: readonly Record<string, unknown>[], s: Scenario): void {
    const backends = ofKind(objects, "Service").filter((o) => o.spec?.type === "ClusterIP");
    expect(backends.map((b) => b.metadata.name).sort()).toEqual(
        s.routes.map((r) => r.backend.service).sort(),
    );
    for (const r of s.routes) {
        const svc = backends.find((b) => b.metadata.name === r.backend.service) as K8sObject;
        expect(svc.metadata.namespace).toBe(s.namespace);
        expect(svc.spec.selector).toEqual({ "statefulset.kubernetes.io/pod-name": r.podName });
        expect(svc.spec.ports).toEqual([
            { name: "cql", port: 9042, targetPort: 9042, protocol: "TCP" },
        ]);
    }
}

/**
 * The controller Service is the only public entry: exactly one LoadBalancer Service, limited to
 * the client ranges, exposing 9042 and every node's dedicated port, nothing else.
 */
export function expectSinglePublicEntry(
    objects: readonly Record<string, unknown>[],
    s: Scenario,
): K8sObject {
    const pub = publicServices(objects);
    expect(pub).toHaveLength(1);
    const svc = pub[0];
    expect(svc.spec.type).toBe("LoadBalancer");
    expect(svc.spec.loadBalancerSourceRanges).toEqual(CLIENT_CIDRS);
    const ports = (svc.spec.ports as K8sObject[]).map((p) => p.port);
    expect(ports).toEqual([9042, ...s.routes.map((r) => r.nodePort)]);
    return svc;
}

/** The SNI names a node is routed by that are DNS names must all be on its certificate. */
export function expectSniNamesOnCertificate(
    s: Scenario,
    routed: ReadonlyMap<string, readonly string[]>,
): void {
    for (const r of s.routes) {
        const names = routed.get(r.backend.service) ?? [];
        const dnsNames = names.filter((n) => !isHostId(n));
        expect(dnsNames.length).toBeGreaterThan(0);
        for (const n of dnsNames) {
            expect(s.sans[r.podName]).toContain(n);
        }
    }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Cassandra host IDs (UUIDs) are routed by SNI but are not certificate names: drivers verify the entry point name instead. */
export function isHostId(name: string): boolean {
    return UUID.test(name);
}

/** The recorded Helm charts (expanded at deploy time, so their values are what the tests can check). */
export function charts(recorded: readonly RecordedResource[]): RecordedResource[] {
    return recorded.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart");
}

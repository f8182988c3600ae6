import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { DatacenterStatus } from "../plan/datacenter-status";
import {
    CERTIFICATE_SET_TYPE,
    certificateSetProvider,
    CertificateSetInputs,
    CertificateSetState,
} from "../pki/certificate-set";
import { tlsProviderOutputs } from "./tls-provider";

/** One resource the program registered, with the inputs it was given. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    /** The state the mock returned: inputs plus the outputs a cloud would compute. */
    outputs: Record<string, unknown>;
    /** Paths of inputs the program marked secret (e.g. `stringData`), unwrapped in `inputs`. */
    readonly secretPaths: readonly string[];
    readonly provider?: string;
}

/**
 * Pulumi mocks that record every resource and fill in the outputs a cloud would compute, so
 * programs that read them (kubeconfigs, load balancer addresses) run without a cloud. IDs are
 * `<type>::<name>-id` so tests can check how resources are wired together. With `previous` (an
 * earlier run's record), a resource registered again with the same inputs keeps its outputs, as
 * a provider leaves an unchanged resource alone on the next `pulumi up`: keys, certificates and
 * the CA survive a change elsewhere in the stack.
 */
export function recordingMocks(
    previous: readonly RecordedResource[] = [],
    observed: ObservedCluster = {},
): {
    mocks: pulumi.runtime.Mocks;
    resources: RecordedResource[];
} {
    const before = new Map(previous.map((r) => [`${r.type}::${r.name}`, r]));
    const resources: RecordedResource[] = [];
    let nextAddress = 0;
    const mocks: pulumi.runtime.Mocks = {
        async newResource(args) {
            const secretPaths: string[] = [];
            const inputs = unwrapSecrets(args.inputs, "", secretPaths) as Record<string, unknown>;
            // Recorded at once, so the record keeps registration order while outputs are computed.
            const record: RecordedResource = {
                type: args.type,
                name: args.name,
                inputs,
                outputs: inputs,
                secretPaths,
                provider: args.provider,
            };
            resources.push(record);
            if (args.custom === false) {
                // The engine answers a component's registration without outputs: its step
                // computes outputs only for custom resources (pulumi/pulumi
                // pkg/resource/deploy/step_generator.go builds the new state with nil outputs;
                // step.go CreateStep.Apply fills them from the provider only if Custom). Echoing
                // the args back would make the SDK deserialize them and rehydrate every resource
                // they reference (runtime/resource.js getResource), which a real run never does.
                record.outputs = {};
                return { id: "", state: {} };
            }
            const old = before.get(`${args.type}::${args.name}`);
            const unchanged = old && isDeepStrictEqual(old.inputs, inputs);
            const state: Record<string, unknown> = {
                ...args.inputs,
                ...(unchanged
                    ? computedPart(old)
                    : old && args.type === CERTIFICATE_SET_TYPE
                      ? await certificateSetUpdate(old, inputs)
                      : await computedOutputs({ ...args, inputs }, () => ++nextAddress)),
                ...observedOutputs(args.type, args.name, inputs, observed),
            };
            record.outputs = unwrapSecrets(state, "", []) as Record<string, unknown>;
            return { id: `${args.type}::${args.name}-id`, state };
        },
        call(args) {
            throw new Error(`Mock not implemented: ${args.token}`);
        },
    };
    return { mocks, resources };
}

/**
 * What a running cluster reports, to use instead of the mocks' own: the status cass-operator
 * gives each CassandraDatacenter, by datacenter name, and the address the cloud gives each
 * LoadBalancer Service or Gateway, by Pulumi resource name (unique in the stack, unlike
 * `namespace/name` across clusters). The e2e harness passes the real nodes' and the addresses
 * its router listens on.
 */
export interface ObservedCluster {
    readonly datacenterStatuses?: Readonly<Record<string, DatacenterStatus>>;
    readonly loadBalancers?: Readonly<Record<string, LoadBalancerIngress>>;
}

/** One entry of a Service's `status.loadBalancer.ingress` (k8s.io/api core/v1 `LoadBalancerIngress`). */
export interface LoadBalancerIngress {
    readonly ip?: string;
    readonly hostname?: string;
}

function observedOutputs(
    type: string,
    resourceName: string,
    inputs: Record<string, unknown>,
    observed: ObservedCluster,
): Record<string, unknown> {
    const name = (inputs.metadata as { name?: string } | undefined)?.name ?? "";
    const status = observed.datacenterStatuses?.[name];
    if (type === CASSANDRA_DATACENTER && status) {
        return { status };
    }
    const lb = observed.loadBalancers?.[resourceName];
    if (lb && type === SERVICE) {
        return { status: { loadBalancer: { ingress: [lb] } } };
    }
    if (lb && type === GATEWAY) {
        // Gateway API v1 `GatewayStatusAddress`: type IPAddress or Hostname.
        const address = lb.ip
            ? { type: "IPAddress", value: lb.ip }
            : { type: "Hostname", value: lb.hostname };
        return { status: { addresses: [address] } };
    }
    return {};
}

const SERVICE = "kubernetes:core/v1:Service";
const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";

const CASSANDRA_DATACENTER = "kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter";

/**
 * A `CertificateSet` registered again with new inputs, as the engine handles it: the provider's
 * own `diff`, then `update` (which keeps the keys and certificates that need nothing), since the
 * provider never asks for a replacement.
 */
async function certificateSetUpdate(
    old: RecordedResource,
    inputs: Record<string, unknown>,
): Promise<Record<string, unknown>> {
    const olds = old.outputs as unknown as CertificateSetState;
    const news = inputs as unknown as CertificateSetInputs;
    const diff = await certificateSetProvider.diff("", olds, news);
    if (!diff.changes) {
        return computedPart(old);
    }
    const { outs } = await certificateSetProvider.update("", olds, news);
    return { ...outs };
}

/** What the provider computed for a recorded resource: its outputs that are not inputs. */
function computedPart(r: RecordedResource): Record<string, unknown> {
    return Object.fromEntries(Object.entries(r.outputs).filter(([k]) => !(k in r.inputs)));
}

/** Replaces the runtime's secret envelopes with their values, noting where each was. */
function unwrapSecrets(value: unknown, path: string, secretPaths: string[]): unknown {
    if (Array.isArray(value)) {
        return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, secretPaths));
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    const o = value as Record<string, unknown>;
    if (o[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
        secretPaths.push(path);
        return unwrapSecrets(o.value, path, []);
    }
    return Object.fromEntries(
        Object.entries(o).map(([k, v]) => [
            k,
            unwrapSecrets(v, path ? `${path}.${k}` : k, secretPaths),
        ]),
    );
}

/**
 * What a provider computes on create, for the resources this program makes: the same fill-ins
 * serve the mock runtime and the engine-protocol tests. `address` numbers the addresses handed
 * out. `tls` resources get real keys and certificates in the provider's formats
 * (`tlsProviderOutputs`), a `CertificateSet` its provider's own; a CassandraDatacenter the status cass-operator reports once it is ready.
 */
export async function computedOutputs(
    args: Pick<pulumi.runtime.MockResourceArgs, "type" | "name" | "inputs">,
    address: () => number,
): Promise<Record<string, unknown>> {
    const tls = await tlsProviderOutputs(args.type, args.inputs);
    if (tls) {
        return tls;
    }
    if (args.type === CERTIFICATE_SET_TYPE) {
        // The provider's own code, as the engine's dynamic provider process runs it.
        const { outs } = await certificateSetProvider.create(
            args.inputs as unknown as CertificateSetInputs,
        );
        return { ...outs };
    }
    const name = (args.inputs.name as string | undefined) ?? args.name;
    switch (args.type) {
        case "gcp:compute/network:Network":
        case "gcp:compute/subnetwork:Subnetwork":
            return {
                selfLink: `https://www.googleapis.com/compute/v1/projects/${args.inputs.project}/global/networks/${name}`,
            };
        case "gcp:container/cluster:Cluster":
            return {
                endpoint: `192.0.2.${address() % 250}`,
                masterAuth: {
                    clusterCaCertificate: Buffer.from(`mock CA of ${name}`).toString("base64"),
                },
            };
        case SERVICE: {
            const spec = args.inputs.spec as { type?: string } | undefined;
            // Documentation range (TEST-NET-2): never a real address.
            return spec?.type === "LoadBalancer"
                ? {
                      status: {
                          loadBalancer: { ingress: [{ ip: `198.51.100.${address() % 250}` }] },
                      },
                  }
                : {};
        }
        case GATEWAY:
            return {
                status: {
                    addresses: [{ type: "IPAddress", value: `198.51.100.${address() % 250}` }],
                },
            };
        case CASSANDRA_DATACENTER:
            return { status: readyStatus(args.inputs, address) };
        case "random:index/randomPassword:RandomPassword":
            return { result: `mock-password-of-${args.name}` };
        default:
            return {};
    }
}

/**
 * The status cass-operator reports for a ready datacenter (v1.30.0
 * `apis/cassandra/v1beta1/cassandradatacenter_types.go`): progress and condition `Ready`, and per
 * pod its host ID, pod IP and rack. Pods are named and spread over racks as the operator does
 * (`<cluster>-<dc>-<rack>-sts-<n>`; earlier racks take the remainder, `SplitRacks`). Host IDs
 * are stable per pod name; addresses come from TEST-NET-1 (192.0.2.0/24), never a real pod.
 */
function readyStatus(inputs: Record<string, unknown>, address: () => number): DatacenterStatus {
    const spec = (inputs.spec ?? {}) as {
        clusterName?: string;
        size?: number;
        racks?: { name: string }[];
    };
    const dc = String((inputs.metadata as { name?: string } | undefined)?.name);
    const racks = spec.racks?.length ? spec.racks.map((r) => r.name) : ["default"];
    const size = Number(spec.size ?? 0);
    const nodeStatuses: Record<string, { hostID: string; ip: string; rack: string }> = {};
    racks.forEach((rack, i) => {
        const count = Math.floor(size / racks.length) + (i < size % racks.length ? 1 : 0);
        for (let n = 0; n < count; n++) {
            const pod = `${spec.clusterName}-${dc}-${rack}-sts-${n}`;
            nodeStatuses[pod] = { hostID: hostIdOf(pod), ip: `192.0.2.${address() % 250}`, rack };
        }
    });
    return {
        cassandraOperatorProgress: "Ready",
        conditions: [{ type: "Ready", status: "True" }],
        nodeStatuses,
    };
}

/** A version-4-shaped UUID derived from the pod name, like the random one Cassandra assigns. */
function hostIdOf(pod: string): string {
    const h = createHash("sha256").update(pod).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

import * as pulumi from "@pulumi/pulumi";

/** One resource the program registered, with the inputs it was given. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    /** The state the mock returned: inputs plus the outputs a cloud would compute. */
    readonly outputs: Record<string, unknown>;
    /** Paths of inputs the program marked secret (e.g. `stringData`), unwrapped in `inputs`. */
    readonly secretPaths: readonly string[];
    readonly provider?: string;
}

/**
 * Pulumi mocks that record every resource and fill in the outputs a cloud would compute, so
 * programs that read them (kubeconfigs, load balancer addresses) run without a cloud. IDs are
 * `<type>::<name>-id` so tests can check how resources are wired together.
 */
export function recordingMocks(): { mocks: pulumi.runtime.Mocks; resources: RecordedResource[] } {
    const resources: RecordedResource[] = [];
    let nextAddress = 0;
    const mocks: pulumi.runtime.Mocks = {
        newResource(args) {
            const secretPaths: string[] = [];
            const inputs = unwrapSecrets(args.inputs, "", secretPaths) as Record<string, unknown>;
            const state: Record<string, unknown> = {
                ...args.inputs,
                ...computedOutputs({ ...args, inputs }, () => ++nextAddress),
            };
            resources.push({
                type: args.type,
                name: args.name,
                inputs,
                outputs: unwrapSecrets(state, "", []) as Record<string, unknown>,
                secretPaths,
                provider: args.provider,
            });
            return { id: `${args.type}::${args.name}-id`, state };
        },
        call(args) {
            throw new Error(`Mock not implemented: ${args.token}`);
        },
    };
    return { mocks, resources };
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

function computedOutputs(
    args: pulumi.runtime.MockResourceArgs,
    address: () => number,
): Record<string, unknown> {
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
        case "kubernetes:core/v1:Service": {
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
        case "kubernetes:gateway.networking.k8s.io/v1:Gateway":
            return {
                status: {
                    addresses: [{ type: "IPAddress", value: `198.51.100.${address() % 250}` }],
                },
            };
        case "tls:index/privateKey:PrivateKey":
            return {
                privateKeyPem: `-----BEGIN PRIVATE KEY-----\nmock key of ${args.name}\n-----END PRIVATE KEY-----\n`,
            };
        case "tls:index/certRequest:CertRequest":
            return { certRequestPem: `mock CSR of ${args.name}` };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return {
                certPem: `-----BEGIN CERTIFICATE-----\nmock certificate of ${args.name}\n-----END CERTIFICATE-----\n`,
            };
        case "random:index/randomPassword:RandomPassword":
            return { result: `mock-password-of-${args.name}` };
        default:
            return {};
    }
}

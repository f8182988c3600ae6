/**
 * The Cassandra settings we render: TLS for clients and internode, and heap/resources sized from
 * the machine type. The CassandraDatacenter's `config` and the e2e harness's `cassandra.yaml`
 * both come from {@link encryptionOptions}, so a key Cassandra rejects fails the real-node test.
 */

/** Where a node finds its PEM files. */
export interface TlsPaths {
    /** Private key followed by the certificate (chain), PEM. */
    readonly keystore: string;
    /** The CA certificate(s) to trust, PEM. */
    readonly truststore: string;
}

/** Paths inside a Cassandra pod; the node-tls init container puts each node's own files here. */
export const POD_TLS_PATHS: TlsPaths = {
    keystore: "/etc/cassandra-tls/node.pem",
    truststore: "/etc/cassandra-tls/ca.pem",
};

/** Cassandra 4.1+ reads PEM directly through this factory: no JKS, no keystore passwords. */
export const PEM_SSL_CONTEXT_FACTORY = "org.apache.cassandra.security.PEMBasedSslContextFactory";

/**
 * `client_encryption_options` and `server_encryption_options` for cassandra.yaml. Native
 * transport accepts TLS only (`optional: false`) unless the loudly named
 * `allowPlaintextNativeTransport` says otherwise; every internode connection is TLS and both
 * sides present certificates. Endpoint verification stays off: peers are known by pod IP,
 * which no certificate issued before the pod exists can name.
 */
export function encryptionOptions(
    paths: TlsPaths,
    opts: { readonly requireClientAuth: boolean; readonly allowPlaintextNativeTransport?: boolean },
): Record<string, Record<string, unknown>> {
    const store = {
        ssl_context_factory: { class_name: PEM_SSL_CONTEXT_FACTORY },
        keystore: paths.keystore,
        truststore: paths.truststore,
        protocol: "TLS",
        accepted_protocols: ["TLSv1.2", "TLSv1.3"],
    };
    return {
        client_encryption_options: opts.allowPlaintextNativeTransport
            ? { enabled: false }
            : {
                  ...store,
                  enabled: true,
                  optional: false,
                  require_client_auth: opts.requireClientAuth,
              },
        server_encryption_options: {
            ...store,
            internode_encryption: "all",
            // Without it Cassandra infers "optional" from the keystore and reads plaintext internode
            // framing before refusing it (seen on 5.0.5 in the e2e suite); false refuses at the TLS layer.
            optional: false,
            legacy_ssl_storage_port_enabled: false,
            require_client_auth: true,
            require_endpoint_verification: false,
        },
    };
}

/** Memory per vCPU of GCE machine families, in GiB. */
const GIB_PER_VCPU: Readonly<Record<string, number>> = {
    standard: 4,
    highmem: 8,
    highcpu: 1,
    megamem: 14,
    ultramem: 24,
};

export interface NodeSizing {
    readonly vcpus: number;
    readonly memoryGib: number;
    /** CPU and memory requested (and limited, for memory) for the Cassandra container. */
    readonly cpuRequest: string;
    readonly memory: string;
    /** JVM heap: half the container memory, capped at 31 GiB to keep compressed pointers. */
    readonly heap: string;
}

/**
 * Resources for the Cassandra container of a node of `machineType` (e.g. `n2-highmem-4`,
 * `custom-8-32768`). Leaves one vCPU and a quarter of memory for the kubelet, system pods and
 * the management API sidecar. Returns undefined for a machine type it cannot read.
 */
export function sizeForMachine(machineType: string): NodeSizing | undefined {
    const named = /^[a-z0-9]+-(standard|highmem|highcpu|megamem|ultramem)-(\d+)$/.exec(machineType);
    const custom = /^(?:[a-z0-9]+-)?custom-(\d+)-(\d+)$/.exec(machineType);
    let vcpus: number;
    let memoryGib: number;
    if (named) {
        vcpus = Number(named[2]);
        memoryGib = vcpus * GIB_PER_VCPU[named[1]];
    } else if (custom) {
        vcpus = Number(custom[1]);
        memoryGib = Number(custom[2]) / 1024;
    } else {
        return undefined;
    }
    const containerGib = Math.floor(memoryGib * 0.75);
    const heapGib = Math.min(31, Math.floor(containerGib / 2));
    return {
        vcpus,
        memoryGib,
        cpuRequest: `${Math.max(1, vcpus - 1) * 1000}m`,
        memory: `${containerGib}Gi`,
        heap: `${heapGib}G`,
    };
}

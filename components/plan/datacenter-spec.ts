import type { Settings } from "../config";
import { encryptionOptions, POD_TLS_PATHS, sizeForMachine } from "./cassandra-config";
import type { DatacenterPlan } from "./topology";

/** The label cass-operator's nodeAffinityLabels pin a rack to. */
export const ZONE_LABEL = "topology.kubernetes.io/zone";
/** Volume names inside the Cassandra pod template. */
const TLS_VOLUME = "node-tls";
const TLS_SOURCE_VOLUME = "node-tls-source";

/** Names of the Secrets a datacenter's pods read. */
export function secretNames(clusterName: string, dc: string): { superuser: string; tls: string } {
    return { superuser: `${clusterName}-superuser`, tls: `${clusterName}-${dc}-node-tls` };
}

/** The key of a node's PEM (private key, then certificate) in the datacenter's TLS Secret. */
export function nodePemKey(podName: string): string {
    return `${podName}.pem`;
}
export const CA_PEM_KEY = "ca.pem";

/**
 * The `spec` of one CassandraDatacenter. Every datacenter shares `clusterName`; racks are pinned
 * to zones; the datacenters before it are joined through `additionalSeeds` (pod IPs from their
 * status, see `additionalSeeds` in datacenter-status.ts; none for the first); and the node-tls
 * init container copies only the pod's own key into a memory volume, so the Cassandra container
 * never mounts the other nodes' keys.
 */
export function datacenterSpec(
    s: Settings,
    dc: DatacenterPlan,
    storageClass: string,
    initImage: string,
    additionalSeeds: readonly string[],
): Record<string, unknown> {
    const sizing = sizeForMachine(dc.nodeMachineType);
    if (!sizing) {
        throw new Error(
            `datacenter ${dc.name}: cannot size Cassandra for machine type "${dc.nodeMachineType}"`,
        );
    }
    const secrets = secretNames(s.clusterName, dc.name);
    return {
        clusterName: s.clusterName,
        serverType: "cassandra",
        serverVersion: s.serverVersion,
        size: dc.size,
        racks: dc.racks.map((r) => ({
            name: r.name,
            nodeAffinityLabels: { [ZONE_LABEL]: r.zone },
        })),
        storageConfig: {
            cassandraDataVolumeClaimSpec: {
                storageClassName: storageClass,
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: `${dc.storageGb}Gi` } },
            },
        },
        resources: {
            requests: { cpu: sizing.cpuRequest, memory: sizing.memory },
            limits: { memory: sizing.memory },
        },
        superuserSecretName: secrets.superuser,
        additionalSeeds: [...additionalSeeds],
        config: {
            "cassandra-yaml": {
                ...encryptionOptions(POD_TLS_PATHS, {
                    requireClientAuth: s.tls.requireClientAuth,
                    allowPlaintextNativeTransport: s.allowPlaintextNativeTransport,
                }),
                ...storageCompatibility(s),
                authenticator: "PasswordAuthenticator",
                authorizer: "CassandraAuthorizer",
                num_tokens: 16,
                allocate_tokens_for_local_replication_factor: 3,
            },
            "jvm-server-options": { initial_heap_size: sizing.heap, max_heap_size: sizing.heap },
        },
        podTemplateSpec: {
            spec: {
                initContainers: [
                    {
                        name: "node-tls",
                        image: initImage,
                        command: [
                            "sh",
                            "-ec",
                            `cp "/source/$POD_NAME.pem" /tls/node.pem && cp /source/${CA_PEM_KEY} /tls/ca.pem && chmod 0440 /tls/node.pem /tls/ca.pem`,
                        ],
                        env: [
                            {
                                name: "POD_NAME",
                                valueFrom: { fieldRef: { fieldPath: "metadata.name" } },
                            },
                        ],
                        volumeMounts: [
                            { name: TLS_SOURCE_VOLUME, mountPath: "/source", readOnly: true },
                            { name: TLS_VOLUME, mountPath: "/tls" },
                        ],
                    },
                ],
                containers: [
                    {
                        name: "cassandra",
                        volumeMounts: [
                            { name: TLS_VOLUME, mountPath: "/etc/cassandra-tls", readOnly: true },
                        ],
                    },
                ],
                volumes: [
                    { name: TLS_VOLUME, emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
                    {
                        name: TLS_SOURCE_VOLUME,
                        secret: { secretName: secrets.tls, defaultMode: 0o440 },
                    },
                ],
            },
        },
    };
}

/**
 * Cassandra 5.0's storage compatibility mode, written out: cass-operator's config builder
 * (k8ssandra-client v0.8.8 `createCassandraYaml`) starts 5.0 from cassandra_latest.yaml, whose
 * mode is NONE and whose sstable format is BTI. In CASSANDRA_4 (the first step of an upgrade
 * from 4.1) Cassandra 5.0.5 refuses to start with BTI selected
 * (`StorageCompatibilityMode.validateSstableFormat`), so the format goes back to `big` with it.
 */
function storageCompatibility(s: Settings): Record<string, unknown> {
    if (s.serverVersion.startsWith("4.")) {
        return {};
    }
    const mode = s.storageCompatibilityMode ?? "NONE";
    return {
        storage_compatibility_mode: mode,
        ...(mode === "CASSANDRA_4" ? { sstable: { selected_format: "big" } } : {}),
    };
}

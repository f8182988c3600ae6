import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../config";
import { cassandraTlsProblems } from "../checks/tls-settings";
import { problem, throwIfProblems } from "../errors";
import type { IssuedCertificates } from "../pki/node-certificates";
import { CA_PEM_KEY, datacenterSpec, nodePemKey, secretNames } from "../plan/datacenter-spec";
import { DatacenterStatus, hostIdsOf, readyTimeoutSeconds } from "../plan/datacenter-status";
import type { DatacenterPlan } from "../plan/topology";
import { TLS_REVISION_ANNOTATION, tlsRevision } from "../plan/tls-revision";
import { TLS_INIT_IMAGE } from "../versions";
import { datacenterReadyAwait } from "./awaits";

/** cass-operator v1.30.0 `apis/cassandra/v1beta1/cassandradatacenter_types.go` annotations. */
const ALLOW_STORAGE_CHANGES = "cassandra.datastax.com/allow-storage-changes";
const DECOMMISSION_ON_DELETE = "cassandra.datastax.com/decommission-on-delete";

/** DatacenterArgs describe one CassandraDatacenter and what its pods need in their cluster. */
export interface DatacenterArgs {
    /** Provider of the datacenter's cluster. */
    readonly provider: k8s.Provider;
    /** Validated stack settings (cluster name, version, TLS options). */
    readonly settings: Settings;
    /** The datacenter's part of the topology plan. */
    readonly datacenter: DatacenterPlan;
    /** StorageClass of the Cassandra volumes. */
    readonly storageClass: string;
    /** Superuser credentials, the same in every datacenter. The password must be a secret. */
    readonly superuser: {
        readonly username: pulumi.Input<string>;
        readonly password: pulumi.Input<string>;
    };
    /** The cluster CA certificate, PEM. */
    readonly caCertPem: pulumi.Input<string>;
    /** This datacenter's node certificates and keys, by pod name. */
    readonly nodeCertificates: IssuedCertificates;
    /**
     * Pod IPs of running nodes of the datacenters created before this one (see `additionalSeeds`
     * in plan/datacenter-status.ts); empty for the first. With any, cass-operator starts this
     * datacenter by joining them instead of seeding a new ring.
     */
    readonly additionalSeeds: pulumi.Input<string[]>;
    /** The NetworkPolicy `spec` of the datacenter's pods (see `datacenterNetworkPolicy`). */
    readonly networkPolicy: Record<string, unknown>;
    /** Resources the CassandraDatacenter waits for: the operator's CRD and Deployment. */
    readonly waitFor: readonly pulumi.Resource[];
    /**
     * Resources every object of the datacenter waits for: the lifecycle guard, so a change it
     * refuses never reaches the cluster, even with `pulumi up --skip-preview`.
     */
    readonly guardedBy?: readonly pulumi.Resource[];
}

/**
 * One Cassandra datacenter in its cluster: namespace, superuser and TLS Secrets, a NetworkPolicy
 * that keeps the management API to the operator, and the CassandraDatacenter itself.
 */
export class Datacenter extends pulumi.ComponentResource {
    /** Name of the CassandraDatacenter object. */
    public readonly name: pulumi.Output<string>;
    public readonly namespace: pulumi.Output<string>;
    /** The datacenter's Namespace: what routes and per-node Services in it wait for. */
    public readonly namespaceResource: k8s.core.v1.Namespace;
    /** The CassandraDatacenter itself, for datacenters that must start after it is ready. */
    public readonly cassandraDatacenter: k8s.apiextensions.CustomResource;
    /** cass-operator's status once the datacenter is ready: node IPs and host IDs. */
    public readonly status: pulumi.Output<DatacenterStatus>;
    /** Pod name → Cassandra host ID, from `status.nodeStatuses`. */
    public readonly hostIds: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: DatacenterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:kubernetes:Datacenter", name, args, opts);
        const dc = args.datacenter;
        const spec = datacenterSpec(args.settings, dc, args.storageClass, TLS_INIT_IMAGE, []);
        // The same check the policy pack runs at preview; only the loudly named setting may turn client TLS off.
        const insecure = cassandraTlsProblems(spec).filter(
            (p) =>
                !(
                    args.settings.allowPlaintextNativeTransport &&
                    p.startsWith("client_encryption_options")
                ),
        );
        throwIfProblems(
            `Invalid arguments for Datacenter "${name}"`,
            insecure.map((r) => problem("config.cassandra-yaml", r)),
        );
        const child = {
            parent: this,
            provider: args.provider,
            dependsOn: [...(args.guardedBy ?? [])],
        };
        const decommission =
            args.settings.datacenters.find((d) => d.name === dc.name)?.decommission ?? false;
        const labels = {
            "app.kubernetes.io/managed-by": "cassandra-multicluster",
            "cassandra-multicluster/datacenter": dc.name,
        };
        const ns = new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: dc.namespace, labels } },
            child,
        );
        const inNs = { ...child, dependsOn: [...child.dependsOn, ns] };
        const secrets = secretNames(args.settings.clusterName, dc.name);

        const superuser = new k8s.core.v1.Secret(
            `${name}-superuser`,
            {
                metadata: { name: secrets.superuser, namespace: dc.namespace, labels },
                type: "Opaque",
                stringData: {
                    username: args.superuser.username,
                    password: pulumi.secret(args.superuser.password),
                },
            },
            inNs,
        );

        // One file per node: its PKCS#8 key, then its certificate (what the init container splits).
        const pems = pulumi
            .all([args.caCertPem, args.nodeCertificates.certPems, args.nodeCertificates.keyPems])
            .apply(([ca, certs, keys]) => ({
                [CA_PEM_KEY]: ca,
                ...Object.fromEntries(
                    dc.nodes.map((n) => [
                        nodePemKey(n.podName),
                        `${keys[n.podName]}${certs[n.podName]}`,
                    ]),
                ),
            }));
        const tlsSecret = new k8s.core.v1.Secret(
            `${name}-node-tls`,
            {
                metadata: { name: secrets.tls, namespace: dc.namespace, labels },
                type: "Opaque",
                stringData: pulumi.secret(pems),
            },
            inNs,
        );

        new k8s.networking.v1.NetworkPolicy(
            `${name}-network-policy`,
            {
                metadata: { name: `${dc.name}-cassandra-nodes`, namespace: dc.namespace, labels },
                spec: args.networkPolicy as never,
            },
            inNs,
        );

        const cassdc = new k8s.apiextensions.CustomResource(
            `${name}-cassdc`,
            {
                apiVersion: "cassandra.datastax.com/v1beta1",
                kind: "CassandraDatacenter",
                metadata: {
                    name: dc.name,
                    namespace: dc.namespace,
                    labels,
                    annotations: {
                        ...datacenterReadyAwait(readyTimeoutSeconds(dc)),
                        // cass-operator's webhook refuses any change to the data volume claim without it,
                        // and its reconcile resizes the PVCs only with it (reconcile_racks.go
                        // `CheckVolumeClaimSizes`, v1.30.0). Shrinking stays refused: by the lifecycle guard
                        // at preview, and by cass-operator ("shrinking PVC … is not supported").
                        [ALLOW_STORAGE_CHANGES]: "true",
                        // Set in step 2 of removing a datacenter: deleting it then decommissions its nodes
                        // (reconcile_datacenter.go `ProcessDeletion`) instead of dropping them from the ring.
                        ...(decommission ? { [DECOMMISSION_ON_DELETE]: "true" } : {}),
                    },
                },
                spec: {
                    ...spec,
                    additionalSeeds: args.additionalSeeds,
                    podTemplateSpec: {
                        ...(spec.podTemplateSpec as Record<string, unknown>),
                        // A new certificate or CA changes the template: cass-operator rolls the pods one by one.
                        metadata: {
                            annotations: {
                                [TLS_REVISION_ANNOTATION]: pulumi
                                    .all([args.caCertPem, args.nodeCertificates.certPems])
                                    .apply(([ca, certs]) =>
                                        tlsRevision(
                                            ca,
                                            dc.nodes.map((n) => certs[n.podName]),
                                        ),
                                    ),
                            },
                        },
                    },
                },
                // Declared so the provider's result (the live object after the await) is an output.
                status: undefined,
            },
            {
                ...child,
                dependsOn: [...child.dependsOn, ns, superuser, tlsSecret, ...args.waitFor],
                // Its deletion drops the datacenter's data: Pulumi refuses it (at preview too) until
                // the datacenter is marked for decommissioning, or protection is turned off.
                protect: args.settings.deletionProtection && !decommission,
            },
        );
        this.namespaceResource = ns;
        this.cassandraDatacenter = cassdc;
        this.name = cassdc.metadata.name;
        this.namespace = ns.metadata.name;
        this.status = (
            cassdc as unknown as { status: pulumi.Output<DatacenterStatus | undefined> }
        ).status.apply((st) => st ?? {});
        this.hostIds = this.status.apply(hostIdsOf);
        this.registerOutputs({
            name: this.name,
            namespace: this.namespace,
            namespaceResource: this.namespaceResource,
            cassandraDatacenter: this.cassandraDatacenter,
            status: this.status,
            hostIds: this.hostIds,
        });
    }
}

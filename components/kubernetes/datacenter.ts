import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../config";
import { cassandraTlsProblems } from "../checks/tls-settings";
import { problem, throwIfProblems } from "../errors";
import type { IssuedCertificate } from "../pki/node-certificates";
import { CA_PEM_KEY, datacenterSpec, nodePemKey, secretNames } from "../plan/datacenter-spec";
import { MANAGEMENT_API_PORT } from "../plan/firewall-plan";
import type { DatacenterPlan } from "../plan/topology";
import { TLS_INIT_IMAGE } from "../versions";

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
    /** Each node's certificate and key, by pod name. */
    readonly nodeCertificates: Readonly<Record<string, IssuedCertificate>>;
    /** Namespace cass-operator runs in: the only namespace allowed to call the management API. */
    readonly operatorNamespace: string;
    /** Resources the CassandraDatacenter waits for: the operator's CRD and Deployment. */
    readonly waitFor: readonly pulumi.Resource[];
}

/**
 * One Cassandra datacenter in its cluster: namespace, superuser and TLS Secrets, a NetworkPolicy
 * that keeps the management API to the operator, and the CassandraDatacenter itself.
 */
export class Datacenter extends pulumi.ComponentResource {
    /** Name of the CassandraDatacenter object. */
    public readonly name: pulumi.Output<string>;
    public readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: DatacenterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:kubernetes:Datacenter", name, args, opts);
        const dc = args.datacenter;
        const spec = datacenterSpec(args.settings, dc, args.storageClass, TLS_INIT_IMAGE);
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
        const child = { parent: this, provider: args.provider };
        const labels = {
            "app.kubernetes.io/managed-by": "cassandra-multicluster",
            "cassandra-multicluster/datacenter": dc.name,
        };
        const ns = new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: dc.namespace, labels } },
            child,
        );
        const inNs = { ...child, dependsOn: [ns] };
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

        const pems: Record<string, pulumi.Input<string>> = { [CA_PEM_KEY]: args.caCertPem };
        for (const node of dc.nodes) {
            const issued = args.nodeCertificates[node.podName];
            pems[nodePemKey(node.podName)] = pulumi.secret(
                pulumi.interpolate`${issued.keyPem}${issued.certPem}`,
            );
        }
        const tlsSecret = new k8s.core.v1.Secret(
            `${name}-node-tls`,
            {
                metadata: { name: secrets.tls, namespace: dc.namespace, labels },
                type: "Opaque",
                stringData: pems,
            },
            inNs,
        );

        new k8s.networking.v1.NetworkPolicy(
            `${name}-management-api`,
            {
                metadata: { name: "management-api-from-operator", namespace: dc.namespace, labels },
                spec: {
                    podSelector: { matchLabels: { "cassandra.datastax.com/datacenter": dc.name } },
                    policyTypes: ["Ingress"],
                    ingress: [
                        {
                            from: [
                                {
                                    namespaceSelector: {
                                        matchLabels: {
                                            "kubernetes.io/metadata.name": args.operatorNamespace,
                                        },
                                    },
                                },
                            ],
                            ports: [{ protocol: "TCP", port: Number(MANAGEMENT_API_PORT) }],
                        },
                        // Everything but the management API stays open to the firewall's decisions.
                        {
                            ports: [7000, 7001, 9042, 9103, 9000].map((port) => ({
                                protocol: "TCP",
                                port,
                            })),
                        },
                    ],
                },
            },
            inNs,
        );

        const cassdc = new k8s.apiextensions.CustomResource(
            `${name}-cassdc`,
            {
                apiVersion: "cassandra.datastax.com/v1beta1",
                kind: "CassandraDatacenter",
                metadata: { name: dc.name, namespace: dc.namespace, labels },
                spec,
            },
            { ...child, dependsOn: [ns, superuser, tlsSecret, ...args.waitFor] },
        );
        this.name = cassdc.metadata.name;
        this.namespace = ns.metadata.name;
        this.registerOutputs({ name: this.name, namespace: this.namespace });
    }
}

import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** GkeClusterArgs describe one datacenter's private, VPC-native GKE cluster. */
export interface GkeClusterArgs {
    /** GCP project of the cluster. */
    readonly project: string;
    /** GKE cluster name (at most 40 characters). */
    readonly clusterName: string;
    /** Region of the (regional) cluster, e.g. `us-west1`. */
    readonly region: string;
    /** Zones the node pool spans; one Cassandra rack per zone by default. */
    readonly zones: readonly string[];
    /** The VPC's ID. */
    readonly network: pulumi.Input<string>;
    /** The datacenter's subnet ID. */
    readonly subnetwork: pulumi.Input<string>;
    /** Name of the subnet's secondary range for pods. */
    readonly podsRangeName: string;
    /** Name of the subnet's secondary range for services. */
    readonly servicesRangeName: string;
    /** The private control plane's /28 from the CIDR plan. */
    readonly controlPlaneCidr: string;
    /** Max pods per node; must match the value the pods range was sized with. */
    readonly maxPodsPerNode: number;
    /**
     * Cloud DNS cluster domain. When set, the cluster uses Cloud DNS with VPC scope under this
     * domain, so its records resolve from every cluster in the VPC. When absent, GKE's default
     * DNS (kube-dns, `cluster.local`) is left untouched.
     */
    readonly clusterDnsDomain?: string;
    /** Nodes per zone in the Cassandra node pool. */
    readonly nodesPerZone: number;
    /** Machine type of the Cassandra nodes, e.g. `n2-highmem-4`. */
    readonly machineType: string;
    /** Network tags of the nodes; the firewall rules target them. */
    readonly nodeTags: readonly string[];
    /** CIDRs allowed to reach the control plane's public endpoint. Defaults to none declared (GKE's default: any address, with authentication). */
    readonly controlPlaneAuthorizedCidrs?: readonly string[];
    /** Refuse `pulumi destroy` of the cluster. Defaults to `true`. */
    readonly deletionProtection?: boolean;
}

/** The StorageClass Cassandra volumes use: SSD persistent disks bound in the pod's zone. */
export const STORAGE_CLASS = "pd-ssd";

/**
 * A private-node, VPC-native GKE cluster for one Cassandra datacenter: its node pool, a
 * `pd-ssd` StorageClass, and a Kubernetes provider authenticated through gke-gcloud-auth-plugin
 * (no token is stored in state).
 */
export class GkeCluster extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    /** The control plane's endpoint address. */
    public readonly endpoint: pulumi.Output<string>;
    /** Kubeconfig using the gke-gcloud-auth-plugin exec credential plugin. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** Provider for every Kubernetes resource of this datacenter. */
    public readonly provider: k8s.Provider;

    constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:gcp:GkeCluster", name, args, opts);
        const cluster = new gcp.container.Cluster(
            `${name}-cluster`,
            {
                project: args.project,
                name: args.clusterName,
                location: args.region,
                nodeLocations: [...args.zones],
                network: args.network,
                subnetwork: args.subnetwork,
                networkingMode: "VPC_NATIVE",
                // Dataplane V2 enforces the NetworkPolicy that keeps the management API to the operator.
                datapathProvider: "ADVANCED_DATAPATH",
                ipAllocationPolicy: {
                    clusterSecondaryRangeName: args.podsRangeName,
                    servicesSecondaryRangeName: args.servicesRangeName,
                },
                defaultMaxPodsPerNode: args.maxPodsPerNode,
                privateClusterConfig: {
                    enablePrivateNodes: true,
                    enablePrivateEndpoint: false,
                    masterIpv4CidrBlock: args.controlPlaneCidr,
                },
                ...(args.controlPlaneAuthorizedCidrs && args.controlPlaneAuthorizedCidrs.length > 0
                    ? {
                          masterAuthorizedNetworksConfig: {
                              cidrBlocks: args.controlPlaneAuthorizedCidrs.map((cidrBlock) => ({
                                  cidrBlock,
                              })),
                          },
                      }
                    : {}),
                // Set only when asked for: an explicit default would show a permanent diff.
                ...(args.clusterDnsDomain
                    ? {
                          dnsConfig: {
                              clusterDns: "CLOUD_DNS",
                              clusterDnsScope: "VPC_SCOPE",
                              clusterDnsDomain: args.clusterDnsDomain,
                          },
                      }
                    : {}),
                workloadIdentityConfig: { workloadPool: `${args.project}.svc.id.goog` },
                releaseChannel: { channel: "REGULAR" },
                removeDefaultNodePool: true,
                initialNodeCount: 1,
                deletionProtection: args.deletionProtection ?? true,
            },
            { parent: this },
        );

        const nodePool = new gcp.container.NodePool(
            `${name}-cassandra`,
            {
                project: args.project,
                name: "cassandra",
                cluster: cluster.name,
                location: args.region,
                nodeLocations: [...args.zones],
                nodeCount: args.nodesPerZone,
                management: { autoRepair: true, autoUpgrade: true },
                // Surge one node at a time and never take one away first: a Cassandra node
                // drained without a replacement costs a replica until it returns.
                upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
                nodeConfig: {
                    machineType: args.machineType,
                    diskType: "pd-balanced",
                    diskSizeGb: 100,
                    oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                    tags: [...args.nodeTags],
                    labels: { "cassandra-multicluster/pool": "cassandra" },
                    workloadMetadataConfig: { mode: "GKE_METADATA" },
                    shieldedInstanceConfig: {
                        enableSecureBoot: true,
                        enableIntegrityMonitoring: true,
                    },
                },
            },
            { parent: cluster },
        );

        this.kubeconfig = pulumi
            .all([
                cluster.name,
                cluster.endpoint,
                cluster.masterAuth,
                cluster.project,
                cluster.location,
            ])
            .apply(([clusterName, endpoint, auth, project, location]) =>
                kubeconfigFor({
                    project,
                    location,
                    clusterName,
                    endpoint,
                    caCertificate: auth.clusterCaCertificate ?? "",
                }),
            );
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig },
            { parent: this, dependsOn: [nodePool] },
        );

        new k8s.storage.v1.StorageClass(
            `${name}-storage`,
            {
                metadata: { name: STORAGE_CLASS },
                provisioner: "pd.csi.storage.gke.io",
                parameters: { type: "pd-ssd" },
                // Bind in the zone the scheduler picked for the pod, so a rack's disk is in its zone.
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
                // Cassandra data outlives the claim: deleting a datacenter must not delete its disks.
                reclaimPolicy: "Retain",
            },
            { parent: this, provider: this.provider },
        );

        this.clusterName = cluster.name;
        this.endpoint = cluster.endpoint;
        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            kubeconfig: this.kubeconfig,
            provider: this.provider,
        });
    }
}

/** A kubeconfig that authenticates with gke-gcloud-auth-plugin, built from the cluster's outputs. */
export function kubeconfigFor(c: {
    project: string;
    location: string;
    clusterName: string;
    endpoint: string;
    caCertificate: string;
}): string {
    const context = `${c.project}_${c.location}_${c.clusterName}`;
    return `apiVersion: v1
kind: Config
clusters:
- name: ${context}
  cluster:
    certificate-authority-data: ${c.caCertificate}
    server: https://${c.endpoint}
contexts:
- name: ${context}
  context:
    cluster: ${context}
    user: ${context}
current-context: ${context}
users:
- name: ${context}
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
      installHint: Install gke-gcloud-auth-plugin for kubectl by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin
      provideClusterInfo: true
`;
}

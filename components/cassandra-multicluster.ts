import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { parseSettings, Settings, SettingsInput } from "./config";
import { problem, throwIfProblems } from "./errors";
import { Network } from "./gcp/network";
import { GkeCluster, STORAGE_CLASS } from "./gcp/gke-cluster";
import { CassOperator } from "./kubernetes/cass-operator";
import { Datacenter } from "./kubernetes/datacenter";
import { DnsStubs } from "./kubernetes/dns-stubs";
import { CertificateAuthority } from "./pki/certificate-authority";
import { NodeCertificates } from "./pki/node-certificates";
import {
    ExternalDns,
    ExternalDnsRecord,
    ingressDnsRecords,
    loadBalancerDnsRecords,
} from "./gcp/external-dns";
import { createIngress, IngressLayer, LoadBalancers } from "./kubernetes/ingress";
import {
    buildPlan,
    DatacenterRanges,
    ExternalClientBundle,
    externalClientBundle,
    nodeTag,
    Plan,
    planRoutes,
    secretNames,
    sourceRanges,
} from "./plan";

/** CassandraMultiClusterArgs are the stack settings (see the README's config reference) plus the GCP project. */
export interface CassandraMultiClusterArgs extends SettingsInput {
    /** GCP project for the network and GKE clusters. Required unless `existingClusters` is set. */
    readonly gcpProject?: string;
}

/** What a stack exports for each datacenter. */
export interface DatacenterOutput {
    readonly clusterName: string;
    /** Control-plane endpoint, or the kubeconfig context for existing clusters. */
    readonly endpoint: string;
    readonly namespace: string;
    readonly dnsDomain: string;
    readonly ranges: DatacenterRanges;
    /** Name of the CassandraDatacenter object. */
    readonly cassandraDatacenter: string;
    /** This datacenter's seed service FQDN, and the other datacenters' seeds it joins through. */
    readonly seedService: string;
    readonly additionalSeeds: readonly string[];
    /** Name of the Secret holding the superuser's name and password (the same in every cluster). */
    readonly superuserSecret: string;
}

/**
 * Cassandra across several Kubernetes clusters: the shared network, one cluster per datacenter
 * (created on GKE or existing), and cross-cluster DNS. Everything is derived from the pure plan,
 * which is validated before any resource is registered.
 */
export class CassandraMultiCluster extends pulumi.ComponentResource {
    /** The plan every resource was rendered from. */
    public readonly plan: Plan;
    /** Per datacenter: cluster name, endpoint, namespace, DNS domain and ranges. */
    public readonly datacenters: pulumi.Output<Record<string, DatacenterOutput>>;
    /** Per datacenter: the Kubernetes provider of its cluster. */
    public readonly providers: Readonly<Record<string, k8s.Provider>>;
    /** The cluster CA certificate (PEM) clients trust. */
    public readonly caCertPem: pulumi.Output<string>;
    /** Superuser name and password (secret), the same in every datacenter. */
    public readonly superuser: pulumi.Output<{ username: string; password: string }>;
    /** Per datacenter: the external entry point's IP or host name (`loadbalancer`: the first node's). Empty without ingress. */
    public readonly ingressAddresses: pulumi.Output<Record<string, string>>;
    /** Name servers of the external zone, to delegate `externalDomain` to; empty when no zone is managed here. */
    public readonly externalNameServers: pulumi.Output<string[]>;
    /** What applications outside the clusters need to connect (see `createExternalClient`); undefined without ingress. */
    public readonly clientBundle: pulumi.Output<ExternalClientBundle | undefined>;

    constructor(
        name: string,
        args: CassandraMultiClusterArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("cassandra-multicluster:index:CassandraMultiCluster", name, args, opts);
        const { gcpProject, ...settingsInput } = args;
        const settings = parseSettings(settingsInput as Record<string, unknown>);
        if (!settings.existingClusters) {
            throwIfProblems(
                `Invalid arguments for CassandraMultiCluster "${name}"`,
                gcpProject
                    ? []
                    : [
                          problem(
                              "gcpProject",
                              `GKE clusters need a GCP project; set gcp:project in the stack config`,
                          ),
                      ],
            );
        }
        this.plan = buildPlan(settings);

        const clusters = settings.existingClusters
            ? this.existingClusters(name, settings)
            : this.gkeClusters(name, this.plan, gcpProject as string);
        this.providers = Object.fromEntries(
            Object.entries(clusters).map(([dc, c]) => [dc, c.provider]),
        );

        if (settings.dns === "stub") {
            new DnsStubs(
                `${name}-dns`,
                {
                    clusters: this.plan.topology.datacenters.map((dc) => ({
                        name: dc.name,
                        provider: clusters[dc.name].provider,
                        flavor: settings.existingClusters ? "coredns" : "kube-dns",
                        loadBalancerAnnotations: settings.existingClusters
                            ? NO_ANNOTATIONS
                            : GKE_INTERNAL_LB,
                        allowedSourceRanges: this.plan.network.datacenters
                            .filter((r) => r.datacenter !== dc.name)
                            .flatMap(sourceRanges),
                        forwards: this.plan.dns.forwards[dc.name],
                    })),
                },
                { parent: this },
            );
        }

        const pki = this.plan.pki;
        const ca = new CertificateAuthority(
            `${name}-ca`,
            { key: pki.key, ...pki.ca },
            { parent: this },
        );
        const certs = new NodeCertificates(
            `${name}-certs`,
            {
                key: pki.key,
                certificates: [...pki.nodes, ...pki.clients],
                caCertPem: ca.certPem,
                caKeyPem: ca.keyPem,
            },
            { parent: this },
        );
        // Generated once for the whole Cassandra cluster: every datacenter must share the superuser.
        const password = new random.RandomPassword(
            `${name}-superuser`,
            { length: 32, special: false },
            { parent: this },
        );
        const superuser = {
            username: `${settings.clusterName}-superuser`,
            password: password.result,
        };

        // Host IDs join the routes on a later `pulumi up` (see the README); names and ports work from the first.
        const routes = planRoutes(settings, this.plan.topology);
        const ingresses: Record<string, IngressLayer> = {};
        const dnsRecords: ExternalDnsRecord[] = [];
        for (const dc of this.plan.topology.datacenters) {
            const provider = clusters[dc.name].provider;
            const operator = new CassOperator(
                `${name}-${dc.name}-operator`,
                { provider },
                { parent: this },
            );
            const datacenter = new Datacenter(
                `${name}-${dc.name}`,
                {
                    provider,
                    settings,
                    datacenter: dc,
                    storageClass: settings.existingClusters
                        ? settings.existingClusters[dc.name].storageClass
                        : STORAGE_CLASS,
                    superuser,
                    caCertPem: ca.certPem,
                    nodeCertificates: certs.issued,
                    operatorNamespace: operator.namespace,
                    waitFor: operator.dependencies,
                },
                { parent: this },
            );
            const dcRoutes = routes.filter((r) => r.datacenter === dc.name);
            const ingress = createIngress(
                settings.ingress,
                `${name}-${dc.name}-ingress`,
                {
                    provider,
                    namespace: dc.namespace,
                    datacenter: dc.name,
                    routes: dcRoutes,
                    clientCidrs: settings.clientCidrs,
                    controller: settings.ingressController,
                },
                // The Cassandra namespace must exist before the routes and per-node Services in it.
                { parent: this, dependsOn: [datacenter] },
            );
            if (ingress) {
                ingresses[dc.name] = ingress;
                dnsRecords.push(
                    ...(ingress instanceof LoadBalancers
                        ? loadBalancerDnsRecords(dcRoutes, ingress.nodeAddresses)
                        : ingressDnsRecords(dcRoutes, ingress.address)),
                );
            }
        }
        this.ingressAddresses = pulumi.all(
            Object.fromEntries(Object.entries(ingresses).map(([dc, i]) => [dc, i.address])),
        );
        const nodeAddresses = pulumi.all(
            Object.values(ingresses).map((i) =>
                i instanceof LoadBalancers ? i.nodeAddresses : pulumi.output({}),
            ),
        );
        const racks = Object.fromEntries(
            this.plan.topology.datacenters.flatMap((d) => d.nodes.map((n) => [n.podName, n.rack])),
        );
        this.clientBundle =
            routes.length === 0
                ? pulumi.output(undefined)
                : pulumi
                      .all([ca.certPem, this.ingressAddresses, nodeAddresses])
                      .apply(([caPem, dcAddresses, perNode]) =>
                          externalClientBundle(
                              settings.clusterName,
                              caPem,
                              routes,
                              racks,
                              Object.assign({}, dcAddresses, ...perNode),
                          ),
                      );
        // Cloud DNS needs a GCP project; with existing clusters only when a zone is named (else the client bundle carries the addresses).
        const manageDns =
            dnsRecords.length > 0 &&
            gcpProject !== undefined &&
            (!settings.existingClusters || settings.externalDnsZone !== undefined);
        this.externalNameServers = manageDns
            ? new ExternalDns(
                  `${name}-external-dns`,
                  {
                      project: gcpProject as string,
                      externalDomain: settings.externalDomain as string,
                      existingZone: settings.externalDnsZone,
                      records: dnsRecords,
                  },
                  { parent: this },
              ).nameServers
            : pulumi.output([]);
        this.caCertPem = ca.certPem;
        this.superuser = pulumi.secret(
            pulumi
                .all([superuser.username, superuser.password])
                .apply(([username, pw]) => ({ username, password: pw })),
        );

        const ranges = Object.fromEntries(
            this.plan.network.datacenters.map((r) => [r.datacenter, r]),
        );
        this.datacenters = pulumi.all(
            Object.fromEntries(
                this.plan.topology.datacenters.map((dc) => [
                    dc.name,
                    pulumi
                        .all([clusters[dc.name].clusterName, clusters[dc.name].endpoint])
                        .apply(([clusterName, endpoint]) => ({
                            clusterName,
                            endpoint,
                            namespace: dc.namespace,
                            dnsDomain: dc.clusterDomain,
                            ranges: ranges[dc.name],
                            cassandraDatacenter: dc.name,
                            seedService: dc.seedFqdn,
                            additionalSeeds: dc.additionalSeeds,
                            superuserSecret: secretNames(settings.clusterName, dc.name).superuser,
                        })),
                ]),
            ),
        );
        this.registerOutputs({
            plan: this.plan,
            datacenters: this.datacenters,
            providers: this.providers,
            caCertPem: this.caCertPem,
            superuser: this.superuser,
            ingressAddresses: this.ingressAddresses,
            externalNameServers: this.externalNameServers,
            clientBundle: this.clientBundle,
        });
    }

    private gkeClusters(name: string, plan: Plan, project: string): Record<string, ClusterHandle> {
        const s = plan.settings;
        const ranges = Object.fromEntries(plan.network.datacenters.map((r) => [r.datacenter, r]));
        const network = new Network(
            `${name}-network`,
            {
                project,
                namePrefix: s.clusterName,
                datacenters: plan.topology.datacenters.map((dc) => ({
                    name: dc.name,
                    region: dc.region as string,
                    ranges: ranges[dc.name],
                })),
                firewall: plan.firewall,
            },
            { parent: this },
        );
        const out: Record<string, ClusterHandle> = {};
        for (const dc of plan.topology.datacenters) {
            const subnet = network.subnets[dc.name];
            const gke = new GkeCluster(
                `${name}-${dc.name}`,
                {
                    project,
                    clusterName: dc.gkeClusterName,
                    region: dc.region as string,
                    zones: dc.zones,
                    network: network.networkId,
                    subnetwork: subnet.subnetworkId,
                    podsRangeName: subnet.podsRangeName,
                    servicesRangeName: subnet.servicesRangeName,
                    controlPlaneCidr: ranges[dc.name].controlPlane as string,
                    maxPodsPerNode: plan.network.maxPodsPerNode,
                    clusterDnsDomain: s.dns === "cloud-dns" ? dc.clusterDomain : undefined,
                    // One Cassandra pod per worker (cass-operator's default anti-affinity), plus
                    // one node per zone for the operator, the ingress proxy and a replacement pod.
                    nodesPerZone: Math.ceil(dc.size / dc.zones.length) + 1,
                    machineType: dc.nodeMachineType,
                    nodeTags: [nodeTag(s.clusterName, dc.name)],
                    controlPlaneAuthorizedCidrs: s.controlPlaneAuthorizedCidrs,
                    deletionProtection: s.deletionProtection,
                },
                { parent: this },
            );
            out[dc.name] = {
                provider: gke.provider,
                clusterName: gke.clusterName,
                endpoint: gke.endpoint,
            };
        }
        return out;
    }

    private existingClusters(name: string, s: Settings): Record<string, ClusterHandle> {
        const out: Record<string, ClusterHandle> = {};
        for (const [dc, c] of Object.entries(s.existingClusters ?? {})) {
            const provider = new k8s.Provider(
                `${name}-${dc}-k8s`,
                // Without a kubeconfig the provider uses $KUBECONFIG or ~/.kube/config, like kubectl.
                {
                    ...(c.kubeconfig ? { kubeconfig: c.kubeconfig } : {}),
                    ...(c.context ? { context: c.context } : {}),
                },
                { parent: this },
            );
            const label = c.context ?? "current-context";
            out[dc] = {
                provider,
                clusterName: pulumi.output(label),
                endpoint: pulumi.output(label),
            };
        }
        return out;
    }
}

const GKE_INTERNAL_LB: Record<string, string> = {
    "networking.gke.io/load-balancer-type": "Internal",
};
const NO_ANNOTATIONS: Record<string, string> = {};

interface ClusterHandle {
    readonly provider: k8s.Provider;
    readonly clusterName: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
}

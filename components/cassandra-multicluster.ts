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
import { LifecycleGuard } from "./lifecycle/lifecycle-guard";
import { ReplicationGuard } from "./lifecycle/replication-guard";
import { lifecycleState } from "./lifecycle/state";
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
    additionalSeeds,
    buildPlan,
    datacenterNetworkPolicy,
    DatacenterStatus,
    hostIdsOf,
    DatacenterRanges,
    ExternalClientBundle,
    externalClientBundle,
    nodeTag,
    Plan,
    plannedNodeCapacity,
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
    /** This datacenter's seed service FQDN. */
    readonly seedService: string;
    /** The pod IPs of the earlier datacenters' nodes it joined through (empty for the first). */
    readonly additionalSeeds: readonly string[];
    /** Pod name → Cassandra host ID, as cass-operator reports them. */
    readonly hostIds: Readonly<Record<string, string>>;
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
    /**
     * With mutual TLS, each application's certificate and PKCS#8 key by the name given in
     * `tls.clientCertificates`. Secret. Empty without mutual TLS.
     */
    public readonly clientCertificates: pulumi.Output<Record<string, ClientCertificate>>;
    /**
     * The declared ranges of clusters the stack does not create (no kubeconfigs), by datacenter;
     * empty on GKE. The policy pack's `no-overlapping-ranges` reads them.
     */
    public readonly existingClusters: pulumi.Output<Record<string, ExistingClusterRanges>>;

    constructor(
        name: string,
        args: CassandraMultiClusterArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        // The engine records a component's args in state: kubeconfigs go there only as secrets.
        super(
            "cassandra-multicluster:index:CassandraMultiCluster",
            name,
            withSecretKubeconfigs(args),
            opts,
        );
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
        // Checked by the engine against the previous deployment; every datacenter's objects wait for it.
        const guard = new LifecycleGuard(
            `${name}-lifecycle`,
            { state: lifecycleState(settings, this.plan.topology) },
            { parent: this },
        );

        const clusters = settings.existingClusters
            ? this.connectExistingClusters(name, settings)
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
        // One CA per trusted generation; the first keeps the name it always had, so existing stacks keep their CA.
        const authorities = new Map(
            pki.trusted.map((c) => [
                c.generation,
                new CertificateAuthority(
                    c.generation === 1 ? `${name}-ca` : `${name}-ca-g${c.generation}`,
                    { key: pki.key, ...c },
                    { parent: this },
                ),
            ]),
        );
        const issuer = authorities.get(pki.ca.generation) as CertificateAuthority;
        // What nodes and clients trust: every trusted generation's certificate, in one PEM bundle.
        const ca = {
            certPem: pulumi
                .all([...authorities.values()].map((a) => a.certPem))
                .apply((pems) => pems.map((p) => p.trim()).join("\n") + "\n"),
        };
        const certs = new NodeCertificates(
            `${name}-certs`,
            {
                key: pki.key,
                nodes: pki.nodes,
                clients: pki.clients,
                caCertPem: issuer.certPem,
                caKeyPem: issuer.keyPem,
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

        // Names and ports are planned now; host IDs join each datacenter's routes once it is ready.
        const routes = planRoutes(settings, this.plan.topology);
        const ingresses: Record<string, IngressLayer> = {};
        const dnsRecords: ExternalDnsRecord[] = [];
        // Datacenters start in order: each joins the ones before it through their nodes' IPs,
        // read from their status once they are ready (see `additionalSeeds`).
        const statuses: Record<string, pulumi.Output<DatacenterStatus>> = {};
        const hostIds: Record<string, pulumi.Output<Record<string, string>>> = {};
        const started: pulumi.Resource[] = [];
        for (const [index, dc] of this.plan.topology.datacenters.entries()) {
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
                    nodeCertificates: certs.datacenters[dc.name],
                    additionalSeeds: pulumi
                        .all({ ...statuses })
                        .apply((st) => additionalSeeds(this.plan.topology, index, st)),
                    networkPolicy: datacenterNetworkPolicy(
                        settings,
                        this.plan.network,
                        dc,
                        operator.namespace,
                    ),
                    waitFor: [...operator.dependencies, ...started],
                    guardedBy: [guard],
                },
                { parent: this },
            );
            statuses[dc.name] = datacenter.status;
            hostIds[dc.name] = datacenter.hostIds;
            started.push(datacenter.cassandraDatacenter);
            const dcRoutes = routes.filter((r) => r.datacenter === dc.name);
            const ingress = createIngress(
                settings.ingress,
                `${name}-${dc.name}-ingress`,
                {
                    provider,
                    namespace: dc.namespace,
                    datacenter: dc.name,
                    routes: dcRoutes,
                    hostIds: datacenter.hostIds,
                    nodeCapacity: plannedNodeCapacity(settings.datacenters[index]),
                    clientCidrs: settings.clientCidrs,
                    controller: settings.ingressController,
                },
                // The Cassandra namespace must exist before the routes and per-node Services in it.
                { parent: this, dependsOn: [datacenter.namespaceResource] },
            );
            if (ingress) {
                ingresses[dc.name] = ingress;
                dnsRecords.push(
                    ...(ingress instanceof LoadBalancers
                        ? loadBalancerDnsRecords(dcRoutes, ingress.nodeAddresses)
                        : ingressDnsRecords(dcRoutes, ingress.address, settings.externalNames)),
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
                      .all([ca.certPem, this.ingressAddresses, nodeAddresses, pulumi.all(hostIds)])
                      .apply(([caPem, dcAddresses, perNode, ids]) => {
                          const byPod: Record<string, string> = Object.assign(
                              {},
                              ...Object.values(ids),
                          );
                          return externalClientBundle(
                              settings.clusterName,
                              caPem,
                              planRoutes(settings, this.plan.topology, byPod),
                              racks,
                              Object.assign({}, dcAddresses, ...perNode),
                              byPod,
                          );
                      });
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
        this.clientCertificates = pulumi.secret(
            pulumi
                .all([certs.clients.certPems, certs.clients.keyPems])
                .apply(([certPems, keyPems]) =>
                    Object.fromEntries(
                        pki.clients.map((c): [string, ClientCertificate] => [
                            c.commonName,
                            { certPem: certPems[c.id], keyPem: keyPems[c.id] },
                        ]),
                    ),
                ),
        );
        this.superuser = pulumi.secret(
            pulumi
                .all([superuser.username, superuser.password])
                .apply(([username, pw]) => ({ username, password: pw })),
        );
        if (routes.length > 0) {
            // Reads the cluster through the stack's own routes when a datacenter leaves the stack.
            const client = pki.clients[0]?.id;
            new ReplicationGuard(
                `${name}-replication`,
                {
                    datacenters: this.plan.topology.datacenters.map((d) => d.name),
                    contact: pulumi
                        .all([
                            this.clientBundle,
                            this.superuser,
                            settings.tls.requireClientAuth && client
                                ? pulumi
                                      .all([certs.clients.certPems, certs.clients.keyPems])
                                      .apply(([c, k]) => [c[client], k[client]])
                                : undefined,
                        ])
                        .apply(([bundle, su, pair]) => ({
                            bundle: bundle as ExternalClientBundle,
                            localDataCenter: this.plan.topology.datacenters[0].name,
                            username: su.username,
                            password: su.password,
                            ...(pair ? { clientCertificate: { cert: pair[0], key: pair[1] } } : {}),
                        })),
                },
                { parent: this },
            );
        }

        const ranges = Object.fromEntries(
            this.plan.network.datacenters.map((r) => [r.datacenter, r]),
        );
        this.datacenters = pulumi.all(
            Object.fromEntries(
                this.plan.topology.datacenters.map((dc, index) => [
                    dc.name,
                    pulumi
                        .all([
                            clusters[dc.name].clusterName,
                            clusters[dc.name].endpoint,
                            pulumi.all({ ...statuses }),
                        ])
                        .apply(([clusterName, endpoint, st]) => ({
                            clusterName,
                            endpoint,
                            namespace: dc.namespace,
                            dnsDomain: dc.clusterDomain,
                            ranges: ranges[dc.name],
                            cassandraDatacenter: dc.name,
                            seedService: dc.seedFqdn,
                            additionalSeeds: additionalSeeds(this.plan.topology, index, st),
                            hostIds: hostIdsOf(st[dc.name]),
                            superuserSecret: secretNames(settings.clusterName, dc.name).superuser,
                        })),
                ]),
            ),
        );
        this.existingClusters = pulumi.output(
            Object.fromEntries(
                Object.entries(settings.existingClusters ?? {}).map(([dc, c]) => [
                    dc,
                    {
                        podCidr: c.podCidr,
                        serviceCidr: c.serviceCidr,
                        ...(c.nodeCidr ? { nodeCidr: c.nodeCidr } : {}),
                    },
                ]),
            ),
        );
        // `plan` is a plain value for programs in this process; registering it would copy the
        // whole topology into state on every run.
        this.registerOutputs({
            datacenters: this.datacenters,
            providers: this.providers,
            caCertPem: this.caCertPem,
            superuser: this.superuser,
            ingressAddresses: this.ingressAddresses,
            externalNameServers: this.externalNameServers,
            clientBundle: this.clientBundle,
            clientCertificates: this.clientCertificates,
            existingClusters: this.existingClusters,
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

    private connectExistingClusters(name: string, s: Settings): Record<string, ClusterHandle> {
        const out: Record<string, ClusterHandle> = {};
        for (const [dc, c] of Object.entries(s.existingClusters ?? {})) {
            const provider = new k8s.Provider(
                `${name}-${dc}-k8s`,
                // Without a kubeconfig the provider uses $KUBECONFIG or ~/.kube/config, like kubectl.
                {
                    // A kubeconfig's credentials stay encrypted in the provider's recorded inputs.
                    ...(c.kubeconfig ? { kubeconfig: pulumi.secret(c.kubeconfig) } : {}),
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

/** An application's client certificate for mutual TLS. */
export interface ClientCertificate {
    readonly certPem: string;
    /** PKCS#8 PEM. Secret. */
    readonly keyPem: string;
}

/** Ranges of a cluster the stack does not create, as declared in `existingClusters`. */
export interface ExistingClusterRanges {
    readonly podCidr: string;
    readonly serviceCidr: string;
    readonly nodeCidr?: string;
}

/** The args with every `existingClusters.<dc>.kubeconfig` wrapped as a Pulumi secret. */
function withSecretKubeconfigs(args: CassandraMultiClusterArgs): pulumi.Inputs {
    const clusters = args.existingClusters as
        Record<string, Record<string, unknown> | undefined> | undefined;
    if (!clusters) {
        return args as unknown as pulumi.Inputs;
    }
    return {
        ...args,
        existingClusters: Object.fromEntries(
            Object.entries(clusters).map(([dc, c]) => [
                dc,
                c?.kubeconfig === undefined
                    ? c
                    : { ...c, kubeconfig: pulumi.secret(c.kubeconfig as string) },
            ]),
        ),
    };
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

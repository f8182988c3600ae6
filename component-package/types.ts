// The args and outputs of `CassandraCluster`, written so that `@pulumi/pulumi`'s schema
// analyzer (`provider/experimental/analyzer.ts` at v3.248.0, class `Analyzer`) can describe
// every one of them to other languages:
//
// - args are interfaces (`analyzeComponent`: "'args' parameter must be an interface") made of
//   strings, numbers, booleans, arrays, string-keyed maps and other interfaces (`analyzeType`);
// - fields are plain, not `pulumi.Input<T>`: the topology, ranges and certificates are planned
//   before any resource exists, so SDKs must hand over values, never outputs (a plain field is
//   marked `plain: true` in the schema, `analyzeType` → `makeProp`);
// - a choice of strings is an `as const` object with a type of the same name
//   (`extractEnumMembers`, the `ts.isVariableDeclaration` branch): the object is declared first,
//   because the analyzer reads the symbol's first declaration. No other unions, no intersections
//   ("Union types are not supported", "Intersection types are not supported");
// - arrays are `T[]`, not `readonly T[]` (`getArrayType` accepts only the symbol `Array`);
// - every field carries its documentation as JSDoc, which becomes the schema's `description`
//   (`analyzeSymbol`) and each SDK's docstrings.
//
// Interface names become the schema's type names (`#/types/cassandra-mc:index:<Name>`), and
// SDKs append `Args` to input types (Python `DatacenterArgs`), so none of them ends in `Args`
// except the component's own args.

/** How applications outside the clusters reach the nodes. See the README's "Choosing an ingress layer". */
export const IngressKind = {
    /** Traefik `IngressRouteTCP` per node, TLS passthrough by SNI. */
    Traefik: "traefik",
    /** Istio gateway with TLS passthrough `VirtualService`s by SNI. */
    Istio: "istio",
    /** Kong `TCPIngress` per node with `tls_passthrough` (deprecated upstream; prefer gateway-api). */
    Kong: "kong",
    /** A Gateway API `Gateway` with a TLS passthrough listener and one `TLSRoute` per node. */
    GatewayApi: "gateway-api",
    /** One `LoadBalancer` Service per node. */
    LoadBalancer: "loadbalancer",
    /** No external access: CQL only inside the VPC. */
    None: "none",
} as const;
export type IngressKind = (typeof IngressKind)[keyof typeof IngressKind];

/** How the nodes' external names are formed. See the README's "External names". */
export const ExternalNames = {
    /** `<pod>.<dc>.<domain>`: behind an SNI layer one wildcard record per datacenter serves them. */
    PerDatacenter: "per-datacenter",
    /** `<pod>.<domain>`, a record per node: the names of stacks created before `per-datacenter`. */
    Flat: "flat",
} as const;
export type ExternalNames = (typeof ExternalNames)[keyof typeof ExternalNames];

/** Cassandra 5.0's storage compatibility modes, in upgrade order. */
export const StorageCompatibilityMode = {
    /** Compatible with 4.x nodes and able to roll back to 4.x: the first step of an upgrade. */
    Cassandra4: "CASSANDRA_4",
    /** 5.0 formats, new features held back until every node runs it. */
    Upgrading: "UPGRADING",
    /** Every 5.0 feature: new clusters, and the last step of an upgrade. */
    None: "NONE",
} as const;
export type StorageCompatibilityMode =
    (typeof StorageCompatibilityMode)[keyof typeof StorageCompatibilityMode];

/** How each cluster resolves the other clusters' pod names. */
export const DnsMode = {
    /** GKE Cloud DNS, VPC scope, domain `<dc>.<clusterName>.internal` per cluster (GKE only). */
    CloudDns: "cloud-dns",
    /** Each cluster's DNS behind an internal load balancer; the others forward to it. */
    Stub: "stub",
    /** No cross-cluster DNS. */
    None: "none",
} as const;
export type DnsMode = (typeof DnsMode)[keyof typeof DnsMode];

/** Key algorithm of the cluster CA and every certificate. */
export const KeyAlgorithm = {
    /** ECDSA P-256. */
    ECDSA: "ECDSA",
    /** RSA, `tls.rsaBits` bits. */
    RSA: "RSA",
} as const;
export type KeyAlgorithm = (typeof KeyAlgorithm)[keyof typeof KeyAlgorithm];

/** Phases of a CA rotation, each rolled out before the next (README "Rotating the CA"). */
export const CaRotationPhase = {
    /** Nodes and clients trust the next CA generation too; certificates still come from the current one. */
    AddNewCa: "add-new-ca",
    /** Certificates come from the next generation; both are still trusted. */
    IssueFromNewCa: "issue-from-new-ca",
} as const;
export type CaRotationPhase = (typeof CaRotationPhase)[keyof typeof CaRotationPhase];

/** A Cassandra rack, placed on one zone. */
export interface Rack {
    /** Cassandra rack name (a DNS label of at most 20 characters); also part of the StatefulSet and pod names. */
    readonly name: string;
    /** The zone whose nodes run this rack (`topology.kubernetes.io/zone`); one of the datacenter's zones. */
    readonly zone: string;
}

/** One Cassandra datacenter, on its own Kubernetes cluster. */
export interface Datacenter {
    /** Datacenter name: a lowercase DNS label of at most 20 characters, unique in the cluster. */
    readonly name: string;
    /** GCP region of the GKE cluster, e.g. `us-west1`. Required on GKE; informative for existing clusters. */
    readonly region?: string;
    /** Zones of the datacenter's nodes (on GKE, zones of `region`); at least one, each once. */
    readonly zones: string[];
    /** Number of Cassandra nodes: a multiple of the rack count. */
    readonly size: number;
    /** Racks and their zones. Defaults to one rack per zone, named `rack1`, `rack2`, …. */
    readonly racks?: Rack[];
    /** Machine type Cassandra is sized for (heap, requests). Defaults to `n2-highmem-4`; for existing clusters describe the worker, e.g. `custom-2-4096`. */
    readonly nodeMachineType?: string;
    /** Data volume per node in GiB, at least 10. Defaults to 200. */
    readonly storageGb?: number;
    /** Node capacity the network ranges are sized for. Defaults to 64, or twice `size` above 32. */
    readonly maxNodes?: number;
    /** Namespace of this datacenter, overriding the cluster-wide `namespace`. */
    readonly namespace?: string;
    /** Step 2 of removing this datacenter: cass-operator decommissions its nodes when it is deleted. Defaults to false. */
    readonly decommission?: boolean;
}

/** The ranges of one datacenter, given explicitly instead of planned from the supernet. */
export interface ExplicitRanges {
    /** Primary range of the datacenter's subnet (the nodes). */
    readonly nodes: string;
    /** Secondary range for pods. */
    readonly pods: string;
    /** Secondary range for Services. */
    readonly services: string;
    /** The GKE control plane's range; exactly a /28. */
    readonly controlPlane: string;
}

/** How the datacenters' address ranges are chosen; no two clusters ever overlap. */
export interface NetworkSettings {
    /** Supernet the automatic plan carves one `/datacenterPrefix` block per datacenter from, by position. Defaults to `10.0.0.0/8`. */
    readonly supernet?: string;
    /** Prefix length of each datacenter's block, 8–24. Defaults to 16. */
    readonly datacenterPrefix?: number;
    /** GKE's maximum pods per node, 8–256; sizes the pod ranges. Defaults to 32. */
    readonly maxPodsPerNode?: number;
    /** Every datacenter's ranges given explicitly, keyed by datacenter name, instead of the automatic plan (checked for size and overlap). Not with existing clusters. */
    readonly ranges?: Record<string, ExplicitRanges>;
    /** Accept public (not private-use) address space for the clusters' own ranges, when you use those addresses privately on purpose. Defaults to false. */
    readonly allowPublicRanges?: boolean;
}

/** Certificates and keys of the cluster's PKI. */
export interface TlsSettings {
    /** Key algorithm of the CA and every certificate. Defaults to `ECDSA` (P-256). */
    readonly keyAlgorithm?: KeyAlgorithm;
    /** RSA key size, 3072 or 4096, with `keyAlgorithm: RSA`. Defaults to 3072. */
    readonly rsaBits?: number;
    /** Validity of the CA certificate in hours, at least 24. Defaults to 87600 (10 years). */
    readonly caValidityHours?: number;
    /** Validity of node and client certificates in hours, at least 24 and at most the CA's. Defaults to 8760. */
    readonly certificateValidityHours?: number;
    /** Hours before expiry at which the next update renews a certificate; shorter than its validity. Defaults to 720. */
    readonly earlyRenewalHours?: number;
    /** Mutual TLS: clients must present a certificate signed by the cluster CA. Defaults to false. */
    readonly requireClientAuth?: boolean;
    /** Applications to issue client certificates for (DNS labels), required with `requireClientAuth`; see the `clientCertificates` output. */
    readonly clientCertificates?: string[];
    /** The CA generation that issues certificates when no rotation is under way. Defaults to 1. */
    readonly caGeneration?: number;
    /** Phase of a CA rotation: trust the next generation too, then issue from it. */
    readonly caRotation?: CaRotationPhase;
}

/** A Kubernetes cluster the component deploys to instead of creating a GKE cluster. */
export interface ExistingCluster {
    /** Kubeconfig of the cluster: the path of its file, or its contents (which the Kubernetes provider keeps in its state as given, so prefer the path). Defaults to `$KUBECONFIG` or `~/.kube/config`, like kubectl. */
    readonly kubeconfig?: string;
    /** Kubeconfig context to use. Defaults to the kubeconfig's current context. */
    readonly context?: string;
    /** The cluster's pod range (CIDR); must not overlap any other cluster's ranges. */
    readonly podCidr: string;
    /** The cluster's Service range (CIDR). */
    readonly serviceCidr: string;
    /** The cluster's node range (CIDR), when known. */
    readonly nodeCidr?: string;
    /** The cluster's DNS domain. Defaults to `cluster.local`. */
    readonly clusterDomain?: string;
    /** StorageClass of the Cassandra data volumes. Defaults to `standard`. */
    readonly storageClass?: string;
}

/** The ingress controller behind the chosen `ingress` layer. */
export interface IngressController {
    /** The controller (Traefik, Istio gateway, Kong, a Gateway API implementation) already runs in every cluster; then `address` is required. Defaults to false (the component installs it). */
    readonly preinstalled?: boolean;
    /** With a preinstalled controller: its entry point's IP address or host name, which the DNS records point at. */
    readonly address?: string;
    /** Namespace of the controller. Defaults per layer (`traefik`, `istio-system`, `kong`); Gateway API objects live in the Cassandra namespace. */
    readonly namespace?: string;
    /** Gateway API: the GatewayClass of the installed implementation. Defaults to `istio`. */
    readonly gatewayClassName?: string;
    /** The preinstalled Traefik is k3s's own (k3d): its entry points are set through k3s's `HelmChartConfig`. Defaults to false. */
    readonly k3s?: boolean;
}

/**
 * The arguments of a `CassandraCluster`: the stack settings of the `cassandra-multicluster`
 * program (the README's "Configuration reference", key for key) plus the GCP project. Every
 * value is validated together before any resource is created; an error names the key, the bad
 * value and what is allowed.
 */
export interface CassandraClusterArgs {
    /** GCP project of the network and GKE clusters. Required unless `existingClusters` is set; with existing clusters, only used for DNS records in `externalDnsZone`. */
    readonly gcpProject?: string;
    /** Cassandra cluster name shared by every datacenter; a DNS label of at most 20 characters (it prefixes pod, Service and GKE names). Defaults to `cassandra`. */
    readonly clusterName?: string;
    /** Apache Cassandra version, 4.1.x or 5.0.x. Defaults to `5.0.5`. */
    readonly serverVersion?: string;
    /** Cassandra 5.0's `storage_compatibility_mode`; NONE unless upgrading from 4.1 (CASSANDRA_4, then UPGRADING, then NONE). */
    readonly storageCompatibilityMode?: StorageCompatibilityMode;
    /** Namespace of the datacenters. With `dns: stub` and equal cluster domains, `-<datacenter>` is appended so every cluster has its own DNS suffix. Defaults to `cassandra`. */
    readonly namespace?: string;
    /** One entry per datacenter and Kubernetes cluster; at least one. */
    readonly datacenters: Datacenter[];
    /** Address ranges of the datacenters. Defaults to an automatic plan from `10.0.0.0/8`, one /16 per datacenter. */
    readonly network?: NetworkSettings;
    /** Cross-cluster DNS. Defaults to `cloud-dns` on GKE; with `existingClusters`, `stub` for several datacenters and `none` for one. */
    readonly dns?: DnsMode;
    /** External access layer. Defaults to `none`. */
    readonly ingress?: IngressKind;
    /** Domain of the nodes' external names and entry points (`<dc>.<domain>`); required when `ingress` is not `none`. */
    readonly externalDomain?: string;
    /** How the nodes' external names are formed; a running stack keeps its scheme. Defaults to `per-datacenter`. */
    readonly externalNames?: ExternalNames;
    /** Ranges (CIDR) allowed to reach CQL; required when `ingress` is not `none`. Ranges wider than /8 need `allowPublicClients`. Defaults to none. */
    readonly clientCidrs?: string[];
    /** Accept internet-wide `clientCidrs`. Defaults to false. */
    readonly allowPublicClients?: boolean;
    /** DANGER: client TLS off. Refused with any ingress and with mutual TLS; the policy pack rejects the result. Defaults to false. */
    readonly allowPlaintextNativeTransport?: boolean;
    /** Certificates and keys. Defaults to ECDSA P-256, CA 87600 h, certificates 8760 h renewed 720 h early, no mutual TLS. */
    readonly tls?: TlsSettings;
    /** Deploy to these clusters instead of creating GKE clusters, keyed by datacenter name; one entry per datacenter. */
    readonly existingClusters?: Record<string, ExistingCluster>;
    /** The ingress controller. Defaults to installing it (`preinstalled: false`) and, for Gateway API, the `istio` GatewayClass. */
    readonly ingressController?: IngressController;
    /** With `ingress: loadbalancer`, the most per-node addresses the component may create. Defaults to 16. */
    readonly maxLoadBalancerAddresses?: number;
    /** Existing Cloud DNS managed zone for `externalDomain`; without it a zone is created (GKE). */
    readonly externalDnsZone?: string;
    /** Ranges allowed to reach the GKE control planes; empty leaves GKE's default. Defaults to none. */
    readonly controlPlaneAuthorizedCidrs?: string[];
    /** Refuse to destroy the GKE clusters. Defaults to true. */
    readonly deletionProtection?: boolean;
}

/** The address ranges one datacenter's cluster uses. */
export interface PlannedRanges {
    /** The nodes' range (the subnet's primary range on GKE); absent for an existing cluster that did not declare it. */
    readonly nodes?: string;
    /** The pods' range. */
    readonly pods: string;
    /** The Services' range. */
    readonly services: string;
    /** The GKE control plane's /28; absent for existing clusters. */
    readonly controlPlane?: string;
}

/** Where one datacenter runs and how it is reached. */
export interface DatacenterEndpoints {
    /** The Kubernetes cluster: the GKE cluster's name, or the kubeconfig context of an existing cluster (`current-context` when none was given). */
    readonly clusterName: string;
    /** The cluster's control-plane endpoint, or the kubeconfig context of an existing cluster. */
    readonly endpoint: string;
    /** Namespace of the CassandraDatacenter. */
    readonly namespace: string;
    /** The cluster's DNS domain, under which the pods are named. */
    readonly dnsDomain: string;
    /** The cluster's address ranges. */
    readonly ranges: PlannedRanges;
    /** Name of the CassandraDatacenter object. */
    readonly cassandraDatacenter: string;
    /** This datacenter's seed Service, fully qualified. */
    readonly seedService: string;
    /** Pod IPs of the earlier datacenters' nodes this one joined through; empty for the first. */
    readonly additionalSeeds: string[];
    /** Pod name → Cassandra host ID, as cass-operator reports them. */
    readonly hostIds: Record<string, string>;
    /** Name of the Secret holding the superuser's name and password in this datacenter's namespace. */
    readonly superuserSecret: string;
    /** The external entry point's IP address or host name (with `ingress: loadbalancer`, the first node's); absent without ingress. */
    readonly ingressAddress?: string;
}

/** The Cassandra superuser, the same in every datacenter. */
export interface Superuser {
    /** Role name, `<clusterName>-superuser`. */
    readonly username: string;
    /** Generated password. */
    readonly password: string;
}

/** An application's client certificate for mutual TLS. */
export interface ClientCertificate {
    /** Certificate (PEM), signed by the cluster CA. */
    readonly certPem: string;
    /** Private key (PKCS#8 PEM). */
    readonly keyPem: string;
}

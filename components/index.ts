/**
 * The library's public surface: the top-level component, its building blocks, the pure plan
 * functions and the client helper. Nothing here reads stack config; only the program
 * (`index.ts`) does.
 */
export { CassandraMultiCluster } from "./cassandra-multicluster";
export type {
    CassandraMultiClusterArgs,
    ClientCertificate,
    DatacenterOutput,
    ExistingClusterRanges,
} from "./cassandra-multicluster";
export * from "./config";
export { Network } from "./gcp/network";
export type { NetworkArgs, NetworkDatacenter, SubnetRefs } from "./gcp/network";
export { GkeCluster, kubeconfigFor, STORAGE_CLASS } from "./gcp/gke-cluster";
export type { GkeClusterArgs } from "./gcp/gke-cluster";
export * from "./gcp/external-dns";
export { DnsStubs } from "./kubernetes/dns-stubs";
export type { DnsStubCluster, DnsStubsArgs } from "./kubernetes/dns-stubs";
export { CassOperator } from "./kubernetes/cass-operator";
export type { CassOperatorArgs } from "./kubernetes/cass-operator";
export { Datacenter } from "./kubernetes/datacenter";
export type { DatacenterArgs } from "./kubernetes/datacenter";
export * from "./kubernetes/node-services";
export * from "./kubernetes/ingress";
export { CertificateAuthority } from "./pki/certificate-authority";
export type { CertificateAuthorityArgs } from "./pki/certificate-authority";
export { NodeCertificates } from "./pki/node-certificates";
export type { IssuedCertificates, NodeCertificatesArgs } from "./pki/node-certificates";
export * as plan from "./plan";
export * as checks from "./checks";
export { createExternalClient } from "./client/external-client";
export type { ExternalClientOptions } from "./client/external-client";
export { clientConfigFiles } from "./client/client-config";
export * as versions from "./versions";

/**
 * The `cassandra-mc` component package: `CassandraCluster` for Python, Go, C#, Java, YAML and
 * TypeScript stacks (`pulumi package add`). The provider host serves every component class this
 * module exports (`@pulumi/pulumi` `provider/experimental/provider.ts` `getPulumiComponents`
 * walks the exports, objects included), so it exports this one class and its plain types only,
 * never the library's components.
 */
export { CassandraCluster } from "./cassandra-cluster";
export { DnsMode, ExternalNames, IngressKind, KeyAlgorithm } from "./types";
export type {
    CassandraClusterArgs,
    ClientCertificate,
    Datacenter,
    DatacenterEndpoints,
    ExistingCluster,
    ExplicitRanges,
    IngressController,
    NetworkSettings,
    PlannedRanges,
    Rack,
    Superuser,
    TlsSettings,
} from "./types";

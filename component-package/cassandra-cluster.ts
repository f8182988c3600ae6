import * as pulumi from "@pulumi/pulumi";
import { CassandraMultiCluster, DatacenterOutput } from "../components/cassandra-multicluster";
import { throwIfProblems } from "../components/errors";
import { nonPlainArgs, toMultiClusterArgs } from "./settings";
import type {
    CassandraClusterArgs,
    ClientCertificate,
    DatacenterEndpoints,
    Superuser,
} from "./types";

/**
 * The type token: `<package.json name>:index:<class>`. The provider host accepts only the
 * module `index` and its own package name (`@pulumi/pulumi` `provider/experimental/provider.ts`
 * `ComponentProvider.validateResourceType`), and the schema names the resource the same way
 * (`provider/experimental/schema.ts` `generateSchema`).
 */
export const CASSANDRA_CLUSTER_TYPE = "cassandra-mc:index:CassandraCluster";

/**
 * Apache Cassandra across several Kubernetes clusters: one GKE cluster (or an existing cluster) per Cassandra datacenter, all in one Cassandra cluster, with TLS everywhere, a generated superuser and safe access from outside. Takes the same settings as the cassandra-multicluster program and validates them all before creating anything.
 */
export class CassandraCluster extends pulumi.ComponentResource {
    /** Per datacenter name: its cluster, namespace, DNS domain, ranges, seeds, host IDs, superuser Secret and external entry point. */
    public readonly datacenters: pulumi.Output<Record<string, DatacenterEndpoints>>;
    /** The cluster CA certificate (PEM) that clients and nodes trust. Public. */
    public readonly caCertPem: pulumi.Output<string>;
    /** The superuser, the same in every datacenter. Secret. */
    public readonly superuser: pulumi.Output<Superuser>;
    /** What applications outside the clusters need to connect, as JSON: the CA, and per node its datacenter, rack, pod, external name, address, dedicated port and server name (`npm run client-config -- --bundle`). Absent without ingress. */
    public readonly clientBundleJson: pulumi.Output<string | undefined>;
    /** Name servers of the external DNS zone, to delegate `externalDomain` to; empty when no zone is managed here. */
    public readonly externalNameServers: pulumi.Output<string[]>;
    /** With mutual TLS, each application's certificate and key, by the name listed in `tls.clientCertificates`. Secret. Empty without mutual TLS. */
    public readonly clientCertificates: pulumi.Output<Record<string, ClientCertificate>>;

    constructor(name: string, args: CassandraClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // No args in the component's own state: the child records them (kubeconfigs as secrets).
        super(CASSANDRA_CLUSTER_TYPE, name, {}, opts);
        throwIfProblems(`Invalid arguments for CassandraCluster "${name}"`, nonPlainArgs(args));
        // The library's component under the same name, so its children are named as in a
        // TypeScript stack (`<name>-dc1`, `<name>-ca`, …) and a stack can move between the two.
        const cassandra = new CassandraMultiCluster(name, toMultiClusterArgs(args), {
            parent: this,
        });

        this.datacenters = pulumi
            .all([cassandra.datacenters, cassandra.ingressAddresses])
            .apply(([dcs, addresses]) =>
                Object.fromEntries(
                    Object.entries(dcs).map(([dc, out]) => [
                        dc,
                        datacenterEndpoints(out, addresses[dc]),
                    ]),
                ),
            );
        this.caCertPem = cassandra.caCertPem;
        this.superuser = cassandra.superuser;
        this.clientBundleJson = cassandra.clientBundle.apply((b) =>
            b === undefined ? undefined : JSON.stringify(b),
        );
        // Always a list, as the schema promises (required), even when a zone reports none.
        this.externalNameServers = cassandra.externalNameServers.apply((ns) => ns ?? []);
        this.clientCertificates = cassandra.clientCertificates;
        this.registerOutputs({
            datacenters: this.datacenters,
            caCertPem: this.caCertPem,
            superuser: this.superuser,
            clientBundleJson: this.clientBundleJson,
            externalNameServers: this.externalNameServers,
            clientCertificates: this.clientCertificates,
        });
    }
}

/** The library's per-datacenter output as plain, schema-described fields. */
function datacenterEndpoints(
    out: DatacenterOutput,
    ingressAddress: string | undefined,
): DatacenterEndpoints {
    const { nodes, pods, services, controlPlane } = out.ranges;
    return {
        clusterName: out.clusterName,
        endpoint: out.endpoint,
        namespace: out.namespace,
        dnsDomain: out.dnsDomain,
        ranges: {
            pods,
            services,
            ...(nodes ? { nodes } : {}),
            ...(controlPlane ? { controlPlane } : {}),
        },
        cassandraDatacenter: out.cassandraDatacenter,
        seedService: out.seedService,
        additionalSeeds: [...out.additionalSeeds],
        hostIds: { ...out.hostIds },
        superuserSecret: out.superuserSecret,
        ...(ingressAddress ? { ingressAddress } : {}),
    };
}

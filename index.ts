import * as pulumi from "@pulumi/pulumi";
import {
    CassandraMultiCluster,
    ClientCertificate,
    DatacenterOutput,
} from "./components/cassandra-multicluster";
import { settingsFromConfigMap } from "./components/config";
import type { ExternalClientBundle } from "./components/plan/client-bundle";

/** The stack outputs. */
interface StackOutputs {
    /** Per datacenter: cluster, endpoint, namespace, DNS domain, ranges, seeds, host IDs and the superuser Secret's name. */
    readonly datacenters: pulumi.Output<Record<string, DatacenterOutput>>;
    /** The cluster CA certificate (public): what clients trust. */
    readonly caCertificate: pulumi.Output<string>;
    /** Per datacenter: the external entry point's address (with `ingress: loadbalancer`, the first node's). */
    readonly ingressAddresses: pulumi.Output<Record<string, string>>;
    /** What applications outside the clusters need to connect: CA, nodes, addresses, ports (`npm run client-config`). */
    readonly clientBundle: pulumi.Output<ExternalClientBundle | undefined>;
    /** Name servers to delegate `externalDomain` to, when this stack manages its zone. */
    readonly externalNameServers: pulumi.Output<string[]>;
    /** With mutual TLS, each application's certificate and key (secret): `pulumi stack output clientCertificates --show-secrets`. */
    readonly clientCertificates: pulumi.Output<Record<string, ClientCertificate>>;
}

/**
 * The stack program. It is exported as a function, which `@pulumi/pulumi`'s `cmd/run` calls and
 * whose result becomes the stack's outputs (v3.248.0 `cmd/run/run.js`, `runProgram`: "If the
 * exported value was itself a Function, then just execute it"), so tools that evaluate the
 * program several times in one process (the offline plan, the e2e harness) get a fresh run each
 * time rather than a cached module.
 */
export = async (): Promise<StackOutputs> => {
    // The only place stack config is read; the component validates it as a whole (see the
    // README's config reference) before creating anything.
    const settings = settingsFromConfigMap(pulumi.getProject(), pulumi.runtime.allConfig());
    const cassandra = new CassandraMultiCluster(pulumi.getProject(), {
        ...settings,
        datacenters: (settings.datacenters ?? []) as never,
        gcpProject: new pulumi.Config("gcp").get("project"),
    });
    return {
        datacenters: cassandra.datacenters,
        caCertificate: cassandra.caCertPem,
        ingressAddresses: cassandra.ingressAddresses,
        clientBundle: cassandra.clientBundle,
        externalNameServers: cassandra.externalNameServers,
        clientCertificates: cassandra.clientCertificates,
    };
};

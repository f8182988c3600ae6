import * as pulumi from "@pulumi/pulumi";
import { CassandraMultiCluster } from "./components/cassandra-multicluster";
import { settingsFromConfigMap } from "./components/config";

// The only place stack config is read; the component validates it as a whole (see the README's
// config reference) before creating anything.
const settings = settingsFromConfigMap(pulumi.getProject(), pulumi.runtime.allConfig());

const cassandra = new CassandraMultiCluster(pulumi.getProject(), {
    ...settings,
    datacenters: (settings.datacenters ?? []) as never,
    gcpProject: new pulumi.Config("gcp").get("project"),
});

/** Per datacenter: cluster, endpoint, namespace, DNS domain, ranges, seeds and the superuser Secret's name. */
export const datacenters = cassandra.datacenters;
/** The cluster CA certificate (public): what clients trust. */
export const caCertificate = cassandra.caCertPem;
/** Per datacenter: the external entry point's address (with `ingress: loadbalancer`, the first node's). */
export const ingressAddresses = cassandra.ingressAddresses;
/** What applications outside the clusters need to connect: CA, nodes, addresses, ports (`npm run client-config`). */
export const clientBundle = cassandra.clientBundle;
/** Name servers to delegate `externalDomain` to, when this stack manages its zone. */
export const externalNameServers = cassandra.externalNameServers;

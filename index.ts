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

/** Per datacenter: cluster name, endpoint, namespace, DNS domain and ranges. */
export const datacenters = cassandra.datacenters;

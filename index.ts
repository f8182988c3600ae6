import * as pulumi from "@pulumi/pulumi";
import { CassandraMultiCluster } from "./components/cassandra-multicluster";

// The only place stack config is read: every key of this project, parsed and validated as a
// whole by the component (see the README's config reference).
const project = pulumi.getProject();
const settings: Record<string, unknown> = {};
for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(`${project}:`)) {
        settings[key.slice(project.length + 1)] = parseConfigValue(value);
    }
}

const cassandra = new CassandraMultiCluster(project, {
    ...settings,
    datacenters: (settings.datacenters ?? []) as never,
    gcpProject: new pulumi.Config("gcp").get("project"),
});

/** Per datacenter: cluster name, endpoint, namespace, DNS domain and ranges. */
export const datacenters = cassandra.datacenters;

/** Structured values arrive as JSON text and booleans/numbers as their literals; plain strings stay strings. */
function parseConfigValue(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

import * as pulumi from "@pulumi/pulumi";
import { CassandraMultiCluster, plan } from "cassandra-multicluster";

// An analytics datacenter on a cluster the platform team already runs (any cloud, or on-prem),
// using the same validated plan, PKI, operator and ingress as the main program.
const config = new pulumi.Config();

const analytics = new CassandraMultiCluster("analytics", {
    clusterName: "analytics",
    datacenters: [
        {
            name: "dc3",
            zones: ["zone-a", "zone-b", "zone-c"],
            size: 3,
            nodeMachineType: "custom-8-32768",
            storageGb: 500,
        },
    ],
    existingClusters: {
        dc3: {
            context: config.get("kubeContext") ?? "onprem-analytics",
            podCidr: "172.20.0.0/16",
            serviceCidr: "172.21.0.0/16",
            storageClass: "fast-ssd",
        },
    },
    ingress: "loadbalancer",
    externalDomain: "analytics.example.com",
    clientCidrs: ["192.0.2.0/24"],
});

/** The node names and certificate SANs, from the same pure plan the component used. */
export const nodes = analytics.plan.pki.nodes.map((n) => ({ pod: n.id, sans: n.dnsNames }));
export const routes = plan
    .planRoutes(analytics.plan.settings, analytics.plan.topology)
    .map((r) => `${r.sniNames[0]} -> ${r.backend.service}`);
export const clientBundle = analytics.clientBundle;

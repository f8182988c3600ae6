import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { named, ofType, outputOf, RecordedResource, settled, setupMocks } from "../helpers/mocks";

let resources: RecordedResource[];
let mod: typeof import("../../components/cassandra-multicluster");

beforeAll(async () => {
    resources = await setupMocks();
    mod = await import("../../components/cassandra-multicluster");
});

beforeEach(() => {
    resources.length = 0;
});

/** Builds once per scenario; tests of a scenario read the same recorded resources. */
const cache = new Map<
    string,
    { c: InstanceType<typeof mod.CassandraMultiCluster>; recorded: RecordedResource[] }
>();

const twoRegions = {
    clusterName: "cassandra",
    datacenters: [
        {
            name: "dc1",
            region: "us-west1",
            zones: ["us-west1-a", "us-west1-b", "us-west1-c"],
            size: 3,
        },
        {
            name: "dc2",
            region: "us-east1",
            zones: ["us-east1-b", "us-east1-c", "us-east1-d"],
            size: 3,
        },
    ],
    clientCidrs: ["203.0.113.0/24"],
    gcpProject: "acme",
};

async function build(name: string, args: object) {
    const hit = cache.get(JSON.stringify(args));
    if (hit) {
        resources.push(...hit.recorded);
        return hit.c;
    }
    const c = new mod.CassandraMultiCluster(name, args as never);
    await outputOf(c.datacenters);
    await settled(resources);
    cache.set(JSON.stringify(args), { c, recorded: [...resources] });
    return c;
}

describe("CassandraMultiCluster on GKE", () => {
    it("puts the planned ranges on the subnets and clusters", async () => {
        const c = await build("gke", twoRegions);
        const vpc = ofType(resources, "gcp:compute/network:Network");
        expect(vpc).toHaveLength(1);
        expect(vpc[0].inputs).toMatchObject({
            autoCreateSubnetworks: false,
            routingMode: "GLOBAL",
            project: "acme",
        });
        for (const r of c.plan.network.datacenters) {
            const subnet = named(
                resources,
                "gcp:compute/subnetwork:Subnetwork",
                `gke-network-${r.datacenter}`,
            );
            expect(subnet.inputs.network).toBe("gcp:compute/network:Network::gke-network-vpc-id");
            expect(subnet.inputs.ipCidrRange).toBe(r.nodes);
            expect(subnet.inputs.secondaryIpRanges).toEqual([
                { rangeName: `${r.datacenter}-pods`, ipCidrRange: r.pods },
                { rangeName: `${r.datacenter}-services`, ipCidrRange: r.services },
            ]);
            const cluster = named(
                resources,
                "gcp:container/cluster:Cluster",
                `gke-${r.datacenter}-cluster`,
            );
            expect(cluster.inputs.subnetwork).toBe(
                `gcp:compute/subnetwork:Subnetwork::gke-network-${r.datacenter}-id`,
            );
            expect(cluster.inputs.ipAllocationPolicy).toEqual({
                clusterSecondaryRangeName: `${r.datacenter}-pods`,
                servicesSecondaryRangeName: `${r.datacenter}-services`,
            });
            expect(cluster.inputs.privateClusterConfig).toMatchObject({
                enablePrivateNodes: true,
                masterIpv4CidrBlock: r.controlPlane,
            });
            expect(cluster.inputs.networkingMode).toBe("VPC_NATIVE");
        }
    });

    it("gives every cluster Cloud DNS with VPC scope and its own domain", async () => {
        await build("gke", twoRegions);
        const configs = ofType(resources, "gcp:container/cluster:Cluster").map(
            (c) => c.inputs.dnsConfig,
        );
        expect(configs).toEqual([
            {
                clusterDns: "CLOUD_DNS",
                clusterDnsScope: "VPC_SCOPE",
                clusterDnsDomain: "dc1.cassandra.internal",
            },
            {
                clusterDns: "CLOUD_DNS",
                clusterDnsScope: "VPC_SCOPE",
                clusterDnsDomain: "dc2.cassandra.internal",
            },
        ]);
    });

    it("opens gossip between pod ranges, CQL to clients only, and shuts 8080 across clusters", async () => {
        const c = await build("gke", twoRegions);
        const pods = c.plan.network.datacenters.map((r) => r.pods);
        const internode = named(
            resources,
            "gcp:compute/firewall:Firewall",
            "gke-network-internode",
        ).inputs;
        expect(internode.allows).toEqual([{ protocol: "tcp", ports: ["7000"] }]);
        expect(internode.sourceRanges).toEqual(pods);
        expect(internode.targetTags).toEqual(["cassandra-dc1-nodes", "cassandra-dc2-nodes"]);
        const cql = named(
            resources,
            "gcp:compute/firewall:Firewall",
            "gke-network-native-transport",
        ).inputs;
        expect(cql.allows).toEqual([{ protocol: "tcp", ports: ["9042"] }]);
        expect(cql.sourceRanges).toEqual(["203.0.113.0/24", ...pods]);
        expect(cql.sourceRanges).not.toContain("0.0.0.0/0");
        const deny = named(
            resources,
            "gcp:compute/firewall:Firewall",
            "gke-network-dc1-deny-management-api",
        ).inputs;
        expect(deny.denies).toEqual([{ protocol: "tcp", ports: ["8080"] }]);
        expect(deny.sourceRanges).toEqual([
            c.plan.network.datacenters[1].pods,
            c.plan.network.datacenters[1].nodes,
            "203.0.113.0/24",
        ]);
        expect(deny.targetTags).toEqual(["cassandra-dc1-nodes"]);
        expect(deny.priority).toBeLessThan(internode.priority as number);
        const webhook = named(
            resources,
            "gcp:compute/firewall:Firewall",
            "gke-network-dc2-webhook",
        ).inputs;
        expect(webhook.sourceRanges).toEqual([c.plan.network.datacenters[1].controlPlane]);
    });

    it("tags the node pools the firewall targets and sizes them for one Cassandra pod per node", async () => {
        await build("gke", twoRegions);
        const pool = named(
            resources,
            "gcp:container/nodePool:NodePool",
            "gke-dc1-cassandra",
        ).inputs;
        expect(pool.cluster).toBe("cassandra-dc1");
        expect(pool.nodeCount).toBe(2);
        expect((pool.nodeConfig as { tags: string[] }).tags).toEqual(["cassandra-dc1-nodes"]);
        expect(
            ofType(resources, "gcp:compute/routerNat:RouterNat").map((r) => r.inputs.region),
        ).toEqual(["us-west1", "us-east1"]);
    });

    it("wires each cluster's Kubernetes resources to that cluster's provider", async () => {
        await build("gke", twoRegions);
        const providers = ofType(resources, "pulumi:providers:kubernetes");
        expect(providers.map((p) => p.name)).toEqual(["gke-dc1-k8s", "gke-dc2-k8s"]);
        expect(providers[0].inputs.kubeconfig).toContain("acme_us-west1_cassandra-dc1");
        expect(providers[0].inputs.kubeconfig).toContain("command: gke-gcloud-auth-plugin");
        expect(providers[1].inputs.kubeconfig).toContain("acme_us-east1_cassandra-dc2");
        const classes = ofType(resources, "kubernetes:storage.k8s.io/v1:StorageClass");
        expect(classes.map((s) => s.provider?.split("::")[3])).toEqual([
            "gke-dc1-k8s",
            "gke-dc2-k8s",
        ]);
        expect(classes[0].inputs).toMatchObject({
            metadata: { name: "pd-ssd" },
            parameters: { type: "pd-ssd" },
            volumeBindingMode: "WaitForFirstConsumer",
            reclaimPolicy: "Retain",
        });
    });

    it("exports cluster name, endpoint, ranges and DNS domain per datacenter", async () => {
        const c = await build("gke", twoRegions);
        const out = await outputOf(c.datacenters);
        expect(Object.keys(out)).toEqual(["dc1", "dc2"]);
        expect(out.dc1).toMatchObject({
            clusterName: "cassandra-dc1",
            namespace: "cassandra",
            dnsDomain: "dc1.cassandra.internal",
        });
        expect(out.dc1.ranges).toEqual(c.plan.network.datacenters[0]);
        expect(out.dc2.endpoint).toMatch(/^192\.0\.2\./);
    });
});

describe("CassandraMultiCluster with stub DNS on GKE", () => {
    it("publishes each kube-dns on an internal load balancer and forwards the other datacenter to it", async () => {
        const c = await build("stub", { ...twoRegions, dns: "stub" });
        const dnsServices = ofType(resources, "kubernetes:core/v1:Service");
        expect(dnsServices.map((s) => s.name)).toEqual(["stub-dns-dc1-dns", "stub-dns-dc2-dns"]);
        const svc = dnsServices[0].inputs as {
            metadata: { annotations: object };
            spec: { loadBalancerSourceRanges: string[] };
        };
        expect(svc.metadata.annotations).toEqual({
            "networking.gke.io/load-balancer-type": "Internal",
            "pulumi.com/waitFor": "jsonpath={.status.loadBalancer.ingress}",
        });
        const dc2 = c.plan.network.datacenters[1];
        expect(svc.spec.loadBalancerSourceRanges).toEqual([dc2.pods, dc2.nodes]);
        const forwarding = named(
            resources,
            "kubernetes:core/v1:ConfigMap",
            "stub-dns-dc1-forwarding",
        ).inputs as {
            metadata: { name: string };
            data: { stubDomains: string };
        };
        expect(forwarding.metadata.name).toBe("kube-dns");
        const stub = JSON.parse(forwarding.data.stubDomains);
        expect(Object.keys(stub)).toEqual(["cassandra-dc2.svc.cluster.local"]);
        expect(stub["cassandra-dc2.svc.cluster.local"][0]).toMatch(/^198\.51\.100\.\d+$/);
        expect(
            ofType(resources, "gcp:container/cluster:Cluster").every(
                (r) => r.inputs.dnsConfig === undefined,
            ),
        ).toBe(true);
    });
});

describe("CassandraMultiCluster on existing clusters", () => {
    it("creates no cloud resources and forwards through CoreDNS", async () => {
        const c = await build("ext", {
            clusterName: "cassandra",
            datacenters: [
                { name: "east", zones: ["zone-a"], size: 1 },
                { name: "west", zones: ["zone-a"], size: 1 },
            ],
            existingClusters: {
                east: { context: "k3d-east", podCidr: "10.42.0.0/16", serviceCidr: "10.43.0.0/16" },
                west: { context: "k3d-west", podCidr: "10.52.0.0/16", serviceCidr: "10.53.0.0/16" },
            },
        });
        expect(resources.filter((r) => r.type.startsWith("gcp:"))).toEqual([]);
        expect(
            ofType(resources, "pulumi:providers:kubernetes").map((p) => p.inputs.context),
        ).toEqual(["k3d-east", "k3d-west"]);
        const custom = named(resources, "kubernetes:core/v1:ConfigMap", "ext-dns-east-forwarding")
            .inputs as {
            metadata: { name: string };
            data: Record<string, string>;
        };
        expect(custom.metadata.name).toBe("coredns-custom");
        expect(Object.keys(custom.data)).toEqual(["cassandra-west.svc.cluster.local.server"]);
        expect(custom.data["cassandra-west.svc.cluster.local.server"]).toMatch(
            /forward \. 198\.51\.100\.\d+/,
        );
        expect(c.plan.topology.datacenters.map((d) => d.namespace)).toEqual([
            "cassandra-east",
            "cassandra-west",
        ]);
    });
});

describe("CassandraMultiCluster config errors", () => {
    it("fails before registering any child resource", async () => {
        let caught: unknown;
        try {
            new mod.CassandraMultiCluster("bad", {
                ...twoRegions,
                network: {
                    ranges: {
                        dc1: {
                            nodes: "10.0.0.0/24",
                            pods: "10.1.0.0/16",
                            services: "10.2.0.0/20",
                            controlPlane: "10.3.0.0/28",
                        },
                        dc2: {
                            nodes: "10.0.0.0/24",
                            pods: "10.4.0.0/16",
                            services: "10.5.0.0/20",
                            controlPlane: "10.3.0.16/28",
                        },
                    },
                },
            });
        } catch (err) {
            caught = err;
        }
        await settled(resources);
        expect(pulumi.InputPropertiesError.isInstance(caught)).toBe(true);
        const errors = (caught as pulumi.InputPropertiesError).errors;
        expect(errors).toEqual([
            {
                propertyPath: "network.ranges.dc2.nodes",
                reason: expect.stringContaining(
                    "network.ranges.dc1.nodes 10.0.0.0/24 overlaps network.ranges.dc2.nodes 10.0.0.0/24",
                ),
            },
        ]);
        expect(
            resources.filter(
                (r) => r.type !== "cassandra-multicluster:index:CassandraMultiCluster",
            ),
        ).toEqual([]);
    });

    it("requires a GCP project for GKE clusters", async () => {
        const { gcpProject: _omit, ...noProject } = twoRegions;
        expect(_omit).toBe("acme");
        expect(() => new mod.CassandraMultiCluster("noproj", noProject)).toThrow(
            /Invalid arguments/,
        );
        try {
            new mod.CassandraMultiCluster("noproj2", noProject);
        } catch (err) {
            expect((err as pulumi.InputPropertiesError).errors).toEqual([
                { propertyPath: "gcpProject", reason: expect.stringContaining("gcp:project") },
            ]);
        }
    });
});

import { describe, it, expect } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_ERROR, parseSettings, Settings } from "../../components/config";
import { buildPlan } from "../../components/plan";
import { planDns } from "../../components/plan/dns-plan";
import { overlaps, parseCidr } from "../../components/plan/cidr";
import {
    FirewallRulePlan,
    INTERNODE_PORTS,
    MANAGEMENT_API_PORT,
    NATIVE_TRANSPORT_PORT,
    nodeTag,
    planFirewall,
    WEBHOOK_PORT,
} from "../../components/plan/firewall-plan";
import { DatacenterRanges, planNetwork } from "../../components/plan/network-plan";
import {
    buildTopology,
    clusterDomainOf,
    DEFAULT_CLUSTER_DOMAIN,
    namespaceOf,
    racksOf,
    serviceSuffix,
    validateTopology,
} from "../../components/plan/topology";
import { expectProblemList } from "../helpers/problems";

function gkeDc(name: string, size = 3, extra: Record<string, unknown> = {}) {
    const region = (extra.region as string | undefined) ?? "us-west1";
    return { name, region, zones: [`${region}-a`, `${region}-b`, `${region}-c`], size, ...extra };
}

function existingDc(name: string, size = 3, extra: Record<string, unknown> = {}) {
    return { name, zones: ["zone-a", "zone-b", "zone-c"], size, ...extra };
}

const cluster = (pod: string, service: string, extra: Record<string, unknown> = {}) => ({
    podCidr: pod,
    serviceCidr: service,
    ...extra,
});

/** Two datacenters on GKE with the defaults: Cloud DNS, namespace "cassandra". */
const twoGke = (extra: Record<string, unknown> = {}): Settings =>
    parseSettings({
        datacenters: [gkeDc("dc1", 3), gkeDc("dc2", 6, { region: "europe-west4" })],
        ...extra,
    });

/** Two existing clusters; dns defaults to "stub". */
const twoExisting = (
    domains: [string?, string?] = [],
    extra: Record<string, unknown> = {},
): Settings =>
    parseSettings({
        datacenters: [existingDc("dc1"), existingDc("dc2")],
        existingClusters: {
            dc1: cluster(
                "10.0.0.0/16",
                "10.1.0.0/16",
                domains[0] ? { clusterDomain: domains[0] } : {},
            ),
            dc2: cluster(
                "10.4.0.0/16",
                "10.5.0.0/16",
                domains[1] ? { clusterDomain: domains[1] } : {},
            ),
        },
        ...extra,
    });

const problemsOf = (s: Settings) => validateTopology(s, buildTopology(s));

describe("racksOf", () => {
    it("defaults to one rack per zone, named rack1, rack2, …", () => {
        expect(racksOf(parseSettings({ datacenters: [gkeDc("dc1")] }).datacenters[0])).toEqual([
            { name: "rack1", zone: "us-west1-a" },
            { name: "rack2", zone: "us-west1-b" },
            { name: "rack3", zone: "us-west1-c" },
        ]);
    });

    it("uses the configured racks as given", () => {
        const racks = [
            { name: "r-a", zone: "us-west1-b" },
            { name: "r-b", zone: "us-west1-b" },
        ];
        expect(
            racksOf(parseSettings({ datacenters: [gkeDc("dc1", 4, { racks })] }).datacenters[0]),
        ).toEqual(racks);
    });
});

describe("buildTopology names", () => {
    const t = buildTopology(twoGke());
    const [dc1, dc2] = t.datacenters;

    it("names StatefulSets <cluster>-<dc>-<rack>-sts with size / racks replicas each", () => {
        expect(t.clusterName).toBe("cassandra");
        expect(dc1.racks).toEqual([
            {
                name: "rack1",
                zone: "us-west1-a",
                statefulSet: "cassandra-dc1-rack1-sts",
                replicas: 1,
            },
            {
                name: "rack2",
                zone: "us-west1-b",
                statefulSet: "cassandra-dc1-rack2-sts",
                replicas: 1,
            },
            {
                name: "rack3",
                zone: "us-west1-c",
                statefulSet: "cassandra-dc1-rack3-sts",
                replicas: 1,
            },
        ]);
        expect(dc2.racks.map((r) => [r.statefulSet, r.zone, r.replicas])).toEqual([
            ["cassandra-dc2-rack1-sts", "europe-west4-a", 2],
            ["cassandra-dc2-rack2-sts", "europe-west4-b", 2],
            ["cassandra-dc2-rack3-sts", "europe-west4-c", 2],
        ]);
    });

    it("names pods <cluster>-<dc>-<rack>-sts-<i>, ordinals counted per rack", () => {
        expect(dc2.nodes.map((n) => n.podName)).toEqual([
            "cassandra-dc2-rack1-sts-0",
            "cassandra-dc2-rack1-sts-1",
            "cassandra-dc2-rack2-sts-0",
            "cassandra-dc2-rack2-sts-1",
            "cassandra-dc2-rack3-sts-0",
            "cassandra-dc2-rack3-sts-1",
        ]);
        expect(dc2.nodes.map((n) => n.ordinal)).toEqual([0, 1, 0, 1, 0, 1]);
        for (const n of dc2.nodes) {
            expect(n.datacenter).toBe("dc2");
            expect(n.podName).toBe(`${n.statefulSet}-${n.ordinal}`);
            expect(n.statefulSet).toBe(`cassandra-dc2-${n.rack}-sts`);
            expect(n.zone).toBe(`europe-west4-${"abc"[Number(n.rack.slice(4)) - 1]}`);
        }
    });

    it("has exactly size nodes with unique pod names", () => {
        for (const dc of t.datacenters) {
            expect(dc.nodes).toHaveLength(dc.size);
            expect(new Set(dc.nodes.map((n) => n.podName)).size).toBe(dc.size);
            expect(dc.racks.reduce((sum, r) => sum + r.replicas, 0)).toBe(dc.size);
        }
    });

    it("gives every pod the FQDN <pod>.<cluster>-<dc>-all-pods-service.<ns>.svc.<domain>", () => {
        expect(dc1.nodes[0]).toEqual({
            datacenter: "dc1",
            rack: "rack1",
            zone: "us-west1-a",
            ordinal: 0,
            podName: "cassandra-dc1-rack1-sts-0",
            statefulSet: "cassandra-dc1-rack1-sts",
            fqdn: "cassandra-dc1-rack1-sts-0.cassandra-dc1-all-pods-service.cassandra.svc.dc1.cassandra.internal",
            externalName: undefined,
        });
        for (const dc of t.datacenters) {
            for (const n of dc.nodes) {
                expect(n.fqdn).toBe(
                    `${n.podName}.cassandra-${dc.name}-all-pods-service.cassandra.svc.${dc.name}.cassandra.internal`,
                );
                expect(n.externalName).toBeUndefined();
            }
        }
    });

    it("names the services after cass-operator", () => {
        expect(dc1.services).toEqual({
            allPods: "cassandra-dc1-all-pods-service",
            datacenter: "cassandra-dc1-service",
            seed: "cassandra-seed-service",
            additionalSeed: "cassandra-dc1-additional-seed-service",
        });
        expect(dc2.services.seed).toBe("cassandra-seed-service");
    });

    it("carries the datacenter settings and defaults through", () => {
        expect(dc1).toMatchObject({
            name: "dc1",
            region: "us-west1",
            zones: ["us-west1-a", "us-west1-b", "us-west1-c"],
            size: 3,
            namespace: "cassandra",
            clusterDomain: "dc1.cassandra.internal",
            gkeClusterName: "cassandra-dc1",
            nodeMachineType: "n2-highmem-4",
            storageGb: 200,
        });
        const custom = buildTopology(
            parseSettings({
                clusterName: "ring",
                datacenters: [
                    gkeDc("east", 3, { nodeMachineType: "n2-standard-8", storageGb: 500 }),
                ],
            }),
        ).datacenters[0];
        expect(custom).toMatchObject({
            gkeClusterName: "ring-east",
            nodeMachineType: "n2-standard-8",
            storageGb: 500,
        });
        expect(custom.nodes[0].podName).toBe("ring-east-rack1-sts-0");
    });

    it("uses configured rack names and zones", () => {
        const racks = [
            { name: "north", zone: "us-west1-a" },
            { name: "south", zone: "us-west1-c" },
        ];
        const dc = buildTopology(parseSettings({ datacenters: [gkeDc("dc1", 4, { racks })] }))
            .datacenters[0];
        expect(dc.racks.map((r) => [r.statefulSet, r.zone, r.replicas])).toEqual([
            ["cassandra-dc1-north-sts", "us-west1-a", 2],
            ["cassandra-dc1-south-sts", "us-west1-c", 2],
        ]);
        expect(dc.nodes.map((n) => n.podName)).toEqual([
            "cassandra-dc1-north-sts-0",
            "cassandra-dc1-north-sts-1",
            "cassandra-dc1-south-sts-0",
            "cassandra-dc1-south-sts-1",
        ]);
    });

    it("gives every pod an external name under its datacenter's entry point when externalDomain is set", () => {
        const ext = buildTopology(twoGke({ externalDomain: "db.example.com" }));
        for (const dc of ext.datacenters) {
            for (const n of dc.nodes) {
                expect(n.externalName).toBe(`${n.podName}.${dc.name}.db.example.com`);
            }
        }
        expect(ext.datacenters[1].nodes[5].externalName).toBe(
            "cassandra-dc2-rack3-sts-1.dc2.db.example.com",
        );
    });

    it("keeps flat external names (<pod>.<domain>) with externalNames: flat", () => {
        const ext = buildTopology(
            twoGke({ externalDomain: "db.example.com", externalNames: "flat" }),
        );
        expect(ext.datacenters.flatMap((dc) => dc.nodes).map((n) => n.externalName)).toEqual(
            ext.datacenters.flatMap((dc) => dc.nodes).map((n) => `${n.podName}.db.example.com`),
        );
    });
});

describe("seed services", () => {
    it("names each datacenter's seed service under its own cluster domain", () => {
        const t = buildTopology(
            parseSettings({
                datacenters: [
                    gkeDc("dc1"),
                    gkeDc("dc2"),
                    gkeDc("dc3", 3, { region: "asia-east1" }),
                ],
            }),
        );
        expect(t.datacenters.map((d) => d.seedFqdn)).toEqual([
            "cassandra-seed-service.cassandra.svc.dc1.cassandra.internal",
            "cassandra-seed-service.cassandra.svc.dc2.cassandra.internal",
            "cassandra-seed-service.cassandra.svc.dc3.cassandra.internal",
        ]);
    });

    it("with stub domains, seeds live in the per-datacenter namespaces", () => {
        const t = buildTopology(twoExisting());
        expect(t.datacenters.map((d) => d.seedFqdn)).toEqual([
            "cassandra-seed-service.cassandra-dc1.svc.cluster.local",
            "cassandra-seed-service.cassandra-dc2.svc.cluster.local",
        ]);
    });
});

describe("cluster domains and namespaces", () => {
    it("cloud-dns gives each GKE datacenter its own domain <dc>.<cluster>.internal", () => {
        const s = twoGke({ clusterName: "ring", namespace: "db" });
        expect(s.dns).toBe("cloud-dns");
        expect(s.datacenters.map((d) => clusterDomainOf(s, d))).toEqual([
            "dc1.ring.internal",
            "dc2.ring.internal",
        ]);
        expect(s.datacenters.map((d) => namespaceOf(s, d))).toEqual(["db", "db"]);
        expect(buildTopology(s).datacenters[1].nodes[0].fqdn).toBe(
            "ring-dc2-rack1-sts-0.ring-dc2-all-pods-service.db.svc.dc2.ring.internal",
        );
    });

    it.each(["stub", "none"] as const)("GKE datacenters with dns %s use cluster.local", (dns) => {
        const s = twoGke({ dns });
        expect(DEFAULT_CLUSTER_DOMAIN).toBe("cluster.local");
        expect(s.datacenters.map((d) => clusterDomainOf(s, d))).toEqual([
            "cluster.local",
            "cluster.local",
        ]);
    });

    it("stub mode with equal domains gives every datacenter the namespace <ns>-<dc>", () => {
        const s = twoGke({ dns: "stub", namespace: "db" });
        expect(s.datacenters.map((d) => namespaceOf(s, d))).toEqual(["db-dc1", "db-dc2"]);
        const t = buildTopology(s);
        expect(t.datacenters.map((d) => d.namespace)).toEqual(["db-dc1", "db-dc2"]);
        expect(t.datacenters[0].nodes[0].fqdn).toBe(
            "cassandra-dc1-rack1-sts-0.cassandra-dc1-all-pods-service.db-dc1.svc.cluster.local",
        );
        expect(problemsOf(s)).toEqual([]);
    });

    it("stub mode on existing clusters with equal domains also suffixes the namespace", () => {
        const s = twoExisting();
        expect(s.dns).toBe("stub");
        expect(buildTopology(s).datacenters.map((d) => [d.namespace, d.clusterDomain])).toEqual([
            ["cassandra-dc1", "cluster.local"],
            ["cassandra-dc2", "cluster.local"],
        ]);
    });

    it("stub mode with distinct domains keeps the namespace and uses each cluster's domain", () => {
        const s = twoExisting(["east.local", "west.local"]);
        expect(buildTopology(s).datacenters.map((d) => [d.namespace, d.clusterDomain])).toEqual([
            ["cassandra", "east.local"],
            ["cassandra", "west.local"],
        ]);
    });

    it("a datacenter's own namespace always wins", () => {
        const s = twoGke({
            dns: "stub",
            datacenters: [gkeDc("dc1", 3, { namespace: "east-db" }), gkeDc("dc2")],
        });
        expect(s.datacenters.map((d) => namespaceOf(s, d))).toEqual(["east-db", "cassandra-dc2"]);
    });

    it("dns none never suffixes the namespace, even with equal domains", () => {
        const s = twoExisting([], { dns: "none" });
        expect(s.datacenters.map((d) => namespaceOf(s, d))).toEqual(["cassandra", "cassandra"]);
    });

    it("serviceSuffix is <ns>.svc.<domain>", () => {
        expect(serviceSuffix("cassandra-dc2", "cluster.local")).toBe(
            "cassandra-dc2.svc.cluster.local",
        );
    });
});

describe("validateTopology", () => {
    const c19 = "c".repeat(19);
    const d20 = "d".repeat(20);

    it("accepts a StatefulSet name of exactly 52 characters and a GKE name of exactly 40", () => {
        const s = parseSettings({
            clusterName: c19,
            datacenters: [
                gkeDc(d20, 1, {
                    zones: ["us-west1-a"],
                    racks: [{ name: "r".repeat(7), zone: "us-west1-a" }],
                }),
            ],
        });
        const t = buildTopology(s);
        expect(t.datacenters[0].racks[0].statefulSet).toHaveLength(52);
        expect(t.datacenters[0].gkeClusterName).toHaveLength(40);
        expect(validateTopology(s, t)).toEqual([]);
    });

    it("rejects a StatefulSet name longer than 52 characters", () => {
        const s = parseSettings({
            clusterName: c19,
            datacenters: [
                gkeDc("dc1"),
                gkeDc(d20, 2, {
                    zones: ["us-west1-a"],
                    racks: [
                        { name: "r".repeat(8), zone: "us-west1-a" },
                        { name: "short", zone: "us-west1-a" },
                    ],
                }),
            ],
        });
        const sts = `${c19}-${d20}-${"r".repeat(8)}-sts`;
        expectProblemList(problemsOf(s), [
            {
                path: "datacenters[1]",
                reason: `StatefulSet name "${sts}" (clusterName-datacenter-rack-sts) is 53 characters; Kubernetes allows 52: shorten clusterName, the datacenter name or the rack name`,
            },
        ]);
    });

    it("rejects a GKE cluster name longer than 40 characters", () => {
        const s = parseSettings({
            clusterName: "c".repeat(20),
            datacenters: [gkeDc("dc1"), gkeDc(d20, 3)],
        });
        const name = `${"c".repeat(20)}-${d20}`;
        expectProblemList(problemsOf(s), [
            {
                path: "datacenters[1].name",
                reason: `GKE cluster name "${name}" (clusterName-datacenter) is 41 characters; GKE allows 40`,
            },
        ]);
    });

    it("does not limit the GKE cluster name for existing clusters", () => {
        const s = parseSettings({
            clusterName: "c".repeat(20),
            datacenters: [existingDc(d20)],
            existingClusters: { [d20]: cluster("10.0.0.0/16", "10.1.0.0/16") },
        });
        expect(problemsOf(s)).toEqual([]);
    });

    it("rejects external names longer than 253 characters, once per datacenter", () => {
        const domain = ["a", "b", "c", "d"].map((c) => c.repeat(60)).join(".") + ".com";
        const s = twoGke({
            externalDomain: domain,
            ingress: "traefik",
            clientCidrs: ["203.0.113.0/24"],
        });
        expectProblemList(problemsOf(s), [
            {
                path: "externalDomain",
                reason: `external name "cassandra-dc1-rack1-sts-0.dc1.${domain}" is longer than the 253 characters DNS allows`,
            },
            {
                path: "externalDomain",
                reason: `external name "cassandra-dc2-rack1-sts-0.dc2.${domain}" is longer than the 253 characters DNS allows`,
            },
        ]);
    });

    it("rejects two stub-mode datacenters with the same DNS suffix", () => {
        const s = twoGke({
            dns: "stub",
            datacenters: [
                gkeDc("dc1", 3, { namespace: "shared" }),
                gkeDc("dc2", 3, { namespace: "shared" }),
            ],
        });
        expectProblemList(problemsOf(s), [
            {
                path: "datacenters[1].namespace",
                reason: "datacenters dc1 and dc2 both use the DNS suffix shared.svc.cluster.local; stub domains need a distinct suffix per cluster",
            },
        ]);
    });

    it("allows equal namespaces in stub mode when the cluster domains differ", () => {
        const s = twoExisting(["east.local", "west.local"], {
            datacenters: [
                existingDc("dc1", 3, { namespace: "shared" }),
                existingDc("dc2", 3, { namespace: "shared" }),
            ],
        });
        expect(problemsOf(s)).toEqual([]);
    });
});

describe("planDns", () => {
    it("forwards every other datacenter's service suffix to that datacenter in stub mode", () => {
        const s = parseSettings({
            dns: "stub",
            datacenters: [gkeDc("dc1"), gkeDc("dc2"), gkeDc("dc3")],
        });
        expect(planDns(s.dns, buildTopology(s))).toEqual({
            mode: "stub",
            forwards: {
                dc1: [
                    { domain: "cassandra-dc2.svc.cluster.local", target: "dc2" },
                    { domain: "cassandra-dc3.svc.cluster.local", target: "dc3" },
                ],
                dc2: [
                    { domain: "cassandra-dc1.svc.cluster.local", target: "dc1" },
                    { domain: "cassandra-dc3.svc.cluster.local", target: "dc3" },
                ],
                dc3: [
                    { domain: "cassandra-dc1.svc.cluster.local", target: "dc1" },
                    { domain: "cassandra-dc2.svc.cluster.local", target: "dc2" },
                ],
            },
        });
    });

    it("forwards to each existing cluster's own domain", () => {
        const s = twoExisting(["east.local", "west.local"]);
        expect(planDns(s.dns, buildTopology(s)).forwards).toEqual({
            dc1: [{ domain: "cassandra.svc.west.local", target: "dc2" }],
            dc2: [{ domain: "cassandra.svc.east.local", target: "dc1" }],
        });
    });

    it("every forwarded domain is the suffix of the target's seed FQDN", () => {
        const s = twoExisting();
        const t = buildTopology(s);
        const dns = planDns(s.dns, t);
        for (const [from, forwards] of Object.entries(dns.forwards)) {
            for (const f of forwards) {
                expect(f.target).not.toBe(from);
                const target = t.datacenters.find((d) => d.name === f.target);
                expect(target?.seedFqdn.endsWith(`.${f.domain}`)).toBe(true);
            }
        }
    });

    it.each(["cloud-dns", "none"] as const)("forwards nothing with dns %s", (dns) => {
        const s = twoGke({ dns });
        expect(planDns(s.dns, buildTopology(s))).toEqual({
            mode: dns,
            forwards: { dc1: [], dc2: [] },
        });
    });
});

describe("planFirewall", () => {
    const ranges = (s: Settings): readonly DatacenterRanges[] => {
        const net = planNetwork(s);
        expect(net.problems).toEqual([]);
        return net.plan?.datacenters ?? [];
    };
    const rule = (rules: readonly FirewallRulePlan[], role: string) => {
        const found = rules.find((r) => r.role === role);
        expect(found, `rule ${role}`).toBeDefined();
        return found as FirewallRulePlan;
    };

    const clients = ["203.0.113.0/24", "198.51.100.0/24"];
    const s = twoGke({ clientCidrs: clients });
    // dc1: pods 10.0.0.0/20, nodes 10.0.32.0/25, control plane 10.0.32.128/28; dc2: the same in 10.1.0.0/16.
    const rules = planFirewall(s, ranges(s));
    const tags = ["cassandra-dc1-nodes", "cassandra-dc2-nodes"];

    it("has internode, native transport, a webhook rule and a management-API deny per datacenter", () => {
        expect(rules.map((r) => r.role)).toEqual([
            "internode",
            "native-transport",
            "dc1-webhook",
            "dc2-webhook",
            "dc1-deny-management-api",
            "dc2-deny-management-api",
        ]);
        expect(nodeTag("cassandra", "dc1")).toBe("cassandra-dc1-nodes");
    });

    it("allows internode 7000 (TLS; the legacy 7001 stays closed) from every datacenter's pod range to every node pool", () => {
        expect(rule(rules, "internode")).toMatchObject({
            action: "allow",
            priority: 1000,
            ports: ["7000"],
            sourceRanges: ["10.0.0.0/20", "10.1.0.0/20"],
            targetTags: tags,
        });
        expect([...INTERNODE_PORTS]).toEqual(["7000"]);
    });

    it("allows native transport 9042 from the client ranges and every pod range", () => {
        expect(rule(rules, "native-transport")).toMatchObject({
            action: "allow",
            priority: 1000,
            ports: [NATIVE_TRANSPORT_PORT],
            sourceRanges: [...clients, "10.0.0.0/20", "10.1.0.0/20"],
            targetTags: tags,
        });
        expect(NATIVE_TRANSPORT_PORT).toBe("9042");
    });

    it("deduplicates native-transport sources", () => {
        const dup = twoGke({ clientCidrs: ["10.0.0.0/20", "203.0.113.0/24"] });
        expect(rule(planFirewall(dup, ranges(dup)), "native-transport").sourceRanges).toEqual([
            "10.0.0.0/20",
            "203.0.113.0/24",
            "10.1.0.0/20",
        ]);
    });

    it("allows the webhook port 9443 from each datacenter's control plane to its own nodes only", () => {
        expect(rule(rules, "dc1-webhook")).toMatchObject({
            action: "allow",
            priority: 1000,
            ports: [WEBHOOK_PORT],
            sourceRanges: ["10.0.32.128/28"],
            targetTags: ["cassandra-dc1-nodes"],
        });
        expect(rule(rules, "dc2-webhook")).toMatchObject({
            sourceRanges: ["10.1.32.128/28"],
            targetTags: ["cassandra-dc2-nodes"],
        });
        expect(WEBHOOK_PORT).toBe("9443");
    });

    it("denies 8080 to each datacenter from the other datacenters' pod and node ranges and the clients", () => {
        expect(MANAGEMENT_API_PORT).toBe("8080");
        expect(rule(rules, "dc1-deny-management-api")).toMatchObject({
            action: "deny",
            ports: ["8080"],
            sourceRanges: ["10.1.0.0/20", "10.1.32.0/25", ...clients],
            targetTags: ["cassandra-dc1-nodes"],
        });
        expect(rule(rules, "dc2-deny-management-api")).toMatchObject({
            action: "deny",
            ports: ["8080"],
            sourceRanges: ["10.0.0.0/20", "10.0.32.0/25", ...clients],
            targetTags: ["cassandra-dc2-nodes"],
        });
    });

    it("puts every deny above every allow", () => {
        const denies = rules.filter((r) => r.action === "deny").map((r) => r.priority);
        const allows = rules.filter((r) => r.action === "allow").map((r) => r.priority);
        expect(Math.max(...denies)).toBeLessThan(Math.min(...allows));
    });

    it("never lists a datacenter's own ranges as a deny source (given client ranges outside the clusters)", () => {
        const net = ranges(s);
        for (const r of net) {
            const deny = rule(rules, `${r.datacenter}-deny-management-api`);
            expect(deny.sourceRanges).not.toContain(r.pods);
            expect(deny.sourceRanges).not.toContain(r.nodes);
        }
    });

    // With allowPublicClients and clientCidrs ["0.0.0.0/0"] (or a client range such as the
    // supernet), the priority-900 deny has source 0.0.0.0/0 and so also blocks 8080 from the
    // datacenter's own pod range, i.e. cass-operator's calls to the management API; see the report.
    it.each([["0.0.0.0/0"], ["10.0.0.0/8"]])(
        "the management-API deny never covers the datacenter's own pod or node range, even with clientCidrs %s",
        (client) => {
            const open = twoGke({ clientCidrs: [client], allowPublicClients: true });
            const net = ranges(open);
            const all = planFirewall(open, net);
            for (const r of net) {
                const deny = rule(all, `${r.datacenter}-deny-management-api`);
                for (const source of deny.sourceRanges) {
                    expect(
                        overlaps(parseCidr(source), parseCidr(r.pods)),
                        `${source} vs ${r.pods}`,
                    ).toBe(false);
                    expect(
                        overlaps(parseCidr(source), parseCidr(r.nodes as string)),
                        `${source} vs ${r.nodes}`,
                    ).toBe(false);
                }
            }
        },
    );

    it("with one datacenter and no clients there is no deny rule", () => {
        const one = parseSettings({ datacenters: [gkeDc("dc1")] });
        expect(planFirewall(one, ranges(one)).map((r) => r.role)).toEqual([
            "internode",
            "native-transport",
            "dc1-webhook",
        ]);
    });

    it("existing clusters get no webhook rule and deny only the declared ranges", () => {
        const ex = parseSettings({
            datacenters: [existingDc("dc1"), existingDc("dc2")],
            existingClusters: {
                dc1: cluster("10.0.0.0/16", "10.1.0.0/16"),
                dc2: cluster("10.4.0.0/16", "10.5.0.0/16", { nodeCidr: "10.6.0.0/24" }),
            },
        });
        const exRules = planFirewall(ex, ranges(ex));
        expect(exRules.map((r) => r.role)).toEqual([
            "internode",
            "native-transport",
            "dc1-deny-management-api",
            "dc2-deny-management-api",
        ]);
        expect(rule(exRules, "dc1-deny-management-api").sourceRanges).toEqual([
            "10.4.0.0/16",
            "10.6.0.0/24",
        ]);
        expect(rule(exRules, "dc2-deny-management-api").sourceRanges).toEqual(["10.0.0.0/16"]);
    });
});

describe("buildPlan", () => {
    it("returns the settings, topology, network, firewall and DNS plans together", () => {
        const s = twoGke();
        const plan = buildPlan(s);
        expect(plan.settings).toBe(s);
        expect(plan.topology).toEqual(buildTopology(s));
        expect(plan.network).toEqual(planNetwork(s).plan);
        expect(plan.firewall).toEqual(planFirewall(s, plan.network.datacenters));
        expect(plan.dns).toEqual(planDns("cloud-dns", plan.topology));
    });

    it("throws topology and network problems together", () => {
        const s = parseSettings({
            clusterName: "c".repeat(20),
            datacenters: [gkeDc("d".repeat(20))],
            network: { datacenterPrefix: 24 },
        });
        let caught: unknown;
        try {
            buildPlan(s);
        } catch (e) {
            caught = e;
        }
        expect(caught).toBeInstanceOf(pulumi.InputPropertiesError);
        const err = caught as pulumi.InputPropertiesError;
        expect(err.message).toBe(CONFIG_ERROR);
        expectProblemList(err.errors, [
            { path: "datacenters[0].name", reason: "is 41 characters; GKE allows 40" },
            { path: "datacenters[0]", reason: "but its block 10.0.0.0/24 holds 256" },
        ]);
    });
});

describe("gateway-api listeners", () => {
    it("refuses a datacenter that needs more listeners than a Gateway holds, before any resource", () => {
        const dc = (size: number) => ({
            name: "dc1",
            region: "us-west1",
            zones: ["us-west1-a", "us-west1-b", "us-west1-c"],
            size,
            maxNodes: 128,
        });
        const settings = (size: number) =>
            parseSettings({
                datacenters: [dc(size)],
                ingress: "gateway-api",
                externalDomain: "cassandra.example.com",
                clientCidrs: ["203.0.113.0/24"],
            });
        // 63 nodes + the 9042 listener = 64, the most a Gateway holds (gateway-api v1.6.1 CRD, maxItems).
        expect(validateTopology(settings(63), buildTopology(settings(63)))).toEqual([]);
        expectProblemList(validateTopology(settings(66), buildTopology(settings(66))), [
            {
                path: "datacenters[0].size",
                reason: "67 in all, but a Gateway holds at most 64 (Gateway API v1.6.1): keep it to 63 nodes, or use ingress traefik, istio or kong",
            },
        ]);
    });
});

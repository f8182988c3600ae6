import { describe, expect, it } from "vitest";
import { isIPv4 } from "node:net";
import { additionalSeeds, DatacenterStatus } from "../../components/plan/datacenter-status";
import { render } from "../helpers/render";

/**
 * Every combination of discovery mode, cluster domains and clusters the config accepts forms one
 * Cassandra cluster: the first datacenter seeds the ring alone, and each later one joins the
 * earlier ones through their nodes' pod IPs, which need no cross-cluster DNS. (Before, a
 * datacenter's `additionalSeeds` named the other clusters' seed services: with `dns: none` each
 * resolved to its own cluster's seed service and the datacenters formed separate rings.)
 */

const existing = (dcs: string[], opts: { domains?: string[] } = {}) => ({
    datacenters: dcs.map((name) => ({
        name,
        zones: ["a", "b"],
        size: 2,
        nodeMachineType: "custom-2-4096",
    })),
    existingClusters: Object.fromEntries(
        dcs.map((name, i) => [
            name,
            {
                context: `k-${name}`,
                podCidr: `10.${40 + 2 * i}.0.0/16`,
                serviceCidr: `10.${41 + 2 * i}.0.0/16`,
                ...(opts.domains ? { clusterDomain: opts.domains[i] } : {}),
            },
        ]),
    ),
    network: undefined,
    controlPlaneAuthorizedCidrs: undefined,
});

const gke = (dns: string, extra: Record<string, unknown> = {}) => ({ dns, ...extra });

const COMBINATIONS: [string, Record<string, unknown>][] = [
    ["GKE, cloud-dns", gke("cloud-dns")],
    ["GKE, stub", gke("stub")],
    ["GKE, none", gke("none")],
    [
        "GKE, three datacenters",
        gke("cloud-dns", {
            datacenters: ["us-west1", "us-east1", "europe-west4"].map((region, i) => ({
                name: `dc${i + 1}`,
                region,
                zones: [`${region}-b`, `${region}-c`],
                size: 4,
            })),
        }),
    ],
    ["existing, none, shared cluster.local", { ...existing(["dc1", "dc2"]), dns: "none" }],
    ["existing, stub (namespaces per datacenter)", { ...existing(["dc1", "dc2"]), dns: "stub" }],
    [
        "existing, none, distinct domains",
        {
            ...existing(["dc1", "dc2", "dc3"], {
                domains: ["one.local", "two.local", "three.local"],
            }),
            dns: "none",
        },
    ],
];

const CASSDC = "kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter";

describe("one Cassandra cluster from every accepted discovery setting", () => {
    it.each(COMBINATIONS)("%s", async (_, overrides) => {
        const stack = await render("dev", overrides);
        const cassdcs = stack.resources.filter((r) => r.type === CASSDC);
        const names = stack.plan.topology.datacenters.map((d) => d.name);
        // Registered in order: each waits for the status of those before it.
        expect(cassdcs.map((r) => (r.inputs.metadata as { name: string }).name)).toEqual(names);
        const statuses: Record<string, DatacenterStatus> = {};
        cassdcs.forEach((r, i) => {
            const seeds = (r.inputs.spec as { additionalSeeds: string[] }).additionalSeeds;
            expect(seeds).toEqual(additionalSeeds(stack.plan.topology, i, statuses));
            const earlierIps = Object.values(statuses).flatMap((st) =>
                Object.values(st.nodeStatuses ?? {}).map((n) => n.ip),
            );
            // Up to three nodes of every earlier datacenter; none for the first.
            const expected = stack.plan.topology.datacenters
                .slice(0, i)
                .reduce((n, d) => n + Math.min(3, d.size), 0);
            expect(seeds).toHaveLength(expected);
            for (const seed of seeds) {
                expect(isIPv4(seed), seed).toBe(true);
                expect(earlierIps).toContain(seed);
            }
            statuses[names[i]] = r.outputs.status as DatacenterStatus;
        });
    });
});

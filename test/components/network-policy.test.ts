import { beforeAll, describe, expect, it } from "vitest";
import { sourceRanges } from "../../components/plan/network-plan";
import type { RenderedStack } from "../../components/render/render-stack";
import { render } from "../helpers/render";

/**
 * Each port of a Cassandra pod admits only who needs it: internode from Cassandra pods and the
 * other datacenters' ranges, CQL from the ingress proxies (or, with per-node load balancers, the
 * client ranges) and labelled client namespaces, the management API from the operator, metrics
 * from labelled scrapers. Before, a second rule without `from` opened 7000/7001/9042/9000/9103
 * to every pod.
 */

type Policy = {
    metadata: { name: string; namespace: string };
    spec: {
        podSelector: unknown;
        policyTypes: string[];
        ingress: { from?: Record<string, unknown>[]; ports: { port: number }[] }[];
    };
};

const policies = (s: RenderedStack) =>
    s.resources
        .filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy")
        .map((r) => r.inputs as unknown as Policy);

const stacks: Record<string, RenderedStack> = {};
beforeAll(async () => {
    stacks.traefik = await render("dev");
    stacks.loadbalancer = await render("dev", { ingress: "loadbalancer" });
}, 60_000);

const rule = (p: Policy, port: number) =>
    p.spec.ingress.find((r) => r.ports.some((x) => x.port === port));

describe("the NetworkPolicy of each datacenter's pods", () => {
    it("gives every rule a source: no port is open to every pod", () => {
        for (const s of Object.values(stacks)) {
            for (const p of policies(s)) {
                expect(p.spec.policyTypes).toEqual(["Ingress"]);
                for (const r of p.spec.ingress) {
                    expect(r.from?.length, JSON.stringify(r)).toBeGreaterThan(0);
                }
                const open = p.spec.ingress.flatMap((r) => r.ports.map((x) => x.port)).sort();
                expect(open).toEqual([7000, 8080, 9000, 9042, 9103]);
            }
        }
    });

    it("admits internode traffic from this cluster's Cassandra pods and the other datacenter's ranges", () => {
        const [dc1] = policies(stacks.traefik);
        const net = stacks.traefik.plan.network.datacenters.find((d) => d.datacenter === "dc2")!;
        expect(rule(dc1, 7000)?.from).toEqual([
            { podSelector: { matchLabels: { "cassandra.datastax.com/cluster": "cassandra" } } },
            ...sourceRanges(net).map((cidr) => ({ ipBlock: { cidr } })),
        ]);
        expect(sourceRanges(net)).toEqual(expect.arrayContaining([net.nodes, net.pods]));
    });

    it("admits CQL from the ingress proxies' namespace, or from the client ranges behind per-node load balancers", () => {
        const traefik = rule(policies(stacks.traefik)[0], 9042)?.from;
        expect(traefik).toContainEqual({
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } },
        });
        expect(traefik).not.toContainEqual({ ipBlock: { cidr: "203.0.113.0/24" } });
        const lb = rule(policies(stacks.loadbalancer)[0], 9042)?.from;
        expect(lb).toContainEqual({ ipBlock: { cidr: "203.0.113.0/24" } });
        for (const from of [traefik, lb]) {
            expect(from).toContainEqual({
                namespaceSelector: { matchLabels: { "cassandra-multicluster/cql-client": "true" } },
            });
        }
    });

    it("keeps the management API to the operator and metrics to labelled scrapers", () => {
        const [dc1] = policies(stacks.traefik);
        expect(rule(dc1, 8080)?.from).toEqual([
            {
                namespaceSelector: {
                    matchLabels: { "kubernetes.io/metadata.name": "cass-operator" },
                },
            },
        ]);
        expect(rule(dc1, 9000)?.from).toEqual([
            {
                namespaceSelector: {
                    matchLabels: { "cassandra-multicluster/metrics-scraper": "true" },
                },
            },
        ]);
    });
});

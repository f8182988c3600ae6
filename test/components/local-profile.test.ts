import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { RenderedStack } from "../../components/render/render-stack";
import { render } from "../helpers/render";

/**
 * The local profile (Pulumi.local.yaml) on k3d: k3s's bundled Traefik gets the entry points the
 * routes use through k3s's HelmChartConfig, and the racks are pinned to the zone the README's
 * quick start labels the k3d nodes with.
 */

type K8s = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let local: RenderedStack;
const objects = (kind: string) =>
    local.objects.map((o) => o.object as K8s).filter((o) => o.kind === kind);

beforeAll(async () => {
    local = await render("local");
}, 60_000);

describe("the local profile", () => {
    it("configures k3s's Traefik with every entry point the routes use, exposed on its load balancer", () => {
        const [config] = objects("HelmChartConfig");
        expect(config.metadata).toMatchObject({ name: "traefik", namespace: "kube-system" });
        const ports = parse(config.spec.valuesContent).ports as Record<string, K8s>;
        expect(ports.cassandra).toEqual({
            port: 9042,
            expose: { default: true },
            exposedPort: 9042,
            protocol: "TCP",
        });
        const used = objects("IngressRouteTCP").flatMap((r) => r.spec.entryPoints as string[]);
        expect(used.length).toBeGreaterThan(0);
        for (const entryPoint of used) {
            expect(Object.keys(ports), entryPoint).toContain(entryPoint);
        }
        expect(ports["cql-19042"]).toMatchObject({ port: 19042, exposedPort: 19042 });
    });

    it("pins each rack to the zone the quick start labels the k3d nodes with", () => {
        const [cassdc] = objects("CassandraDatacenter");
        expect(cassdc.spec.racks).toEqual([
            { name: "rack1", nodeAffinityLabels: { "topology.kubernetes.io/zone": "k3d-zone" } },
        ]);
    });
});

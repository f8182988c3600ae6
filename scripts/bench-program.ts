/**
 * Program evaluation time under Pulumi's mock runtime for growing topologies: the cost of a
 * `pulumi preview`'s program phase and of `npm run plan`, without the cloud.
 */
import * as pulumi from "@pulumi/pulumi";
import { recordingMocks } from "../components/render/mocks";
import { settle } from "../components/render/render-stack";

interface Shape {
    readonly nodes: number;
    readonly datacenters: number;
}

const SHAPES: readonly Shape[] = [
    { nodes: 3, datacenters: 1 },
    { nodes: 30, datacenters: 3 },
    { nodes: 300, datacenters: 6 },
];

const REGIONS = [
    "us-west1",
    "us-east1",
    "europe-west4",
    "asia-east1",
    "us-central1",
    "europe-west1",
];

function settingsFor(shape: Shape): Record<string, unknown> {
    const size = shape.nodes / shape.datacenters;
    return {
        datacenters: REGIONS.slice(0, shape.datacenters).map((region, i) => ({
            name: `dc${i + 1}`,
            region,
            zones:
                size % 3 === 0
                    ? [`${region}-a`, `${region}-b`, `${region}-c`]
                    : [`${region}-a`, `${region}-b`],
            size,
        })),
        ingress: "traefik",
        externalDomain: "cassandra.example.com",
        clientCidrs: ["203.0.113.0/24"],
        gcpProject: "bench",
    };
}

export async function benchProgram(
    log: (line: string) => void = console.log,
): Promise<{ nodes: number; resources: number; ms: number }[]> {
    const results: { nodes: number; resources: number; ms: number }[] = [];
    for (const shape of SHAPES) {
        const { mocks, resources } = recordingMocks();
        await pulumi.runtime.setMocks(
            mocks,
            "cassandra-multicluster",
            `bench-${shape.nodes}`,
            false,
        );
        const { CassandraMultiCluster } = await import("../components/cassandra-multicluster");
        const started = process.hrtime.bigint();
        const c = new CassandraMultiCluster(`bench-${shape.nodes}`, settingsFor(shape) as never);
        await new Promise((resolve) => c.datacenters.apply(resolve));
        await settle(resources);
        await pulumi.runtime.disconnect();
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        results.push({ nodes: shape.nodes, resources: resources.length, ms });
        log(
            `  ${String(shape.nodes).padStart(3)} nodes in ${shape.datacenters} datacenter(s): ${String(resources.length).padStart(5)} resources, ${(ms / 1000).toFixed(2)} s (${(ms / resources.length).toFixed(1)} ms/resource)`,
        );
    }
    return results;
}

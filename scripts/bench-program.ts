/**
 * Program evaluation under Pulumi's mock runtime for growing topologies: the cost of a
 * `pulumi preview`'s program phase and of `npm run plan`, without the cloud. Each shape runs in
 * a process of its own (`tsx scripts/bench-program.ts <nodes>`), so its peak memory is its own
 * and no shape warms the next one's caches.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { recordingMocks } from "../components/render/mocks";

export interface Shape {
    readonly nodes: number;
    readonly datacenters: number;
}

export const SHAPES: readonly Shape[] = [
    { nodes: 3, datacenters: 1 },
    { nodes: 30, datacenters: 3 },
    { nodes: 300, datacenters: 6 },
    { nodes: 600, datacenters: 6 },
];

const REGIONS = [
    "us-west1",
    "us-east1",
    "europe-west4",
    "asia-east1",
    "us-central1",
    "europe-west1",
];

/** The stack a shape stands for: Traefik (SNI and a port per node), GKE, one DNS zone. */
export function settingsFor(shape: Shape): Record<string, unknown> {
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

export interface ProgramFigures extends Shape {
    readonly resources: number;
    /** Registered resources by type. */
    readonly byType: Readonly<Record<string, number>>;
    readonly ms: number;
    /** The process's peak resident memory. */
    readonly peakMiB: number;
}

/** Registers the whole stack for `shape` under mocks in this process and measures it. */
export async function evaluate(shape: Shape): Promise<ProgramFigures> {
    const { mocks, resources } = recordingMocks();
    await pulumi.runtime.setMocks(mocks, "cassandra-multicluster", `bench-${shape.nodes}`, false);
    const { CassandraMultiCluster } = await import("../components/cassandra-multicluster");
    const started = process.hrtime.bigint();
    const c = new CassandraMultiCluster(`bench-${shape.nodes}`, settingsFor(shape) as never);
    await new Promise((resolve) => c.datacenters.apply(resolve));
    // Every registration done, including those still serializing their inputs (the dynamic
    // resources' providers): the runtime's own drain, which `pulumi preview` waits for too.
    await pulumi.runtime.disconnect();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const byType: Record<string, number> = {};
    for (const r of resources) {
        byType[r.type] = (byType[r.type] ?? 0) + 1;
    }
    return {
        ...shape,
        resources: resources.length,
        byType,
        ms,
        peakMiB: process.resourceUsage().maxRSS / 1024,
    };
}

/** Every shape, each in a fresh process. */
export function benchProgram(): ProgramFigures[] {
    return SHAPES.map((shape) => {
        const child = spawnSync(
            process.execPath,
            ["--import", "tsx", __filename, String(shape.nodes), String(shape.datacenters)],
            { cwd: join(__dirname, ".."), encoding: "utf8", maxBuffer: 64 * 2 ** 20 },
        );
        const line = child.stdout.split("\n").find((l) => l.startsWith("{"));
        if (child.status !== 0 || !line) {
            throw new Error(
                `the ${shape.nodes}-node evaluation failed (exit ${child.status}):\n${child.stderr}`,
            );
        }
        return JSON.parse(line) as ProgramFigures;
    });
}

if (require.main === module) {
    const [nodes, datacenters] = process.argv.slice(2).map(Number);
    evaluate({ nodes, datacenters }).then(
        (f) => {
            console.log(JSON.stringify(f));
            process.exit(0);
        },
        (err) => {
            console.error(err);
            process.exit(1);
        },
    );
}

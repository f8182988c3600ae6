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
import { spread, Spread } from "./bench-spread";

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

/**
 * How often each shape is evaluated. This machine's speed drifts (the same 300-node evaluation
 * took from 6.6 s to 18.6 s within one quarter of an hour), so one round proves little.
 */
export const ROUNDS = 5;

/** One shape's evaluations: its counts (the same every round) and the spread of its timings. */
export interface ShapeFigures extends Shape {
    readonly resources: number;
    readonly byType: Readonly<Record<string, number>>;
    readonly rounds: number;
    readonly ms: Spread;
    readonly peakMiB: Spread;
}

/** Every shape, `rounds` times, each evaluation in a fresh process; shapes interleave round by round. */
export function benchProgram(rounds = ROUNDS): ShapeFigures[] {
    const runs = new Map<number, ProgramFigures[]>(SHAPES.map((s) => [s.nodes, []]));
    for (let round = 0; round < rounds; round++) {
        for (const shape of SHAPES) {
            (runs.get(shape.nodes) as ProgramFigures[]).push(evaluateInChild(shape));
        }
    }
    return SHAPES.map((shape) => {
        const figures = runs.get(shape.nodes) as ProgramFigures[];
        const counts = new Set(figures.map((f) => f.resources));
        if (counts.size !== 1) {
            throw new Error(
                `the ${shape.nodes}-node evaluation registered ${[...counts].join(" and ")} resources in different rounds`,
            );
        }
        return {
            ...shape,
            resources: figures[0].resources,
            byType: figures[0].byType,
            rounds,
            ms: spread(figures.map((f) => f.ms)),
            peakMiB: spread(figures.map((f) => f.peakMiB)),
        };
    });
}

function evaluateInChild(shape: Shape): ProgramFigures {
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

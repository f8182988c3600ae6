/**
 * Data-plane benchmark (not a test): `npm run bench:dataplane`. Starts the e2e environment
 * (plus a direct client→pod route used only here), then prints, as medians of several rounds
 * with their spread (the machine is shared, so a single round says little):
 *  1. p50/p99 latency of a fixed read/write workload through the SNI router's per-node ports vs
 *     straight to the nodes, and their ratios per round (targets: p50 ≤ 1.10, p99 ≤ 1.15);
 *  2. how often the coordinator is a replica of the key ("token-aware hit rate") with per-node
 *     routes vs one shared endpoint that balances over the nodes (no per-node identity).
 * Its last line carries the figures as JSON for `npm run bench`.
 */
import { performance } from "node:perf_hooks";
import { Client, types } from "cassandra-driver";
import { bundleFor, startEnvironment, stopEnvironment } from "../test/e2e/harness/cluster";
import { BundleAddressTranslator, connectBundle } from "../test/e2e/harness/clients";
import { createKeyspace, fixture } from "../test/e2e/harness/fixture";
import { progress } from "../test/e2e/harness/log";
import type { E2eState } from "../test/e2e/harness/state";
import { DataPlaneFigures, DATAPLANE_PREFIX } from "./bench-dataplane-figures";
import { formatSpread, spread } from "./bench-spread";

const SHARED_PORT = 29042;
const OPS = 4000;
const WARMUP = 500;
const CONCURRENCY = 8;
const ROUNDS = 6;
const HIT_ROUNDS = 3;
const HIT_SAMPLES = 200;

const quantile = (sorted: number[], q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

type Path = "router" | "direct";

/**
 * The same workload through both paths at once: consecutive operations alternate between the
 * router and the direct client, so both meet the same flushes, compactions, garbage collections
 * and CPU steal (on a shared 2-core machine these, not the router, set the tail), and their
 * ratio compares the paths rather than two moments. On each path, half writes and half reads of
 * the key it just wrote, at LOCAL_QUORUM. Returns per-path latencies (ms) and ops/s.
 */
async function pairedWorkload(
    clients: Readonly<Record<Path, Client>>,
    opsPerPath: number,
    tag: string,
): Promise<Record<Path, { latencies: number[]; opsPerSec: number }>> {
    const lq = { prepare: true, consistency: types.consistencies.localQuorum };
    const latencies: Record<Path, number[]> = { router: [], direct: [] };
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
            for (let j = next++; j < 2 * opsPerPath; j = next++) {
                const path: Path = j % 2 === 0 ? "router" : "direct";
                const i = j >> 1;
                const key = `${tag}-${path}-${i >> 1}`;
                const start = performance.now();
                if (i % 2 === 0) {
                    await clients[path].execute(
                        "INSERT INTO bench.kv (k, v) VALUES (?, ?)",
                        [key, "x".repeat(100)],
                        lq,
                    );
                } else {
                    await clients[path].execute("SELECT v FROM bench.kv WHERE k = ?", [key], lq);
                }
                latencies[path].push(performance.now() - start);
            }
        }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return {
        router: { latencies: latencies.router, opsPerSec: opsPerPath / seconds },
        direct: { latencies: latencies.direct, opsPerSec: opsPerPath / seconds },
    };
}

function directClient(state: E2eState): Client {
    const bundle = bundleFor(state, "dc1");
    return new Client({
        contactPoints: state.nodes.filter((n) => n.datacenter === "dc1").map((n) => `${n.ip}:9042`),
        localDataCenter: "dc1",
        sslOptions: { ca: [state.caPem], servername: bundle.serverName, rejectUnauthorized: true },
    });
}

/** Like a single LoadBalancer Service: every node is known by the same address. */
function sharedEndpointClient(state: E2eState): Client {
    const bundle = bundleFor(state, "dc1");
    const shared = `${bundle.serverName}:${SHARED_PORT}`;
    const addressTranslation = Object.fromEntries(
        Object.keys(bundle.addressTranslation).map((k) => [k, shared]),
    );
    return new Client({
        contactPoints: [shared],
        localDataCenter: "dc1",
        policies: {
            addressResolution: new BundleAddressTranslator({ ...bundle, addressTranslation }),
        },
        sslOptions: { ca: [state.caPem], servername: bundle.serverName, rejectUnauthorized: true },
    });
}

/** Share of keyed requests whose coordinator (from the query trace) owns the key. */
async function hitRate(
    state: E2eState,
    client: Client,
    reference: Client,
    tag: string,
): Promise<number> {
    const podByIp = new Map(state.nodes.map((n) => [n.ip, n.podName]));
    const { podOfEndpoint } = fixture();
    let hits = 0;
    for (let i = 0; i < HIT_SAMPLES; i++) {
        const key = `${tag}-${i}`;
        const rs = await client.execute(
            "INSERT INTO bench_rf1.kv (k, v) VALUES (?, ?)",
            [key, "v"],
            {
                prepare: true,
                consistency: types.consistencies.localOne,
                traceQuery: true,
            },
        );
        const trace = await reference.metadata.getTrace(rs.info.traceId);
        const coordinator = podByIp.get(String(trace.coordinator));
        const replicas = reference
            .getReplicas("bench_rf1", Buffer.from(key, "utf8"))
            .filter((h) => h.datacenter === "dc1")
            .map((h) => podOfEndpoint(h.address));
        if (coordinator && replicas.includes(coordinator)) {
            hits++;
        }
    }
    return hits / HIT_SAMPLES;
}

async function main(): Promise<void> {
    const state = await startEnvironment({ directPath: true, sharedPort: SHARED_PORT });
    const viaRouter = await connectBundle(bundleFor(state, "dc1"), { ca: state.caPem });
    const direct = directClient(state);
    await direct.connect();
    await createKeyspace(viaRouter, "bench", { dc1: 2, dc2: 2 });
    await viaRouter.execute("CREATE TABLE IF NOT EXISTS bench.kv (k text PRIMARY KEY, v text)");

    const clients = { router: viaRouter, direct };
    progress(`warming up (${WARMUP} ops per path)`);
    await pairedWorkload(clients, WARMUP, "warm");

    // Each round runs both paths together (see pairedWorkload). Run one after the other, the
    // paths met different flushes and compactions: the same code gave p99 ratios from 0.88 to
    // 1.54 between rounds.
    const perRound: { router: number[]; direct: number[] }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
        const { router, direct: straight } = await pairedWorkload(clients, OPS, `round-${round}`);
        const sorted = (l: number[]) => [...l].sort((a, b) => a - b);
        perRound.push({ router: sorted(router.latencies), direct: sorted(straight.latencies) });
        progress(
            `round ${round + 1}: router ${router.opsPerSec.toFixed(0)} ops/s, direct ${straight.opsPerSec.toFixed(0)} ops/s`,
        );
    }

    await createKeyspace(viaRouter, "bench_rf1", { dc1: 1, dc2: 1 });
    const shared = sharedEndpointClient(state);
    await shared.connect();
    const perNode: number[] = [];
    const sharedRates: number[] = [];
    for (let round = 0; round < HIT_ROUNDS; round++) {
        perNode.push(100 * (await hitRate(state, viaRouter, viaRouter, `hit-node-${round}`)));
        sharedRates.push(100 * (await hitRate(state, shared, viaRouter, `hit-shared-${round}`)));
    }
    const dc1Nodes = state.nodes.filter((n) => n.datacenter === "dc1").length;
    const figures: DataPlaneFigures = {
        rounds: ROUNDS,
        p50Ratio: spread(perRound.map((r) => quantile(r.router, 0.5) / quantile(r.direct, 0.5))),
        p99Ratio: spread(perRound.map((r) => quantile(r.router, 0.99) / quantile(r.direct, 0.99))),
        routerP50: spread(perRound.map((r) => quantile(r.router, 0.5))),
        directP50: spread(perRound.map((r) => quantile(r.direct, 0.5))),
        perNodeHitRate: spread(perNode),
        sharedHitRate: spread(sharedRates),
        expectedSharedRate: 100 / dc1Nodes,
    };

    console.log(
        "\n== data plane: fixed workload (50% writes, 50% reads, LOCAL_QUORUM, RF dc1:2 dc2:2, concurrency 8 over both paths, TLS)",
    );
    console.log(
        `${OPS} ops per path per round, the paths' operations alternating within each round, ${ROUNDS} rounds after ${WARMUP} warm-up ops per path; median (min–max) over rounds`,
    );
    console.log(
        `router p50 ${formatSpread(figures.routerP50, 2)} ms, direct p50 ${formatSpread(figures.directP50, 2)} ms`,
    );
    console.log(
        `router/direct p50 ratio: ${formatSpread(figures.p50Ratio)} (target <= 1.10: ${figures.p50Ratio.median <= 1.1 ? "met" : "NOT met"})`,
    );
    console.log(
        `router/direct p99 ratio: ${formatSpread(figures.p99Ratio)} (target <= 1.15: ${figures.p99Ratio.median <= 1.15 ? "met" : "NOT met"})`,
    );
    console.log(
        `\n== token-aware hit rate (RF dc1:1 over ${dc1Nodes} nodes, ${HIT_SAMPLES} keyed writes per round, ${HIT_ROUNDS} rounds, coordinator from query traces)`,
    );
    console.log(`per-node routes (bundle):      ${formatSpread(figures.perNodeHitRate, 1)}%`);
    console.log(
        `single shared endpoint:        ${formatSpread(figures.sharedHitRate, 1)}%   (RF/N = ${figures.expectedSharedRate.toFixed(0)}%)`,
    );
    console.log(`${DATAPLANE_PREFIX}${JSON.stringify(figures)}`);

    await Promise.all([viaRouter.shutdown(), direct.shutdown(), shared.shutdown()]);
}

main()
    .catch((err) => {
        console.error(err);
        process.exitCode = 1;
    })
    .finally(() => stopEnvironment());

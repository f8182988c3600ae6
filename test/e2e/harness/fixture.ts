import { Client, errors, types } from "cassandra-driver";
import type { ClientBundle } from "../../../components/plan/client-bundle";
import { bundleFor } from "./cluster";
import { BundleClientOptions, connectBundle } from "./clients";
import { waitFor } from "./exec";
import { E2eState, readState } from "./state";

/** What a test file needs from the running environment. */
export interface Fixture {
    readonly state: E2eState;
    readonly bundles: Readonly<Record<string, ClientBundle>>;
    /** Connects a bundle client for `dc`; closed by `closeAll`. */
    connect(dc: string, o?: Partial<BundleClientOptions>): Promise<Client>;
    closeAll(): Promise<void>;
    /** Driver endpoint ("host:port", as the driver names a host) → pod name, for names and resolved entry addresses alike. */
    podOfEndpoint(endpoint: string): string | undefined;
}

export function fixture(): Fixture {
    const state = readState();
    const bundles = Object.fromEntries(
        [...new Set(state.nodes.map((n) => n.datacenter))].map((dc) => [dc, bundleFor(state, dc)]),
    );
    const clients: Client[] = [];
    const endpoints = new Map<string, string>();
    for (const b of Object.values(bundles)) {
        for (const n of state.nodes) {
            const via = b.addressTranslation[`${n.ip}:9042`];
            if (via) {
                const [host, port] = via.split(":");
                endpoints.set(via, n.podName);
                endpoints.set(`${state.entryAddresses[host]}:${port}`, n.podName);
            }
        }
    }
    return {
        state,
        bundles,
        async connect(dc, o = {}) {
            const c = await connectBundle(bundles[dc], { ca: state.caPem, ...o });
            clients.push(c);
            return c;
        },
        async closeAll() {
            await Promise.all(clients.splice(0).map((c) => c.shutdown().catch(() => undefined)));
        },
        podOfEndpoint: (e) => endpoints.get(e),
    };
}

/** Keyspace replicated `rf` per datacenter with NetworkTopologyStrategy. */
export async function createKeyspace(
    client: Client,
    name: string,
    rf: Readonly<Record<string, number>>,
): Promise<void> {
    const replication = Object.entries(rf)
        .map(([dc, n]) => `'${dc}': ${n}`)
        .join(", ");
    await client.execute(
        `CREATE KEYSPACE IF NOT EXISTS ${name} WITH replication = {'class': 'NetworkTopologyStrategy', ${replication}}`,
    );
    await client.execute(`CREATE TABLE IF NOT EXISTS ${name}.kv (k text PRIMARY KEY, v text)`);
}

/** Murmur3Partitioner's token range (cassandra-node.ts sets it): every key's token is a signed 64-bit value. */
const MIN_TOKEN = -(2n ** 63n);
const TOKEN_SPAN = 2n ** 64n;
/**
 * Slices of the ring counted one by one. Cassandra 5.0.5 bounds a whole aggregate by one
 * `range_request_timeout` (10 s): `AggregationQueryPager.GroupByPartitionIterator.fetchSubPage`
 * passes every internal page the query's own `requestTime`, so one `count(*)` over a table must
 * finish in 10 s however it is paged. At ALL on two shared cores that held for 127,000 rows on most
 * runs and failed five attempts in a row at 185,000 rows right after a roll ("0 replica(s)
 * responded over 4 required"); 64 slices keep each count near 3,000 rows.
 */
const COUNT_SLICES = 64n;

/**
 * How many rows `keyspace.kv` holds, read at ALL: every replica answers, so a write any of them
 * acknowledged is counted, and a lost one shows as a smaller count. The ring is counted slice by
 * slice (`token(k)` ranges that cover it exactly once), each slice retried on a timeout, as a
 * timeout says nothing about the rows: right after a roll the nodes here replay hints and compact
 * on two shared cores.
 */
export async function countAtAll(client: Client, keyspace: string): Promise<number> {
    let total = 0;
    for (let i = 0n; i < COUNT_SLICES; i++) {
        const from = MIN_TOKEN + (TOKEN_SPAN * i) / COUNT_SLICES;
        const to = MIN_TOKEN + (TOKEN_SPAN * (i + 1n)) / COUNT_SLICES - 1n;
        total += await countSlice(client, keyspace, from, to);
    }
    return total;
}

async function countSlice(
    client: Client,
    keyspace: string,
    from: bigint,
    to: bigint,
): Promise<number> {
    for (let attempt = 1; ; attempt++) {
        try {
            const rs = await client.execute(
                `SELECT count(*) FROM ${keyspace}.kv WHERE token(k) >= ? AND token(k) <= ?`,
                [types.Long.fromString(String(from)), types.Long.fromString(String(to))],
                { prepare: true, consistency: types.consistencies.all, readTimeout: 60_000 },
            );
            return Number(rs.first()["count"]);
        } catch (err) {
            const timedOut =
                err instanceof errors.OperationTimedOutError ||
                (err instanceof errors.ResponseError &&
                    err.code === types.responseErrorCodes.readTimeout);
            if (!timedOut || attempt === 5) {
                throw err;
            }
            await new Promise((r) => setTimeout(r, 5000));
        }
    }
}

/**
 * Waits until every node serves CQL and sees every other as up: a write at ALL to a keyspace
 * replicated on every node succeeds. Test files that restart nodes call it before handing over.
 */
export async function waitUntilHealthy(f: Fixture): Promise<void> {
    for (const dc of Object.keys(f.bundles)) {
        const client = await connectBundle(f.bundles[dc], { ca: f.state.caPem });
        try {
            await createKeyspace(
                client,
                "e2e_health",
                Object.fromEntries(Object.keys(f.bundles).map((d) => [d, 2])),
            );
            await waitFor(
                `every node to be up as seen from ${dc}`,
                async () => {
                    await client.execute(
                        "INSERT INTO e2e_health.kv (k, v) VALUES (?, ?)",
                        [dc, String(Date.now())],
                        {
                            consistency: types.consistencies.all,
                        },
                    );
                    return client.hosts.values().every((h) => h.datacenter !== dc || h.isUp());
                },
                90_000,
                1000,
            );
        } finally {
            await client.shutdown();
        }
    }
}

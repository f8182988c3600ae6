/**
 * The e2e's Node.js application: `createExternalClient` from nothing but the stack's
 * clientBundle (and, with mutual TLS, the client certificate files `npm run client-config`
 * wrote). It answers the line protocol of test/e2e/harness/workload.ts.
 *
 * Usage: tsx workload.ts <bundle.json> <datacenter> [<client.pem> <client-key.pem>]
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { Client, types } from "cassandra-driver";
import { createExternalClient } from "../../../components/client/external-client";

interface Phase {
    ok: number;
    failed: number;
    errors: string[];
    coordinators: Record<string, number>;
    /** The longest a write of the phase took, acknowledged or not: how close it came to a timeout. */
    slowestMs: number;
}

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const phases: Record<string, Phase> = {};
let phase = "start";
let loading = false;

function hostIdOf(client: Client, address: string): string {
    return String(client.hosts.get(address)?.hostId);
}

function record(at: string, tookMs: number, coordinator?: string, error?: string): void {
    const p = (phases[at] ??= { ok: 0, failed: 0, errors: [], coordinators: {}, slowestMs: 0 });
    p.slowestMs = Math.max(p.slowestMs, tookMs);
    if (coordinator !== undefined) {
        p.ok++;
        p.coordinators[coordinator] = (p.coordinators[coordinator] ?? 0) + 1;
    } else {
        p.failed++;
        if (p.errors.length < 5) {
            p.errors.push(String(error));
        }
    }
}

async function load(client: Client, keyspace: string, worker: string): Promise<void> {
    for (let n = 0; loading; n++) {
        const at = phase;
        const t0 = Date.now();
        try {
            const rs = await client.execute(
                `INSERT INTO ${keyspace}.kv (k, v) VALUES (?, ?)`,
                [`${worker}-${n}`, at],
                { prepare: true, isIdempotent: true, consistency: types.consistencies.localOne },
            );
            record(at, Date.now() - t0, hostIdOf(client, rs.info.queriedHost));
        } catch (err) {
            record(at, Date.now() - t0, undefined, (err as Error).message);
        }
        await sleep(20);
    }
}

async function replicas(client: Client, keyspace: string, count: number, dc: string) {
    let onReplica = 0;
    const coordinators: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
        const key = `key-${i}`;
        const rs = await client.execute(
            `INSERT INTO ${keyspace}.kv (k, v) VALUES (?, ?)`,
            [key, "v"],
            {
                prepare: true,
            },
        );
        const local = client
            .getReplicas(keyspace, Buffer.from(key, "utf8"))
            .filter((h) => h.datacenter === dc)
            .map((h) => h.address);
        if (local.includes(rs.info.queriedHost)) {
            onReplica++;
        }
        const id = hostIdOf(client, rs.info.queriedHost);
        coordinators[id] = (coordinators[id] ?? 0) + 1;
    }
    return { total: count, onReplica, coordinators };
}

async function main(): Promise<void> {
    const [bundlePath, dc, certFile, keyFile] = process.argv.slice(2);
    let client: Client;
    try {
        client = await createExternalClient(JSON.parse(readFileSync(bundlePath, "utf8")), {
            localDataCenter: dc,
            ...(certFile
                ? {
                      clientCertificate: {
                          cert: readFileSync(certFile, "utf8"),
                          key: readFileSync(keyFile, "utf8"),
                      },
                  }
                : {}),
        });
    } catch (err) {
        out({ error: String(err) });
        process.exit(3);
    }
    // The driver's own log (and the translator's warnings, which go to it): what a failure message shows.
    client.on("log", (level: string, className: string, message: string) => {
        if (level !== "verbose") {
            process.stderr.write(`${new Date().toISOString()} ${level} ${className}: ${message}\n`);
        }
    });
    out({ ready: true });
    const workers: Promise<void>[] = [];
    for await (const line of createInterface({ input: process.stdin })) {
        const c = line.trim().split(" ");
        switch (c[0]) {
            case "info": {
                const connected = new Set(
                    client
                        .getState()
                        .getConnectedHosts()
                        .map((h) => h.address),
                );
                out({
                    nodes: client.hosts.values().map((h) => ({
                        hostId: String(h.hostId),
                        datacenter: h.datacenter,
                        endpoint: h.address,
                        up: h.isUp(),
                        connections: connected.has(h.address)
                            ? client.getState().getOpenConnections(h)
                            : 0,
                    })),
                });
                break;
            }
            case "replicas":
                out(await replicas(client, c[1], Number(c[2]), dc));
                break;
            case "load":
                loading = true;
                for (let i = 0; i < 3; i++) {
                    workers.push(load(client, c[1], `${c[2] ?? "w"}${i}`));
                }
                out({ loading: true });
                break;
            case "phase":
                phase = c[1];
                out({ phase });
                break;
            case "status":
                out({ phases });
                break;
            case "stop":
                loading = false;
                await Promise.all(workers);
                out({ phases });
                await client.shutdown();
                return;
            default:
                out({ error: `unknown command ${c[0]}` });
        }
    }
}

void main();

import { mkdirSync, rmSync } from "node:fs";
import { Client } from "cassandra-driver";
import { ClientBundle, clientBundle } from "../../../components/plan/client-bundle";
import { entryPointName } from "../../../components/plan/pki-plan";
import { NodeRoute, perPodServiceName, planRoutes } from "../../../components/plan/routes";
import { NodeConfig, killNode, startAndWait, writeNodeConfig } from "./cassandra-node";
import { connectBundle } from "./clients";
import { waitFor } from "./exec";
import { RouterSpec, reloadHaproxy, startHaproxy, stopHaproxy } from "./haproxy";
import { progress } from "./log";
import { cassandraLib } from "./maven";
import { assertInClientNamespace, createNetwork, destroyNetwork, entryAddress } from "./netns";
import { RUN_DIR } from "./paths";
import { caKeyPem, issuePki } from "./pki";
import { E2eState, readState, writeState } from "./state";
import { E2E_MTLS_SETTINGS, e2ePlan, placeNodes } from "./topology";

/**
 * Brings the whole e2e world up in order — network, PKI, Cassandra (seeds first, one node at a
 * time), HAProxy with name routes, host IDs read from the live nodes, HAProxy reloaded with
 * host-ID routes — and records it for the tests. Used by the vitest global setup and the benchmark.
 */

export interface EnvironmentOptions {
    /** Benchmark: also give the client a direct route to the pods. */
    readonly directPath?: boolean;
    /** Benchmark: a per-entry-point port balancing over all nodes (no per-node identity). */
    readonly sharedPort?: number;
}

export const plan = () => e2ePlan();

export function routes(hostIds: Readonly<Record<string, string>> = {}): NodeRoute[] {
    const p = plan();
    return planRoutes(p.settings, p.topology, hostIds);
}

/** The client bundle for `dc`, with every node's real address, as the stack would output it. */
export function bundleFor(state: E2eState, dc: string): ClientBundle {
    const addresses = Object.fromEntries(
        state.nodes.map((n) => [n.podName, { ip: n.ip, port: 9042 }]),
    );
    return clientBundle(dc, routes(state.hostIds), addresses);
}

export function routerSpec(
    state: Pick<E2eState, "nodes" | "entryAddresses" | "sharedPort">,
    hostIds: Readonly<Record<string, string>>,
): RouterSpec {
    return {
        routes: routes(hostIds),
        entryAddresses: state.entryAddresses,
        serviceAddresses: Object.fromEntries(
            state.nodes.map((n) => [perPodServiceName(n.podName), n.ip]),
        ),
        sharedPort: state.sharedPort,
    };
}

export function nodeConfig(
    state: E2eState,
    podName: string,
    opts: { requireClientAuth?: boolean } = {},
): NodeConfig {
    const node = state.nodes.find((n) => n.podName === podName);
    if (!node) {
        throw new Error(`no node ${podName}`);
    }
    return {
        node,
        clusterName: plan().settings.clusterName,
        seeds: state.nodes.filter((n) => n.seed).map((n) => n.ip),
        lib: state.lib,
        requireClientAuth: opts.requireClientAuth ?? plan().settings.tls.requireClientAuth,
    };
}

export async function startEnvironment(opts: EnvironmentOptions = {}): Promise<E2eState> {
    assertInClientNamespace();
    const t0 = Date.now();
    rmSync(RUN_DIR, { recursive: true, force: true });
    mkdirSync(RUN_DIR, { recursive: true });
    const p = plan();
    const nodes = placeNodes(p);
    const lib = cassandraLib(p.settings.serverVersion);
    const domain = p.settings.externalDomain as string;

    const entryAddresses: Record<string, string> = {};
    const entryPoints = p.topology.datacenters.map((dc, i) => {
        const name = entryPointName(dc.name, domain);
        entryAddresses[name] = entryAddress(i);
        // Node names point at their datacenter's entry point too: that is where their SNI routes live.
        return {
            ip: entryAddress(i),
            names: [name, ...dc.nodes.map((n) => n.externalName as string)],
        };
    });
    const clusters = p.settings.existingClusters ?? {};
    createNetwork({
        podRanges: p.topology.datacenters.map((dc) => clusters[dc.name].podCidr),
        podIps: nodes.map((n) => n.ip),
        entryPoints,
        directPath: opts.directPath,
    });
    progress(`network namespaces up; entry points ${JSON.stringify(entryAddresses)}`);

    // Client certificates come from the mutual-TLS variant of the stack; node certificates are identical in both.
    const { ca, pki } = await issuePki(p.pki, e2ePlan(E2E_MTLS_SETTINGS).pki.clients);
    progress(
        `PKI issued: CA + ${Object.keys(pki.nodes).length} node + ${Object.keys(pki.clients).length} client certificates (${p.pki.key.algorithm})`,
    );

    const base: E2eState = {
        lib,
        nodes,
        hostIds: {},
        entryAddresses,
        caPem: pki.caPem,
        caKeyPem: await caKeyPem(ca),
        clientCerts: Object.fromEntries(
            Object.entries(pki.clients).map(([id, c]) => [id, { cert: c.certPem, key: c.keyPem }]),
        ),
        directPath: opts.directPath ?? false,
        sharedPort: opts.sharedPort,
    };
    writeState(base);
    const ordered = [...nodes.filter((n) => n.seed), ...nodes.filter((n) => !n.seed)];
    for (const n of ordered) {
        const c = nodeConfig(base, n.podName);
        writeNodeConfig(c, pki.nodes[n.podName], pki.caPem);
        await startAndWait(c);
    }

    await startHaproxy(routerSpec(base, {}));
    progress("HAProxy up with name and per-node-port routes");
    const hostIds = await readHostIds(base);
    progress(`host IDs: ${JSON.stringify(hostIds)}`);
    await reloadHaproxy(routerSpec(base, hostIds));
    progress("HAProxy reloaded with host-ID routes");

    const state: E2eState = { ...base, hostIds };
    writeState(state);
    progress(`environment ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    return state;
}

/**
 * Pod name → host ID, from each datacenter's nodes over the per-node ports (which need no
 * host IDs). Waits until every node has gossiped with every other, so the tests start on a
 * settled ring.
 */
async function readHostIds(state: E2eState): Promise<Record<string, string>> {
    const byIp = new Map(state.nodes.map((n) => [n.ip, n.podName]));
    const ids: Record<string, string> = {};
    const total = state.nodes.length;
    for (const dc of [...new Set(state.nodes.map((n) => n.datacenter))]) {
        const size = state.nodes.filter((n) => n.datacenter === dc).length;
        // A fresh client per attempt: a driver learns late-gossiped peers only from events.
        await waitFor(
            `every ${dc} node to see all ${total} nodes NORMAL`,
            async () => {
                const client: Client = await connectBundle(bundleFor(state, dc), {
                    ca: state.caPem,
                });
                try {
                    const local = client.hosts.values().filter((h) => h.datacenter === dc);
                    if (client.hosts.length !== total || local.length !== size) {
                        return false;
                    }
                    for (const host of local) {
                        const me = (
                            await client.execute(
                                "SELECT host_id, rpc_address FROM system.local",
                                [],
                                { host },
                            )
                        ).first();
                        const peers = (
                            await client.execute("SELECT peer FROM system.peers_v2", [], { host })
                        ).rows;
                        const gossip = (
                            await client.execute(
                                "SELECT status_with_port FROM system_views.gossip_info",
                                [],
                                { host },
                            )
                        ).rows;
                        ids[byIp.get(me["rpc_address"].toString()) as string] =
                            me["host_id"].toString();
                        const normal = gossip.filter((r) =>
                            String(r["status_with_port"]).startsWith("NORMAL"),
                        ).length;
                        if (peers.length !== total - 1 || normal !== total) {
                            return false;
                        }
                    }
                    return true;
                } finally {
                    await client.shutdown();
                }
            },
            90_000,
            1000,
        );
    }
    const missing = state.nodes.filter((n) => !ids[n.podName]).map((n) => n.podName);
    if (missing.length > 0) {
        throw new Error(`no host ID read for ${missing.join(", ")}`);
    }
    return ids;
}

/** Ends every process and namespace the environment started; safe to call twice or after a partial start. */
export async function stopEnvironment(): Promise<void> {
    let state: E2eState | undefined;
    try {
        state = readState();
    } catch {
        state = undefined;
    }
    for (const n of state?.nodes ?? []) {
        await killNode(n.podName);
    }
    await stopHaproxy();
    destroyNetwork();
    progress("environment stopped");
}

import { mkdirSync, rmSync } from "node:fs";
import { Client } from "cassandra-driver";
import { ClientBundle, clientBundle } from "../../../components/plan/client-bundle";
import { secretNames } from "../../../components/plan/datacenter-spec";
import { DatacenterStatus, hostIdsOf } from "../../../components/plan/datacenter-status";
import { entryPointName } from "../../../components/plan/pki-plan";
import { NodeRoute, perPodServiceName, planRoutes } from "../../../components/plan/routes";
import type { Plan } from "../../../components/plan";
import { NodeConfig, killNode, startAndWait, writeNodeConfig } from "./cassandra-node";
import { connectBundle } from "./clients";
import { waitFor } from "./exec";
import { RouterSpec, reloadHaproxy, startHaproxy, stopHaproxy } from "./haproxy";
import { progress } from "./log";
import { cassandraLib } from "./maven";
import {
    assertInClientNamespace,
    createNetwork,
    destroyNetwork,
    entryAddress,
    nodeLoadBalancerAddress,
} from "./netns";
import { labelsSeedBeforeStart, seedAddresses, SeedSpec, seedCountPerRack } from "./operator";
import { PROGRAM_FILE, RUN_DIR } from "./paths";
import { Program } from "./product";
import { E2eState, readState, writeState } from "./state";
import { e2ePlan, PlacedNode, placeNodes, Variant } from "./topology";

/**
 * Brings the whole e2e world up from what the program produces — network, the program's
 * Secrets and CassandraDatacenter specs, Cassandra started datacenter by datacenter the way
 * cass-operator starts it, the next datacenter's seeds read from the previous one's status by
 * the program's own function, HAProxy with the route table, reloaded with host IDs — and records
 * it for the tests. Used by the vitest global setup and the benchmark.
 */

export interface EnvironmentOptions {
    /** Benchmark: also give the client a direct route to the pods. */
    readonly directPath?: boolean;
    /** Benchmark: a per-entry-point port balancing over all nodes (no per-node identity). */
    readonly sharedPort?: number;
}

/** The plan of the stack as the state says it runs now (the stack file and any overrides). */
export const plan = (state?: Pick<E2eState, "overrides">) =>
    e2ePlan("base", state?.overrides ?? {});

export function routes(
    hostIds: Readonly<Record<string, string>> = {},
    state?: Pick<E2eState, "overrides">,
): NodeRoute[] {
    const p = plan(state);
    return planRoutes(p.settings, p.topology, hostIds);
}

/** The client bundle for `dc`, with every node's real address, as the stack would output it. */
export function bundleFor(
    state: Pick<E2eState, "nodes" | "hostIds" | "overrides">,
    dc: string,
): ClientBundle {
    const addresses = Object.fromEntries(
        state.nodes.map((n) => [n.podName, { ip: n.ip, port: 9042 }]),
    );
    return clientBundle(dc, routes(state.hostIds, state), addresses);
}

export function routerSpec(
    state: Pick<
        E2eState,
        "nodes" | "entryAddresses" | "sharedPort" | "nodeLoadBalancers" | "overrides"
    >,
    hostIds: Readonly<Record<string, string>>,
): RouterSpec {
    return {
        routes: routes(hostIds, state),
        entryAddresses: state.entryAddresses,
        nodeLoadBalancers: state.nodeLoadBalancers,
        serviceAddresses: Object.fromEntries(
            state.nodes.map((n) => [perPodServiceName(n.podName), n.ip]),
        ),
        sharedPort: state.sharedPort,
    };
}

/** A node's configuration as its pod would run it: the variant's spec, its datacenter's seeds. */
export function nodeConfig(
    state: E2eState,
    podName: string,
    variant: Variant = "base",
): NodeConfig {
    const node = state.nodes.find((n) => n.podName === podName);
    if (!node) {
        throw new Error(`no node ${podName}`);
    }
    return {
        node,
        clusterName: plan(state).settings.clusterName,
        seeds: state.seeds[node.datacenter] ?? [],
        lib: state.lib,
        spec: state.specs[variant][node.datacenter],
    };
}

export async function startEnvironment(opts: EnvironmentOptions = {}): Promise<E2eState> {
    assertInClientNamespace();
    const t0 = Date.now();
    rmSync(RUN_DIR, { recursive: true, force: true });
    mkdirSync(RUN_DIR, { recursive: true });
    const p = plan();
    const program = new Program();
    const product = await program.deploy();
    progress(
        `program rendered: ${Object.keys(product.specs.base).length} CassandraDatacenters, node Secrets for ${Object.keys(product.nodeSecrets).join(", ")}`,
    );
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
    const nodeLoadBalancers = Object.fromEntries(
        nodes.map((n, i) => [n.podName, nodeLoadBalancerAddress(i)]),
    );
    const clusters = p.settings.existingClusters ?? {};
    createNetwork({
        podRanges: p.topology.datacenters.map((dc) => clusters[dc.name].podCidr),
        podIps: nodes.map((n) => n.ip),
        // Per-node load balancers are reached by the IP the stack outputs: no name to resolve.
        entryPoints: [
            ...entryPoints,
            ...Object.values(nodeLoadBalancers).map((ip) => ({ ip, names: [] })),
        ],
        directPath: opts.directPath,
    });
    progress(`network namespaces up; entry points ${JSON.stringify(entryAddresses)}`);

    let state: E2eState = {
        lib,
        nodes,
        specs: product.specs,
        secrets: Object.fromEntries(
            Object.entries(product.nodeSecrets).map(([dc, data]) => [
                secretNames(p.settings.clusterName, dc).tls,
                data,
            ]),
        ),
        statuses: {},
        hostIds: {},
        seeds: {},
        seedPods: [],
        entryAddresses,
        nodeLoadBalancers,
        clientBundles: {} as E2eState["clientBundles"],
        caPem: product.caPem,
        caKeyPem: product.caKeyPkcs8,
        clientCerts: product.clientCertificates,
        directPath: opts.directPath ?? false,
        sharedPort: opts.sharedPort,
    };
    writeState(state);
    // Up first: the per-node ports are how the harness reads each datacenter's status, as
    // cass-operator reads its nodes through their management API.
    await startHaproxy(routerSpec(state, {}));
    progress("HAProxy up with name and per-node-port routes");

    for (const index of p.topology.datacenters.keys()) {
        // `pulumi up` reaches this datacenter once the earlier ones report ready: the program
        // runs again with their status and registers this one's spec with seeds from it.
        const { specs } = await program.deploy(state.statuses);
        state = await startDatacenter({ ...state, specs }, p, index);
        writeState(state);
    }
    program.save(PROGRAM_FILE);
    await reloadHaproxy(routerSpec(state, state.hostIds));
    progress(`HAProxy reloaded with host-ID routes ${JSON.stringify(state.hostIds)}`);
    state = { ...state, clientBundles: await clientBundlesOf(program, state) };
    writeState(state);
    progress("client bundles rendered for load balancers reporting IPs, names, and per-node IPs");
    progress(`environment ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    return state;
}

/**
 * The stack's `clientBundle` outputs once the program runs with the addresses the harness's
 * router gives each load balancer (see `Program.clientBundles`).
 */
export function clientBundlesOf(
    program: Program,
    state: E2eState,
): Promise<E2eState["clientBundles"]> {
    const p = plan();
    const domain = p.settings.externalDomain as string;
    return program.clientBundles(state.statuses, {
        entries: Object.fromEntries(
            p.topology.datacenters.map((dc) => {
                const hostname = entryPointName(dc.name, domain);
                return [dc.name, { ip: state.entryAddresses[hostname], hostname }];
            }),
        ),
        nodes: state.nodeLoadBalancers,
    });
}

/**
 * One datacenter as cass-operator brings it up from the spec the program registered: it starts
 * the nodes, labelling seeds by its own rules, and reports the status the next datacenter joins
 * through.
 */
export async function startDatacenter(state: E2eState, p: Plan, index: number): Promise<E2eState> {
    const dc = p.topology.datacenters[index];
    const seedSpec = state.specs.base[dc.name] as SeedSpec;
    const mine = state.nodes.filter((n) => n.datacenter === dc.name);
    const ipOf = (pod: string) => (mine.find((n) => n.podName === pod) as PlacedNode).ip;
    let labelled: string[] = [];
    const started: string[] = [];
    let next: E2eState = state;
    for (const pod of startOrder(
        dc.racks.map((r) => r.name),
        mine,
    )) {
        if (labelsSeedBeforeStart(seedSpec, labelled.length)) {
            labelled.push(pod);
        }
        const { seeds, unresolvable } = seedAddresses(labelled.map(ipOf), seedSpec);
        if (unresolvable.length > 0) {
            progress(
                `${pod}: additional seeds ${unresolvable.join(", ")} resolve to nothing (FQDN EndpointSlice)`,
            );
        }
        next = { ...next, seeds: { ...next.seeds, [dc.name]: seeds } };
        const c = nodeConfig(next, pod);
        writeNodeConfig(c, next.secrets);
        await startAndWait(c);
        started.push(pod);
        labelled = labelReadySeeds(
            seedSpec,
            dc.racks.map((r) => r.name),
            mine,
            started,
        );
    }
    const { seeds } = seedAddresses(labelled.map(ipOf), seedSpec);
    next = {
        ...next,
        seeds: { ...next.seeds, [dc.name]: seeds },
        seedPods: [...next.seedPods, ...labelled],
    };
    const status = await readStatus(next, dc.name);
    progress(
        `${dc.name} ready; seeds ${seeds.join(", ")}; status ${JSON.stringify(status.nodeStatuses)}`,
    );
    return {
        ...next,
        statuses: { ...next.statuses, [dc.name]: status },
        hostIds: { ...next.hostIds, ...hostIdsOf(status) },
    };
}

/**
 * cass-operator's start order: first the highest-ordinal pod of each rack, in rack order
 * (`startOneNodePerRack`), then the rest, one rack after another by ordinal (`startAllNodes`).
 */
function startOrder(racks: readonly string[], nodes: readonly PlacedNode[]): string[] {
    const byRack = racks.map((r) => nodes.filter((n) => n.rack === r).map((n) => n.podName));
    const first = byRack.map((pods) => pods[pods.length - 1]).filter(Boolean);
    const rest = byRack.flatMap((pods) => pods.slice(0, -1));
    return [...first, ...rest];
}

/** `labelSeedPods`: per rack, the ready pods in name order up to the rack's seed count. */
function labelReadySeeds(
    spec: SeedSpec,
    racks: readonly string[],
    nodes: readonly PlacedNode[],
    ready: readonly string[],
): string[] {
    const counts = seedCountPerRack(spec);
    return racks.flatMap((rack, i) =>
        nodes
            .filter((n) => n.rack === rack && ready.includes(n.podName))
            .map((n) => n.podName)
            .sort()
            .slice(0, counts[i]),
    );
}

/**
 * A datacenter's status as cass-operator reports it once ready: per pod its host ID, RPC
 * address and rack (`UpdateCassandraNodeStatus`, from each node's own view). Read over the
 * per-node ports; waits until every started node sees every other as NORMAL.
 */
async function readStatus(state: E2eState, dc: string): Promise<DatacenterStatus> {
    const byIp = new Map(state.nodes.map((n) => [n.ip, n]));
    const startedDcs = new Set([...Object.keys(state.statuses), dc]);
    const total = state.nodes.filter((n) => startedDcs.has(n.datacenter)).length;
    const mine = state.nodes.filter((n) => n.datacenter === dc);
    const nodeStatuses: Record<string, { hostID: string; ip: string; rack: string }> = {};
    await waitFor(
        `every ${dc} node to see all ${total} started nodes NORMAL`,
        async () => {
            // A fresh client per attempt: a driver learns late-gossiped peers only from events.
            const client: Client = await connectBundle(bundleFor(state, dc), { ca: state.caPem });
            try {
                const local = client.hosts.values().filter((h) => h.datacenter === dc);
                if (client.hosts.length !== total || local.length !== mine.length) {
                    return false;
                }
                for (const host of local) {
                    const me = (
                        await client.execute(
                            "SELECT host_id, rpc_address, rack FROM system.local",
                            [],
                            { host },
                        )
                    ).first();
                    const gossip = (
                        await client.execute(
                            "SELECT status_with_port FROM system_views.gossip_info",
                            [],
                            {
                                host,
                            },
                        )
                    ).rows;
                    const node = byIp.get(me["rpc_address"].toString()) as PlacedNode;
                    nodeStatuses[node.podName] = {
                        hostID: me["host_id"].toString(),
                        ip: node.ip,
                        rack: String(me["rack"]),
                    };
                    const normal = gossip.filter((r) =>
                        String(r["status_with_port"]).startsWith("NORMAL"),
                    ).length;
                    if (normal !== total) {
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
    return {
        cassandraOperatorProgress: "Ready",
        conditions: [{ type: "Ready", status: "True" }],
        nodeStatuses,
    };
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

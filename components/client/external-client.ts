import { Client, ClientOptions, auth, policies, types } from "cassandra-driver";
import { lookup } from "node:dns/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { checkServerIdentity, PeerCertificate } from "node:tls";
import type { ExternalClientBundle, ExternalNode } from "../plan/client-bundle";

/**
 * A stock `cassandra-driver` Client for applications outside the clusters.
 *
 * Drivers learn the other nodes from `system.peers`, by addresses (pod IPs) that are not
 * reachable from outside and change when pods move. Each node, however, has an address of its
 * own at the ingress (a dedicated port on the entry point, or its own load balancer). Before
 * connecting, the client learns every node's pod address through those addresses (by host ID
 * from any one node, or from each node itself: `discoverAddresses`) and translates peers with
 * that map. When the driver reports an address the map does not know — a pod that moved — the
 * nodes are asked again before it answers, so the client keeps working without any access to
 * Kubernetes.
 *
 * TLS is always verified: the CA is pinned, and every node's certificate must carry the name
 * the bundle gives for it (the entry point's name behind a shared entry point; the node's own
 * external name behind its own load balancer). Load balancing is the driver's token-aware,
 * datacenter-aware default.
 */

export interface ExternalClientOptions {
    /** Datacenter whose nodes serve requests; the others are remote. */
    readonly localDataCenter: string;
    readonly username?: string;
    readonly password?: string;
    /** The application's certificate, when the cluster requires client certificates. */
    readonly clientCertificate?: { readonly cert: string; readonly key: string };
    readonly keyspace?: string;
    /** Further driver options; `sslOptions` and address resolution stay as set here. */
    readonly driverOptions?: Partial<ClientOptions>;
}

/** A node's current pod address (`ip:port` as the driver sees it) mapped to the address that reaches it from outside. */
export type AddressMap = Map<string, string>;

/** Where the nodes are inside the cluster, and which of them could not be asked. */
export interface Discovery {
    readonly map: AddressMap;
    /** External endpoints (`ip:port`) of the bundle's nodes that neither answered nor were found by host ID. */
    readonly unanswered: readonly string[];
}

/** Finds the nodes again; what was known before stands for nodes that do not answer. */
export type Discover = (previous: Discovery) => Promise<Discovery>;

export async function createExternalClient(
    bundle: ExternalClientBundle,
    options: ExternalClientOptions,
): Promise<Client> {
    const discover: Discover = (previous) => discoverAddresses(bundle, options, previous);
    let client: Client | undefined = undefined;
    const log = (message: string) =>
        client?.emit("log", "warning", "RediscoveringTranslator", message);
    client = new Client(
        await externalClientOptions(
            bundle,
            options,
            discover,
            await discoverAddresses(bundle, options),
            log,
        ),
    );
    await client.connect();
    return client;
}

/** The driver options, given the address map and a way to refresh it. Exported for tests. */
export async function externalClientOptions(
    bundle: ExternalClientBundle,
    options: ExternalClientOptions,
    discover: Discover,
    initial: Discovery,
    log?: (message: string) => void,
): Promise<ClientOptions> {
    const local = bundle.nodes.filter((n) => n.datacenter === options.localDataCenter);
    if (local.length === 0) {
        throw new Error(
            `localDataCenter "${options.localDataCenter}" is not in the bundle; it has ${bundle.datacenters.join(", ")}`,
        );
    }
    const contactPoints = await Promise.all(local.map(resolvedEndpoint));
    return {
        ...options.driverOptions,
        contactPoints,
        localDataCenter: options.localDataCenter,
        keyspace: options.keyspace,
        ...(options.username
            ? {
                  authProvider: new auth.PlainTextAuthProvider(
                      options.username,
                      options.password ?? "",
                  ),
              }
            : {}),
        policies: {
            ...options.driverOptions?.policies,
            addressResolution: new RediscoveringTranslator(initial, discover, REDISCOVERY, log),
        },
        sslOptions: await sslOptionsFor(bundle, options),
        queryOptions: {
            consistency: types.consistencies.localQuorum,
            ...options.driverOptions?.queryOptions,
        },
    };
}

// The typings declare an interface, but the driver checks `instanceof` its runtime class.
const AddressTranslatorBase = (
    policies.addressResolution as unknown as {
        AddressTranslator: new () => policies.addressResolution.AddressTranslator;
    }
).AddressTranslator;

/** How long an unknown address is asked about while some node of the bundle has not answered. */
export interface RediscoveryTiming {
    readonly retryMs: number;
    readonly giveUpMs: number;
}

const REDISCOVERY: RediscoveryTiming = { retryMs: 2_000, giveUpMs: 30_000 };

/**
 * Translates pod addresses through the map; an unknown address makes it ask the nodes again.
 *
 * The driver calls `translate` for every `system.peers` row when it refreshes its hosts, and
 * keys the host by the answer (cassandra-driver 4.10.0 lib/control-connection.js
 * `setPeersInfo` / `getAddressForPeerHost`). An answer that is a pod address adds a host no
 * connection reaches, and nothing translates it again until the next topology event (a later
 * STATUS_CHANGE is looked up by its translation, `_nodeStatusChangeHandler`). A pod that moved
 * appears in `system.peers` as soon as gossip has it, well before its own route answers (the
 * Service follows readiness), so while a node of the bundle has not answered, the translator
 * asks again every `retryMs` for up to `giveUpMs` before answering with the pod address.
 */
export class RediscoveringTranslator extends AddressTranslatorBase {
    private refreshing?: Promise<Discovery>;

    constructor(
        private known: Discovery,
        private readonly discover: Discover,
        private readonly timing: RediscoveryTiming = REDISCOVERY,
        /** Where its warnings go: `createExternalClient` sends them to the driver's `log` event. */
        private readonly log: (message: string) => void = () => undefined,
    ) {
        super();
    }

    translate(address: string, port: number, callback: (endpoint: string) => void): void {
        const key = `${address}:${port}`;
        const mapped = this.known.map.get(key);
        if (mapped) {
            callback(mapped);
            return;
        }
        void this.lookUp(key).then(callback);
    }

    private async lookUp(key: string): Promise<string> {
        const giveUpAt = Date.now() + this.timing.giveUpMs;
        for (;;) {
            let waitingFor: string;
            try {
                const found = await this.refresh();
                const mapped = found.map.get(key);
                if (mapped) {
                    return mapped;
                }
                // Every node answered and none is at this address: asking again will not change that.
                if (found.unanswered.length === 0) {
                    this.log(
                        `no node of the bundle is at ${key}: a node the bundle does not list (regenerate it from the stack's clientBundle output)`,
                    );
                    return key;
                }
                waitingFor = `${found.unanswered.join(", ")} did not answer`;
            } catch (err) {
                waitingFor = (err as Error).message;
            }
            if (Date.now() >= giveUpAt) {
                this.log(
                    `no external address for ${key} after ${this.timing.giveUpMs} ms (${waitingFor}); the driver gets the pod address, which no connection reaches`,
                );
                return key;
            }
            await sleep(this.timing.retryMs);
        }
    }

    /** One discovery at a time, shared by every lookup waiting on it. */
    private refresh(): Promise<Discovery> {
        this.refreshing ??= this.discover(this.known)
            .then((found) => (this.known = found))
            .finally(() => (this.refreshing = undefined));
        return this.refreshing;
    }
}

/** TLS for every connection: CA pinned, and each certificate checked against the bundle's name for that address. */
export async function sslOptionsFor(bundle: ExternalClientBundle, options: ExternalClientOptions) {
    // Behind a shared entry point every address is the entry point's, so its name is the one to check;
    // behind per-node load balancers each address is one node's, checked against that node's name.
    const nameByHost = new Map<string, string>();
    for (const n of bundle.nodes) {
        nameByHost.set((await resolvedEndpoint(n)).split(":")[0], n.serverName);
    }
    return {
        ca: [bundle.caCertificate],
        rejectUnauthorized: true,
        ...(options.clientCertificate
            ? { cert: options.clientCertificate.cert, key: options.clientCertificate.key }
            : {}),
        checkServerIdentity: (host: string, cert: PeerCertificate) => {
            const expected = nameByHost.get(host);
            return expected
                ? checkServerIdentity(expected, cert)
                : new Error(`no node of the bundle is reached through ${host}`);
        },
    };
}

/** `ip:port` of a node's external address. */
async function resolvedEndpoint(n: ExternalNode): Promise<string> {
    const { address } = await lookup(n.externalAddress, { family: 4 });
    return `${address}:${n.port}`;
}

/** What one node says through its external address: its own pod address, and every node's by host ID. */
interface Answer {
    readonly self: string;
    readonly byHostId: ReadonlyMap<string, string>;
}

/**
 * Finds every node of the bundle inside the cluster, through external addresses only.
 *
 * One node, any that answers, lists every node's host ID and pod address (`system.local` and
 * `system.peers_v2`): nodes whose host ID the bundle carries are mapped from that list, so a
 * node that moved is found as soon as gossip has its new address, whether or not its own route
 * answers yet. Nodes without a host ID in the bundle (or whose host ID the cluster no longer
 * has) are asked one by one, through their own address. A node that does not answer keeps the
 * pod address it had in `previous`, unless another node now answers from it.
 */
export async function discoverAddresses(
    bundle: ExternalClientBundle,
    options: ExternalClientOptions,
    previous?: Discovery,
): Promise<Discovery> {
    const ssl = await sslOptionsFor(bundle, options);
    const nodes = await Promise.all(
        bundle.nodes.map(async (n) => ({ node: n, endpoint: await resolvedEndpoint(n) })),
    );
    const ask = (n: (typeof nodes)[number]) => askNode(n.endpoint, n.node.datacenter, options, ssl);

    const podOf = new Map<string, string>(); // external endpoint → pod address
    const errors: string[] = [];
    let survey: Answer | undefined;
    for (const n of shuffled(nodes)) {
        try {
            survey = await ask(n);
            podOf.set(n.endpoint, survey.self);
            break;
        } catch (err) {
            errors.push(`${n.node.pod} (${n.endpoint}): ${(err as Error).message}`);
        }
    }
    if (!survey) {
        throw new Error(
            `no node of the bundle answered through its external address:\n  ${errors.join("\n  ")}`,
        );
    }
    const rest = nodes.filter((n) => !podOf.has(n.endpoint));
    for (const n of rest) {
        const pod = n.node.hostId ? survey.byHostId.get(n.node.hostId) : undefined;
        if (pod) {
            podOf.set(n.endpoint, pod);
        }
    }
    const asked = rest.filter((n) => !podOf.has(n.endpoint));
    const answers = await Promise.allSettled(asked.map(ask));
    const unanswered: string[] = [];
    for (const [i, a] of answers.entries()) {
        if (a.status === "fulfilled") {
            podOf.set(asked[i].endpoint, a.value.self);
        } else {
            unanswered.push(asked[i].endpoint);
        }
    }

    const map: AddressMap = new Map([...podOf].map(([endpoint, pod]) => [pod, endpoint]));
    for (const [pod, endpoint] of previous?.map ?? []) {
        if (unanswered.includes(endpoint) && !map.has(pod)) {
            map.set(pod, endpoint);
        }
    }
    return { map, unanswered };
}

/**
 * A short-lived client whose only host is the node's external address (every other host is
 * ignored, so no connection to an unreachable pod address is tried). Its control connection is
 * that node; the driver reads peers from `system.peers` without ports (cassandra-driver 4.10.0
 * lib/control-connection.js `selectPeers`), so ports come from `system.peers_v2` (Cassandra
 * 4.0+ SystemKeyspace `PEERS_V2`), or the node's own `rpc_port` where only `system.peers` exists.
 */
async function askNode(
    endpoint: string,
    datacenter: string,
    options: ExternalClientOptions,
    sslOptions: Awaited<ReturnType<typeof sslOptionsFor>>,
): Promise<Answer> {
    const probe = new Client({
        contactPoints: [endpoint],
        localDataCenter: datacenter,
        ...(options.username
            ? {
                  authProvider: new auth.PlainTextAuthProvider(
                      options.username,
                      options.password ?? "",
                  ),
              }
            : {}),
        sslOptions,
        policies: {
            loadBalancing: new policies.loadBalancing.AllowListPolicy(
                new policies.loadBalancing.DCAwareRoundRobinPolicy(datacenter),
                [endpoint],
            ),
        },
        pooling: { warmup: false },
    });
    try {
        await probe.connect();
        const host = probe.hosts.get(endpoint);
        const query = async (cql: string) => (await probe.execute(cql, [], { host })).rows;
        const [local] = await query("SELECT host_id, rpc_address, rpc_port FROM system.local");
        // No rpc_port before Cassandra 4.0: the driver's own default port then
        // (cassandra-driver 4.10.0 lib/client-options.js `protocolOptions.port`).
        const port = Number(local.get("rpc_port") ?? 9042);
        const self = `${local.get("rpc_address")}:${port}`;
        // [host ID, pod address] of every other node.
        const peers: [unknown, string][] = await query(
            "SELECT host_id, native_address, native_port FROM system.peers_v2",
        ).then(
            (rows) =>
                rows.map((r) => [
                    r.get("host_id"),
                    `${r.get("native_address")}:${r.get("native_port") ?? port}`,
                ]),
            async () =>
                (await query("SELECT host_id, rpc_address FROM system.peers")).map((r) => [
                    r.get("host_id"),
                    `${r.get("rpc_address")}:${port}`,
                ]),
        );
        const byHostId = new Map([[String(local.get("host_id")), self]]);
        for (const [hostId, pod] of peers) {
            if (hostId) {
                byHostId.set(String(hostId), pod);
            }
        }
        return { self, byHostId };
    } finally {
        await probe.shutdown();
    }
}

function shuffled<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
}

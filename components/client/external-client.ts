import { Client, ClientOptions, auth, policies, types } from "cassandra-driver";
import { lookup } from "node:dns/promises";
import { checkServerIdentity, PeerCertificate } from "node:tls";
import type { ExternalClientBundle, ExternalNode } from "../plan/client-bundle";

/**
 * A stock `cassandra-driver` Client for applications outside the clusters.
 *
 * Drivers learn the other nodes from `system.peers`, by addresses (pod IPs) that are not
 * reachable from outside and change when pods move. Each node, however, has an address of its
 * own at the ingress (a dedicated port on the entry point, or its own load balancer). Before
 * connecting, the client asks every node through that address which pod IP it has
 * (`system.local`), and translates peers with that map. When the driver reports an address
 * the map does not know — a pod that moved — the nodes are asked again before it answers, so
 * the client keeps working without any access to Kubernetes.
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

/** Asks every node, through its own external address, for its current address inside the cluster. */
export type Discover = () => Promise<AddressMap>;

export async function createExternalClient(
    bundle: ExternalClientBundle,
    options: ExternalClientOptions,
): Promise<Client> {
    const discover: Discover = () => discoverAddresses(bundle, options);
    const client = new Client(
        await externalClientOptions(bundle, options, discover, await discover()),
    );
    await client.connect();
    return client;
}

/** The driver options, given the address map and a way to refresh it. Exported for tests. */
export async function externalClientOptions(
    bundle: ExternalClientBundle,
    options: ExternalClientOptions,
    discover: Discover,
    initial: AddressMap,
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
            addressResolution: new RediscoveringTranslator(initial, discover),
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

/** Translates pod addresses through the map, refreshing it once when an address is unknown. */
export class RediscoveringTranslator extends AddressTranslatorBase {
    private refreshing?: Promise<void>;

    constructor(
        private map: AddressMap,
        private readonly discover: Discover,
    ) {
        super();
    }

    translate(address: string, port: number, callback: (endpoint: string) => void): void {
        const key = `${address}:${port}`;
        const known = this.map.get(key);
        if (known) {
            callback(known);
            return;
        }
        this.refresh().then(
            () => callback(this.map.get(key) ?? key),
            () => callback(key),
        );
    }

    private refresh(): Promise<void> {
        this.refreshing ??= this.discover()
            .then((map) => {
                this.map = map;
            })
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

/** Asks each node, through its external address only, for its address inside the cluster. */
async function discoverAddresses(
    bundle: ExternalClientBundle,
    options: ExternalClientOptions,
): Promise<AddressMap> {
    const ssl = await sslOptionsFor(bundle, options);
    const map: AddressMap = new Map();
    await Promise.all(
        bundle.nodes.map(async (n) => {
            const endpoint = await resolvedEndpoint(n);
            const probe = new Client({
                contactPoints: [endpoint],
                localDataCenter: n.datacenter,
                ...(options.username
                    ? {
                          authProvider: new auth.PlainTextAuthProvider(
                              options.username,
                              options.password ?? "",
                          ),
                      }
                    : {}),
                sslOptions: ssl,
                // Talk to this one node only: every other host is ignored, so no connection to an unreachable pod IP is tried.
                policies: {
                    loadBalancing: new policies.loadBalancing.AllowListPolicy(
                        new policies.loadBalancing.DCAwareRoundRobinPolicy(n.datacenter),
                        [endpoint],
                    ),
                },
                pooling: { warmup: false },
            });
            try {
                await probe.connect();
                const host = probe.hosts.get(endpoint);
                const row = (
                    await probe.execute("SELECT rpc_address, rpc_port FROM system.local", [], {
                        host,
                    })
                ).first();
                map.set(`${row.get("rpc_address")}:${row.get("rpc_port") ?? n.port}`, endpoint);
            } finally {
                await probe.shutdown();
            }
        }),
    );
    return map;
}

import { lookup } from "node:dns/promises";
import { Client, ClientOptions, policies, types } from "cassandra-driver";
import type { ClientBundle } from "../../../components/plan/client-bundle";

/**
 * The stock Node.js driver, configured from nothing but a client bundle and the CA: contact
 * points, local datacenter, TLS verified against `serverName`, and an address translator that
 * applies the bundle's map to every node the driver discovers.
 */

// The typings declare an interface, but the driver checks `instanceof` its runtime class.
const AddressTranslator = (
    policies.addressResolution as unknown as {
        AddressTranslator: new () => policies.addressResolution.AddressTranslator;
    }
).AddressTranslator;

/** `host:port` with the host resolved the way the client's system resolves it (here: the namespace's /etc/hosts). */
export async function resolveEndpoint(endpoint: string): Promise<string> {
    const i = endpoint.lastIndexOf(":");
    const { address } = await lookup(endpoint.slice(0, i), { family: 4 });
    return `${address}:${endpoint.slice(i + 1)}`;
}

/**
 * AddressTranslator over `bundle.addressTranslation`, answering with resolved addresses; an
 * unknown node stays untranslated (and unreachable). Resolving matters: the driver resolves
 * contact point names to `ip:port`, so a translator answering `name:port` makes it know one node
 * under two endpoints. After a control-connection failover it then re-adds the node under the
 * other one without rebuilding its token map (driver 4.10: buildTokens runs on first init
 * only), and token-aware routing never picks that node again.
 */
export class BundleAddressTranslator extends AddressTranslator {
    constructor(private readonly bundle: ClientBundle) {
        super();
    }

    translate(address: string, port: number, callback: (endpoint: string) => void): void {
        const key = `${address}:${port}`;
        if (!Object.hasOwn(this.bundle.addressTranslation, key)) {
            callback(key);
            return;
        }
        const via = this.bundle.addressTranslation[key];
        resolveEndpoint(via).then(callback, () => callback(via));
    }
}

export interface ClientPem {
    readonly cert: string;
    readonly key: string;
}

export interface BundleClientOptions {
    readonly ca: string;
    /** A client certificate, for clusters with `tls.requireClientAuth`. */
    readonly clientCert?: ClientPem;
    readonly keyspace?: string;
    /** Defaults to the driver's own (token-aware, datacenter-aware) policy. */
    readonly loadBalancing?: policies.loadBalancing.LoadBalancingPolicy;
    /** Replaces the bundle's contact points (e.g. to talk to one node only). */
    readonly contactPoints?: readonly string[];
    readonly extra?: Partial<ClientOptions>;
}

export function bundleClientOptions(bundle: ClientBundle, o: BundleClientOptions): ClientOptions {
    return {
        contactPoints: [...(o.contactPoints ?? bundle.contactPoints)],
        localDataCenter: bundle.localDataCenter,
        keyspace: o.keyspace,
        policies: {
            addressResolution: new BundleAddressTranslator(bundle),
            // Bounded back-off so a restarted node is retried within seconds, not minutes.
            reconnection: new policies.reconnection.ExponentialReconnectionPolicy(250, 2000, false),
            ...(o.loadBalancing ? { loadBalancing: o.loadBalancing } : {}),
        },
        sslOptions: tlsOptions(bundle.serverName, o.ca, o.clientCert),
        queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
        socketOptions: { connectTimeout: 5000, readTimeout: 12_000 },
        ...o.extra,
    };
}

/** What the driver hands to tls.connect: verification on, against the CA and the entry point name. */
export function tlsOptions(serverName: string, ca: string, clientCert?: ClientPem) {
    return {
        ca: [ca],
        servername: serverName,
        rejectUnauthorized: true,
        ...(clientCert ? { cert: clientCert.cert, key: clientCert.key } : {}),
    };
}

export async function connectBundle(bundle: ClientBundle, o: BundleClientOptions): Promise<Client> {
    const contactPoints = await Promise.all(
        (o.contactPoints ?? bundle.contactPoints).map(resolveEndpoint),
    );
    const client = new Client(bundleClientOptions(bundle, { ...o, contactPoints }));
    try {
        await client.connect();
    } catch (err) {
        await client.shutdown().catch(() => undefined);
        throw err;
    }
    return client;
}

/** The datacenter-local hosts the driver holds open connections to. */
export function connectedHosts(client: Client): string[] {
    return client
        .getState()
        .getConnectedHosts()
        .map((h) => h.address)
        .sort();
}

import { Client, ClientOptions, policies, types } from "cassandra-driver";
import type { ClientBundle } from "../../../components/plan/client-bundle";

/**
 * The stock Node.js driver, configured from nothing but a client bundle and the CA: contact
 * points, local datacenter, TLS verified against `serverName`, and an address translator that
 * applies the bundle's map to every node the driver discovers.
 */

// The typings declare an interface, but the driver checks `instanceof` its runtime class.
const AddressTranslator = (policies.addressResolution as unknown as { AddressTranslator: new () => policies.addressResolution.AddressTranslator })
    .AddressTranslator;

/** AddressTranslator over `bundle.addressTranslation`; an unknown node stays untranslated (and unreachable). */
export class BundleAddressTranslator extends AddressTranslator {
    constructor(private readonly bundle: ClientBundle) {
        super();
    }

    translate(address: string, port: number, callback: (endpoint: string) => void): void {
        const key = `${address}:${port}`;
        callback(Object.hasOwn(this.bundle.addressTranslation, key) ? this.bundle.addressTranslation[key] : key);
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
    const client = new Client(bundleClientOptions(bundle, o));
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

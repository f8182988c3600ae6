import { readFileSync, writeFileSync } from "node:fs";
import type { ClientCertificate } from "../../../components/cassandra-multicluster";
import type { DatacenterStatus } from "../../../components/plan/datacenter-status";
import type { Variant } from "./topology";
import type { PlacedNode } from "./topology";
import type { ExternalClientBundle } from "../../../components/plan/client-bundle";
import type { BundleVariant, DatacenterSpec } from "./product";
import { STATE_FILE } from "./paths";

/** What the global setup started, for the test files (another process) and the teardown. */
export interface E2eState {
    readonly lib: string;
    /** Settings a test replaced on top of the stack file (e.g. a third datacenter); `{}` normally. */
    readonly overrides?: Readonly<Record<string, unknown>>;
    readonly nodes: readonly PlacedNode[];
    /** Per variant and datacenter: the CassandraDatacenter spec the program registered. */
    readonly specs: Readonly<Record<Variant, Readonly<Record<string, DatacenterSpec>>>>;
    /** Per datacenter: its node TLS Secret's data, by Secret name (what the pods mount). Secret. */
    readonly secrets: Readonly<Record<string, Readonly<Record<string, string>>>>;
    /** Per datacenter: what cass-operator would report once it is ready (host IDs, pod IPs, racks), read from the running nodes. */
    readonly statuses: Readonly<Record<string, DatacenterStatus>>;
    /** Pod name → Cassandra host ID, from `statuses`. */
    readonly hostIds: Readonly<Record<string, string>>;
    /** Per datacenter: the seeds a (re)starting node resolves now: its seed-labelled pods and the additional seeds. */
    readonly seeds: Readonly<Record<string, readonly string[]>>;
    /** Pods cass-operator labelled as seeds, in the order it labelled them. */
    readonly seedPods: readonly string[];
    /** Entry point host name → its address in the router namespace. */
    readonly entryAddresses: Readonly<Record<string, string>>;
    /** Pod → the address of its own load balancer in the router namespace (`ingress: loadbalancer`). */
    readonly nodeLoadBalancers: Readonly<Record<string, string>>;
    /** The stack's `clientBundle` output, per way its load balancers report addresses (product.ts). */
    readonly clientBundles: Readonly<Record<BundleVariant, ExternalClientBundle>>;
    /** The stack's `caCertificate` output. */
    readonly caPem: string;
    /** The CA's key (PKCS#8), so tests can issue deliberately wrong certificates from the real CA. */
    readonly caKeyPem: string;
    /** The mutual-TLS variant's `clientCertificates` output. */
    readonly clientCerts: Readonly<Record<string, ClientCertificate>>;
    readonly directPath: boolean;
    readonly sharedPort?: number;
}

export function writeState(s: E2eState): void {
    writeFileSync(STATE_FILE, JSON.stringify(s, null, 2), { mode: 0o600 });
}

export function readState(): E2eState {
    try {
        return JSON.parse(readFileSync(STATE_FILE, "utf8")) as E2eState;
    } catch (err) {
        throw new Error(
            `no e2e environment (${STATE_FILE}): run the tests through "npm run test:e2e" (${String(err)})`,
        );
    }
}

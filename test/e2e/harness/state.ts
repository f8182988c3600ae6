import { readFileSync, writeFileSync } from "node:fs";
import type { PlacedNode } from "./topology";
import { STATE_FILE } from "./paths";

/** What the global setup started, for the test files (another process) and the teardown. */
export interface E2eState {
    readonly lib: string;
    readonly nodes: readonly PlacedNode[];
    /** Pod name → Cassandra host ID, read from the running nodes (cass-operator's status.nodeStatuses). */
    readonly hostIds: Readonly<Record<string, string>>;
    /** Entry point host name → its address in the router namespace. */
    readonly entryAddresses: Readonly<Record<string, string>>;
    readonly caPem: string;
    /** Kept so tests can issue deliberately wrong certificates from the real CA. */
    readonly caKeyPem: string;
    /** Client certificate id (plan.pki.clients[].id) → PEM pair. */
    readonly clientCerts: Readonly<Record<string, { cert: string; key: string }>>;
    readonly directPath: boolean;
    readonly sharedPort?: number;
}

export function writeState(s: E2eState): void {
    writeFileSync(STATE_FILE, JSON.stringify(s, null, 2));
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

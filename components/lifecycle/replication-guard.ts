import * as pulumi from "@pulumi/pulumi";
import type { ExternalClientBundle } from "../plan/client-bundle";
import { KeyspaceReplication, replicationProblems, replicationReport } from "./replication";

/** How the guard reaches the cluster: the stack's own client bundle and superuser. Secret. */
export interface ReplicationGuardContact {
    readonly bundle: ExternalClientBundle;
    /** A datacenter that stays, whose nodes answer. */
    readonly localDataCenter: string;
    readonly username: string;
    readonly password: string;
    /** Needed when the nodes require client certificates. */
    readonly clientCertificate?: { readonly cert: string; readonly key: string };
}

interface Inputs {
    readonly datacenters: readonly string[];
    readonly contact: ReplicationGuardContact;
}

interface Outputs {
    readonly datacenters: readonly string[];
}

/**
 * Reads every keyspace's replication through the stack's own external routes: one node of
 * `localDataCenter` at a time, through its dedicated route, talking to that node only (as
 * `createExternalClient`'s probes do). Everything it uses is required inside it: the provider is
 * serialized into the stack, and a closure over imported modules does not serialize everywhere
 * (node's builtins are native code), while `require` is resolved again in the provider process.
 */
async function readReplication(contact: ReplicationGuardContact): Promise<KeyspaceReplication[]> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const driver = require("cassandra-driver") as typeof import("cassandra-driver");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tls = require("node:tls") as typeof import("node:tls");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dns = require("node:dns/promises") as typeof import("node:dns/promises");
    const local = contact.bundle.nodes.filter((n) => n.datacenter === contact.localDataCenter);
    const failures: string[] = [];
    for (const n of local) {
        const { address } = await dns.lookup(n.externalAddress, { family: 4 });
        const endpoint = `${address}:${n.port}`;
        const client = new driver.Client({
            contactPoints: [endpoint],
            localDataCenter: n.datacenter,
            authProvider: new driver.auth.PlainTextAuthProvider(contact.username, contact.password),
            sslOptions: {
                ca: [contact.bundle.caCertificate],
                rejectUnauthorized: true,
                servername: n.serverName,
                checkServerIdentity: (_host, cert) => tls.checkServerIdentity(n.serverName, cert),
                ...(contact.clientCertificate
                    ? { cert: contact.clientCertificate.cert, key: contact.clientCertificate.key }
                    : {}),
            },
            policies: {
                loadBalancing: new driver.policies.loadBalancing.AllowListPolicy(
                    new driver.policies.loadBalancing.DCAwareRoundRobinPolicy(n.datacenter),
                    [endpoint],
                ),
            },
            pooling: { warmup: false },
        });
        try {
            await client.connect();
            const rs = await client.execute(
                "SELECT keyspace_name, replication FROM system_schema.keyspaces",
                [],
                { host: client.hosts.get(endpoint) },
            );
            return rs.rows.map((r) => ({
                keyspace: r["keyspace_name"] as string,
                replication: r["replication"] as Record<string, string>,
            }));
        } catch (err) {
            failures.push(`${n.pod} through ${endpoint}: ${(err as Error).message}`);
        } finally {
            await client.shutdown();
        }
    }
    throw new Error(failures.join("; ") || `no node of ${contact.localDataCenter} in the bundle`);
}

/**
 * The datacenters leaving the stack (in the previous deployment, not in this one) must not hold
 * replicas of any keyspace when their CassandraDatacenters are deleted, since cass-operator
 * decommissions their nodes with `force=true` (v1.30.0 `pkg/reconciliation/decommission_node.go`
 * → management API `decommission?force=true`), which skips Cassandra's own check.
 */
async function refuseIfReplicated(
    leaving: readonly string[],
    remaining: readonly string[],
    contact: ReplicationGuardContact,
): Promise<void> {
    let keyspaces: KeyspaceReplication[];
    try {
        keyspaces = await readReplication(contact);
    } catch (err) {
        throw new Error(
            `cannot check that no keyspace still replicates to ${leaving.join(", ")} before removing it: reading system_schema.keyspaces through datacenter ${contact.localDataCenter}'s external routes failed (${(err as Error).message}). Run \`pulumi up\` from an address in clientCidrs, where the stack's clientBundle reaches the nodes.`,
        );
    }
    const problems = replicationProblems(keyspaces, leaving, remaining);
    if (problems.length > 0) {
        throw new Error(replicationReport(problems, leaving));
    }
}

/**
 * Runs only in `pulumi up` (a provider's `update`; previews never connect to the cluster): when
 * a datacenter is gone from the stack, it reads the keyspaces' replication from the cluster and
 * fails the update, listing the `ALTER KEYSPACE` statements to run, if any still replicates
 * there. A failed step stops the deployment before the engine deletes the removed datacenter's
 * resources: deletes are generated only after the program's last registration has been handled
 * (pulumi/pulumi pkg/resource/deploy/deployment_executor.go `Execute` → `performDeletes`), and a
 * failed step cancels the deployment first. `pulumi up --continue-on-error` goes on to the
 * deletes, so it bypasses this guard (README "Removing a datacenter").
 */
const provider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: Outputs, news: Inputs) {
        return {
            changes: JSON.stringify(olds.datacenters) !== JSON.stringify(news.datacenters),
        };
    },
    async create(inputs: Inputs) {
        return { id: "replication", outs: { datacenters: inputs.datacenters } };
    },
    async update(_id: string, olds: Outputs, news: Inputs) {
        const leaving = (olds.datacenters ?? []).filter((dc) => !news.datacenters.includes(dc));
        if (leaving.length > 0) {
            await refuseIfReplicated(leaving, news.datacenters, news.contact);
        }
        return { outs: { datacenters: news.datacenters } };
    },
};

export interface ReplicationGuardArgs {
    /** The stack's datacenters, in order. */
    readonly datacenters: readonly string[];
    readonly contact: pulumi.Input<ReplicationGuardContact>;
}

/** The guard's type token (see `LIFECYCLE_GUARD_TYPE`). */
export const REPLICATION_GUARD_TYPE =
    "pulumi-nodejs:dynamic/cassandra-multicluster:ReplicationGuard";

export class ReplicationGuard extends pulumi.dynamic.Resource {
    constructor(name: string, args: ReplicationGuardArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            provider,
            name,
            { datacenters: args.datacenters, contact: pulumi.secret(args.contact) },
            opts,
            "cassandra-multicluster",
            "ReplicationGuard",
        );
    }
}

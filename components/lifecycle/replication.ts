/**
 * Which keyspaces still keep data in datacenters that are leaving the cluster, and the statement
 * that moves each off them. Pure and import-free: the replication guard's provider is serialized
 * into the stack with it (see replication-guard.ts).
 */

/** A row of `system_schema.keyspaces`: the keyspace and its `replication` map. */
export interface KeyspaceReplication {
    readonly keyspace: string;
    readonly replication: Readonly<Record<string, string>>;
}

/** A keyspace that still replicates to a leaving datacenter, and what to run about it. */
export interface ReplicationProblem {
    readonly keyspace: string;
    /** The leaving datacenters it replicates to. */
    readonly datacenters: readonly string[];
    /** The ALTER that moves it off them, or why there is none. */
    readonly statement: string;
}

/**
 * `system_auth` keeps every datacenter that still has nodes: Cassandra refuses to drop one from it
 * ("Following datacenters have active nodes and must be present in replication options for
 * keyspace system_auth", Cassandra 5.0 `NetworkTopologyStrategy.validateExpectedOptions`, met on
 * the e2e's real 5.0.5 nodes), so it moves after the nodes are gone (README "Removing a
 * datacenter", step 4) and is not judged here.
 */
const LEAVES_LAST = "system_auth";

/** Strategies that keep a node's data on that node alone (`system`, `system_schema`). */
const NODE_LOCAL = /(^|\.)LocalStrategy$/;

const quoteKeyspace = (k: string) =>
    /^[a-z][a-z0-9_]*$/.test(k) ? k : `"${k.replace(/"/g, '""')}"`;

function alterTo(keyspace: string, replicas: Readonly<Record<string, string>>): string {
    const pairs = Object.entries(replicas).map(([dc, rf]) => `'${dc}': ${rf}`);
    return `ALTER KEYSPACE ${quoteKeyspace(keyspace)} WITH replication = {'class': 'NetworkTopologyStrategy', ${pairs.join(", ")}};`;
}

/**
 * The keyspaces that replicate to any of `leaving` — NetworkTopologyStrategy with a replica count
 * above zero there, or SimpleStrategy, which places replicas on every datacenter's nodes — with
 * the statement that keeps them in `remaining` only (SimpleStrategy's factor in each).
 */
export function replicationProblems(
    keyspaces: readonly KeyspaceReplication[],
    leaving: readonly string[],
    remaining: readonly string[],
): ReplicationProblem[] {
    const problems: ReplicationProblem[] = [];
    for (const { keyspace, replication } of keyspaces) {
        const strategy = replication["class"] ?? "";
        if (keyspace === LEAVES_LAST || NODE_LOCAL.test(strategy)) {
            continue;
        }
        if (/(^|\.)SimpleStrategy$/.test(strategy)) {
            const rf = replication["replication_factor"] ?? "1";
            problems.push({
                keyspace,
                datacenters: [...leaving],
                statement: alterTo(keyspace, Object.fromEntries(remaining.map((dc) => [dc, rf]))),
            });
            continue;
        }
        const there = leaving.filter((dc) => Number(replication[dc] ?? "0") > 0);
        if (there.length === 0) {
            continue;
        }
        const kept = Object.fromEntries(
            Object.entries(replication).filter(
                ([k, v]) => k !== "class" && !leaving.includes(k) && Number(v) > 0,
            ),
        );
        problems.push({
            keyspace,
            datacenters: there,
            statement:
                Object.keys(kept).length > 0
                    ? alterTo(keyspace, kept)
                    : `-- ${keyspace} has replicas only in ${there.join(", ")}: add replicas elsewhere (and rebuild) or DROP KEYSPACE ${quoteKeyspace(keyspace)}; first`,
        });
    }
    return problems;
}

/** The refusal, with every statement to run, in one message. */
export function replicationReport(
    problems: readonly ReplicationProblem[],
    leaving: readonly string[],
): string {
    return [
        `refusing to remove datacenter(s) ${leaving.join(", ")}: ${problems.length} keyspace(s) still replicate there. cass-operator decommissions with force, so Cassandra will not stop it: once the nodes are gone those replicas no longer exist (requests at ALL or EACH_QUORUM fail; a keyspace kept only there loses its data). Move them off first, e.g. in cqlsh:`,
        ...problems.map((p) => `  ${p.statement}`),
        'then `pulumi up` again (README "Removing a datacenter").',
    ].join("\n");
}

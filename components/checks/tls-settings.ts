/**
 * Whether a CassandraDatacenter's `config` keeps native transport and internode traffic
 * encrypted. Shared by the Datacenter component (early error) and the policy pack (preview), so
 * both judge the same object the same way.
 */

/** Reads `config.cassandra-yaml` from a CassandraDatacenter spec, whether given as an object or as JSON text. */
export function cassandraYamlOf(spec: unknown): Record<string, unknown> | undefined {
    if (spec === null || typeof spec !== "object") {
        return undefined;
    }
    let config = (spec as { config?: unknown }).config;
    if (typeof config === "string") {
        try {
            config = JSON.parse(config);
        } catch {
            return undefined;
        }
    }
    const yaml = (config as Record<string, unknown> | undefined)?.["cassandra-yaml"];
    return yaml !== null && typeof yaml === "object"
        ? (yaml as Record<string, unknown>)
        : undefined;
}

/**
 * Every way the spec lets traffic travel in plaintext. Missing settings count as insecure:
 * Cassandra's own defaults leave both client and internode encryption off.
 */
export function cassandraTlsProblems(spec: unknown): string[] {
    const yaml = cassandraYamlOf(spec) ?? {};
    const client = (yaml.client_encryption_options ?? {}) as Record<string, unknown>;
    const server = (yaml.server_encryption_options ?? {}) as Record<string, unknown>;
    const problems: string[] = [];
    if (client.enabled !== true) {
        problems.push(
            `client_encryption_options.enabled is ${show(client.enabled)}; set it to true so CQL (9042) accepts TLS only`,
        );
    }
    if (client.optional !== false) {
        problems.push(
            `client_encryption_options.optional is ${show(client.optional)}; set it to false so plaintext clients are refused`,
        );
    }
    if (server.internode_encryption !== "all") {
        problems.push(
            `server_encryption_options.internode_encryption is ${show(server.internode_encryption)}; set it to "all" so gossip and streaming between nodes and datacenters are encrypted`,
        );
    }
    return problems;
}

function show(v: unknown): string {
    return v === undefined ? "not set" : JSON.stringify(v);
}

import type { ExternalNode } from "../plan/client-bundle";
import type { ClientFileNames, JavaRoute } from "./client-config";

/**
 * The Java driver's `application.conf` for one datacenter and route. Node lines are
 * `pod = "host:port serverName [hostId]"`, the format `ExternalAccess.ExternalNode` parses.
 * Every node of the cluster is listed, so the translator knows every address the driver reports.
 */
export function javaConf(
    nodes: readonly ExternalNode[],
    localDataCenter: string,
    route: JavaRoute,
    files: ClientFileNames,
): string {
    const target = (n: ExternalNode) =>
        route === "sni"
            ? { hostPort: `${n.externalName}:${n.sniPort}`, name: n.externalName }
            : { hostPort: `${n.externalAddress}:${n.port}`, name: n.serverName };
    const local = nodes.filter((n) => n.datacenter === localDataCenter);
    const routeNote =
        route === "sni"
            ? [
                  "# Route: every node by its own name on port 9042 of its datacenter's entry point (SNI).",
                  "# The names must resolve to the entry point (the stack's DNS records, or your own).",
              ]
            : [
                  "# Route: every node through an address of its own: its dedicated port on its",
                  "# datacenter's entry point, or its own load balancer.",
              ];
    const tls = [
        `    ca-certificate = ${quote(files.ca)}`,
        ...(files.clientCertificate && files.clientKey
            ? [
                  `    client-certificate = ${quote(files.clientCertificate)}`,
                  `    client-key = ${quote(files.clientKey)}`,
              ]
            : []),
    ];
    return [
        `# Java driver 4.x (com.datastax.oss or org.apache.cassandra java-driver-core), datacenter`,
        `# ${localDataCenter}; written by \`npm run client-config\` from the stack's clientBundle.`,
        "# Compile java/cassandramulticluster/ExternalAccess.java into the application unchanged, put",
        "# this file on the classpath as application.conf (or run with -Dconfig.file=<this file>), and",
        "# create the session with CqlSession.builder().build(). File paths are relative to the",
        "# application's working directory. Credentials: CASSANDRA_USERNAME / CASSANDRA_PASSWORD.",
        ...routeNote,
        "datastax-java-driver {",
        `  basic.contact-points = [${local.map((n) => quote(target(n).hostPort)).join(", ")}]`,
        `  basic.load-balancing-policy.local-datacenter = ${quote(localDataCenter)}`,
        "  # Names stay names: the driver resolves them on every connection (ContactPoints.extract).",
        "  advanced.resolve-contact-points = false",
        "  advanced.address-translator {",
        `    class = ${quote("cassandramulticluster.ExternalAccess$Translator")}`,
        '    # pod = "host:port serverName [hostId]": where each node is reached, and the name its',
        "    # certificate is checked against there.",
        "    nodes {",
        ...nodes.map((n) => {
            const t = target(n);
            return `      ${quote(n.pod)} = ${quote([t.hostPort, t.name, n.hostId].filter(Boolean).join(" "))}`;
        }),
        "    }",
        "  }",
        "  advanced.ssl-engine-factory {",
        `    class = ${quote("cassandramulticluster.ExternalAccess$Ssl")}`,
        ...tls,
        "  }",
        "  advanced.auth-provider {",
        "    class = PlainTextAuthProvider",
        "    username = ${?CASSANDRA_USERNAME}",
        "    password = ${?CASSANDRA_PASSWORD}",
        "  }",
        "  basic.request.consistency = LOCAL_QUORUM",
        "}",
        "",
    ].join("\n");
}

/** A HOCON quoted string (JSON string syntax, which HOCON accepts). */
function quote(s: string): string {
    return JSON.stringify(s);
}

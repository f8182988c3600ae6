import type { ExternalClientBundle, ExternalNode } from "../plan/client-bundle";

/**
 * Ready-to-use settings for clients other than Node.js, from the stack's `clientBundle`. Every
 * file connects through the nodes' external addresses with certificate verification on.
 */
export function clientConfigFiles(
    bundle: ExternalClientBundle,
    localDataCenter: string,
): Record<string, string> {
    const local = bundle.nodes.filter((n) => n.datacenter === localDataCenter);
    if (local.length === 0) {
        throw new Error(
            `datacenter "${localDataCenter}" is not in the bundle; it has ${bundle.datacenters.join(", ")}`,
        );
    }
    return {
        "ca.pem": bundle.caCertificate,
        "application.conf": javaConf(local, localDataCenter),
        "python_client.py": pythonSnippet(bundle, local, localDataCenter),
        cqlshrc: cqlshrc(local[0]),
        "node_client.ts": nodeSnippet(localDataCenter),
    };
}

const endpoint = (n: ExternalNode) => `${n.externalAddress}:${n.port}`;

function javaConf(local: readonly ExternalNode[], dc: string): string {
    return `# DataStax Java driver 4.x. The driver reads PKCS12 trust stores, not PEM:
#   keytool -importcert -noprompt -alias cassandra-ca -file ca.pem -keystore truststore.p12 -storetype PKCS12 -storepass changeit
# Each contact point reaches one node through its own external address, so hostname
# validation checks that node's certificate against the name it is reached by.
# The driver learns the other nodes by their pod addresses, which are not reachable from
# outside: set advanced.address-translator.class to a translator that maps each node's
# rpc_address (SELECT rpc_address FROM system.local through each contact point) to its
# contact point, as the Node.js createExternalClient does, or use the Python SNI mode.
datastax-java-driver {
  basic.contact-points = [${local.map((n) => `"${endpoint(n)}"`).join(", ")}]
  basic.load-balancing-policy.local-datacenter = "${dc}"
  advanced.ssl-engine-factory {
    class = DefaultSslEngineFactory
    hostname-validation = true
    truststore-path = "truststore.p12"
    truststore-password = "changeit"
  }
  advanced.auth-provider {
    class = PlainTextAuthProvider
    username = \${?CASSANDRA_USERNAME}
    password = \${?CASSANDRA_PASSWORD}
  }
}
`;
}

function pythonSnippet(
    bundle: ExternalClientBundle,
    local: readonly ExternalNode[],
    dc: string,
): string {
    const entry = local[0];
    return `# Python cassandra-driver: per-node SNI through the shared entry point (the SNI layers). The
# driver's SniEndPoint sends each node's host ID as SNI and would check the certificate against
# that ID, so hostname checking is off here and the CA chain is verified; check the entry point's
# name on the certificate after connecting if you need it. Nodes the driver discovers are
# addressed by host ID, so the routes must carry host IDs (they do once cass-operator reports them).
import os
import ssl

from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster
from cassandra.connection import SniEndPoint, SniEndPointFactory
from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy

PROXY = "${entry.externalAddress}"
PORT = 9042
NODES = [${local.map((n) => `"${n.externalName}"`).join(", ")}]

context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.load_verify_locations("ca.pem")
# Every node certificate carries the entry point's name (${entry.serverName}); see above.
context.check_hostname = False
context.verify_mode = ssl.CERT_REQUIRED

cluster = Cluster(
    contact_points=[SniEndPoint(PROXY, name, PORT) for name in NODES],
    endpoint_factory=SniEndPointFactory(PROXY, PORT),
    ssl_context=context,
    auth_provider=PlainTextAuthProvider(os.environ["CASSANDRA_USERNAME"], os.environ["CASSANDRA_PASSWORD"]),
    load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc="${dc}")),
)
session = cluster.connect()
print(session.execute("SELECT cluster_name FROM system.local").one())  # ${bundle.clusterName}
`;
}

function cqlshrc(n: ExternalNode): string {
    return `; cqlsh sends no SNI: it talks to one node through that node's own address and port.
[connection]
hostname = ${n.externalAddress}
port = ${n.port}
ssl = true

[ssl]
certfile = ca.pem
validate = true
`;
}

function nodeSnippet(dc: string): string {
    return `// Node.js: the package's createExternalClient reaches every node through the ingress and
// keeps working when pods move (see the README, "Connecting from outside").
import { readFileSync } from "node:fs";
import { createExternalClient } from "cassandra-multicluster/client";

const bundle = JSON.parse(readFileSync("bundle.json", "utf8")); // pulumi stack output clientBundle --json
const client = await createExternalClient(bundle, {
    localDataCenter: "${dc}",
    username: process.env.CASSANDRA_USERNAME,
    password: process.env.CASSANDRA_PASSWORD,
});
console.log((await client.execute("SELECT release_version FROM system.local")).first());
`;
}

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ExternalClientBundle, ExternalNode } from "../plan/client-bundle";
import { javaConf } from "./java-config";

/**
 * The files `npm run client-config` writes for applications outside the clusters: per driver,
 * a configuration read from the stack's `clientBundle`, and for Java and Python a small source
 * file used unchanged (components/client/java, components/client/python).
 */

/** The application certificate to present when the cluster requires client certificates. */
export interface ClientCertificateFiles {
    readonly certPem: string;
    /** PKCS#8 PEM (the stack's `clientCertificates` output). Secret. */
    readonly keyPem: string;
}

export interface ClientConfigOptions {
    readonly localDataCenter: string;
    readonly clientCertificate?: ClientCertificateFiles;
}

/** Names of the PEM files the configurations point at, relative to the output directory. */
export interface ClientFileNames {
    readonly ca: string;
    readonly clientCertificate?: string;
    readonly clientKey?: string;
}

/** "node": each node through its own address; "sni": each node by name on the shared entry point. */
export type JavaRoute = "node" | "sni";

/** Output file name → content. `SECRET_FILES` lists the ones to write readable by the owner only. */
export type ClientFiles = Record<string, string>;

export const SECRET_FILES = ["client-key.pem"];

/** Every problem with the bundle or options, in one report, before any file is written. */
export class ClientConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`cannot write client configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ClientConfigError";
    }
}

export function clientConfigFiles(
    bundle: ExternalClientBundle,
    options: ClientConfigOptions,
): ClientFiles {
    const problems = checkBundle(bundle, options);
    if (problems.length > 0) {
        throw new ClientConfigError(problems);
    }
    const dc = options.localDataCenter;
    const files: ClientFileNames = options.clientCertificate
        ? { ca: "ca.pem", clientCertificate: "client.pem", clientKey: "client-key.pem" }
        : { ca: "ca.pem" };
    const local = bundle.nodes.filter((n) => n.datacenter === dc);
    const sni = bundle.nodes.every((n) => n.sniPort !== undefined);
    return {
        "ca.pem": bundle.caCertificate,
        ...(options.clientCertificate
            ? {
                  "client.pem": options.clientCertificate.certPem,
                  "client-key.pem": options.clientCertificate.keyPem,
              }
            : {}),
        "application.conf": javaConf(bundle.nodes, dc, "node", files),
        ...(sni ? { "application-sni.conf": javaConf(bundle.nodes, dc, "sni", files) } : {}),
        "java/cassandramulticluster/ExternalAccess.java": source(
            "java/cassandramulticluster/ExternalAccess.java",
        ),
        "client.json": `${JSON.stringify(pythonConfig(bundle, dc, files), null, 2)}\n`,
        "cassandra_multicluster.py": source("python/cassandra_multicluster.py"),
        cqlshrc: cqlshrc(local, files),
        "node_client.ts": nodeSnippet(dc, files),
    };
}

function checkBundle(bundle: ExternalClientBundle, o: ClientConfigOptions): string[] {
    const problems: string[] = [];
    if (!bundle || !Array.isArray(bundle.nodes) || !Array.isArray(bundle.datacenters)) {
        return [
            "the bundle is not a clientBundle (pulumi stack output clientBundle --json); it has no nodes",
        ];
    }
    if (!/-----BEGIN CERTIFICATE-----/.test(bundle.caCertificate ?? "")) {
        problems.push("the bundle has no CA certificate (caCertificate)");
    }
    if (bundle.nodes.length === 0) {
        problems.push(
            "the bundle lists no node: the stack has no routes (ingress: none, or no externalDomain)",
        );
    } else if (!bundle.nodes.some((n) => n.datacenter === o.localDataCenter)) {
        problems.push(
            `datacenter "${o.localDataCenter}" has no node in the bundle; it has ${bundle.datacenters.join(", ")}`,
        );
    }
    const without = (what: string, missing: (n: ExternalNode) => boolean) => {
        const pods = bundle.nodes.filter(missing).map((n) => n.pod);
        if (pods.length > 0) {
            problems.push(`${what}: ${pods.join(", ")}`);
        }
    };
    without(
        "no external address (the ingress had none when the stack was last updated; run `pulumi up --refresh` once it has one)",
        (n) => !n.externalAddress,
    );
    without("no valid port", (n) => !Number.isInteger(n.port) || n.port < 1 || n.port > 65535);
    without("no name to verify the certificate against (serverName)", (n) => !n.serverName);
    without(
        "no host ID (cass-operator had not reported it when the stack was last updated; run `pulumi up --refresh` once the datacenters are ready)",
        (n) => !n.hostId,
    );
    const cert = o.clientCertificate;
    if (cert) {
        if (!/-----BEGIN CERTIFICATE-----/.test(cert.certPem ?? "")) {
            problems.push("the client certificate is not a PEM certificate");
        }
        if (!/-----BEGIN PRIVATE KEY-----/.test(cert.keyPem ?? "")) {
            problems.push("the client key is not a PKCS#8 PEM key (BEGIN PRIVATE KEY)");
        }
    }
    return problems;
}

/** What `cassandra_multicluster.py` reads: the nodes, and file names relative to client.json. */
function pythonConfig(bundle: ExternalClientBundle, dc: string, files: ClientFileNames) {
    return {
        clusterName: bundle.clusterName,
        localDataCenter: dc,
        caCertificate: files.ca,
        ...(files.clientCertificate
            ? { clientCertificate: files.clientCertificate, clientKey: files.clientKey }
            : {}),
        nodes: bundle.nodes.map((n) => ({
            pod: n.pod,
            datacenter: n.datacenter,
            hostId: n.hostId,
            externalAddress: n.externalAddress,
            port: n.port,
            serverName: n.serverName,
            externalName: n.externalName,
            ...(n.sniPort !== undefined ? { sniPort: n.sniPort } : {}),
        })),
    };
}

/**
 * cqlsh (PyPI cqlsh 6.2.2) talks to the one host it is given (cqlshmain.py: a
 * WhiteListRoundRobinPolicy of that host) and sends no SNI, so it goes through one node's own
 * address. It checks the CA but not the host name: cqlshlib/sslhandling.py `ssl_settings`
 * passes no `check_hostname`, which cassandra-driver 3.30.1 then leaves off
 * (`Connection._build_ssl_context_from_options`).
 */
function cqlshrc(local: readonly ExternalNode[], files: ClientFileNames): string {
    const [first, ...others] = local;
    return [
        "; cqlsh for datacenter " +
            first.datacenter +
            ", through one node's own address. cqlsh sends",
        "; no SNI and checks the CA, not the host name. Another node: cqlsh --cqlshrc cqlshrc <host> <port>",
        ...others.map((n) => `;   ${n.pod}: ${n.externalAddress} ${n.port}`),
        "; File paths are relative to the working directory.",
        "[connection]",
        `hostname = ${first.externalAddress}`,
        `port = ${first.port}`,
        "ssl = true",
        "",
        "[ssl]",
        `certfile = ${files.ca}`,
        "validate = true",
        ...(files.clientCertificate
            ? [`usercert = ${files.clientCertificate}`, `userkey = ${files.clientKey}`]
            : []),
        "",
    ].join("\n");
}

function nodeSnippet(dc: string, files: ClientFileNames): string {
    const cert = files.clientCertificate
        ? `\n    clientCertificate: {\n        cert: readFileSync("${files.clientCertificate}", "utf8"),\n        key: readFileSync("${files.clientKey}", "utf8"),\n    },`
        : "";
    return `// Node.js: createExternalClient reaches every node through its own address and keeps working
// when pods move (README, "Connecting from outside").
import { readFileSync } from "node:fs";
import { createExternalClient } from "cassandra-multicluster/client";

const bundle = JSON.parse(readFileSync("bundle.json", "utf8")); // pulumi stack output clientBundle --json
const client = await createExternalClient(bundle, {
    localDataCenter: "${dc}",
    username: process.env.CASSANDRA_USERNAME,
    password: process.env.CASSANDRA_PASSWORD,${cert}
});
console.log((await client.execute("SELECT release_version FROM system.local")).first());
`;
}

/** A source file shipped with the package (components/client/<path>), from the TypeScript tree or the built one. */
function source(path: string): string {
    let dir = __dirname;
    for (;;) {
        try {
            return readFileSync(join(dir, "components", "client", path), "utf8");
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "ENOENT" || dirname(dir) === dir) {
                throw err;
            }
            dir = dirname(dir);
        }
    }
}

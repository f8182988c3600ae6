/**
 * `npm run client-config -- --bundle <bundle.json> --dc <datacenter> [--out <dir>]
 *  [--client-certificates <certs.json> --client <name>]`: writes, for applications outside the
 * clusters, ca.pem, the Java driver's application.conf (and application-sni.conf behind a shared
 * entry point) with java/cassandramulticluster/ExternalAccess.java, the Python driver's
 * client.json with cassandra_multicluster.py, a cqlshrc and a Node.js snippet.
 * Get the inputs with `pulumi stack output clientBundle --json > bundle.json` and, with mutual
 * TLS, `pulumi stack output clientCertificates --show-secrets --json > certs.json`.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
    ClientCertificateFiles,
    ClientConfigError,
    clientConfigFiles,
    SECRET_FILES,
} from "../components/client/client-config";
import type { ExternalClientBundle } from "../components/plan/client-bundle";

const USAGE =
    "usage: npm run client-config -- --bundle <bundle.json> --dc <datacenter> [--out <dir>] [--client-certificates <certs.json> --client <name>]";

function main(): number {
    const { values } = parseArgs({
        options: {
            bundle: { type: "string" },
            dc: { type: "string" },
            out: { type: "string" },
            "client-certificates": { type: "string" },
            client: { type: "string" },
        },
    });
    if (!values.bundle || !values.dc || !values["client-certificates"] !== !values.client) {
        console.error(USAGE);
        return 2;
    }
    const bundle = readJson(values.bundle) as ExternalClientBundle;
    let clientCertificate: ClientCertificateFiles | undefined;
    if (values.client) {
        const certs = readJson(values["client-certificates"] as string) as Record<
            string,
            ClientCertificateFiles
        >;
        clientCertificate = certs?.[values.client];
        if (!clientCertificate) {
            console.error(
                `no client certificate "${values.client}" in ${values["client-certificates"]}; it has ${Object.keys(certs ?? {}).join(", ") || "none"}`,
            );
            return 2;
        }
    }
    let files: Record<string, string>;
    try {
        files = clientConfigFiles(bundle, { localDataCenter: values.dc, clientCertificate });
    } catch (err) {
        if (err instanceof ClientConfigError) {
            console.error(err.message);
            return 1;
        }
        throw err;
    }
    const out = resolve(values.out ?? join("out", "client", values.dc));
    for (const [file, text] of Object.entries(files)) {
        const path = join(out, file);
        mkdirSync(dirname(path), { recursive: true });
        const secret = SECRET_FILES.includes(file);
        writeFileSync(path, text, { mode: secret ? 0o600 : 0o644 });
        if (secret) {
            chmodSync(path, 0o600); // also when the file existed with wider permissions
        }
        console.log(`wrote ${path}`);
    }
    return 0;
}

function readJson(path: string): unknown {
    try {
        return JSON.parse(readFileSync(path, "utf8"));
    } catch (err) {
        console.error(`cannot read ${path}: ${(err as Error).message}`);
        process.exit(2);
    }
}

process.exitCode = main();

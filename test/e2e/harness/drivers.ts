import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { run } from "./exec";
import { javaDriverLib } from "./maven";
import { PROJECT_DIR, PYTHON, RUN_DIR } from "./paths";
import type { BundleVariant } from "./product";
import type { E2eState } from "./state";
import { Workload } from "./workload";

/**
 * The three stock drivers as an application outside the clusters runs them, configured only
 * by what `npm run client-config` writes from the stack's outputs (the e2e's clientBundle and
 * clientCertificates): Java (CqlSession.builder().build() with application.conf and the
 * generated ExternalAccess), Python (the generated cassandra_multicluster module and
 * client.json) and Node.js (createExternalClient with the bundle). cqlsh uses the generated
 * cqlshrc.
 */

export type Driver = "java" | "python" | "node";
export type Route = "node" | "sni";

export interface ClientSetup {
    readonly bundle: BundleVariant;
    readonly dc: string;
    /** A `clientCertificates` entry to present (mutual TLS). */
    readonly clientCertificate?: string;
}

/** Runs the real `npm run client-config` into a fresh directory; returns it. */
export function clientConfig(state: E2eState, setup: ClientSetup): string {
    const dir = join(
        RUN_DIR,
        "clients",
        [setup.bundle, setup.dc, setup.clientCertificate].filter(Boolean).join("-"),
    );
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "bundle.json"), JSON.stringify(state.clientBundles[setup.bundle]));
    const certArgs = setup.clientCertificate
        ? ["--client-certificates", join(dir, "certs.json"), "--client", setup.clientCertificate]
        : [];
    if (setup.clientCertificate) {
        writeFileSync(join(dir, "certs.json"), JSON.stringify(state.clientCerts), { mode: 0o600 });
    }
    const r = spawnSync(
        "npm",
        [
            "run",
            "-s",
            "client-config",
            "--",
            "--bundle",
            join(dir, "bundle.json"),
            "--dc",
            setup.dc,
            "--out",
            dir,
            ...certArgs,
        ],
        { cwd: PROJECT_DIR, encoding: "utf8" },
    );
    if (r.status !== 0) {
        throw new Error(`npm run client-config failed (${r.status}): ${r.stderr || r.stdout}`);
    }
    return dir;
}

const JAVA_CLASSES = join(RUN_DIR, "java-classes");
const JAVA_DEBUG_LOGGERS = [
    "com.datastax.oss.driver.internal.core.metadata.NodeStateManager",
    "com.datastax.oss.driver.internal.core.session.PoolManager",
    "com.datastax.oss.driver.internal.core.pool.ChannelPool",
    "com.datastax.oss.driver.internal.core.control.ControlConnection",
];
const GENERATED_JAVA = "java/cassandramulticluster/ExternalAccess.java";
let compiledSource: string | undefined;

/**
 * The classpath of the Java application: the driver, and ExternalAccess.java exactly as the
 * first configuration directory holds it, compiled with the e2e's Workload. Every later
 * directory must hold the same file (it is used unchanged).
 */
function javaClasspath(dir: string): string {
    const source = readFileSync(join(dir, GENERATED_JAVA), "utf8");
    if (compiledSource === undefined) {
        const lib = javaDriverLib();
        rmSync(JAVA_CLASSES, { recursive: true, force: true });
        mkdirSync(JAVA_CLASSES, { recursive: true });
        run("javac", [
            "-Xlint:all",
            "-Werror",
            "-d",
            JAVA_CLASSES,
            "-cp",
            `${lib}/*`,
            join(dir, GENERATED_JAVA),
            resolve(PROJECT_DIR, "test/e2e/clients/Workload.java"),
        ]);
        compiledSource = source;
    } else if (source !== compiledSource) {
        throw new Error(`${join(dir, GENERATED_JAVA)} differs from the one compiled first`);
    }
    return `${javaDriverLib()}/*:${JAVA_CLASSES}`;
}

export interface StartOptions {
    readonly route?: Route;
    /** Java: another configuration file in the directory (e.g. an edited copy). */
    readonly javaConf?: string;
}

/** Starts `driver`'s application against the configuration in `dir`. */
export function startDriver(
    driver: Driver,
    dir: string,
    dc: string,
    o: StartOptions = {},
): Promise<Workload> {
    const route = o.route ?? "node";
    const name = `${driver} (${route} route, ${dir.split("/").pop()})`;
    switch (driver) {
        case "java":
            return Workload.start(
                name,
                "java",
                [
                    "-cp",
                    javaClasspath(dir),
                    `-Dconfig.file=${join(dir, o.javaConf ?? (route === "sni" ? "application-sni.conf" : "application.conf"))}`,
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-Dorg.slf4j.simpleLogger.showDateTime=true",
                    "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                    // Node states, pools and the control connection, so a failed request or a
                    // node the driver never sees again can be explained from the failure message.
                    ...JAVA_DEBUG_LOGGERS.map((l) => `-Dorg.slf4j.simpleLogger.log.${l}=debug`),
                    "Workload",
                ],
                { cwd: dir },
            );
        case "python":
            if (!existsSync(PYTHON)) {
                throw new Error(`${PYTHON} is missing: run "bash scripts/e2e/setup.sh" first`);
            }
            return Workload.start(
                name,
                PYTHON,
                [
                    resolve(PROJECT_DIR, "test/e2e/clients/workload.py"),
                    join(dir, "client.json"),
                    route,
                ],
                { cwd: dir, env: { PYTHONPATH: dir } },
            );
        case "node": {
            if (route !== "node") {
                throw new Error(
                    "createExternalClient reaches nodes through their own addresses only",
                );
            }
            const cert = existsSync(join(dir, "client.pem"))
                ? [join(dir, "client.pem"), join(dir, "client-key.pem")]
                : [];
            return Workload.start(
                name,
                resolve(PROJECT_DIR, "node_modules/.bin/tsx"),
                [
                    resolve(PROJECT_DIR, "test/e2e/clients/workload.ts"),
                    join(dir, "bundle.json"),
                    dc,
                    ...cert,
                ],
                { cwd: dir },
            );
        }
    }
}

/**
 * The real cqlsh (PyPI cqlsh 6.2.2) with the generated cqlshrc, run in the configuration's
 * directory; from `.e2e/cqlsh-venv` (cassandra-driver 3.28.0, as the README installs it) unless
 * `venv` names the driver tests' `.e2e/venv` (cassandra-driver 3.30.1).
 */
export function cqlsh(
    dir: string,
    statement: string,
    venv: "cqlsh-venv" | "venv" = "cqlsh-venv",
): { status: number | null; output: string } {
    const r = spawnSync(
        resolve(PROJECT_DIR, `.e2e/${venv}/bin/cqlsh`),
        ["--cqlshrc", join(dir, "cqlshrc"), "-e", statement],
        { cwd: dir, encoding: "utf8", timeout: 60_000, env: { ...process.env, HOME: dir } },
    );
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

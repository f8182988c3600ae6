import { spawn } from "node:child_process";
import {
    closeSync,
    existsSync,
    fstatSync,
    mkdirSync,
    openSync,
    readdirSync,
    readFileSync,
    readSync,
    rmSync,
    statSync,
    writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { alive, run, waitFor } from "./exec";
import { progress } from "./log";
import { NS } from "./netns";
import { PID_DIR, RUN_DIR } from "./paths";
import { cassandraPathOnHost, preparePod } from "./pod";
import type { DatacenterSpec } from "./product";
import type { PlacedNode } from "./topology";

/**
 * One real Apache Cassandra node: `org.apache.cassandra.service.CassandraDaemon` from the
 * Maven classpath, in the cluster namespace on its pod address. Its key and certificates are
 * the files the pod's init container picks out of the program's node Secret, and its
 * cassandra.yaml takes the settings of the CassandraDatacenter the program registered
 * (`spec.config.cassandra-yaml`, merged as cass-operator's config builder merges it) over a
 * laptop-sized base; only the container paths become paths on this machine.
 */

/** From conf/jvm17-server.options of Apache Cassandra 5.0: JDK 17 closes these internals by default. */
const JDK17_OPTIONS = [
    "-Djdk.attach.allowAttachSelf=true",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
    "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
    "--add-exports=java.sql/java.sql=ALL-UNNAMED",
    "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
    "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dio.netty.allocator.useCacheForAllThreads=true",
    "-Dio.netty.allocator.maxOrder=11",
];

/**
 * Small heaps: four JVMs must fit two cores and a few GiB. C1 only: C2's compiler threads
 * double startup time here and starve the running nodes while another one starts or restarts.
 */
const JVM_SIZING = [
    "-Xms384m",
    "-Xmx384m",
    "-Xss256k",
    "-XX:+UseG1GC",
    "-XX:TieredStopAtLevel=1",
    "-XX:MaxDirectMemorySize=256m",
    "-XX:+ExitOnOutOfMemoryError",
];

/**
 * A fresh test cluster: no gossip settling delay; the memtable overhead estimate (100k rows by
 * default, ~6 s on this machine) measured on a sample; no fsync (a killed JVM's writes are still
 * in the page cache). The ring delay also bounds a restarting node's first gossip round with the
 * seeds, which under load needs more than a second. Schema changes keep being flushed at once:
 * without that, a crashed node replays its commit log before it knows the tables, and drops it.
 */
const FAST_START = [
    "-Dcassandra.skip_wait_for_gossip_to_settle=0",
    "-Dcassandra.ring_delay_ms=10000",
    "-Dcassandra.superuser_setup_delay_ms=0",
    "-Dcassandra.memtable_row_overhead_computation_step=100",
    "-Dcassandra.skip_sync=true",
    "-Djava.net.preferIPv4Stack=true",
];

export interface NodeConfig {
    readonly node: PlacedNode;
    readonly clusterName: string;
    readonly seeds: readonly string[];
    readonly lib: string;
    /** The node's datacenter as the program registered it. */
    readonly spec: DatacenterSpec;
}

/**
 * What of `spec.config.cassandra-yaml` the node runs with. Settings the program adds must be
 * listed here, applied or not with the reason, so none is silently left out of the test.
 */
const SPEC_SETTINGS: Readonly<Record<string, "applied" | string>> = {
    client_encryption_options: "applied",
    server_encryption_options: "applied",
    num_tokens: "applied",
    allocate_tokens_for_local_replication_factor: "applied",
    storage_compatibility_mode: "applied",
    sstable: "applied",
    authenticator:
        "not applied: the superuser it needs is created by cass-operator through its management API, which does not run here; clients here connect without credentials",
    authorizer: "not applied: follows the authenticator",
};

export function nodeDir(podName: string): string {
    return join(RUN_DIR, "nodes", podName);
}

function pidFile(podName: string): string {
    return join(PID_DIR, `${podName}.pid`);
}

export function logFile(podName: string): string {
    return join(nodeDir(podName), "system.log");
}

/** The spec's cassandra-yaml settings this node applies, with container paths mapped to this machine. */
export function specSettings(c: NodeConfig): Record<string, unknown> {
    const yaml = (c.spec.config?.["cassandra-yaml"] ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(yaml)) {
        const decision = SPEC_SETTINGS[key];
        if (decision === undefined) {
            throw new Error(
                `the CassandraDatacenter sets cassandra-yaml "${key}", which the e2e harness neither applies nor lists (SPEC_SETTINGS)`,
            );
        }
        if (decision === "applied") {
            out[key] = mapPaths(value, (p) =>
                cassandraPathOnHost(c.spec, nodeDir(c.node.podName), p),
            );
        }
    }
    return out;
}

/** Every string that is an absolute path, mapped; everything else as is. */
function mapPaths(value: unknown, map: (path: string) => string): unknown {
    if (typeof value === "string") {
        return value.startsWith("/") ? map(value) : value;
    }
    if (Array.isArray(value)) {
        return value.map((v) => mapPaths(v, map));
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapPaths(v, map)]));
    }
    return value;
}

/** cassandra.yaml for the node: the spec's settings over a base sized for a laptop. */
export function cassandraYaml(c: NodeConfig): Record<string, unknown> {
    const dir = nodeDir(c.node.podName);
    return {
        cluster_name: c.clusterName,
        partitioner: "org.apache.cassandra.dht.Murmur3Partitioner",
        endpoint_snitch: "GossipingPropertyFileSnitch",
        seed_provider: [
            {
                class_name: "org.apache.cassandra.locator.SimpleSeedProvider",
                parameters: [{ seeds: c.seeds.join(",") }],
            },
        ],
        listen_address: c.node.ip,
        rpc_address: c.node.ip,
        storage_port: 7000,
        native_transport_port: 9042,
        // Every node of a fresh test cluster owns its random tokens at once; nothing to stream.
        auto_bootstrap: false,
        data_file_directories: [join(dir, "data")],
        commitlog_directory: join(dir, "commitlog"),
        saved_caches_directory: join(dir, "saved_caches"),
        hints_directory: join(dir, "hints"),
        cdc_raw_directory: join(dir, "cdc_raw"),
        commitlog_sync: "periodic",
        commitlog_sync_period: "10000ms",
        concurrent_reads: 4,
        concurrent_writes: 4,
        concurrent_counter_writes: 2,
        // Two cores carry four nodes, their clients and the routers. A node that has just
        // restarted here spends seconds catching up (a 13-21 s "local pause" at startup): in a
        // renewal roll measured here the nodes dropped 30 mutations and 12 mutation responses
        // whose 2 s timeout (Cassandra's default) expired in their queues, and a write can then
        // fail with a server-side WriteTimeout (once in eight CI runs: 3 writes in the CA
        // rotation), which a worker of its own would not cause. With 5 s the same roll dropped
        // none; the wait shows as latency, which the workloads report per phase (`slowestMs`).
        write_request_timeout: "5000ms",
        concurrent_compactors: 1,
        memtable_heap_space: "32MiB",
        memtable_offheap_space: "32MiB",
        key_cache_size: "8MiB",
        ...specSettings(c),
    };
}

/**
 * Writes the node's conf directory (yaml, rack/dc, logback) and prepares its pod: the Secret's
 * files and the init containers' work, from the program's Secrets (`secrets`, by Secret name).
 */
export function writeNodeConfig(
    c: NodeConfig,
    secrets: Readonly<Record<string, Readonly<Record<string, string>>>>,
): void {
    const dir = nodeDir(c.node.podName);
    for (const sub of ["conf", "data", "commitlog", "saved_caches", "hints", "cdc_raw"]) {
        mkdirSync(join(dir, sub), { recursive: true });
    }
    preparePod(c.spec, c.node.podName, secrets, dir);
    writeFileSync(join(dir, "conf", "cassandra.yaml"), stringify(cassandraYaml(c)));
    writeFileSync(
        join(dir, "conf", "cassandra-rackdc.properties"),
        `dc=${c.node.datacenter}\nrack=${c.node.rack}\n`,
    );
    writeFileSync(
        join(dir, "conf", "logback.xml"),
        `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
`,
    );
}

export function nodePid(podName: string): number | undefined {
    const f = pidFile(podName);
    if (!existsSync(f)) {
        return undefined;
    }
    const pid = Number(readFileSync(f, "utf8"));
    return alive(pid) ? pid : undefined;
}

/** The node's local JMX port: unique per pod address in the cluster namespace (7000 + 100·third octet + last octet). */
export function jmxPort(node: PlacedNode): number {
    const [, , third, last] = node.ip.split(".").map(Number);
    return 7000 + 100 * third + last;
}

/**
 * `nodetool <args>` against one node, as the management API runs the same operations for
 * cass-operator (its rebuild and decommission endpoints call StorageService like nodetool does).
 */
export function nodetool(c: NodeConfig, args: readonly string[]): string {
    return run("ip", [
        "netns",
        "exec",
        NS.cluster,
        "java",
        "-Xmx256m",
        ...JDK17_OPTIONS,
        "-cp",
        `${c.lib}/*`,
        "org.apache.cassandra.tools.NodeTool",
        "-h",
        "127.0.0.1",
        "-p",
        String(jmxPort(c.node)),
        ...args,
    ]);
}

/** Starts the JVM (detached, so a restart from a test process outlives it) and returns its pid. */
export function startNode(c: NodeConfig): number {
    const dir = nodeDir(c.node.podName);
    const conf = join(dir, "conf");
    mkdirSync(PID_DIR, { recursive: true });
    const out = openSync(logFile(c.node.podName), "a");
    const args = [
        "netns",
        "exec",
        NS.cluster,
        "java",
        ...JVM_SIZING,
        ...JDK17_OPTIONS,
        ...FAST_START,
        `-Dcassandra.config=file://${join(conf, "cassandra.yaml")}`,
        // Local JMX for nodetool, which stands in for the management API's operations
        // (rebuild, decommission) that cass-operator calls; a port per node in the shared namespace.
        `-Dcassandra.jmx.local.port=${jmxPort(c.node)}`,
        `-Dlogback.configurationFile=file://${join(conf, "logback.xml")}`,
        `-Dcassandra.logdir=${dir}`,
        `-Dcassandra.storagedir=${dir}`,
        "-Dcassandra-foreground=yes",
        "-cp",
        `${conf}:${c.lib}/*`,
        "org.apache.cassandra.service.CassandraDaemon",
    ];
    // ip-netns-exec execs java in place, so this pid is the JVM's.
    const child = spawn("ip", args, { stdio: ["ignore", out, out], detached: true });
    closeSync(out);
    if (child.pid === undefined) {
        throw new Error(`could not start ${c.node.podName}`);
    }
    child.unref();
    writeFileSync(pidFile(c.node.podName), String(child.pid));
    return child.pid;
}

function logTail(podName: string, lines = 30): string {
    const f = logFile(podName);
    return existsSync(f)
        ? readFileSync(f, "utf8").split("\n").slice(-lines).join("\n")
        : "(no log)";
}

/** Waits for "Startup complete" written after `fromOffset` of the log; fails fast if the JVM exits. */
export async function waitUntilStarted(
    podName: string,
    pid: number,
    fromOffset: number,
    timeoutMs = 150_000,
): Promise<void> {
    await waitFor(
        `${podName} to start`,
        () => {
            const log = logSince(podName, fromOffset);
            if (log.includes("Startup complete")) {
                return true;
            }
            if (!alive(pid)) {
                throw new Error(`${podName} exited during startup:\n${logTail(podName)}`);
            }
            return false;
        },
        timeoutMs,
        500,
    ).catch((err: Error) => {
        throw new Error(`${err.message}\n--- ${logFile(podName)} (tail) ---\n${logTail(podName)}`);
    });
}

export function logSize(podName: string): number {
    const f = logFile(podName);
    return existsSync(f) ? statSync(f).size : 0;
}

/**
 * What the nodes logged at or after `sinceMs` that bears on a failed request: warnings and
 * errors (less the startup checks' and the test's own full-table counts), GC pauses (Cassandra's
 * GCInspector logs those over 200 ms) and dropped messages (MessagingMetrics, every 5 s); the
 * last `perNode` such lines of each node. Lines carry logback's ISO8601 local time (the
 * pattern in `writeNodeConfig`); continuation lines of a stack trace have none and are left out.
 */
export function serverTrouble(sinceMs: number, perNode = 15): string {
    const dir = join(RUN_DIR, "nodes");
    if (!existsSync(dir)) {
        return "(no node logs)";
    }
    const sections = readdirSync(dir).map((pod) => {
        const f = logFile(pod);
        const lines = existsSync(f) ? readFileSync(f, "utf8").split("\n") : [];
        const notable = lines.filter((l) => {
            const at = /^\S+\s+\[[^\]]*\] (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3})/.exec(l);
            return (
                at !== null &&
                new Date(`${at[1]}T${at[2]}.${at[3]}`).getTime() >= sinceMs &&
                /^(WARN|ERROR)|GCInspector|messages were dropped/.test(l) &&
                !/StartupChecks|FBUtilities|Aggregation query/.test(l)
            );
        });
        return `--- ${pod}: ${notable.length} notable lines, the last ${perNode} ---\n${notable.slice(-perNode).join("\n")}`;
    });
    return sections.join("\n");
}

/** What the node logged after byte `fromOffset`, read without loading the whole log. */
export function logSince(podName: string, fromOffset: number): string {
    const f = logFile(podName);
    if (!existsSync(f)) {
        return "";
    }
    const fd = openSync(f, "r");
    try {
        const length = Math.max(0, fstatSync(fd).size - fromOffset);
        const buf = Buffer.alloc(length);
        const read = readSync(fd, buf, 0, length, fromOffset);
        return buf.subarray(0, read).toString("utf8");
    } finally {
        closeSync(fd);
    }
}

export async function startAndWait(c: NodeConfig): Promise<number> {
    const t0 = Date.now();
    const offset = logSize(c.node.podName);
    const pid = startNode(c);
    await waitUntilStarted(c.node.podName, pid, offset);
    progress(
        `${c.node.podName} (${c.node.datacenter}/${c.node.rack}) up on ${c.node.ip} in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
    );
    return pid;
}

/** SIGKILL: a crash, not a drain; the commit log replays on restart. */
export async function killNode(podName: string): Promise<void> {
    const pid = nodePid(podName);
    if (pid === undefined) {
        return;
    }
    process.kill(pid, "SIGKILL");
    await waitFor(`${podName} (pid ${pid}) to exit`, () => !alive(pid), 15_000, 100);
    rmSync(pidFile(podName), { force: true });
}

/**
 * A pod deleted by a rollout: its preStop hook drains the node through the management API
 * (cass-operator v1.30.0 construct_podtemplatespec.go, `PreStop` → `NodeDrainEndpoint`), then the
 * kubelet sends SIGTERM. Here SIGTERM alone: Cassandra drains on it (its shutdown hook), so
 * peers and drivers see the node leave instead of a connection reset.
 */
export async function stopNode(podName: string): Promise<void> {
    const pid = nodePid(podName);
    if (pid === undefined) {
        return;
    }
    process.kill(pid, "SIGTERM");
    await waitFor(
        `${podName} (pid ${pid}) to drain and exit`,
        () => !alive(pid),
        90_000,
        200,
    ).catch(async () => killNode(podName));
    rmSync(pidFile(podName), { force: true });
}

/** Rewrites cassandra.yaml (e.g. to switch client auth) and restarts the node on its existing data. */
export async function restartNode(c: NodeConfig): Promise<number> {
    await killNode(c.node.podName);
    writeFileSync(
        join(nodeDir(c.node.podName), "conf", "cassandra.yaml"),
        stringify(cassandraYaml(c)),
    );
    return startAndWait(c);
}

import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import type { NodeRoute } from "../../../components/plan/routes";
import { BACKEND_PORT, SNI_PORT } from "../../../components/plan/routes";
import { alive, run, waitFor } from "./exec";
import { NS } from "./netns";
import { PID_DIR, RUN_DIR } from "./paths";

/**
 * The SNI router: HAProxy in TCP mode with TLS passthrough, configured from `planRoutes` the way
 * the Traefik/Istio/Kong ingress layers are: per entry point, one SNI frontend that picks the
 * node by its external name or host ID and rejects every other SNI (and non-TLS bytes), plus one
 * plain frontend per node on its dedicated port.
 */

export const HAPROXY_DIR = join(RUN_DIR, "haproxy");
export const HAPROXY_CFG = join(HAPROXY_DIR, "haproxy.cfg");
export const STATS_SOCKET = join(HAPROXY_DIR, "stats.sock");
const PID_FILE = join(PID_DIR, "haproxy.pid");

export interface RouterSpec {
    readonly routes: readonly NodeRoute[];
    /** Entry point host name → the address its frontends bind. */
    readonly entryAddresses: Readonly<Record<string, string>>;
    /** Backend Service (`route.backend.service`) → the pod address it selects; the cluster's DNS in production. */
    readonly serviceAddresses: Readonly<Record<string, string>>;
    /**
     * Benchmark only: one port per entry point that balances over all of its nodes, like a single
     * shared LoadBalancer Service, to measure what losing per-node identity costs.
     */
    readonly sharedPort?: number;
    /**
     * Per pod: the address of its own load balancer (`ingress: loadbalancer`), a plain TCP
     * frontend on 9042 that reaches that node only, like a cloud L4 load balancer.
     */
    readonly nodeLoadBalancers?: Readonly<Record<string, string>>;
}

const backendName = (r: NodeRoute) => `node_${r.podName}`;

export function haproxyConfig(spec: RouterSpec): string {
    const out: string[] = [
        "global",
        `    stats socket ${STATS_SOCKET} mode 600 level admin`,
        "    maxconn 4096",
        "",
        "defaults",
        "    mode tcp",
        "    timeout connect 3s",
        // CQL connections are long-lived and idle between driver heartbeats (30 s).
        "    timeout client 10m",
        "    timeout server 10m",
        "",
    ];
    const entryPoints = [...new Set(spec.routes.map((r) => r.entryPoint))];
    for (const entry of entryPoints) {
        const addr = spec.entryAddresses[entry];
        if (!addr) {
            throw new Error(`no address for entry point ${entry}`);
        }
        const mine = spec.routes.filter((r) => r.entryPoint === entry);
        const fe = entry.replace(/[^a-z0-9]/gi, "_");
        out.push(
            `frontend sni_${fe}`,
            `    bind ${addr}:${SNI_PORT}`,
            "    tcp-request inspect-delay 5s",
            `    acl routed_sni req.ssl_sni -i ${mine.flatMap((r) => r.sniNames).join(" ")}`,
            "    tcp-request content accept if { req.ssl_hello_type 1 } routed_sni",
            "    tcp-request content reject",
            ...mine.map(
                (r) =>
                    `    use_backend ${backendName(r)} if { req.ssl_sni -i ${r.sniNames.join(" ")} }`,
            ),
            "",
        );
        for (const r of mine) {
            out.push(
                `frontend port_${fe}_${r.nodePort}`,
                `    bind ${addr}:${r.nodePort}`,
                `    default_backend ${backendName(r)}`,
                "",
            );
        }
        if (spec.sharedPort !== undefined) {
            out.push(
                `frontend shared_${fe}`,
                `    bind ${addr}:${spec.sharedPort}`,
                `    default_backend shared_${fe}`,
                "",
            );
            out.push(`backend shared_${fe}`, "    balance roundrobin");
            for (const r of mine) {
                out.push(`    server ${r.podName} ${serviceAddress(spec, r)}:${r.backend.port}`);
            }
            out.push("");
        }
    }
    for (const r of spec.routes) {
        const lb = spec.nodeLoadBalancers?.[r.podName];
        if (lb) {
            out.push(
                `frontend ${loadBalancerFrontend(r.podName)}`,
                `    bind ${lb}:${BACKEND_PORT}`,
                `    default_backend ${backendName(r)}`,
                "",
            );
        }
    }
    for (const r of spec.routes) {
        out.push(
            `backend ${backendName(r)}`,
            `    server ${r.podName} ${serviceAddress(spec, r)}:${r.backend.port}`,
            "",
        );
    }
    return out.join("\n");
}

function serviceAddress(spec: RouterSpec, r: NodeRoute): string {
    const a = spec.serviceAddresses[r.backend.service];
    if (!a) {
        throw new Error(
            `route for ${r.podName} points at service ${r.backend.service}, which selects no pod`,
        );
    }
    return a;
}

function checkConfig(): void {
    run("haproxy", ["-c", "-q", "-f", HAPROXY_CFG]);
}

export function haproxyPid(): number | undefined {
    try {
        const pid = Number(readFileSync(PID_FILE, "utf8"));
        return alive(pid) ? pid : undefined;
    } catch {
        return undefined;
    }
}

/** Starts HAProxy in master-worker mode in the router namespace; SIGUSR2 to the master reloads. */
export async function startHaproxy(spec: RouterSpec): Promise<number> {
    mkdirSync(HAPROXY_DIR, { recursive: true });
    mkdirSync(PID_DIR, { recursive: true });
    writeFileSync(HAPROXY_CFG, haproxyConfig(spec));
    checkConfig();
    const log = openSync(join(HAPROXY_DIR, "haproxy.log"), "a");
    const child = spawn(
        "ip",
        ["netns", "exec", NS.router, "haproxy", "-W", "-db", "-f", HAPROXY_CFG],
        {
            stdio: ["ignore", log, log],
            detached: true,
        },
    );
    closeSync(log);
    if (child.pid === undefined) {
        throw new Error("could not start haproxy");
    }
    child.unref();
    writeFileSync(PID_FILE, String(child.pid));
    await waitFor("HAProxy's stats socket", () => showInfo().then((i) => i.Pid), 10_000);
    return child.pid;
}

/** Rewrites the config and reloads without dropping established connections; resolves once a new worker answers. */
export async function reloadHaproxy(spec: RouterSpec): Promise<void> {
    const master = haproxyPid();
    if (master === undefined) {
        throw new Error("haproxy is not running");
    }
    const before = (await showInfo()).Pid;
    writeFileSync(HAPROXY_CFG, haproxyConfig(spec));
    checkConfig();
    process.kill(master, "SIGUSR2");
    await waitFor(
        "the reloaded HAProxy worker",
        () => showInfo().then((i) => i.Pid !== before),
        10_000,
    );
}

export async function stopHaproxy(): Promise<void> {
    const pid = haproxyPid();
    if (pid !== undefined) {
        process.kill(pid, "SIGTERM");
        await waitFor("haproxy to exit", () => !alive(pid), 10_000, 100);
    }
    rmSync(PID_FILE, { force: true });
}

function adminCommand(command: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const sock = createConnection(STATS_SOCKET);
        let data = "";
        sock.setEncoding("utf8");
        sock.on("connect", () => sock.end(`${command}\n`));
        sock.on("data", (d) => (data += d));
        sock.on("end", () => resolve(data));
        sock.on("error", reject);
    });
}

async function showInfo(): Promise<Record<string, string>> {
    const text = await adminCommand("show info");
    return Object.fromEntries(
        text
            .split("\n")
            .filter((l) => l.includes(":"))
            .map((l) => [l.slice(0, l.indexOf(":")).trim(), l.slice(l.indexOf(":") + 1).trim()]),
    );
}

export interface ProxyStats {
    /** Frontend or backend name → cumulative sessions (stot). */
    readonly frontends: Readonly<Record<string, number>>;
    readonly backends: Readonly<Record<string, number>>;
    /** Sessions a frontend refused by a `tcp-request content reject` rule (denied requests). */
    readonly deniedByFrontend: Readonly<Record<string, number>>;
    /** Bytes sent to each backend's server. */
    readonly bytesToBackend: Readonly<Record<string, number>>;
}

/** HAProxy's own counters (`show stat`). They reset on reload: compare snapshots taken after it. */
export async function proxyStats(): Promise<ProxyStats> {
    const csv = (await adminCommand("show stat")).trim().split("\n");
    const header = csv[0].replace(/^# /, "").split(",");
    const col = (name: string) => header.indexOf(name);
    const frontends: Record<string, number> = {};
    const backends: Record<string, number> = {};
    const denied: Record<string, number> = {};
    const bytes: Record<string, number> = {};
    for (const line of csv.slice(1)) {
        const f = line.split(",");
        const [px, sv] = [f[col("pxname")], f[col("svname")]];
        if (sv === "FRONTEND") {
            frontends[px] = Number(f[col("stot")]);
            denied[px] =
                Number(f[col("dreq")] || 0) +
                Number(f[col("dcon")] || 0) +
                Number(f[col("dses")] || 0);
        } else if (sv === "BACKEND") {
            backends[px] = Number(f[col("stot")]);
            bytes[px] = Number(f[col("bin")]);
        }
    }
    return { frontends, backends, deniedByFrontend: denied, bytesToBackend: bytes };
}

export function sniFrontend(entryPoint: string): string {
    return `sni_${entryPoint.replace(/[^a-z0-9]/gi, "_")}`;
}

export function portFrontend(entryPoint: string, port: number): string {
    return `port_${entryPoint.replace(/[^a-z0-9]/gi, "_")}_${port}`;
}

export function loadBalancerFrontend(podName: string): string {
    return `lb_${podName.replace(/[^a-z0-9]/gi, "_")}`;
}

export function nodeBackend(podName: string): string {
    return `node_${podName}`;
}

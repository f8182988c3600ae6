import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * A real Kubernetes API server on loopback: Debian's etcd and a kube-apiserver built from the Go
 * module proxy (scripts/apiserver/build.sh). Nothing else of a cluster runs (no controllers, no
 * nodes), which is all the tier needs: the API server alone decides what it accepts, which
 * versions it serves, what it drops, defaults and refuses on update, and runs admission
 * policies. kubectl talks to it with a static admin token.
 */

export const KUBE_BIN = resolve(__dirname, "../../../.e2e/kube/bin");

export interface KubectlResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export interface ApiServer {
    readonly kubeconfig: string;
    kubectl(args: readonly string[], input?: string): KubectlResult;
    stop(): void;
}

function freePort(): Promise<number> {
    return new Promise((resolvePort, reject) => {
        const s = createServer();
        s.listen(0, "127.0.0.1", () => {
            const { port } = s.address() as { port: number };
            s.close(() => resolvePort(port));
        });
        s.on("error", reject);
    });
}

async function waitUntil(what: string, check: () => boolean, timeoutMs: number, log: () => string) {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
        if (check()) {
            return;
        }
        await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${what} did not happen in ${timeoutMs} ms\n${log()}`);
}

/** Starts etcd and kube-apiserver in a fresh folder; `stop` ends both and removes it. */
export async function startApiServer(): Promise<ApiServer> {
    const dir = mkdtempSync(join(tmpdir(), "apiserver-"));
    const [etcdClient, etcdPeer, securePort] = await Promise.all([
        freePort(),
        freePort(),
        freePort(),
    ]);
    const processes: ChildProcess[] = [];
    const logOf = (name: string) => join(dir, `${name}.log`);
    const start = (name: string, cmd: string, args: string[]) => {
        const out = openSync(logOf(name), "a");
        const p = spawn(cmd, args, { stdio: ["ignore", out, out] });
        processes.push(p);
        return p;
    };
    start("etcd", "etcd", [
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
    ]);
    const sa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "sa.key"), sa.privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(join(dir, "sa.pub"), sa.publicKey.export({ type: "spki", format: "pem" }));
    const token = "apiserver-tier-admin";
    writeFileSync(join(dir, "tokens.csv"), `${token},admin,admin,system:masters\n`);
    mkdirSync(join(dir, "certs"));
    const apiserver = start("kube-apiserver", join(KUBE_BIN, "kube-apiserver"), [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${securePort}`,
        `--cert-dir=${join(dir, "certs")}`,
        `--token-auth-file=${join(dir, "tokens.csv")}`,
        "--authorization-mode=RBAC",
        "--service-account-issuer=https://kubernetes.default.svc",
        `--service-account-key-file=${join(dir, "sa.pub")}`,
        `--service-account-signing-key-file=${join(dir, "sa.key")}`,
        "--service-cluster-ip-range=10.96.0.0/16",
        "--enable-priority-and-fairness=false",
    ]);
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
        kubeconfig,
        [
            "apiVersion: v1",
            "kind: Config",
            "clusters: [{name: tier, cluster: {server: 'https://127.0.0.1:" +
                securePort +
                "', insecure-skip-tls-verify: true}}]",
            `users: [{name: admin, user: {token: ${token}}}]`,
            "contexts: [{name: tier, context: {cluster: tier, user: admin}}]",
            "current-context: tier",
            "",
        ].join("\n"),
    );
    const kubectl = (args: readonly string[], input?: string): KubectlResult => {
        const r = spawnSync(join(KUBE_BIN, "kubectl"), ["--kubeconfig", kubeconfig, ...args], {
            input,
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    const stop = () => {
        for (const p of processes.reverse()) {
            p.kill("SIGKILL");
        }
        rmSync(dir, { recursive: true, force: true });
    };
    try {
        await waitUntil(
            "kube-apiserver ready",
            () =>
                apiserver.exitCode === null &&
                kubectl(["get", "--raw", "/readyz"]).stdout.trim() === "ok",
            90_000,
            () => readFileSync(logOf("kube-apiserver"), "utf8").split("\n").slice(-30).join("\n"),
        );
        // The API server's bootstrap creates the default namespaces shortly after it is ready.
        await waitUntil(
            "namespace default",
            () => kubectl(["get", "ns", "default"]).code === 0,
            30_000,
            () => "",
        );
    } catch (e) {
        stop();
        throw e;
    }
    return { kubeconfig, kubectl, stop };
}

import { ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface, Interface } from "node:readline";

/**
 * One application process (Java, Python or Node.js) driven over a line protocol: it prints
 * `{"ready":true}` once its driver session is up (or `{"error":…}` and exits), then answers each
 * command on stdin with one JSON line:
 *   info                 → { nodes: [{ hostId, datacenter, endpoint, up, connections }] }
 *                          (up: the driver would put the node in a query plan)
 *   replicas <ks> <n>    → { total, onReplica, coordinators }  (n keyed writes)
 *   load <ks> [prefix]   → starts idempotent keyed writes at LOCAL_ONE in the background
 *                          (keys <prefix><worker>-<n>; prefix "w" by default)
 *   phase <name>         → results from now on count under <name>
 *   status | stop        → { phases: { <name>: { ok, failed, errors, coordinators } } }
 */

export interface NodeView {
    readonly hostId: string;
    readonly datacenter: string;
    readonly endpoint: string;
    readonly up: boolean;
    readonly connections: number;
}

export interface ReplicaReport {
    readonly total: number;
    readonly onReplica: number;
    /** Host ID → requests it coordinated. */
    readonly coordinators: Readonly<Record<string, number>>;
}

export interface PhaseReport {
    readonly ok: number;
    readonly failed: number;
    readonly errors: readonly string[];
    readonly coordinators: Readonly<Record<string, number>>;
    /** The longest one write of the phase took, acknowledged or not. */
    readonly slowestMs: number;
}

export type Phases = Readonly<Record<string, PhaseReport>>;

export class WorkloadError extends Error {}

export class Workload {
    private readonly lines: Interface;
    private readonly pending: ((line: string) => void)[] = [];
    private readonly stderr: string[] = [];
    private exited = false;
    /** When the application started (ms since the epoch): the window its failures fall in. */
    readonly startedAt = Date.now();

    private constructor(
        readonly name: string,
        private readonly child: ChildProcessWithoutNullStreams,
    ) {
        this.lines = createInterface({ input: child.stdout });
        this.lines.on("line", (line) => {
            // Only JSON lines answer; anything else is the driver logging to stdout.
            if (line.startsWith("{")) {
                this.pending.shift()?.(line);
            }
        });
        child.stderr.setEncoding("utf8");
        child.stderr.on("data", (d: string) => {
            this.stderr.push(d);
            if (this.stderr.length > 4000) {
                this.stderr.splice(0, 1000);
            }
        });
        child.on("exit", () => {
            this.exited = true;
            for (const p of this.pending.splice(0)) {
                p(JSON.stringify({ error: `${name} exited` }));
            }
        });
    }

    /** Starts the process; resolves once its session is up, rejects with its error otherwise. */
    static async start(
        name: string,
        command: string,
        args: readonly string[],
        options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
    ): Promise<Workload> {
        const child = spawn(command, [...args], {
            cwd: options.cwd,
            env: { ...process.env, ...options.env },
        });
        const w = new Workload(name, child);
        const first = await w.next(120_000);
        if (!first.ready) {
            await w.kill();
            throw new WorkloadError(
                `${name} could not connect: ${String(first.error)}\n${w.log()}`,
            );
        }
        return w;
    }

    /** The driver's own log (stderr), for failure messages. */
    log(lastLines = 40): string {
        return this.stderr.join("").split("\n").slice(-lastLines).join("\n");
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private next(timeoutMs: number): Promise<Record<string, any>> {
        return new Promise((resolve, reject) => {
            if (this.exited) {
                resolve({ error: `${this.name} exited` });
                return;
            }
            const timer = setTimeout(
                () =>
                    reject(new Error(`${this.name}: no answer in ${timeoutMs} ms\n${this.log()}`)),
                timeoutMs,
            );
            this.pending.push((line) => {
                clearTimeout(timer);
                resolve(JSON.parse(line));
            });
        });
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async command(line: string, timeoutMs = 120_000): Promise<Record<string, any>> {
        const answer = this.next(timeoutMs);
        this.child.stdin.write(`${line}\n`);
        const a = await answer;
        if (a.error) {
            throw new WorkloadError(`${this.name}: ${line}: ${String(a.error)}\n${this.log()}`);
        }
        return a;
    }

    async info(): Promise<NodeView[]> {
        return (await this.command("info")).nodes as NodeView[];
    }

    async replicas(keyspace: string, count: number): Promise<ReplicaReport> {
        return (await this.command(`replicas ${keyspace} ${count}`)) as ReplicaReport;
    }

    async status(): Promise<Phases> {
        return (await this.command("status")).phases as Phases;
    }

    async stop(): Promise<Phases> {
        const phases = (await this.command("stop")).phases as Phases;
        await this.kill();
        return phases;
    }

    async kill(): Promise<void> {
        if (!this.exited) {
            const gone = new Promise((r) => this.child.once("exit", r));
            this.child.kill("SIGKILL");
            await gone;
        }
    }
}

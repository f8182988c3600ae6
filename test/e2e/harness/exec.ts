import { spawnSync } from "node:child_process";

/** Runs a command to completion and returns stdout; throws with stderr when it fails. */
export function run(
    cmd: string,
    args: readonly string[],
    opts: { input?: string; allowFail?: boolean } = {},
): string {
    const r = spawnSync(cmd, args, {
        input: opts.input,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) {
        throw r.error;
    }
    if (r.status !== 0 && !opts.allowFail) {
        throw new Error(
            `${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr.trim() || r.stdout.trim()}`,
        );
    }
    return r.stdout;
}

/** Whether `pid` is a live process (signal 0 only checks). */
export function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

export async function waitFor<T>(
    what: string,
    probe: () => T | undefined | false | Promise<T | undefined | false>,
    timeoutMs: number,
    intervalMs = 250,
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
        try {
            const v = await probe();
            if (v !== undefined && v !== false) {
                return v;
            }
        } catch (err) {
            lastError = err;
        }
        if (Date.now() > deadline) {
            const why = lastError instanceof Error ? `: ${lastError.message}` : "";
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
        }
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}

import type { ChildProcessWithoutNullStreams } from "node:child_process";

/**
 * The port a plugin process serves gRPC on. Like every Pulumi plugin, the dynamic provider and a
 * policy pack print it as their first stdout line, which the engine reads before it connects
 * (pulumi/pulumi v3.248.0 `sdk/go/common/resource/plugin/plugin.go` `newPlugin`). Rejects with
 * the process's stderr when it exits first or prints nothing within `timeoutMs`.
 */
export function servedPort(
    child: ChildProcessWithoutNullStreams,
    stderr: () => string,
    timeoutMs: number,
    what: string,
): Promise<number> {
    return new Promise<number>((resolve, reject) => {
        let stdout = "";
        const timer = setTimeout(
            () => reject(new Error(`${what} not started in ${timeoutMs / 1000} s:\n${stderr()}`)),
            timeoutMs,
        );
        child.stdout.on("data", (d) => {
            stdout += d;
            const m = /^(\d+)\s*$/m.exec(stdout);
            if (m) {
                clearTimeout(timer);
                resolve(Number(m[1]));
            }
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            reject(new Error(`${what} exited with ${code} before serving:\n${stderr()}`));
        });
    });
}

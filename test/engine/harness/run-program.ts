import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { readProjectFile } from "../../../components/render/stack-config";

/**
 * Starts a Pulumi program the way the CLI's Node language host does, through
 * `@pulumi/pulumi`'s own `cmd/run` entry point. Every argument and variable below is the one
 * pulumi/pulumi v3.248.0 passes, cited where it is built.
 */

/**
 * `pkg/engine/project.go` `getPwdMain`: without `main` in Pulumi.yaml the entry point is "."
 * (cmd/run then asks package.json); a file `main` becomes its directory and base name.
 */
export function pwdAndMain(root: string, main: string | undefined): { pwd: string; main: string } {
    if (!main) {
        return { pwd: root, main: "." };
    }
    const path = isAbsolute(main) ? main : resolve(root, main);
    if (!existsSync(path)) {
        throw new Error(`project 'main' could not be read: ${path}`);
    }
    return statSync(path).isDirectory()
        ? { pwd: path, main: "." }
        : { pwd: dirname(path), main: basename(path) };
}

/**
 * main.go `locateModule`: node's own `require.resolve` of the module, run in the program's
 * directory, so the SDK the program installed (or one in a parent folder) is the one started.
 */
export function locateModule(mod: string, programDir: string): string {
    return require.resolve(mod, { paths: [programDir] });
}

export interface ProgramRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * Runs the program in `root` against the monitor and engine at `address`. `config` is the
 * stack's config as the engine hands it over (`<namespace>:<key>` → string).
 */
export function runProgram(opts: {
    root: string;
    stack: string;
    address: string;
    config: Readonly<Record<string, string>>;
    dryRun: boolean;
    timeoutMs?: number;
}): Promise<ProgramRun> {
    const project = readProjectFile(opts.root);
    const { pwd, main } = pwdAndMain(opts.root, project.main);
    // main.go `constructArguments`: the run path, then --monitor, --engine, --project,
    // --root-directory, --stack, --pwd, --dry-run, --parallel, and last the entry point.
    const args = [
        locateModule("@pulumi/pulumi/cmd/run", opts.root),
        "--monitor",
        opts.address,
        "--engine",
        opts.address,
        "--organization",
        "organization",
        "--project",
        project.name,
        "--root-directory",
        opts.root,
        "--stack",
        opts.stack,
        "--pwd",
        pwd,
        ...(opts.dryRun ? ["--dry-run"] : []),
        "--parallel",
        "16",
        main,
    ];
    // main.go `constructConfig`: keys become `<namespace>:config:<name>`, values stay strings.
    const config = Object.fromEntries(
        Object.entries(opts.config).map(([k, v]) => {
            const i = k.lastIndexOf(":");
            return [`${k.slice(0, i)}:config:${k.slice(i + 1)}`, v];
        }),
    );
    const env = {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: "[]",
        // `parseOptions`: the `typescript` runtime option defaults to true.
        PULUMI_NODEJS_TYPESCRIPT: "true",
    };
    return new Promise((resolvePromise, reject) => {
        // execRuntime starts the runtime binary in the program's directory.
        const child = spawn(process.execPath, args, { cwd: pwd, env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`program did not finish in ${opts.timeoutMs} ms:\n${stderr}`));
        }, opts.timeoutMs ?? 240_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolvePromise({ code, stdout, stderr });
        });
    });
}

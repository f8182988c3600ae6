import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import type { PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStackConfig } from "../../components/render/stack-config";

/**
 * The component package as the Pulumi engine meets it: its schema as the provider host infers
 * it, the provider started the way the Node language host starts a source-based plugin, and the
 * Python example run against the SDK generated from the schema. Every step follows pulumi/pulumi
 * v3.248.0, cited where it is taken from.
 */

export const ROOT = join(__dirname, "..", "..");
export const PACKAGE_DIR = join(ROOT, "component-package");
export const EXAMPLE_DIR = join(ROOT, "examples", "python-consumer");
const SDK_STUB = join(__dirname, "python", "sdk_stub.py");

export const packageJson = JSON.parse(readFileSync(join(PACKAGE_DIR, "package.json"), "utf8")) as {
    name: string;
    version: string;
    main: string;
    description: string;
};

/**
 * `cmd/run-plugin/run.ts` `run`: the provider's name is package.json's `name` without an npm
 * scope, other characters than `-a-zA-Z0-9_` replaced by `-`; the scope becomes the namespace.
 */
export function providerName(name: string): string {
    const matches = name.match(/(@.*?\/)?(.+)/) as RegExpMatchArray;
    return matches[2].replace(/[^-a-zA-Z0-9_]/g, "-");
}

/**
 * The schema `GetSchema` serves: run-plugin collects the component classes the module exports
 * (`getPulumiComponents`) and `ComponentProvider.getSchema` runs the `Analyzer` over the package's
 * TypeScript sources and `generateSchema` over the result (`provider/experimental/provider.ts`).
 */
export async function inferSchema(): Promise<{ schema: PackageSpec; components: string[] }> {
    const exported = await import("../../component-package");
    const components = getPulumiComponents(exported);
    const provider = new ComponentProvider({
        name: providerName(packageJson.name),
        dirname: PACKAGE_DIR,
        components,
    });
    return {
        schema: JSON.parse(await provider.getSchema()) as PackageSpec,
        components: components.map((c) => c.name),
    };
}

/** `npm install` in the package's folder runs its `prepare` script: the JavaScript `main` names. */
export function buildPackage(): void {
    try {
        execFileSync(process.execPath, [join(PACKAGE_DIR, "prepare.mjs")], {
            cwd: PACKAGE_DIR,
            stdio: "pipe",
            encoding: "utf8",
        });
    } catch (err) {
        const e = err as { stdout?: string; stderr?: string };
        throw new Error(`component-package did not build:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
}

export interface RegisteredComponent {
    readonly type: string;
    readonly name: string;
    /** The inputs as the generated SDK sends them: schema names, `None`s left out. */
    readonly inputs: Record<string, unknown>;
}

/**
 * Runs examples/python-consumer/__main__.py with its `dev` stack config (as the Python language
 * host passes it, `PULUMI_CONFIG`) against a stand-in for the generated SDK built from `schema`
 * (test/component-package/python/sdk_stub.py); returns what it registered and exported.
 */
export function runPythonExample(schema: object): {
    registered: RegisteredComponent[];
    exports: string[];
} {
    const dir = mkdtempSync(join(tmpdir(), "cassandra-mc-schema-"));
    try {
        const schemaPath = join(dir, "schema.json");
        writeFileSync(schemaPath, JSON.stringify(schema));
        const { project, config } = readStackConfig(EXAMPLE_DIR, "dev");
        const out = execFileSync(
            "python3",
            [SDK_STUB, schemaPath, join(EXAMPLE_DIR, "__main__.py"), project],
            {
                cwd: EXAMPLE_DIR,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
                env: {
                    ...process.env,
                    PULUMI_CONFIG: JSON.stringify(config),
                    PYTHONDONTWRITEBYTECODE: "1",
                },
            },
        );
        return JSON.parse(out);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

export interface ComponentProviderProcess {
    readonly client: provrpc.ResourceProviderClient;
    readonly stderr: () => string;
    stop(): Promise<void>;
}

/**
 * Starts the package's provider as the engine does for a folder with a `PulumiPlugin.yaml`
 * (`runtime: nodejs`): `sdk/go/common/resource/plugin/plugin.go` `ExecPlugin` asks the Node
 * language host to run it with the plugin folder as program directory, the engine's address as
 * the only argument (`provider_plugin.go` `NewProvider`: `[]string{host.ServerAddr()}`) and the
 * CLI's working directory, the consumer's project, as `Pwd`. The host (`pulumi-language-nodejs`
 * main.go `RunPlugin`) resolves `@pulumi/pulumi/cmd/run-plugin` from the plugin folder
 * (`locateModule`), sets `PULUMI_NODEJS_TYPESCRIPT=true` (the `typescript` option defaults on)
 * and runs `node <run-plugin> <plugin folder> <args…>` in `Pwd`. The provider prints its port on
 * the first line of stdout (`provider/server.ts` `main`), which the engine reads.
 */
export async function startComponentProvider(opts: {
    engineAddress: string;
    cwd: string;
}): Promise<ComponentProviderProcess> {
    const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [PACKAGE_DIR] });
    const child: ChildProcess = spawn(
        process.execPath,
        [runPlugin, PACKAGE_DIR, opts.engineAddress],
        {
            cwd: opts.cwd,
            env: { ...process.env, PULUMI_NODEJS_TYPESCRIPT: "true" },
        },
    );
    let stdout = "";
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr += d));
    const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`the provider printed no port in 60 s:\n${stderr}`));
        }, 60_000);
        child.stdout?.on("data", (d) => {
            stdout += d;
            const line = stdout.split("\n");
            if (line.length > 1) {
                clearTimeout(timer);
                resolve(Number(line[0].trim()));
            }
        });
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(
                new Error(`the provider exited with ${code} before printing its port:\n${stderr}`),
            );
        });
    });
    const client = new provrpc.ResourceProviderClient(
        `127.0.0.1:${port}`,
        grpc.credentials.createInsecure(),
    );
    return {
        client,
        stderr: () => stderr,
        stop: () =>
            new Promise<void>((resolve) => {
                client.close();
                if (child.exitCode !== null) {
                    resolve();
                    return;
                }
                child.once("exit", () => resolve());
                child.kill("SIGTERM");
            }),
    };
}

/** One unary call, as a promise: `unary<Res>((cb) => client.method(request, cb))`. */
export function unary<Res>(
    call: (cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
): Promise<Res> {
    return new Promise((resolve, reject) => call((err, res) => (err ? reject(err) : resolve(res))));
}

export { provproto };

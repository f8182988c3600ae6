// Builds the package; npm runs it on every `npm install` in this folder (the `prepare` script),
// which is what `pulumi package add`, `pulumi install` and a plugin download do for a
// source-based plugin: the Node language host's InstallDependencies runs `npm install` in the
// plugin's folder (pulumi/pulumi v3.248.0 sdk/nodejs/npm/npm.go `installCmd`).
//
// 1. The repository's packages. The package reuses ../components, which resolve @pulumi/* and
//    the rest from the repository root's node_modules; a fresh clone (`pulumi package add
//    <git URL>`) has none, so they are installed from the root's lock file. An existing install
//    is left alone.
// 2. JavaScript in bin/, which package.json's `main` names. The engine starts the plugin in the
//    consumer's directory (sdk/go/common/resource/plugin/plugin.go `ExecPlugin`:
//    `WorkingDirectory: ctx.Pwd`), and `@pulumi/pulumi/cmd/run-plugin` would compile TypeScript
//    with ts-node under that directory's tsconfig.json or none (cmd/run-plugin/run.ts `run`:
//    `tsConfigPath = "tsconfig.json"`, defaults `target: "ES2020"`), which rejects the library.
//    The schema is still inferred from the TypeScript sources (provider/experimental/analyzer.ts).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");

function run(command, args, cwd, env = process.env) {
    const r = spawnSync(command, args, { cwd, stdio: "inherit", env });
    if (r.status !== 0) {
        console.error(`cassandra-mc: ${command} ${args.join(" ")} failed in ${cwd}`);
        process.exit(r.status ?? 1);
    }
}

if (!existsSync(join(root, "node_modules", "@pulumi", "pulumi", "package.json"))) {
    // Without this npm's own settings for the outer install (npm_config_*) would steer the inner one.
    const env = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")),
    );
    run("npm", ["ci", "--no-audit", "--no-fund"], root, env);
}
const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
run(process.execPath, [tsc, "-p", join(here, "tsconfig.json")], here);

/**
 * The offline plan command: evaluates the real program under Pulumi's mock runtime, writes
 * every Kubernetes object per datacenter and a plan.md, validates the objects against the
 * upstream schemas, runs the policy pack, and returns non-zero on a config error, a schema
 * error or a mandatory policy violation. Output of an earlier run is removed first; a run that
 * fails before writing leaves a plan.md that says it failed and why, never a stale plan.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { formatProblems } from "../components/errors";
import { planReport } from "../components/render/plan-report";
import { renderStack, RenderedStack } from "../components/render/render-stack";
import { createValidator, SchemaError } from "../components/render/schema-validator";
import { isUnvalidatedKind, UNVALIDATED_KINDS } from "../components/render/unvalidated-kinds";
import { policyViews, runRules, Verdict } from "../policies/offline";
import { rules } from "../policies/rules";

/** Where the command writes; tests capture it. */
export interface CommandIo {
    readonly log: (line: string) => void;
    readonly error: (line: string) => void;
}

const consoleIo: CommandIo = { log: (l) => console.log(l), error: (l) => console.error(l) };

/**
 * `npm run plan -- --stack <name> [--out <dir>] [--stack-file <file>]`. `load` imports the
 * program; it defaults to the project's index.ts.
 */
export async function planCommand(
    argv: readonly string[],
    projectDir: string,
    io: CommandIo = consoleIo,
    load: () => Promise<unknown> = () => import(join(projectDir, "index.ts")),
): Promise<number> {
    const { values } = parseArgs({
        args: [...argv],
        options: {
            stack: { type: "string" },
            out: { type: "string" },
            "stack-file": { type: "string" },
        },
    });
    if (!values.stack) {
        io.error(
            "usage: npm run plan -- --stack <name> [--out <dir>] [--stack-file <Pulumi.<name>.yaml elsewhere>]",
        );
        return 2;
    }
    const stack = values.stack;
    const outDir = resolve(projectDir, values.out ?? join("out", stack));
    // What an earlier run wrote must never pass for this run's result, whatever happens next.
    clearOutput(outDir);

    io.log(`[1/4] evaluating the program for stack "${stack}" under the mock runtime`);
    let rendered: RenderedStack;
    try {
        const stackFile = values["stack-file"] ? resolve(values["stack-file"]) : undefined;
        rendered = await renderStack({ projectDir, stack, stackFile, load });
    } catch (err) {
        const problems = formatProblems(err);
        writeFailure(outDir, stack, "Nothing was rendered: the stack has errors.", problems);
        io.error(
            `\nstack "${stack}" has errors; nothing was rendered (${join(outDir, PLAN_FILE)} records the failure; earlier output there was removed).\n${problems}`,
        );
        return 1;
    }
    io.log(
        `      ${rendered.resources.length} resources, ${rendered.objects.length} Kubernetes objects`,
    );

    io.log(`[2/4] validating ${rendered.objects.length} objects against the upstream schemas`);
    const validator = createValidator();
    const schemaErrors: SchemaError[] = [];
    const unvalidated: string[] = [];
    rendered.objects.forEach((o, i) => {
        if (isUnvalidatedKind(o.object)) {
            unvalidated.push(`${o.object.apiVersion} ${o.object.kind}`);
        } else {
            schemaErrors.push(...validator.validate(o.object));
        }
        if ((i + 1) % 100 === 0) {
            io.log(`      ${i + 1}/${rendered.objects.length}`);
        }
    });

    io.log(`[3/4] running ${rules.length} policy rules`);
    const verdicts = runRules(rules, policyViews(rendered.resources, stack, rendered.project));

    io.log(`[4/4] writing ${outDir}`);
    try {
        writeOutput(outDir, rendered, schemaErrors, verdicts);
    } catch (err) {
        clearOutput(outDir);
        writeFailure(outDir, stack, "Writing the plan failed.", formatProblems(err));
        throw err;
    }

    for (const e of schemaErrors) {
        io.error(`  schema error: ${e.object}: ${e.path}: ${e.reason}`);
    }
    io.log(
        `\nschema: ${schemaErrors.length} error(s) in ${rendered.objects.length - unvalidated.length} objects`,
    );
    for (const kind of [...new Set(unvalidated)]) {
        io.log(
            `  not validated (no vendored schema): ${unvalidated.filter((k) => k === kind).length} × ${kind}: ${UNVALIDATED_KINDS[kind]}`,
        );
    }
    for (const v of verdicts) {
        io.log(
            `policy ${v.rule} (${v.enforcementLevel}): ${v.violations.length === 0 ? "pass" : `${v.violations.length} violation(s)`}`,
        );
        for (const x of v.violations) {
            io.log(`  - ${x.message}`);
        }
    }
    const blocking = verdicts.filter(
        (v) => v.enforcementLevel === "mandatory" && v.violations.length > 0,
    );
    if (blocking.length > 0) {
        io.error(`\nmandatory policy violations: ${blocking.map((v) => v.rule).join(", ")}`);
    }
    return schemaErrors.length > 0 || blocking.length > 0 ? 1 : 0;
}

/** The report; with `manifests/` the only things the command writes into `--out`. */
const PLAN_FILE = "plan.md";

/** Removes what an earlier run wrote (only that: `--out` may hold other files). */
function clearOutput(outDir: string): void {
    rmSync(join(outDir, "manifests"), { recursive: true, force: true });
    rmSync(join(outDir, PLAN_FILE), { force: true });
}

/** A plan.md that says the run failed and why, so no reader (or CI summary) takes it for a plan. */
function writeFailure(outDir: string, stack: string, what: string, problems: string): void {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(
        join(outDir, PLAN_FILE),
        [
            `# Plan for stack \`${stack}\`: FAILED`,
            "",
            `${what} No manifests are kept, and the output of any earlier run was removed.`,
            "",
            "```",
            problems,
            "```",
            "",
        ].join("\n"),
    );
}

function writeOutput(
    outDir: string,
    r: RenderedStack,
    schemaErrors: readonly SchemaError[],
    verdicts: readonly Verdict[],
): void {
    for (const dc of r.plan.topology.datacenters) {
        const dir = join(outDir, "manifests", dc.name);
        mkdirSync(dir, { recursive: true });
        r.objects
            .filter((o) => o.datacenter === dc.name)
            .forEach((o, i) => {
                const name =
                    (o.object.metadata as { name?: string } | undefined)?.name ?? "unnamed";
                const file = `${String(i + 1).padStart(3, "0")}-${String(o.object.kind).toLowerCase()}-${name}.yaml`;
                writeFileSync(join(dir, file), stringify(o.object));
            });
    }
    const summary = [
        "## Schema validation",
        "",
        schemaErrors.length === 0
            ? `All ${r.objects.length} objects are valid against the upstream schemas (unknown fields are errors).`
            : schemaErrors.map((e) => `- ${e.object}: \`${e.path}\`: ${e.reason}`).join("\n"),
        "",
        "## Policy verdicts",
        "",
        ...verdicts.map(
            (v) =>
                `- **${v.rule}** (${v.enforcementLevel}): ${v.violations.length === 0 ? "pass" : v.violations.map((x) => x.message).join("; ")}`,
        ),
        "",
    ];
    writeFileSync(
        join(outDir, PLAN_FILE),
        `${planReport(r.stack, r.plan, r.objects, r.expansions)}\n${summary.join("\n")}`,
    );
}

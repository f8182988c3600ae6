import * as pulumi from "@pulumi/pulumi";
import { parseSettings, settingsFromConfigMap } from "../config";
import { buildPlan, Plan } from "../plan";
import { deployTimeExpansions, Expansion, kubernetesObjects, RenderedObject } from "./manifests";
import { ObservedCluster, RecordedResource, recordingMocks } from "./mocks";
import { readStackConfig } from "./stack-config";

export interface RenderedStack {
    readonly stack: string;
    /** The project name from Pulumi.yaml: the namespace of its config keys and part of every URN. */
    readonly project: string;
    readonly plan: Plan;
    /** Every resource the program registered, in registration order. */
    readonly resources: readonly RecordedResource[];
    /** The Kubernetes objects per datacenter, in apply order, secrets redacted. */
    readonly objects: readonly RenderedObject[];
    /** Helm charts and YAML files the provider expands at deploy time. */
    readonly expansions: readonly Expansion[];
    /** The program's stack outputs, resolved (secrets included: never print them). */
    readonly outputs: Readonly<Record<string, unknown>>;
}

/**
 * Evaluates the real program for one stack under Pulumi's mock runtime: no cloud, no cluster,
 * no CLI. `load` imports the program (`index.ts`); it runs after config and mocks are in place.
 * A program exported as a function is called, as `@pulumi/pulumi`'s `cmd/run` calls it, and its
 * result taken as the stack outputs. Throws the program's own error (e.g. a config error).
 */
export async function renderStack(opts: {
    projectDir: string;
    stack: string;
    /** Read the stack's config from this file instead of `Pulumi.<stack>.yaml` in the project. */
    stackFile?: string;
    load: () => Promise<unknown>;
    /** Settings to replace in the stack's config (unqualified keys), e.g. to render one stack per ingress layer. */
    overrides?: Readonly<Record<string, unknown>>;
    /** An earlier render of the same stack: resources whose inputs did not change keep their outputs. */
    previous?: RenderedStack;
    /** What a running cluster reports, instead of the mocks' own (see `ObservedCluster`). */
    observed?: ObservedCluster;
}): Promise<RenderedStack> {
    const { project, config: stackConfig } = readStackConfig(
        opts.projectDir,
        opts.stack,
        opts.stackFile,
    );
    const config = { ...stackConfig };
    for (const [key, value] of Object.entries(opts.overrides ?? {})) {
        if (value === undefined) {
            delete config[`${project}:${key}`];
        } else {
            config[`${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    const { mocks, resources } = recordingMocks(opts.previous?.resources, opts.observed);
    pulumi.runtime.setAllConfig(config);
    await pulumi.runtime.setMocks(mocks, project, opts.stack, false);
    const outputs: Record<string, unknown> = {};
    try {
        const program = await runProgram(await opts.load());
        await Promise.all(
            Object.entries(program)
                .filter(([, v]) => pulumi.Output.isInstance(v))
                .map(async ([k, v]) => (outputs[k] = await resolve(v as pulumi.Output<unknown>))),
        );
        await settle(resources);
    } finally {
        // Drain every registration still in flight, even after a failure, so none of them
        // reaches the mock runtime of a later render in the same process.
        await pulumi.runtime.disconnect();
    }
    const plan = buildPlan(parseSettings(settingsFromConfigMap(project, config)));
    const dcs = plan.topology.datacenters.map((d) => d.name);
    return {
        stack: opts.stack,
        project,
        plan,
        resources,
        objects: kubernetesObjects(resources, dcs),
        expansions: deployTimeExpansions(resources, dcs),
        outputs,
    };
}

/**
 * The program's outputs from its module: a function's result (`module.exports = fn`, which an
 * ES `import()` presents as `default`), else the module's exports.
 */
async function runProgram(mod: unknown): Promise<Record<string, unknown>> {
    const fn =
        typeof mod === "function"
            ? mod
            : typeof (mod as { default?: unknown })?.default === "function"
              ? (mod as { default: () => unknown }).default
              : undefined;
    return ((fn ? await fn() : mod) ?? {}) as Record<string, unknown>;
}

function resolve(o: pulumi.Output<unknown>): Promise<unknown> {
    return new Promise((r) => o.apply(r));
}

/** Registrations finish asynchronously after the outputs resolve; wait until none arrive for a while. */
export async function settle(resources: readonly RecordedResource[]): Promise<void> {
    let seen = -1;
    let quiet = 0;
    while (quiet < 5) {
        await new Promise((r) => setTimeout(r, 5));
        quiet = resources.length === seen ? quiet + 1 : 0;
        seen = resources.length;
    }
}

import * as pulumi from "@pulumi/pulumi";
import { parseSettings, settingsFromConfigMap } from "../config";
import { buildPlan, Plan } from "../plan";
import { deployTimeExpansions, Expansion, kubernetesObjects, RenderedObject } from "./manifests";
import { RecordedResource, recordingMocks } from "./mocks";
import { readStackConfig } from "./stack-config";

export interface RenderedStack {
    readonly stack: string;
    readonly plan: Plan;
    /** Every resource the program registered, in registration order. */
    readonly resources: readonly RecordedResource[];
    /** The Kubernetes objects per datacenter, in apply order, secrets redacted. */
    readonly objects: readonly RenderedObject[];
    /** Helm charts and YAML files the provider expands at deploy time. */
    readonly expansions: readonly Expansion[];
}

/**
 * Evaluates the real program for one stack under Pulumi's mock runtime: no cloud, no cluster,
 * no CLI. `load` imports the program (`index.ts`); it runs after config and mocks are in place.
 * Throws the program's own error (e.g. a config error) when it fails.
 */
export async function renderStack(opts: {
    projectDir: string;
    stack: string;
    /** Read the stack's config from this file instead of `Pulumi.<stack>.yaml` in the project. */
    stackFile?: string;
    load: () => Promise<unknown>;
    /** Settings to replace in the stack's config (unqualified keys), e.g. to render one stack per ingress layer. */
    overrides?: Readonly<Record<string, unknown>>;
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
    const { mocks, resources } = recordingMocks();
    pulumi.runtime.setAllConfig(config);
    await pulumi.runtime.setMocks(mocks, project, opts.stack, false);
    try {
        const program = (await opts.load()) as Record<string, unknown>;
        await Promise.all(Object.values(program).filter(pulumi.Output.isInstance).map(resolve));
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
        plan,
        resources,
        objects: kubernetesObjects(resources, dcs),
        expansions: deployTimeExpansions(resources, dcs),
    };
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

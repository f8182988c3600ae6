import * as pulumi from "@pulumi/pulumi";
import { LifecycleState, transitionProblems } from "./transitions";

/**
 * Refuses, at `pulumi preview` and before `pulumi up` changes anything, a change the running
 * cluster would not survive — a datacenter removed without being decommissioned, volumes that
 * shrink, racks removed or moved, a Cassandra downgrade, a skipped CA rotation phase — with a
 * message that says what to run instead.
 *
 * Judging a change needs the previous deployment's settings, which only the engine has: it
 * passes a resource's previous inputs to its provider's Check (`olds`) before any step runs.
 * A dynamic provider's `check` receives them (`@pulumi/pulumi` cmd/dynamic-provider `check`:
 * `provider.check(olds, news)`, failures returned as `CheckFailure`s), so `pulumi preview` (and
 * the preview `pulumi up` starts with) fails on them. The guard's inputs are the settings that
 * matter (`LifecycleState`), and every object the program puts into a cluster depends on it, so
 * even `pulumi up --skip-preview` changes nothing there once it is refused. Its provider is
 * serialized into the stack with `transitionProblems`, which imports nothing for that reason.
 */
const provider: pulumi.dynamic.ResourceProvider = {
    async check(olds: { state?: LifecycleState }, news: { state: LifecycleState }) {
        const failures = olds?.state ? transitionProblems(olds.state, news.state) : [];
        return { inputs: news, failures };
    },
    async diff(_id: string, olds: { state?: LifecycleState }, news: { state: LifecycleState }) {
        return { changes: JSON.stringify(olds.state) !== JSON.stringify(news.state) };
    },
    async create(inputs: { state: LifecycleState }) {
        return { id: "lifecycle", outs: inputs };
    },
    async update(_id: string, _olds: unknown, news: { state: LifecycleState }) {
        return { outs: news };
    },
};

export interface LifecycleGuardArgs {
    /** The settings the next deployment's are judged against. */
    readonly state: LifecycleState;
}

/**
 * The guard's type token: a dynamic resource's is `pulumi-nodejs:dynamic/<module>:<type>`
 * (@pulumi/pulumi v3.248.0 `dynamic/index.ts`, `Resource` constructor), so `pulumi preview`
 * names it and tests find it by type.
 */
export const LIFECYCLE_GUARD_TYPE = "pulumi-nodejs:dynamic/cassandra-multicluster:LifecycleGuard";

export class LifecycleGuard extends pulumi.dynamic.Resource {
    constructor(name: string, args: LifecycleGuardArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            provider,
            name,
            { state: args.state },
            opts,
            "cassandra-multicluster",
            "LifecycleGuard",
        );
    }
}

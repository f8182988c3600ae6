import * as pulumi from "@pulumi/pulumi";
import type { CassandraMultiClusterArgs } from "../components/cassandra-multicluster";
import type { SettingsInput } from "../components/config";
import { problem, Problem } from "../components/errors";
import type {
    CassandraClusterArgs,
    Datacenter,
    ExistingCluster,
    ExplicitRanges,
    IngressController,
    NetworkSettings,
    Rack,
    TlsSettings,
} from "./types";

/**
 * The facade's args are the library's settings with schema-friendly types, key for key. These
 * aliases fail to compile when a settings key is added to `components/config/schema.ts` (or removed)
 * without the same change here; `test/component-package/schema.test.ts` checks the same against
 * the zod schema at run time and against the inferred package schema.
 */
type SameKeys<A, B> = [keyof A] extends [keyof B]
    ? [keyof B] extends [keyof A]
        ? true
        : false
    : false;
type Assert<T extends true> = T;
type Input = NonNullable<SettingsInput>;
type Nested<K extends keyof Input> = NonNullable<Input[K]>;
export type KeyParity = [
    Assert<SameKeys<CassandraClusterArgs, CassandraMultiClusterArgs>>,
    Assert<SameKeys<Datacenter, Input["datacenters"][number]>>,
    Assert<SameKeys<Rack, NonNullable<Input["datacenters"][number]["racks"]>[number]>>,
    Assert<SameKeys<NetworkSettings, Nested<"network">>>,
    Assert<SameKeys<ExplicitRanges, NonNullable<Nested<"network">["ranges"]>[string]>>,
    Assert<SameKeys<TlsSettings, Nested<"tls">>>,
    Assert<SameKeys<ExistingCluster, Nested<"existingClusters">[string]>>,
    Assert<SameKeys<IngressController, Nested<"ingressController">>>,
];

/**
 * Values the component cannot plan with: outputs (a secret, or a value computed from another
 * resource), unknowns, promises and resources. The provider host hands a top-level arg over as
 * an output when the caller marked it secret or it depends on a resource (`@pulumi/pulumi`
 * `provider/server.ts` `deserializeInputs`), and keeps output values and unknowns nested in
 * plain objects (`runtime/rpc.ts` `deserializeProperty`). The topology, ranges and certificate
 * names are planned before any resource is registered, so every arg must be a value.
 */
export function nonPlainArgs(args: unknown, path = ""): Problem[] {
    if (
        pulumi.Output.isInstance(args) ||
        pulumi.isUnknown(args) ||
        args instanceof Promise ||
        pulumi.Resource.isInstance(args)
    ) {
        return [
            problem(
                path || "(args)",
                `is not a plain value but an output (a secret, or a value computed from another resource); this component plans the topology before creating anything, so pass a plain value (for a kubeconfig that is secret, pass the path of its file)`,
            ),
        ];
    }
    if (Array.isArray(args)) {
        return args.flatMap((v, i) => nonPlainArgs(v, `${path}[${i}]`));
    }
    if (args !== null && typeof args === "object") {
        return Object.entries(args).flatMap(([k, v]) => nonPlainArgs(v, path ? `${path}.${k}` : k));
    }
    return [];
}

/**
 * The library's args from the facade's: the same keys, with `null`s (an SDK's "not set") and
 * `undefined`s left out so the settings schema applies its defaults. Validation stays in one
 * place, `parseSettings` (called by `CassandraMultiCluster`), whose errors name the same keys.
 */
export function toMultiClusterArgs(args: CassandraClusterArgs): CassandraMultiClusterArgs {
    return withoutNulls(args ?? {}) as CassandraMultiClusterArgs;
}

function withoutNulls(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(withoutNulls);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value)
                .filter(([, v]) => v !== null && v !== undefined)
                .map(([k, v]) => [k, withoutNulls(v)]),
        );
    }
    return value;
}

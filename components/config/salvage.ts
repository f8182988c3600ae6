import { z } from "zod";
import {
    datacenterSchema,
    existingClusterSchema,
    explicitRangesSchema,
    ingressControllerSchema,
    networkSchema,
    ParsedSettings,
    settingsSchema,
    tlsSchema,
} from "./schema";

/**
 * Reading the valid parts of a config that failed the schema, so the cross-field rules can still
 * run on them and one run reports every independent mistake.
 */

/** A copy of `value` without `keys` in the object at `path`; copies only along the path. */
export function withoutKeys<T>(value: T, path: readonly PropertyKey[], keys: readonly string[]): T {
    if (value === null || typeof value !== "object") {
        return value;
    }
    const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<PropertyKey, unknown>;
    if (path.length === 0) {
        keys.forEach((k) => delete copy[k]);
    } else {
        copy[path[0]] = withoutKeys(copy[path[0]], path.slice(1), keys);
    }
    return copy as T;
}

type Salvagers = Readonly<Record<string, (value: unknown) => unknown>>;

/** The readable part of a config that failed the schema; see `check` in parse.ts. */
export function salvage(raw: Record<string, unknown>): ParsedSettings {
    const list = (v: unknown) => (Array.isArray(v) ? v : []);
    const settings = salvageObject(settingsSchema.shape, raw, {
        datacenters: (v) => list(v).map((d) => salvageObject(datacenterSchema.shape, d)),
        network: (v) =>
            salvageObject(networkSchema.shape, v, {
                ranges: (r) => salvageRecord(explicitRangesSchema.shape, r),
            }),
        existingClusters: (v) => salvageRecord(existingClusterSchema.shape, v),
        tls: (v) => salvageObject(tlsSchema.shape, v),
        ingressController: (v) => salvageObject(ingressControllerSchema.shape, v),
        clientCidrs: list,
        controlPlaneAuthorizedCidrs: list,
    });
    return { datacenters: [], ...settings } as unknown as ParsedSettings;
}

/** Each field parsed on its own: a broken one takes its default, or its salvaged parts, or is left out. */
function salvageObject(
    shape: Readonly<Record<string, z.ZodType>>,
    value: unknown,
    nested: Salvagers = {},
): Record<string, unknown> {
    const given = isObject(value) ? value : {};
    const out: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(shape)) {
        const parsed = schema.safeParse(given[key]);
        const salvaged = parsed.success
            ? parsed.data
            : nested[key] && given[key] !== undefined
              ? nested[key](given[key])
              : schema.safeParse(undefined).data;
        if (salvaged !== undefined) {
            out[key] = salvaged;
        }
    }
    return out;
}

function salvageRecord(
    shape: Readonly<Record<string, z.ZodType>>,
    value: unknown,
): Record<string, unknown> {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [key, entry] of Object.entries(isObject(value) ? value : {})) {
        out[key] = salvageObject(shape, entry);
    }
    return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

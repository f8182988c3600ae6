import { z } from "zod";
import { closest, problem, Problem } from "../errors";
import {
    datacenterSchema,
    existingClusterSchema,
    explicitRangesSchema,
    ingressControllerSchema,
    networkSchema,
    rackSchema,
    settingsSchema,
    tlsSchema,
} from "./schema";

/**
 * Schema failures as problems: zod's issues said as what is allowed, at the paths problems use,
 * with the key most likely meant for an unknown one.
 */

/** "datacenters[0].racks[1]": a zod issue path as problems name it. */
export function pathOf(path: readonly PropertyKey[]): string {
    return path
        .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
        .join("");
}

/** The keys allowed where an unknown key was found, by the issue's path (indexes and record keys dropped). */
function keysAt(path: readonly PropertyKey[]): readonly string[] {
    const named = path.filter((p): p is string => typeof p === "string");
    const shape =
        named.length === 0
            ? settingsSchema.shape
            : {
                  datacenters: datacenterSchema.shape,
                  "datacenters.racks": rackSchema.shape,
                  network: networkSchema.shape,
                  ingressController: ingressControllerSchema.shape,
                  tls: tlsSchema.shape,
              }[named.join(".")];
    if (shape) {
        return Object.keys(shape);
    }
    if (named[0] === "existingClusters") {
        return Object.keys(existingClusterSchema.shape);
    }
    return named[0] === "network" && named[1] === "ranges"
        ? Object.keys(explicitRangesSchema.shape)
        : [];
}

/** Every nested key with where it belongs, for a nested key written at the top level. */
const NESTED_KEYS: ReadonlyMap<string, string> = new Map([
    ...Object.keys(networkSchema.shape).map((k) => [k, `network.${k}`] as const),
    ...Object.keys(tlsSchema.shape).map((k) => [k, `tls.${k}`] as const),
    ...Object.keys(ingressControllerSchema.shape).map(
        (k) => [k, `ingressController.${k}`] as const,
    ),
    ...Object.keys(existingClusterSchema.shape).map(
        (k) => [k, `existingClusters.<datacenter>.${k}`] as const,
    ),
]);

/** One problem per unknown key, at the key's own path, with the key most likely meant. */
function unknownKeys(issue: z.core.$ZodIssueUnrecognizedKeys): Problem[] {
    const known = keysAt(issue.path);
    const top = issue.path.length === 0;
    return issue.keys.map((key) => {
        const meant = closest(key, known);
        const nested = top ? NESTED_KEYS.get(key) : undefined;
        const hint = meant
            ? `did you mean "${meant}"?`
            : nested
              ? `it belongs under ${nested.split(".")[0]}: write it as ${nested}`
              : `known ${top ? "settings" : "keys"}: ${known.join(", ")}`;
        return problem(
            pathOf([...issue.path, key]),
            `unknown ${top ? "setting" : "key"} "${key}"; ${hint}`,
        );
    });
}

/** zod's generic wording, said as what is allowed (custom messages are kept as written). */
function allowed(issue: z.core.$ZodIssue): string {
    const m = issue.message;
    if (issue.code === "invalid_type" && m.startsWith("Invalid input")) {
        const phrases: Record<string, string> = {
            boolean: "must be true or false",
            string: "must be a string",
            number: "must be a number",
            array: "must be a list",
            object: "must be a mapping of keys to values",
            record: "must be a mapping of keys to values",
        };
        return phrases[issue.expected] ?? m;
    }
    if ((issue.code === "too_small" || issue.code === "too_big") && /^Too (small|big)/.test(m)) {
        const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
        const most = issue.code === "too_small" ? "at least" : "at most";
        if (issue.origin === "string") {
            return bound === 1 && issue.code === "too_small"
                ? "must not be empty"
                : `must be ${most} ${bound} characters`;
        }
        if (issue.origin === "array") {
            return `must list ${most} ${bound} item${bound === 1 ? "" : "s"}`;
        }
        return `must be ${most} ${bound}`;
    }
    return m;
}

export function fromZodIssue(issue: z.core.$ZodIssue, raw: unknown): Problem[] {
    if (issue.code === "unrecognized_keys") {
        return unknownKeys(issue);
    }
    const path = pathOf(issue.path) || "(root)";
    const value = valueAt(raw, issue.path);
    const reason = allowed(issue);
    if (value === undefined && issue.code === "invalid_type") {
        return [problem(path, `required setting is missing (${reason})`)];
    }
    // Objects are never echoed: they may hold kubeconfigs or other secrets. A value the
    // message already quotes (CIDR checks) is not echoed twice.
    const shown = value === null || typeof value !== "object" ? value : undefined;
    const quoted = typeof shown === "string" && reason.includes(`"${shown}"`);
    const got = shown === undefined || quoted ? "" : ` (got ${JSON.stringify(shown)})`;
    return [problem(path, `${reason}${got}`)];
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
    let cur: unknown = raw;
    for (const key of path) {
        if (cur === null || typeof cur !== "object") {
            return undefined;
        }
        cur = (cur as Record<PropertyKey, unknown>)[key];
    }
    return cur;
}

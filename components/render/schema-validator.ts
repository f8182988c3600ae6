/**
 * Strict offline validator for rendered Kubernetes manifests (part of the offline plan): checks
 * each object against the schema the API server would use, and treats unknown fields as errors
 * (like `kubectl apply --validate=strict`), without a cluster.
 *
 * - Custom resources: the CRDs in `schemas/crds/` (see its SOURCES.md), compiled per served
 *   version with structural semantics by `crd-schema.ts`, on first use, then cached.
 * - Built-in kinds: the upstream Kubernetes v1.33.0 OpenAPI schema shipped by `kubernetes-models`,
 *   made strict by `builtin-schema.ts`.
 * - Anything else (for example `security.istio.io/v1 PeerAuthentication`, whose CRD is not in
 *   `schemas/crds/`): `knows()` is false and `validate()` returns one "no schema for" error;
 *   the caller decides whether that matters.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import addFormats, { FormatName } from "ajv-formats";
import { ObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import { builtinModel, validateBuiltin } from "./builtin-schema";
import {
    CrdVersion,
    crdKey,
    DEFERRED_KEYWORD,
    KNOWN_FORMATS,
    loadCrdIndex,
    toAjvSchema,
} from "./crd-schema";
import {
    convertAjvErrors,
    foldCombinatorErrors,
    formatPath,
    Found,
    isRecord,
    PathSegment,
    SchemaError,
} from "./schema-errors";

export type { SchemaError } from "./schema-errors";

/** Options for `createValidator`. */
export interface ValidatorOptions {
    /**
     * Folder of CustomResourceDefinition YAML files, searched recursively (multi-document files
     * are fine). Defaults to the repository's `schemas/crds`.
     */
    readonly crdDir?: string;
}

/** A validator over one set of CRDs plus the built-in Kubernetes kinds. */
export interface SchemaValidator {
    /** Every schema violation in one rendered object; empty when it is valid. */
    validate(obj: Record<string, unknown>): SchemaError[];
    /** Whether a schema is available for this apiVersion and kind. */
    knows(apiVersion: string, kind: string): boolean;
}

/**
 * The repository's vendored CRDs: the nearest `schemas/crds` above this file, so the path holds
 * both when running the TypeScript sources and when running a build under `bin/`.
 */
export const DEFAULT_CRD_DIR = findUp(__dirname, path.join("schemas", "crds"));

function findUp(from: string, rel: string): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, rel))) {
            return path.join(dir, rel);
        }
        if (path.dirname(dir) === dir) {
            return path.resolve(from, "../..", rel);
        }
    }
}

let sharedAjv: Ajv | undefined;
const compiledCache = new Map<string, ValidateFunction>();

/** Creates a validator. CRD files are parsed on first use, once per folder per process. */
export function createValidator(opts: ValidatorOptions = {}): SchemaValidator {
    const crdDir = path.resolve(opts.crdDir ?? DEFAULT_CRD_DIR);
    const crds = (): Map<string, CrdVersion> => loadCrdIndex(crdDir);

    return {
        knows(apiVersion: string, kind: string): boolean {
            return crds().has(crdKey(apiVersion, kind)) || builtinModel(apiVersion, kind) !== null;
        },
        validate(obj: Record<string, unknown>): SchemaError[] {
            const object = objectLabel(obj);
            const { apiVersion, kind } = obj;
            const found: Found[] = [];
            const crd =
                typeof apiVersion === "string" && typeof kind === "string"
                    ? crds().get(crdKey(apiVersion, kind))
                    : undefined;
            const model =
                typeof apiVersion === "string" && typeof kind === "string" && !crd
                    ? builtinModel(apiVersion, kind)
                    : null;
            if (crd) {
                const fn = compiled(crdDir, crd);
                if (!fn(obj)) {
                    found.push(...convertAjvErrors(fn.errors ?? [], obj));
                }
                if (obj.metadata !== undefined) {
                    // The API server ignores a CRD's own metadata schema and applies ObjectMeta.
                    const meta = validateBuiltin(ObjectMeta, obj.metadata);
                    found.push(...convertAjvErrors(meta.errors, obj.metadata, ["metadata"]));
                    found.push(...meta.unknownFields.map((p) => unknownField(["metadata", ...p])));
                }
            } else if (model) {
                const result = validateBuiltin(model, obj);
                found.push(...convertAjvErrors(result.errors, obj));
                found.push(...result.unknownFields.map(unknownField));
            } else {
                return [
                    {
                        object,
                        path: "",
                        reason: `no schema for ${String(apiVersion)} ${String(kind)}`,
                    },
                ];
            }
            found.push(...nameProblems(obj));
            return found
                .map((f) => ({ object, path: formatPath(f.segments), reason: f.reason }))
                .sort((a, b) =>
                    a.path === b.path
                        ? a.reason.localeCompare(b.reason)
                        : a.path.localeCompare(b.path),
                );
        },
    };
}

function unknownField(segments: PathSegment[]): Found {
    return { segments, reason: `unknown field ${JSON.stringify(segments[segments.length - 1])}` };
}

/** The API server refuses an object without `metadata.name` (or `generateName`). */
function nameProblems(obj: Record<string, unknown>): Found[] {
    const meta = obj.metadata;
    if (meta === undefined) {
        return [
            {
                segments: ["metadata"],
                reason: 'required field "metadata" is missing; it needs at least a name',
            },
        ];
    }
    if (isRecord(meta) && meta.name === undefined && meta.generateName === undefined) {
        return [
            {
                segments: ["metadata", "name"],
                reason: 'required field "name" is missing (or set metadata.generateName)',
            },
        ];
    }
    return [];
}

/** `Kind namespace/name`, or `Kind name` for an object without a namespace. */
export function objectLabel(obj: Record<string, unknown>): string {
    const meta = isRecord(obj.metadata) ? obj.metadata : {};
    const kind = typeof obj.kind === "string" ? obj.kind : "<no kind>";
    const name = typeof meta.name === "string" ? meta.name : "<no name>";
    return typeof meta.namespace === "string" && meta.namespace !== ""
        ? `${kind} ${meta.namespace}/${name}`
        : `${kind} ${name}`;
}

function compiled(crdDir: string, crd: CrdVersion): ValidateFunction {
    const key = `${crdDir}\u0000${crd.group}/${crd.version}\u0000${crd.kind}`;
    let fn = compiledCache.get(key);
    if (!fn) {
        fn = ajv().compile(toAjvSchema(crd));
        compiledCache.set(key, fn);
    }
    return fn;
}

/** Go duration, as used by `format: duration` in Kubernetes (`1h30m`, `500ms`). */
const GO_DURATION = /^[-+]?(?:0|(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;

function ajv(): Ajv {
    if (!sharedAjv) {
        // Patterns in CRDs are Go RE2 syntax; non-unicode mode accepts more of them (e.g. `\-`).
        // No code optimisation and no kept source make compiling large CRD schemas about twice
        // as fast; validation stays well under a millisecond an object.
        const instance = new Ajv({
            allErrors: true,
            strict: false,
            unicodeRegExp: false,
            validateSchema: false,
            code: { optimize: false, lines: false, source: false },
        });
        // Kubernetes' own meaning of these two differs from ajv-formats' (Go durations, CIDRs).
        const custom = new Set(["duration", "cidr"]);
        addFormats(instance, [...KNOWN_FORMATS].filter((f) => !custom.has(f)) as FormatName[]);
        instance.addFormat("duration", GO_DURATION);
        instance.addFormat("cidr", { type: "string", validate: isCidr });
        instance.addKeyword({
            keyword: DEFERRED_KEYWORD,
            schemaType: "object",
            errors: true,
            validate: validateDeferred,
        });
        instance.addKeyword({
            keyword: "k8sListMapKeys",
            type: "array",
            schemaType: "array",
            errors: true,
            validate: uniqueMapKeys,
        });
        sharedAjv = instance;
    }
    return sharedAjv;
}

function isCidr(value: string): boolean {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
    if (!m) {
        return false;
    }
    const bits = Number(m[2]);
    const ip = m[1];
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) {
        return bits <= 32 && ip.split(".").every((o) => Number(o) <= 255);
    }
    return ip.includes(":") && /^[0-9a-fA-F:.]+$/.test(ip) && bits <= 128;
}

const deferredCache = new WeakMap<object, ValidateFunction>();

/**
 * Validates data against a subtree that `crd-schema.ts` deferred: compiles it on first use,
 * then reports its errors at their full path. Combinator branches are folded here, because ajv
 * replaces the `schemaPath` of errors coming out of a custom keyword.
 */
function validateDeferred(
    this: unknown,
    schema: object,
    data: unknown,
    _parent?: unknown,
    cxt?: { instancePath?: string },
): boolean {
    let fn = deferredCache.get(schema);
    if (!fn) {
        fn = ajv().compile(schema);
        deferredCache.set(schema, fn);
    }
    const ok = fn(data);
    const base = cxt?.instancePath ?? "";
    const errors = ok
        ? []
        : foldCombinatorErrors(fn.errors ?? []).map((e) => ({
              ...e,
              instancePath: base + e.instancePath,
          }));
    (validateDeferred as unknown as { errors: unknown }).errors = errors;
    return ok;
}

/** `x-kubernetes-list-type: map`: no two items may share the values of the map keys. */
function uniqueMapKeys(this: unknown, keys: string[], data: unknown[]): boolean {
    const seen = new Map<string, number>();
    const errors: Partial<ErrorObject>[] = [];
    data.forEach((item, i) => {
        if (!isRecord(item)) {
            return;
        }
        const id = JSON.stringify(keys.map((k) => item[k] ?? null));
        const first = seen.get(id);
        if (first === undefined) {
            seen.set(id, i);
        } else {
            const shown = keys.map((k) => `${k}=${JSON.stringify(item[k])}`).join(", ");
            errors.push({
                keyword: "k8sListMapKeys",
                params: { keys },
                message: `duplicate entry: items [${first}] and [${i}] have the same ${shown}`,
            });
        }
    });
    (uniqueMapKeys as unknown as { errors: unknown }).errors = errors;
    return errors.length === 0;
}

/**
 * Strict validation of built-in Kubernetes kinds (Service, StatefulSet, RBAC, ...) against the
 * upstream Kubernetes OpenAPI schema, as shipped precompiled by the `kubernetes-models` package.
 *
 * Schema version: `kubernetes-models` 4.5.x is generated from the Kubernetes **v1.33.0** OpenAPI
 * spec (its CHANGELOG, 4.5.0: "Update schema version to v1.33.0"), merged with older specs for
 * removed APIs. 5.x moves to v1.36 but is ESM-only and needs Node 22; this project runs Node 20.
 *
 * How strictness is achieved: the package's ajv validators check types, `required`, enums and
 * formats, but upstream Kubernetes schemas never say `additionalProperties: false`, so an unknown
 * field such as `spec.prots` passes them. The validators are ajv standalone code, which reads
 * every declared property of an object (`data.ports !== undefined && ...`) and enumerates the
 * keys only of maps (`for (const key in data)`). So the object is handed to the validator behind
 * a read-recording `Proxy`: for each object the validator looked into, any own key it never
 * read is a field the schema does not declare, i.e. an unknown field. Objects it never looked
 * into (free-form `RawExtension`, `x-kubernetes-preserve-unknown-fields`) and maps it enumerated
 * (`labels`, `data`, `resources.limits`) are not checked, which matches the API server.
 */
import { PathSegment, AjvLikeError, isRecord } from "./schema-errors";

/** A generated `kubernetes-models` class: its prototype `validate()` runs ajv on `this`. */
interface ModelClass {
    readonly apiVersion?: string;
    readonly kind?: string;
    readonly prototype: { validate(this: unknown): void };
}

const API_VERSION = /^(?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

const modelCache = new Map<string, ModelClass | null>();

/**
 * The `kubernetes-models` class for a top-level kind (`v1` + `Service` loads
 * `kubernetes-models/v1/Service`), or `null` if the package has no such kind. Loaded on first
 * use and cached; only the validators that kind needs are loaded.
 */
export function builtinModel(apiVersion: string, kind: string): ModelClass | null {
    const key = `${apiVersion} ${kind}`;
    const cached = modelCache.get(key);
    if (cached !== undefined) {
        return cached;
    }
    let found: ModelClass | null = null;
    if (API_VERSION.test(apiVersion) && KIND.test(kind)) {
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const mod = require(`kubernetes-models/${apiVersion}/${kind}`) as Record<
                string,
                unknown
            >;
            const cls = mod[kind] as ModelClass | undefined;
            // Nested types (ServiceSpec) have no apiVersion/kind of their own.
            if (cls && cls.apiVersion === apiVersion && cls.kind === kind) {
                found = cls;
            }
        } catch (err) {
            const code = (err as { code?: string }).code;
            if (code !== "MODULE_NOT_FOUND" && code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") {
                throw err;
            }
        }
    }
    modelCache.set(key, found);
    return found;
}

/** Result of one built-in validation: ajv errors plus fields the schema does not declare. */
export interface BuiltinResult {
    readonly errors: readonly AjvLikeError[];
    readonly unknownFields: readonly PathSegment[][];
}

/**
 * Fields that `kubernetes-models` drops from its generated validators although upstream declares
 * them (its generator strips every key named `description` or `x-kubernetes-*`, including
 * property names inside `JSONSchemaProps`). An object is recognised by properties its validator
 * is known to read; the listed fields are then accepted without further checks.
 */
const DROPPED_BY_GENERATOR: readonly {
    readonly reads: readonly string[];
    readonly only?: number;
    readonly fields: readonly string[];
}[] = [
    {
        // apiextensions.k8s.io JSONSchemaProps (v1 and v1beta1)
        reads: ["$schema", "patternProperties", "uniqueItems"],
        fields: [
            "description",
            "x-kubernetes-embedded-resource",
            "x-kubernetes-int-or-string",
            "x-kubernetes-list-map-keys",
            "x-kubernetes-list-type",
            "x-kubernetes-map-type",
            "x-kubernetes-preserve-unknown-fields",
            "x-kubernetes-validations",
        ],
    },
    // CustomResourceColumnDefinition
    { reads: ["jsonPath", "priority", "type"], fields: ["description"] },
    // ExternalDocumentation: `url` is its only other field
    { reads: ["url"], only: 1, fields: ["description"] },
];

interface Access {
    readonly target: object;
    readonly path: PathSegment[];
    readonly reads: Set<string>;
    enumerated: boolean;
}

/**
 * Validates `value` with the model's ajv validator while recording which keys it reads. Paths
 * in the result are relative to `value`.
 */
export function validateBuiltin(model: ModelClass, value: unknown): BuiltinResult {
    const accesses: Access[] = [];
    const proxies = new Map<string, object>();

    const wrap = (node: unknown, path: PathSegment[]): unknown => {
        if (typeof node !== "object" || node === null) {
            return node;
        }
        // One proxy per path, not per object: a shared object is judged at each place of use.
        const key = JSON.stringify(path);
        const existing = proxies.get(key);
        if (existing) {
            return existing;
        }
        const access: Access = { target: node, path, reads: new Set(), enumerated: false };
        accesses.push(access);
        const isArray = Array.isArray(node);
        const proxy = new Proxy(node, {
            get(target, prop, receiver) {
                const got = Reflect.get(target, prop, receiver) as unknown;
                if (typeof prop !== "string") {
                    return got;
                }
                // Absent properties count too: the validator probes every declared one.
                access.reads.add(prop);
                if (!Object.prototype.hasOwnProperty.call(target, prop)) {
                    return got;
                }
                return wrap(got, [...path, isArray && /^\d+$/.test(prop) ? Number(prop) : prop]);
            },
            has(target, prop) {
                if (typeof prop === "string") {
                    access.reads.add(prop);
                }
                return Reflect.has(target, prop);
            },
            getOwnPropertyDescriptor(target, prop) {
                if (typeof prop === "string") {
                    access.reads.add(prop);
                }
                return Reflect.getOwnPropertyDescriptor(target, prop);
            },
            ownKeys(target) {
                access.enumerated = true;
                return Reflect.ownKeys(target);
            },
        });
        proxies.set(key, proxy);
        return proxy;
    };

    let errors: readonly AjvLikeError[] = [];
    try {
        model.prototype.validate.call(wrap(value, []));
    } catch (err) {
        const list = (err as { errors?: unknown }).errors;
        if (!Array.isArray(list)) {
            throw err;
        }
        errors = list as AjvLikeError[];
    }

    const unknownFields: PathSegment[][] = [];
    for (const access of accesses) {
        if (!isRecord(access.target) || access.enumerated || access.reads.size === 0) {
            continue;
        }
        const extra = droppedFields(access.reads);
        for (const field of Object.keys(access.target)) {
            if (
                !access.reads.has(field) &&
                !extra.has(field) &&
                access.target[field] !== undefined
            ) {
                unknownFields.push([...access.path, field]);
            }
        }
    }
    return { errors, unknownFields };
}

function droppedFields(reads: ReadonlySet<string>): ReadonlySet<string> {
    const out = new Set<string>();
    for (const rule of DROPPED_BY_GENERATOR) {
        if (
            rule.reads.every((r) => reads.has(r)) &&
            (rule.only === undefined || reads.size === rule.only)
        ) {
            rule.fields.forEach((f) => out.add(f));
        }
    }
    return out;
}

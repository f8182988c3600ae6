/**
 * Loads CustomResourceDefinition YAML files and turns each served version's `openAPIV3Schema`
 * into a plain JSON Schema that ajv can compile, with the API server's *structural* semantics:
 *
 * - an object node that declares neither `additionalProperties` nor
 *   `x-kubernetes-preserve-unknown-fields: true` accepts only its declared `properties`, so an
 *   unknown (misspelled) field is an error (`additionalProperties: false`), as with kubectl's
 *   strict field validation;
 * - `x-kubernetes-int-or-string` means integer or string, `nullable` also allows `null`,
 *   `x-kubernetes-embedded-resource` also allows `apiVersion`, `kind` and `metadata`;
 * - `x-kubernetes-list-type: set` means unique items, `map` unique `x-kubernetes-list-map-keys`;
 * - OpenAPI v3.0 boolean `exclusiveMinimum`/`exclusiveMaximum` become draft-07 numbers;
 * - `allOf`/`anyOf`/`oneOf`/`not` only validate values (structural rule), so no unknown-field
 *   check is added inside them;
 * - formats the API server does not know are ignored, as it does; CEL rules
 *   (`x-kubernetes-validations`) are not evaluated; `status` is not checked.
 *
 * Large subtrees (CassandraDatacenter embeds a whole PodTemplateSpec) are compiled only when an
 * object first reaches them, see `deferLargeSubtrees`.
 */
import * as fs from "fs";
import * as path from "path";
import * as jsyaml from "js-yaml";
import { isRecord } from "./schema-errors";

/** One served version of one custom resource kind. */
export interface CrdVersion {
    readonly group: string;
    readonly version: string;
    readonly kind: string;
    /** The CRD file it came from, relative to the CRD directory. */
    readonly file: string;
    readonly openAPIV3Schema: Record<string, unknown>;
}

/**
 * Exceptions to "unknown fields are errors" where a CRD gives up on its own schema.
 *
 * cass-operator: the as-installed CassandraDatacenter CRD sets
 * `x-kubernetes-preserve-unknown-fields: true` on `spec`, because kustomize removes
 * `spec.properties.config` from the generated schema (see schemas/crds/SOURCES.md, note 1:
 * the operator's `config` field "has a dynamic schema"). Taken literally, that would hide every
 * typo directly under `spec` (`spec.sze`). So under `spec` only the declared properties plus
 * `config` are accepted; `config` itself stays free-form.
 */
const PRESERVE_OVERRIDES: readonly {
    readonly group: string;
    readonly kind: string;
    readonly path: readonly string[];
    readonly allow: readonly string[];
}[] = [
    {
        group: "cassandra.datastax.com",
        kind: "CassandraDatacenter",
        path: ["spec"],
        allow: ["config"],
    },
];

/** Formats the Kubernetes API server checks (kube-openapi strfmt) that ajv can check too. */
export const KNOWN_FORMATS: ReadonlySet<string> = new Set([
    "byte",
    "date",
    "date-time",
    "duration",
    "email",
    "hostname",
    "int32",
    "int64",
    "float",
    "double",
    "ipv4",
    "ipv6",
    "cidr",
    "uri",
    "uuid",
    "password",
]);

const indexCache = new Map<string, Map<string, CrdVersion>>();

/** `apiVersion kind` key used by the index. */
export function crdKey(apiVersion: string, kind: string): string {
    return `${apiVersion} ${kind}`;
}

/**
 * Every served version of every CRD in `dir` (recursively, `*.yaml`/`*.yml`, multi-document),
 * keyed by `crdKey`. Parsed once per directory and cached. Two files defining the same
 * group/version/kind is an error, so the validator never picks one silently.
 */
export function loadCrdIndex(dir: string): Map<string, CrdVersion> {
    const root = path.resolve(dir);
    const cached = indexCache.get(root);
    if (cached) {
        return cached;
    }
    const index = new Map<string, CrdVersion>();
    for (const file of listYamlFiles(root)) {
        const rel = path.relative(root, file);
        for (const doc of jsyaml.loadAll(fs.readFileSync(file, "utf8"))) {
            if (!isRecord(doc) || doc.kind !== "CustomResourceDefinition" || !isRecord(doc.spec)) {
                continue;
            }
            const spec = doc.spec;
            const names = isRecord(spec.names) ? spec.names : {};
            const group = String(spec.group);
            const kind = String(names.kind);
            const versions = Array.isArray(spec.versions) ? spec.versions : [];
            for (const v of versions) {
                if (!isRecord(v) || v.served === false) {
                    continue;
                }
                const schema = isRecord(v.schema) ? v.schema.openAPIV3Schema : undefined;
                const entry: CrdVersion = {
                    group,
                    version: String(v.name),
                    kind,
                    file: rel,
                    openAPIV3Schema: isRecord(schema)
                        ? schema
                        : { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                };
                const key = crdKey(`${group}/${entry.version}`, kind);
                const dup = index.get(key);
                if (dup) {
                    throw new Error(
                        `${key} is defined twice, in ${dup.file} and ${rel}; ` +
                            `keep one CRD file per kind in ${root}`,
                    );
                }
                index.set(key, entry);
            }
        }
    }
    indexCache.set(root, index);
    return index;
}

function listYamlFiles(dir: string): string[] {
    const out: string[] = [];
    for (const entry of fs
        .readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            out.push(...listYamlFiles(full));
        } else if (/\.ya?ml$/.test(entry.name)) {
            out.push(full);
        }
    }
    return out;
}

type Json = Record<string, unknown>;

/**
 * The ajv JSON Schema for one CRD version. `metadata` is left open here: the validator checks it
 * against the real ObjectMeta schema separately, as the API server ignores the CRD's own
 * `metadata` schema apart from name restrictions. `status` is not checked: rendered manifests
 * carry none, and the API server ignores it on writes to a resource with a status subresource.
 */
export function toAjvSchema(crd: CrdVersion): Json {
    let root = crd.openAPIV3Schema;
    for (const o of PRESERVE_OVERRIDES) {
        if (o.group === crd.group && o.kind === crd.kind) {
            root = overridePreserve(root, o.path, o.allow);
        }
    }
    const out = convert(root, false);
    const props = isRecord(out.properties) ? { ...out.properties } : {};
    props.apiVersion = { type: "string" };
    props.kind = { type: "string" };
    props.metadata = {};
    if (props.status !== undefined) {
        props.status = {};
    }
    return deferLargeSubtrees({ ...out, type: "object", properties: props });
}

function overridePreserve(node: Json, at: readonly string[], allow: readonly string[]): Json {
    if (at.length === 0) {
        const properties: Json = isRecord(node.properties) ? { ...node.properties } : {};
        for (const name of allow) {
            properties[name] ??= { "x-kubernetes-preserve-unknown-fields": true };
        }
        const copy: Json = { ...node, properties };
        delete copy["x-kubernetes-preserve-unknown-fields"];
        return copy;
    }
    const properties = isRecord(node.properties) ? node.properties : {};
    const child = properties[at[0]];
    if (!isRecord(child)) {
        return node;
    }
    return {
        ...node,
        properties: { ...properties, [at[0]]: overridePreserve(child, at.slice(1), allow) },
    };
}

const COPIED = [
    "enum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "multipleOf",
    "required",
] as const;

/** Converts one schema node; `valueOnly` is true inside allOf/anyOf/oneOf/not. */
function convert(node: Json, valueOnly: boolean): Json {
    const out: Json = {};
    for (const k of COPIED) {
        if (node[k] !== undefined) {
            out[k] = node[k];
        }
    }
    if (typeof node.pattern === "string" && isJsRegExp(node.pattern)) {
        out.pattern = node.pattern;
    }
    if (typeof node.format === "string" && KNOWN_FORMATS.has(node.format)) {
        out.format = node.format;
    }
    convertBounds(node, out);

    const intOrString = node["x-kubernetes-int-or-string"] === true;
    const types: string[] = intOrString
        ? ["integer", "string"]
        : typeof node.type === "string"
          ? [node.type]
          : [];
    if (node.nullable === true) {
        if (types.length > 0) {
            types.push("null");
        }
        if (Array.isArray(out.enum) && !out.enum.includes(null)) {
            out.enum = [...out.enum, null];
        }
    }
    if (types.length > 0) {
        out.type = types.length === 1 ? types[0] : types;
    }

    if (isRecord(node.items)) {
        out.items = convert(node.items, valueOnly);
    }
    const listType = node["x-kubernetes-list-type"];
    if (!valueOnly && listType === "set") {
        out.uniqueItems = true;
    } else if (
        !valueOnly &&
        listType === "map" &&
        Array.isArray(node["x-kubernetes-list-map-keys"])
    ) {
        out.k8sListMapKeys = node["x-kubernetes-list-map-keys"];
    }

    if (isRecord(node.properties)) {
        const props: Json = {};
        for (const [name, sub] of Object.entries(node.properties)) {
            props[name] = isRecord(sub) ? convert(sub, valueOnly) : {};
        }
        out.properties = props;
    }
    if (typeof node.additionalProperties === "boolean") {
        out.additionalProperties = node.additionalProperties;
    } else if (isRecord(node.additionalProperties)) {
        out.additionalProperties = convert(node.additionalProperties, valueOnly);
    }
    for (const k of ["allOf", "anyOf", "oneOf"] as const) {
        const list = node[k];
        if (intOrString && Array.isArray(list) && list.every(isIntOrStringBranch)) {
            // controller-gen spells int-or-string also as anyOf [{type: integer}, {type: string}]:
            // the type above already says it, in one error message instead of three.
            continue;
        }
        if (Array.isArray(list)) {
            out[k] = list.map((s) => (isRecord(s) ? convert(s, true) : {}));
        }
    }
    if (isRecord(node.not)) {
        out.not = convert(node.not, true);
    }

    const isObject = node.type === "object" || isRecord(node.properties);
    if (node["x-kubernetes-embedded-resource"] === true && isObject) {
        const props = isRecord(out.properties) ? { ...out.properties } : {};
        props.apiVersion ??= { type: "string" };
        props.kind ??= { type: "string" };
        props.metadata ??= { type: "object" };
        out.properties = props;
    }
    if (
        !valueOnly &&
        isObject &&
        node.additionalProperties === undefined &&
        node["x-kubernetes-preserve-unknown-fields"] !== true
    ) {
        // Structural schema: a field not declared here would be pruned, so it is a mistake.
        out.additionalProperties = false;
    }
    return out;
}

/** Subtrees larger than this (in JSON characters) are compiled only when data reaches them. */
export const DEFER_ABOVE_CHARS = 8_000;

/** The keyword `schema-validator.ts` registers to compile a deferred subtree on first use. */
export const DEFERRED_KEYWORD = "k8sDeferred";

/**
 * Replaces every large `properties`/`items`/`additionalProperties` subtree with
 * `{ k8sDeferred: subtree }`, recursively. A CRD such as CassandraDatacenter embeds a whole
 * PodTemplateSpec; compiling it up front costs about a second although most manifests never set
 * it. Combinator branches are left alone: they are small and ajv must see them whole.
 */
function deferLargeSubtrees(node: Json): Json {
    const out: Json = { ...node };
    const wrap = (sub: unknown): unknown => {
        if (!isRecord(sub)) {
            return sub;
        }
        const processed = deferLargeSubtrees(sub);
        return JSON.stringify(processed).length > DEFER_ABOVE_CHARS
            ? { [DEFERRED_KEYWORD]: processed }
            : processed;
    };
    if (isRecord(node.properties)) {
        out.properties = Object.fromEntries(
            Object.entries(node.properties).map(([k, v]) => [k, wrap(v)]),
        );
    }
    if (isRecord(node.items)) {
        out.items = wrap(node.items);
    }
    if (isRecord(node.additionalProperties)) {
        out.additionalProperties = wrap(node.additionalProperties);
    }
    return out;
}

function isIntOrStringBranch(branch: unknown): boolean {
    return (
        isRecord(branch) &&
        Object.keys(branch).length === 1 &&
        (branch.type === "integer" || branch.type === "string")
    );
}

/** CRD patterns are Go RE2; the few JavaScript cannot compile are skipped, not fatal. */
function isJsRegExp(pattern: string): boolean {
    try {
        new RegExp(pattern);
        return true;
    } catch {
        return false;
    }
}

function convertBounds(node: Json, out: Json): void {
    for (const [bound, exclusive] of [
        ["minimum", "exclusiveMinimum"],
        ["maximum", "exclusiveMaximum"],
    ] as const) {
        const limit = node[bound];
        if (typeof limit !== "number") {
            continue;
        }
        if (node[exclusive] === true) {
            out[exclusive] = limit;
        } else {
            out[bound] = limit;
        }
    }
}

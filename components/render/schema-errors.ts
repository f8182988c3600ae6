/**
 * Error shapes and message helpers shared by the offline schema validator
 * (`schema-validator.ts`): JSON paths in dot/bracket form, and one reason text per JSON-schema
 * keyword so every message says what is wrong and the offending value.
 */

/** One schema violation in one rendered object. */
export interface SchemaError {
    /** The object, as `Kind namespace/name` (or `Kind name` for cluster-scoped objects). */
    readonly object: string;
    /** Where in the object: `spec.racks[0].nme`, `metadata.labels["app.kubernetes.io/name"]`. */
    readonly path: string;
    /** What is wrong, with the offending value: `must be integer, got string "3"`. */
    readonly reason: string;
}

/** One step of a JSON path: an object key or an array index. */
export type PathSegment = string | number;

/** The part of an ajv `ErrorObject` used here; kubernetes-models' validators emit the same. */
export interface AjvLikeError {
    readonly instancePath: string;
    readonly schemaPath: string;
    readonly keyword: string;
    readonly params: Record<string, unknown>;
    readonly message?: string;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `["spec", "racks", 0, "nme"]` is `spec.racks[0].nme`; keys like `a.b/c` are bracket-quoted. */
export function formatPath(segments: readonly PathSegment[]): string {
    let out = "";
    for (const seg of segments) {
        if (typeof seg === "number") {
            out += `[${seg}]`;
        } else if (PLAIN_KEY.test(seg)) {
            out += out === "" ? seg : `.${seg}`;
        } else {
            out += `[${JSON.stringify(seg)}]`;
        }
    }
    return out;
}

/**
 * Turns a JSON pointer (`/spec/racks/0/nme`) into path segments, reading `data` to tell array
 * indexes from object keys that happen to be numeric.
 */
export function pointerToSegments(pointer: string, data: unknown): PathSegment[] {
    if (pointer === "") {
        return [];
    }
    const segments: PathSegment[] = [];
    let node: unknown = data;
    for (const raw of pointer.slice(1).split("/")) {
        const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
        if (Array.isArray(node) && /^\d+$/.test(key)) {
            segments.push(Number(key));
            node = node[Number(key)];
        } else {
            segments.push(key);
            node = isRecord(node) ? node[key] : undefined;
        }
    }
    return segments;
}

/** The value at `segments` inside `data`, or `undefined`. */
export function valueAt(data: unknown, segments: readonly PathSegment[]): unknown {
    let node: unknown = data;
    for (const seg of segments) {
        if (Array.isArray(node) && typeof seg === "number") {
            node = node[seg];
        } else if (isRecord(node) && typeof seg === "string") {
            node = node[seg];
        } else {
            return undefined;
        }
    }
    return node;
}

/** A short description of a value for messages: `string "3"`, `integer 3`, `object`, `null`. */
export function describeValue(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return `array of ${value.length} item${value.length === 1 ? "" : "s"}`;
    }
    switch (typeof value) {
        case "string": {
            const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
            return `string ${JSON.stringify(shown)}`;
        }
        case "number":
            return `${Number.isInteger(value) ? "integer" : "number"} ${value}`;
        case "boolean":
            return `boolean ${value}`;
        case "undefined":
            return "nothing";
        default:
            return typeof value;
    }
}

/** A problem found in one object, before it is labelled with the object's name. */
export interface Found {
    readonly segments: PathSegment[];
    readonly reason: string;
}

/**
 * Converts ajv errors into path + reason pairs. Errors inside an `anyOf`/`oneOf`/`not` branch are
 * folded into the one error for that combinator, so a user sees one message per problem.
 */
export function convertAjvErrors(
    errors: readonly AjvLikeError[],
    data: unknown,
    basePath: readonly PathSegment[] = [],
): Found[] {
    const out: Found[] = [];
    const seen = new Set<string>();
    for (const err of foldCombinatorErrors(errors)) {
        const at = [...basePath, ...pointerToSegments(err.instancePath, data)];
        const p = err.params;
        let found: Found;
        if (err.keyword === "additionalProperties") {
            const field = String(p.additionalProperty);
            found = { segments: [...at, field], reason: `unknown field ${JSON.stringify(field)}` };
        } else if (err.keyword === "required") {
            const field = String(p.missingProperty);
            const reason = `required field ${JSON.stringify(field)} is missing`;
            found = { segments: [...at, field], reason };
        } else {
            const value = valueAt(data, at.slice(basePath.length));
            found = { segments: at, reason: reasonFor(err, value) };
        }
        const key = `${formatPath(found.segments)}\u0000${found.reason}`;
        if (!seen.has(key)) {
            seen.add(key);
            out.push(found);
        }
    }
    return out;
}

/** The reason text for one value-level ajv error: what is required, and what was given. */
function reasonFor(err: AjvLikeError, value: unknown): string {
    const p = err.params;
    const got = `got ${describeValue(value)}`;
    const atLeastOrMost = err.keyword.startsWith("min") ? "at least" : "at most";
    switch (err.keyword) {
        case "type": {
            const types = Array.isArray(p.type) ? p.type.join(" or ") : String(p.type);
            return `must be ${types}, ${got}`;
        }
        case "enum":
            return `must be one of ${listValues(p.allowedValues)}, ${got}`;
        case "const":
            return `must be ${JSON.stringify(p.allowedValue)}, ${got}`;
        case "pattern":
            return `must match pattern ${String(p.pattern)}, ${got}`;
        case "format":
            return `must be a valid ${String(p.format)}, ${got}`;
        case "minimum":
        case "maximum":
        case "exclusiveMinimum":
        case "exclusiveMaximum":
            return `must be ${String(p.comparison)} ${String(p.limit)}, ${got}`;
        case "multipleOf":
            return `must be a multiple of ${String(p.multipleOf)}, ${got}`;
        case "minLength":
        case "maxLength":
            return `must have ${atLeastOrMost} ${String(p.limit)} characters, ${got}`;
        case "minItems":
        case "maxItems":
            return `must have ${atLeastOrMost} ${String(p.limit)} items, ${got}`;
        case "minProperties":
        case "maxProperties":
            return `must have ${atLeastOrMost} ${String(p.limit)} fields`;
        case "uniqueItems": {
            const [a, b] = [Number(p.i), Number(p.j)].sort((x, y) => x - y);
            return `must not contain duplicates: items [${a}] and [${b}] are equal`;
        }
        case "anyOf":
            return `must match at least one of the alternatives (anyOf), ${got}`;
        case "oneOf": {
            const passing = Array.isArray(p.passingSchemas) ? p.passingSchemas.length : 0;
            return `must match exactly one of the alternatives (oneOf), matches ${passing}`;
        }
        case "not":
            return "must not match the combination of fields the schema forbids (not)";
        case "k8sListMapKeys":
            return err.message ?? "has duplicate entries for its x-kubernetes-list-map-keys";
        default:
            return `${err.message ?? "is invalid"} (${err.keyword})`;
    }
}

/** Drops the errors of single `anyOf`/`oneOf`/`not` branches; the combinator's own error stays. */
export function foldCombinatorErrors<T extends AjvLikeError>(errors: readonly T[]): T[] {
    const combinators = errors
        .filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf" || e.keyword === "not")
        .map((e) => `${e.schemaPath}/`);
    return errors.filter((err) => !combinators.some((prefix) => err.schemaPath.startsWith(prefix)));
}

function listValues(values: unknown): string {
    if (!Array.isArray(values)) {
        return String(values);
    }
    return values.map((v) => JSON.stringify(v)).join(", ");
}

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

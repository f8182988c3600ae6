import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** A key declared under `config:` in Pulumi.yaml. */
export interface ProjectConfigDeclaration {
    readonly type?: string;
    readonly items?: ProjectConfigItems;
    readonly default?: unknown;
    readonly value?: unknown;
    readonly secret?: boolean;
    readonly description?: string;
}

interface ProjectConfigItems {
    readonly type: string;
    readonly items?: ProjectConfigItems;
}

/** What the CLI reads from Pulumi.yaml before it runs a program. */
export interface ProjectFile {
    readonly name: string;
    readonly main?: string;
    readonly config?: Readonly<Record<string, ProjectConfigDeclaration>>;
}

export function readProjectFile(projectDir: string): ProjectFile {
    return parse(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

/**
 * Reads a stack's config the way the Pulumi CLI hands it to a program: `Pulumi.<stack>.yaml`
 * merged with the keys declared in `Pulumi.yaml` under the CLI's own rules
 * ({@link applyProjectConfig}), every value as a string (structured values as JSON), keys
 * qualified as `<namespace>:<key>`. Throws the CLI's own message when it would stop before the
 * program runs.
 */
export function readStackConfig(
    projectDir: string,
    stack: string,
    stackFile?: string,
): { project: string; config: Record<string, string> } {
    const projectFile = readProjectFile(projectDir);
    const stackPath = stackFile ?? join(projectDir, `Pulumi.${stack}.yaml`);
    let stackDoc: { config?: Record<string, unknown> };
    try {
        stackDoc = (parse(readFileSync(stackPath, "utf8")) ?? {}) as typeof stackDoc;
    } catch (err) {
        throw new Error(`cannot read stack "${stack}": ${stackPath}: ${(err as Error).message}`);
    }
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
        if (value !== null && typeof value === "object" && "secure" in value) {
            // Encrypted values need the stack's secrets provider; the offline plan never sees them.
            continue;
        }
        values[qualify(projectFile.name, key)] = value;
    }
    const merged = applyProjectConfig(projectFile, stack, values);
    return {
        project: projectFile.name,
        config: Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, asConfigString(v)])),
    };
}

/**
 * The CLI's checks of a stack's values against the project's declarations, and the defaults it
 * fills in. Mirrors pulumi/pulumi v3.248.0 `sdk/go/common/workspace/config.go`:
 *  - `mergeConfig`: a key of the project's namespace with neither `default` nor `value` that the
 *    stack does not set is *missing*; all missing keys are reported together as
 *    "Stack '<stack>' is missing configuration value(s) 'a' and 'b'" before the program runs.
 *    A declared `default` (or `value`) is used only when the stack does not set the key.
 *  - `validateStackConfigValue` and `ValidateConfigValue` (`project.go`): an explicitly typed
 *    key must hold a value of that type ("Stack '<stack>' with configuration key '<key>' must
 *    be of type '<type>'").
 * `values` are keyed `<namespace>:<key>`; the result holds the merged values.
 */
export function applyProjectConfig(
    project: ProjectFile,
    stack: string,
    values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
    const merged: Record<string, unknown> = { ...values };
    const missing: string[] = [];
    const keys = Object.keys(project.config ?? {}).sort();
    for (const key of keys) {
        const decl = (project.config ?? {})[key];
        const qualified = qualify(project.name, key);
        const namespace = qualified.slice(0, qualified.lastIndexOf(":"));
        const fallback = decl.default ?? decl.value;
        if (!(qualified in values)) {
            if (fallback === undefined || fallback === null) {
                if (namespace === project.name) {
                    missing.push(key);
                }
            } else {
                merged[qualified] = fallback;
            }
        }
    }
    if (missing.length > 0) {
        throw new Error(
            `Stack '${stack}' is missing configuration ${missing.length > 1 ? "values" : "value"} ${formatMissing(missing)}`,
        );
    }
    for (const key of keys) {
        const decl = (project.config ?? {})[key];
        const qualified = qualify(project.name, key);
        // A scalar reaches the check as its text (config.Value holds scalars as strings); lists and
        // objects as parsed JSON.
        const raw = values[qualified];
        const content = raw !== null && typeof raw === "object" ? raw : String(raw);
        if (decl.type && qualified in values && !isOfType(decl.type, decl.items, content)) {
            throw new Error(
                `Stack '${stack}' with configuration key '${key}' must be of type '${typeName(decl.type, decl.items)}'`,
            );
        }
    }
    return merged;
}

/** `config.go` `formatMissingKeys`: 'a', 'a' and 'b', 'a', 'b' and 'c'. */
function formatMissing(keys: readonly string[]): string {
    const quoted = keys.map((k) => `'${k}'`);
    return quoted.length === 1
        ? quoted[0]
        : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/** `project.go` `ValidateConfigValue`, for values as YAML parses them. */
function isOfType(type: string, items: ProjectConfigItems | undefined, value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return (
                (typeof value === "number" && Number.isInteger(value)) ||
                (typeof value === "string" && /^[+-]?\d+$/.test(value))
            );
        case "boolean":
            return typeof value === "boolean" || value === "true" || value === "false";
        case "object":
            return value !== null && typeof value === "object" && !Array.isArray(value);
        default:
            return (
                Array.isArray(value) &&
                items !== undefined &&
                value.every((v) => isOfType(items.type, items.items, v))
            );
    }
}

/** `project.go` `InferFullTypeName`: `array<string>` and the like. */
function typeName(type: string, items: ProjectConfigItems | undefined): string {
    return items ? `array<${typeName(items.type, items.items)}>` : type;
}

function qualify(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

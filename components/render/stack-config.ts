import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/**
 * Reads a stack's config the way the Pulumi CLI hands it to a program: `Pulumi.<stack>.yaml`
 * over the defaults declared in `Pulumi.yaml`, every value as a string (structured values as
 * JSON), keys qualified as `<namespace>:<key>`.
 */
export function readStackConfig(
    projectDir: string,
    stack: string,
    stackFile?: string,
): { project: string; config: Record<string, string> } {
    const projectFile = parse(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as {
        name: string;
        config?: Record<string, { default?: unknown } | unknown>;
    };
    const stackPath = stackFile ?? join(projectDir, `Pulumi.${stack}.yaml`);
    let stackDoc: { config?: Record<string, unknown> };
    try {
        stackDoc = (parse(readFileSync(stackPath, "utf8")) ?? {}) as typeof stackDoc;
    } catch (err) {
        throw new Error(`cannot read stack "${stack}": ${stackPath}: ${(err as Error).message}`);
    }
    const config: Record<string, string> = {};
    for (const [key, decl] of Object.entries(projectFile.config ?? {})) {
        const hasDefault = decl !== null && typeof decl === "object" && "default" in decl;
        if (hasDefault) {
            config[qualify(projectFile.name, key)] = asConfigString(
                (decl as { default: unknown }).default,
            );
        }
    }
    for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
        if (value !== null && typeof value === "object" && "secure" in value) {
            // Encrypted values need the stack's secrets provider; the offline plan never sees them.
            continue;
        }
        config[qualify(projectFile.name, key)] = asConfigString(value);
    }
    return { project: projectFile.name, config };
}

function qualify(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

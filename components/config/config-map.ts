import { closest, editDistance, problem, Problem, throwIfProblems } from "../errors";
import { CONFIG_ERROR, configProblems } from "./parse";
import { settingsSchema } from "./schema";

/**
 * The project's settings out of a Pulumi config map (`<project>:<key>` → string, structured
 * values as JSON text, as the CLI passes them). Other namespaces are left alone — providers
 * (`gcp:project`, `kubernetes:…`) own theirs — except one that is a near miss of the project's
 * name (`cassandra:ingress`, `cassandra-multicluser:…`): its settings would be silently ignored,
 * so they are reported, together with every other problem of the config.
 */
export function settingsFromConfigMap(
    project: string,
    config: Readonly<Record<string, string>>,
): Record<string, unknown> {
    const settings: Record<string, unknown> = {};
    const misplaced: Problem[] = [];
    for (const [key, value] of Object.entries(config)) {
        const colon = key.indexOf(":");
        if (colon <= 0) {
            continue; // the CLI always qualifies keys
        }
        const namespace = key.slice(0, colon);
        const name = key.slice(colon + 1);
        if (namespace === project) {
            settings[name] = parseConfigValue(value);
        } else if (isNearMiss(namespace, project)) {
            const setting = SETTING_KEYS.includes(name) ? name : closest(name, SETTING_KEYS);
            const fix = setting
                ? `write it as ${project}:${setting}`
                : `"${name}" is not one of its settings either (${SETTING_KEYS.join(", ")})`;
            misplaced.push(
                problem(
                    key,
                    `namespace "${namespace}" is not this project's ("${project}"), so this setting would be ignored; ${fix}`,
                ),
            );
        }
    }
    if (misplaced.length > 0) {
        throwIfProblems(CONFIG_ERROR, [...misplaced, ...configProblems(settings)]);
    }
    return settings;
}

const SETTING_KEYS: readonly string[] = Object.keys(settingsSchema.shape);

/**
 * A namespace the user most likely meant as the project's: within three edits of it, or its
 * beginning (`cassandra`), ignoring case and punctuation.
 */
function isNearMiss(namespace: string, project: string): boolean {
    const norm = (x: string) => x.toLowerCase().replace(/[^a-z0-9]/g, "");
    const [ns, pr] = [norm(namespace), norm(project)];
    return (
        ns === pr ||
        editDistance(ns, pr) <= 3 ||
        (ns.length >= 4 && (pr.startsWith(ns) || ns.startsWith(pr)))
    );
}

/** Structured values arrive as JSON text and booleans/numbers as their literals; plain strings stay strings. */
function parseConfigValue(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

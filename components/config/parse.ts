import { distinct, Problem, throwIfProblems } from "../errors";
import { planNetwork } from "../plan/network-plan";
import { buildTopology, validateTopology } from "../plan/topology";
import { BrokenValues, brokenValues, NOTHING_BROKEN } from "./broken-values";
import { fromZodIssue, pathOf } from "./messages";
import { isObject, salvage, withoutKeys } from "./salvage";
import { DnsMode, ParsedSettings, Settings, settingsSchema } from "./schema";
import { validateSettings } from "./validate";

/**
 * Raw config to settings: the schema, then the cross-field rules and the plan's own checks, all
 * problems reported at once.
 */

export const CONFIG_ERROR = "Invalid stack configuration for cassandra-multicluster";

/**
 * Parses raw config (keys without the project prefix) or throws every problem found at once:
 * schema errors, cross-field rules and — since the error is thrown anyway — the plan's own
 * checks (network layout, composed names), each skipped only when it would read a broken value.
 * Valid settings return; {@link buildPlan} then runs the plan checks on them.
 */
export function parseSettings(raw: Record<string, unknown>): Settings {
    const checked = check(raw);
    if (checked.problems.length > 0) {
        throwIfProblems(CONFIG_ERROR, [...checked.problems, ...planChecks(checked)]);
    }
    return checked.settings as Settings;
}

/** Every problem of raw config — schema, cross-field and plan — in one list; empty when a plan can be built. */
export function configProblems(raw: Record<string, unknown>): Problem[] {
    const checked = check(raw);
    return [...checked.problems, ...planChecks(checked)];
}

/** The result of the schema and cross-field checks: the settings as far as they could be read. */
interface Checked {
    /** Undefined only when the config is not an object at all. */
    readonly settings?: Settings;
    readonly broken: BrokenValues;
    readonly problems: readonly Problem[];
}

/**
 * Schema, then cross-field rules. When the schema fails, every value that passed it is still
 * read (broken ones fall back to their default, or are left out) and the cross-field rules run
 * on that, each skipping what would read a broken value: one run reports every independent
 * mistake.
 */
function check(raw: Record<string, unknown>): Checked {
    const parsed = settingsSchema.safeParse(raw);
    if (parsed.success) {
        const settings = withDns(parsed.data);
        return { settings, broken: NOTHING_BROKEN, problems: validateSettings(settings) };
    }
    const issues = parsed.error.issues;
    // One value can fail several checks with the same message (a fraction that is also too small).
    const schemaProblems = distinct(issues.flatMap((i) => fromZodIssue(i, raw)));
    const broken = brokenValues(
        issues.filter((i) => i.code !== "unrecognized_keys").map((i) => pathOf(i.path)),
    );
    if (!isObject(raw) || broken.has("")) {
        return { broken, problems: schemaProblems };
    }
    // Unknown keys are reported and then dropped, so they do not break the object around them.
    const known = issues.reduce(
        (r, i) => (i.code === "unrecognized_keys" ? withoutKeys(r, i.path, i.keys) : r),
        raw,
    );
    const reparsed = settingsSchema.safeParse(known);
    const settings = withDns(reparsed.success ? reparsed.data : salvage(known));
    let crossField: Problem[];
    try {
        crossField = validateSettings(settings, broken);
    } catch {
        // A rule that still trips over a broken value: the schema problems are reported anyway.
        crossField = [];
    }
    return { settings, broken, problems: [...schemaProblems, ...crossField] };
}

function withDns(data: ParsedSettings): Settings {
    return { ...data, dns: data.dns ?? defaultDns(data) };
}

/** GKE clusters get Cloud DNS; existing clusters get stub domains when there is more than one. */
function defaultDns(s: Pick<ParsedSettings, "existingClusters" | "datacenters">): DnsMode {
    if (!s.existingClusters) {
        return "cloud-dns";
    }
    return s.datacenters.length > 1 ? "stub" : "none";
}

/**
 * The plan's own checks (network layout, composed names) on settings that may hold broken
 * values: each runs only when what it reads is intact. With other problems already found, a
 * check that still trips over a broken value is skipped; on clean settings it would be a bug.
 */
function planChecks(checked: Checked): Problem[] {
    const { settings: s, broken } = checked;
    if (!s || s.datacenters.length === 0 || broken.has("datacenters")) {
        return [];
    }
    const ok = (...paths: string[]) => !paths.some((p) => broken.touches(p));
    const each = (...fields: string[]) =>
        s.datacenters.flatMap((_, i) => fields.map((f) => `datacenters[${i}].${f}`));
    const attempt = (run: () => Problem[]): Problem[] => {
        try {
            return run();
        } catch (e) {
            if (checked.problems.length === 0) {
                throw e;
            }
            return [];
        }
    };
    const problems: Problem[] = [];
    if (
        ok(...each("name", "size", "maxNodes")) &&
        ok("network.supernet", "network.datacenterPrefix", "network.maxPodsPerNode") &&
        !broken.has("network.ranges") &&
        !broken.has("existingClusters")
    ) {
        problems.push(...attempt(() => planNetwork(s).problems));
    }
    const domains = s.datacenters.map((d) => `existingClusters.${d.name}.clusterDomain`);
    if (
        ok(...each("name", "zones", "racks", "size", "namespace")) &&
        ok("clusterName", "namespace", "dns", "externalDomain", ...domains) &&
        !broken.has("existingClusters")
    ) {
        problems.push(...attempt(() => validateTopology(s, buildTopology(s))));
    }
    return problems;
}

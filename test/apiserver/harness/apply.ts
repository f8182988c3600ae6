import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import type { RenderedObject } from "../../../components/render/manifests";
import type { ApiServer } from "./server";

/**
 * Applying what the program renders to a real API server, the two ways a cluster receives it:
 * `kubectl create --validate=strict` (refuses unknown fields, as the provider's own validation
 * would) and server-side apply (what the Kubernetes provider does, which silently prunes unknown
 * fields under `x-kubernetes-preserve-unknown-fields`: so every field we sent must come back).
 */

const SCHEMAS = resolve(__dirname, "../../../schemas/crds");

/** The vendored upstream CRDs (schemas/crds/SOURCES.md), cluster-scoped and shared by every stack. */
export function vendoredCrds(): Record<string, unknown>[] {
    const files = [
        ...readdirSync(SCHEMAS).filter((f) => f.endsWith(".yaml")),
        ...readdirSync(join(SCHEMAS, "as-installed")).map((f) => join("as-installed", f)),
    ].filter((f) => f !== "cassandra.datastax.com_cassandradatacenters.yaml");
    return files.flatMap((f) =>
        parseAllDocuments(readFileSync(join(SCHEMAS, f), "utf8"))
            .map((d) => d.toJSON() as Record<string, unknown> | null)
            .filter((d): d is Record<string, unknown> => d !== null),
    );
}

const PROXY_CRDS = resolve(__dirname, "../../../.e2e/kube/crds");

/**
 * The CRDs scripts/apiserver/crds.sh takes from upstream modules on the Go proxy, for kinds the
 * stacks render that schemas/crds does not hold: the standard-channel TCPRoute, Istio's
 * PeerAuthentication and k3s's HelmChartConfig (the other CRDs of those files are vendored or
 * unused, so they are left out).
 */
export function proxyCrds(): Record<string, unknown>[] {
    const wanted = new Set([
        "tcproutes.gateway.networking.k8s.io",
        "peerauthentications.security.istio.io",
        "helmchartconfigs.helm.cattle.io",
    ]);
    if (!existsSync(PROXY_CRDS)) {
        throw new Error(`${PROXY_CRDS} is missing: run "bash scripts/apiserver/setup.sh" first`);
    }
    const crds = readdirSync(PROXY_CRDS)
        .filter((f) => f.endsWith(".yaml"))
        .flatMap((f) => parseAllDocuments(readFileSync(join(PROXY_CRDS, f), "utf8")))
        .map((d) => d.toJSON() as { metadata?: { name?: string } } | null)
        .filter((d) => d !== null && wanted.has(d.metadata?.name ?? ""));
    const missing = [...wanted].filter((n) => !crds.some((c) => c?.metadata?.name === n));
    if (missing.length > 0) {
        throw new Error(`${PROXY_CRDS} lacks ${missing.join(", ")}: run scripts/apiserver/crds.sh`);
    }
    return crds as Record<string, unknown>[];
}

/** `apiVersion kind` pairs the API server serves, from its discovery. */
export function servedKinds(server: ApiServer): Set<string> {
    const r = server.kubectl(["api-resources", "-o", "wide", "--no-headers"]);
    if (r.code !== 0) {
        throw new Error(r.stderr);
    }
    const served = new Set<string>();
    for (const line of r.stdout.split("\n").filter(Boolean)) {
        const cols = line.trim().split(/\s+/);
        // NAME [SHORTNAMES] APIVERSION NAMESPACED KIND VERBS...
        const i = cols.findIndex((c) => c === "true" || c === "false");
        served.add(`${cols[i - 1]} ${cols[i + 1]}`);
    }
    return served;
}

export interface ApplyProblem {
    readonly object: string;
    readonly how: "create --validate=strict" | "server-side apply";
    readonly problem: string;
}

export function describeObject(o: Record<string, unknown>): string {
    const m = (o.metadata ?? {}) as { name?: string; namespace?: string };
    return `${o.apiVersion} ${o.kind} ${m.namespace ? `${m.namespace}/` : ""}${m.name}`;
}

const key = (o: Record<string, unknown>) => {
    const m = (o.metadata ?? {}) as { name?: string; namespace?: string };
    return `${String(o.kind)}/${m.namespace ?? ""}/${m.name}`;
};

/**
 * Applies objects each way, in order, in one kubectl call per way: `create --validate=strict` for
 * those the server does not hold yet (`existing` keys, updated here), then server-side apply for
 * all. Returns what the server refused, and every field it dropped.
 */
export function applyEachWay(
    server: ApiServer,
    objects: readonly Record<string, unknown>[],
    existing: Set<string>,
): ApplyProblem[] {
    const problems: ApplyProblem[] = [];
    const fresh = objects.filter((o) => !existing.has(key(o)));
    if (fresh.length > 0) {
        const created = server.kubectl(
            ["create", "--validate=strict", "-f", "-"],
            documents(fresh),
        );
        if (created.code !== 0) {
            problems.push({
                object: "(batch)",
                how: "create --validate=strict",
                problem: created.stderr.trim(),
            });
        }
    }
    const applied = server.kubectl(
        [
            "apply",
            "--server-side",
            "--force-conflicts",
            "--field-manager=pulumi-kubernetes",
            "-o",
            "json",
            "-f",
            "-",
        ],
        documents(objects),
    );
    if (applied.code !== 0) {
        problems.push({
            object: "(batch)",
            how: "server-side apply",
            problem: applied.stderr.trim(),
        });
    }
    const out = applied.stdout.trim()
        ? (JSON.parse(applied.stdout) as Record<string, unknown>)
        : {};
    const items = (out.kind === "List" ? (out.items as Record<string, unknown>[]) : [out]).filter(
        (i) => i.kind,
    );
    const stored = new Map(items.map((i) => [key(i), i]));
    for (const o of objects) {
        const s = stored.get(key(o));
        if (!s) {
            if (applied.code === 0) {
                problems.push({
                    object: describeObject(o),
                    how: "server-side apply",
                    problem: "not returned",
                });
            }
            continue;
        }
        existing.add(key(o));
        const dropped = droppedFields(o, s);
        if (dropped.length > 0) {
            problems.push({
                object: describeObject(o),
                how: "server-side apply",
                problem: `fields sent but not stored: ${dropped.join(", ")}`,
            });
        }
    }
    return problems;
}

function documents(objects: readonly Record<string, unknown>[]): string {
    return objects.map((o) => stringify(o)).join("---\n");
}

/** What of `sent` the server does not hold; a Secret's stringData is stored base64-encoded under data. */
function droppedFields(sent: Record<string, unknown>, stored: Record<string, unknown>): string[] {
    const { stringData, ...rest } = sent as { stringData?: Record<string, string> };
    const data = (stored.data ?? {}) as Record<string, string>;
    return [
        ...missing(rest, stored, ""),
        ...Object.entries(stringData ?? {})
            .filter(([k, v]) => Buffer.from(data[k] ?? "", "base64").toString("utf8") !== v)
            .map(([k]) => `.stringData.${k}`),
    ];
}

/** Paths of `sent` whose values `stored` does not hold. */
function missing(sent: unknown, stored: unknown, path: string): string[] {
    if (Array.isArray(sent)) {
        if (!Array.isArray(stored) || stored.length !== sent.length) {
            return [path];
        }
        return sent.flatMap((v, i) => missing(v, stored[i], `${path}[${i}]`));
    }
    if (sent !== null && typeof sent === "object") {
        if (stored === null || typeof stored !== "object") {
            return [path];
        }
        return Object.entries(sent).flatMap(([k, v]) =>
            missing(v, (stored as Record<string, unknown>)[k], `${path}.${k}`),
        );
    }
    return sent === stored ? [] : [path];
}

export type { RenderedObject };

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RenderedStack } from "../../components/render/render-stack";
import { render } from "../helpers/render";
import { applyEachWay, ApplyProblem, proxyCrds, servedKinds, vendoredCrds } from "./harness/apply";
import { ApiServer, startApiServer } from "./harness/server";

/**
 * Every object every example stack renders, applied to a real kube-apiserver per cluster (each
 * datacenter is its own cluster) with the upstream CRDs installed (vendored, and three taken from
 * the Go module proxy by scripts/apiserver/crds.sh): first as a fresh
 * create with strict field validation, then with server-side apply, nothing may be refused or
 * dropped. Then the changes a user makes over a stack's life, applied on top of what is there
 * (each render issues new keys and certificates, as a renewal does, so every step also rotates
 * the node Secrets).
 */

const servers = new Map<string, ApiServer>();
const existing = new Map<string, Set<string>>();
let served: Set<string>;

async function serverFor(dc: string): Promise<ApiServer> {
    let s = servers.get(dc);
    if (!s) {
        s = await startApiServer();
        const crds = [...vendoredCrds(), ...proxyCrds()];
        const r = s.kubectl(
            ["apply", "--server-side", "-f", "-"],
            crds.map((c) => JSON.stringify(c)).join("\n"),
        );
        expect(r.code, r.stderr).toBe(0);
        expect(
            s.kubectl(["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"])
                .code,
        ).toBe(0);
        served ??= servedKinds(s);
        servers.set(dc, s);
        existing.set(dc, new Set());
    }
    return s;
}

/** Applies a rendered stack to its clusters; returns problems, and the kinds the servers do not serve. */
async function applyStack(
    stack: RenderedStack,
): Promise<{ problems: ApplyProblem[]; unserved: string[] }> {
    const problems: ApplyProblem[] = [];
    const unserved = new Set<string>();
    for (const dc of stack.plan.topology.datacenters.map((d) => d.name)) {
        const server = await serverFor(dc);
        const objects = stack.objects
            .filter((o) => o.datacenter === dc)
            .map((o) => o.object)
            .filter((o) => {
                const kind = `${o.apiVersion} ${o.kind}`;
                if (!served.has(kind)) {
                    unserved.add(kind);
                    return false;
                }
                return true;
            });
        problems.push(...applyEachWay(server, objects, existing.get(dc) as Set<string>));
    }
    return { problems, unserved: [...unserved].sort() };
}

afterAll(() => {
    for (const s of servers.values()) {
        s.stop();
    }
});

beforeAll(async () => {
    await serverFor("dc1");
}, 180_000);

const LAYERS = ["traefik", "istio", "kong", "gateway-api", "loadbalancer", "none"] as const;

describe("every example stack on a real API server", () => {
    it.each(LAYERS)(
        "dev with ingress %s: accepted as created and as applied, nothing dropped",
        async (ingress) => {
            const stack = await render("dev", { ingress });
            const { problems, unserved } = await applyStack(stack);
            expect(problems).toEqual([]);
            expect(unserved).toEqual([]);
            expect(stack.objects.length).toBeGreaterThan(10);
        },
    );

    it("local (k3d): accepted as created and as applied, nothing dropped", async () => {
        const { problems, unserved } = await applyStack(await render("local"));
        expect(problems).toEqual([]);
        expect(unserved).toEqual([]);
    });
});

describe("a stack's life on a real API server, each change applied on top of the last", () => {
    const base = { ingress: "traefik", serverVersion: "4.1.9" };
    const steps: [string, Record<string, unknown>][] = [
        ["the dev stack on Cassandra 4.1", base],
        ["scale dc1 from 3 to 6 nodes", { ...base, datacenters: grow(6) }],
        ["grow storage to 300 GiB", { ...base, datacenters: grow(6, 300) }],
        [
            "upgrade Cassandra 4.1 → 5.0",
            { ...base, datacenters: grow(6, 300), serverVersion: "5.0.5" },
        ],
        [
            "switch ingress from Traefik to Istio",
            { ...base, datacenters: grow(6, 300), serverVersion: "5.0.5", ingress: "istio" },
        ],
        [
            "add datacenter dc3",
            {
                ...base,
                datacenters: [...grow(6, 300), dc3()],
                serverVersion: "5.0.5",
                ingress: "istio",
            },
        ],
    ];
    it.each(steps)("%s", async (_, overrides) => {
        const { problems, unserved } = await applyStack(await render("dev", overrides));
        expect(problems).toEqual([]);
        expect(unserved).toEqual([]);
    });
});

function grow(size: number, storageGb = 200) {
    return ["dc1", "dc2"].map((name, i) => ({
        name,
        region: i === 0 ? "us-west1" : "us-east1",
        zones:
            i === 0
                ? ["us-west1-a", "us-west1-b", "us-west1-c"]
                : ["us-east1-b", "us-east1-c", "us-east1-d"],
        size: i === 0 ? size : 3,
        storageGb,
    }));
}

function dc3() {
    return {
        name: "dc3",
        region: "europe-west4",
        zones: ["europe-west4-a", "europe-west4-b", "europe-west4-c"],
        size: 3,
        storageGb: 300,
    };
}

describe("what the tier catches", () => {
    it("a field the schema does not know: refused by strict create, reported as dropped by server-side apply", async () => {
        const stack = await render("dev");
        const cassdc = stack.objects.find(
            (o) => o.datacenter === "dc1" && o.object.kind === "CassandraDatacenter",
        )?.object as {
            metadata: Record<string, unknown>;
            spec: { racks: Record<string, unknown>[] };
        };
        const typo = structuredClone(cassdc);
        typo.metadata = { ...typo.metadata, name: "typo" };
        typo.spec.racks[0] = { ...typo.spec.racks[0], zonee: "us-west1-a" };
        const problems = applyEachWay(await serverFor("dc1"), [typo], new Set());
        expect(problems.map((p) => p.how)).toEqual([
            "create --validate=strict",
            "server-side apply",
        ]);
        expect(problems[0].problem).toContain('unknown field "spec.racks[0].zonee"');
        expect(problems[1].problem).toContain(".spec.racks[0].zonee");
    });

    it("a change the API server refuses on update: a StorageClass's parameters", async () => {
        const server = await serverFor("dc1");
        const stack = await render("dev");
        const sc = stack.objects.find(
            (o) => o.datacenter === "dc1" && o.object.kind === "StorageClass",
        )?.object as { parameters: Record<string, string> };
        expect(applyEachWay(server, [sc as never], existing.get("dc1") as Set<string>)).toEqual([]);
        const changed = { ...sc, parameters: { ...sc.parameters, type: "pd-balanced" } };
        const problems = applyEachWay(
            server,
            [changed as never],
            existing.get("dc1") as Set<string>,
        );
        expect(problems.map((p) => p.problem).join("\n")).toMatch(
            /Forbidden: updates to parameters are forbidden/,
        );
    });
});

import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
    charts,
    expectNodeBackends,
    expectSinglePublicEntry,
    expectSniNamesOnCertificate,
    HOST_IDS,
    K8sObject,
    ofKind,
    publicServices,
    Rendered,
    renderLayer,
    scenario,
    schemaErrors,
    unvalidatedKinds,
} from "./harness";

let mod: typeof import("../../../components/kubernetes/ingress/traefik");
type Traefik = InstanceType<typeof mod.Traefik>;

const s = scenario("traefik", HOST_IDS);
let installed: Rendered<Traefik>;
let preinstalled: Rendered<Traefik>;

beforeAll(async () => {
    ({
        mod,
        rendered: [installed, preinstalled],
    } = await renderLayer(
        () => import("../../../components/kubernetes/ingress/traefik"),
        s,
        (m, name, args) => new m.Traefik(name, args),
        [
            { name: "t", controller: { preinstalled: false } },
            { name: "p", controller: { preinstalled: true, address: "192.0.2.10" } },
        ],
    ));
});

/** Matched SNI names by backend Service, from the `cassandra` entry point's routes. */
function sniRoutes(objects: readonly Record<string, unknown>[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const ir of ofKind(objects, "IngressRouteTCP").filter((o) =>
        o.spec.entryPoints.includes("cassandra"),
    )) {
        for (const route of ir.spec.routes as K8sObject[]) {
            const names = [...(route.match as string).matchAll(/HostSNI\(`([^`]+)`\)/g)].map(
                (m) => m[1],
            );
            const svc = route.services[0].name as string;
            expect(out.has(svc)).toBe(false);
            out.set(svc, names);
        }
    }
    return out;
}

describe("Traefik layer", () => {
    it("renders objects that pass the strict schema check", () => {
        for (const r of [installed, preinstalled]) {
            expect(schemaErrors(r.objects)).toEqual([]);
            expect(unvalidatedKinds(r.objects)).toEqual([]);
        }
    });

    it("routes exactly one SNI route per node, by names on that node's certificate", () => {
        const routed = sniRoutes(installed.objects);
        expect([...routed.keys()].sort()).toEqual(s.routes.map((r) => r.backend.service).sort());
        for (const r of s.routes) {
            expect(routed.get(r.backend.service)).toEqual(r.sniNames);
        }
        expectSniNamesOnCertificate(s, routed);
        // Host IDs, where known, are matched too (DataStax drivers in SNI mode send them).
        expect(routed.get("cassandra-dc1-rack1-sts-0")).toContain(
            HOST_IDS["cassandra-dc1-rack1-sts-0"],
        );
        expect(routed.get("cassandra-dc1-rack3-sts-0")).toEqual([
            "cassandra-dc1-rack3-sts-0.dc1.db.example.com",
        ]);
    });

    it("passes TLS through on every route, and matches every SNI only on a node's dedicated entry point", () => {
        const routes = ofKind(installed.objects, "IngressRouteTCP");
        // One object holds the datacenter's SNI routes; one per node holds its port route.
        expect(routes).toHaveLength(1 + s.routes.length);
        const [sni] = routes.filter((ir) => ir.spec.entryPoints.includes("cassandra"));
        expect(sni.metadata.name).toBe("cassandra-sni");
        expect(sni.spec.routes).toHaveLength(s.routes.length);
        for (const ir of routes) {
            expect(ir.spec.tls).toEqual({ passthrough: true });
            for (const route of ir.spec.routes as K8sObject[]) {
                expect(route.services).toEqual([{ name: expect.any(String), port: 9042 }]);
            }
        }
        const catchAll = routes.filter((ir) => ir.spec.routes[0].match.includes("HostSNI(`*`)"));
        expect(catchAll).toHaveLength(s.routes.length);
        for (const r of s.routes) {
            const ir = catchAll.find(
                (o) => o.spec.entryPoints[0] === `cql-${r.nodePort}`,
            ) as K8sObject;
            expect(ir.spec.entryPoints).toEqual([`cql-${r.nodePort}`]);
            expect(ir.spec.routes[0].match).toBe("HostSNI(`*`)");
            expect(ir.spec.routes[0].services[0].name).toBe(r.backend.service);
            expect(ir.metadata.annotations).toEqual({
                "cassandra-multicluster/dedicated-node-port": r.podName,
            });
        }
    });

    it("puts the entry point on one LoadBalancer Service with the client ranges, 9042 and every dedicated port", () => {
        const svc = expectSinglePublicEntry(installed.objects, s);
        expect(svc.metadata.namespace).toBe("traefik");
        expect(svc.spec.selector).toEqual({
            "app.kubernetes.io/name": "traefik",
            "app.kubernetes.io/instance": "cassandra-traefik",
        });
        expect(installed.address).toMatch(/^198\.51\.100\.\d+$/);
        expectNodeBackends(installed.objects, s);
    });

    it("installs the pinned chart with an entry point per port and no public Service of its own", () => {
        const [chart] = charts(installed.recorded);
        expect(chart.inputs).toMatchObject({
            chart: "traefik",
            version: "41.1.0",
            namespace: "traefik",
            name: "cassandra-traefik",
        });
        const values = chart.inputs.values as K8sObject;
        expect(values.service).toEqual({ enabled: false });
        expect(values.ingressRoute).toEqual({ dashboard: { enabled: false } });
        expect(values.ports.cassandra).toEqual({
            port: 9042,
            expose: { default: true },
            exposedPort: 9042,
            protocol: "TCP",
        });
        for (const r of s.routes) {
            expect(values.ports[`cql-${r.nodePort}`]).toEqual({
                port: r.nodePort,
                expose: { default: true },
                exposedPort: r.nodePort,
                protocol: "TCP",
            });
        }
        expect(values.ports.web.expose).toEqual({ default: false });
        expect(values.ports.websecure.expose).toEqual({ default: false });
        // No plaintext 9042: the only thing bound to the 9042 entry point is a passthrough router.
        for (const ir of ofKind(installed.objects, "IngressRouteTCP").filter((o) =>
            o.spec.entryPoints.includes("cassandra"),
        )) {
            expect(ir.spec.tls.passthrough).toBe(true);
        }
    });

    it("with a preinstalled Traefik installs nothing and uses the given address", () => {
        expect(charts(preinstalled.recorded)).toEqual([]);
        expect(publicServices(preinstalled.objects)).toEqual([]);
        expect(ofKind(preinstalled.objects, "Namespace")).toEqual([]);
        expect(preinstalled.address).toBe("192.0.2.10");
        expect(ofKind(preinstalled.objects, "IngressRouteTCP")).toHaveLength(1 + s.routes.length);
    });

    it("refuses bad args before creating anything", () => {
        const provider = undefined as never;
        try {
            new mod.Traefik("bad", {
                provider,
                namespace: s.namespace,
                datacenter: "dc1",
                routes: [...s.routes, { ...s.routes[0], datacenter: "dc2" }],
                clientCidrs: [],
                controller: { preinstalled: true },
            });
            expect.unreachable();
        } catch (err) {
            expect(err).toBeInstanceOf(pulumi.InputPropertiesError);
            const paths = (err as pulumi.InputPropertiesError).errors.map((e) => e.propertyPath);
            expect(paths).toEqual([
                "routes[3].datacenter",
                "routes[3]",
                "routes[3]",
                "clientCidrs",
                "controller.address",
            ]);
        }
    });

    it("names a bad client range once, with the fix", () => {
        try {
            new mod.Traefik("bad-range", {
                provider: undefined as never,
                namespace: s.namespace,
                datacenter: "dc1",
                routes: s.routes,
                clientCidrs: ["10.0.0.1"],
                controller: { preinstalled: true, address: "192.0.2.1" },
            });
            expect.unreachable();
        } catch (err) {
            const [e] = (err as pulumi.InputPropertiesError).errors;
            expect(e.propertyPath).toBe("clientCidrs[0]");
            expect(e.reason).toBe(
                '"10.0.0.1" is a single address, not a range; write 10.0.0.1/32 for that address alone, or the network it belongs to, e.g. 10.0.0.0/24',
            );
        }
    });
});

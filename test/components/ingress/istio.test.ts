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

type Istio = InstanceType<typeof import("../../../components/kubernetes/ingress/istio").Istio>;

const s = scenario("istio", HOST_IDS);
let installed: Rendered<Istio>;
let preinstalled: Rendered<Istio>;

beforeAll(async () => {
    ({
        rendered: [installed, preinstalled],
    } = await renderLayer(
        () => import("../../../components/kubernetes/ingress/istio"),
        s,
        (m, name, args) => new m.Istio(name, args),
        [
            { name: "i", controller: { preinstalled: false } },
            { name: "p", controller: { preinstalled: true, address: "lb.example.net" } },
        ],
    ));
});

const backendOf = (host: string) => host.split(".")[0];

describe("Istio layer", () => {
    it("renders networking objects that pass the strict schema check; PeerAuthentication is checked by hand", () => {
        for (const r of [installed, preinstalled]) {
            expect(schemaErrors(r.objects)).toEqual([]);
            // PeerAuthentication's CRD (security.istio.io) may not be vendored; its shape is asserted below.
            expect(
                unvalidatedKinds(r.objects).filter(
                    (k) => k !== "security.istio.io/v1 PeerAuthentication",
                ),
            ).toEqual([]);
        }
    });

    it("routes exactly one SNI route per node, on 9042, by names on that node's certificate", () => {
        const [vs] = ofKind(installed.objects, "VirtualService").filter((o) => o.spec.tls);
        expect(vs.spec.tcp).toBeUndefined();
        const routed = new Map<string, string[]>();
        for (const t of vs.spec.tls as K8sObject[]) {
            expect(t.match).toHaveLength(1);
            expect(t.match[0].port).toBe(9042);
            expect(t.route).toHaveLength(1);
            expect(t.route[0].destination.port).toEqual({ number: 9042 });
            const svc = backendOf(t.route[0].destination.host);
            expect(routed.has(svc)).toBe(false);
            routed.set(svc, t.match[0].sniHosts);
        }
        expect([...routed.keys()].sort()).toEqual(s.routes.map((r) => r.backend.service).sort());
        for (const r of s.routes) {
            expect(routed.get(r.backend.service)).toEqual(r.sniNames);
            const route = (vs.spec.tls as K8sObject[]).find(
                (t) => backendOf(t.route[0].destination.host) === r.backend.service,
            ) as K8sObject;
            expect(route.route[0].destination.host).toBe(
                `${r.backend.service}.${s.namespace}.svc.cluster.local`,
            );
        }
        expectSniNamesOnCertificate(s, routed);
        expect(vs.spec.gateways).toEqual(["cassandra"]);
        for (const t of vs.spec.tls as K8sObject[]) {
            for (const h of t.match[0].sniHosts) {
                expect(vs.spec.hosts).toContain(h);
            }
        }
    });

    it("serves 9042 only as TLS PASSTHROUGH and each dedicated port as TCP to one node", () => {
        const [gw] = ofKind(installed.objects, "Gateway");
        expect(gw.metadata.namespace).toBe(s.namespace);
        expect(gw.spec.selector).toEqual({ istio: "ingressgateway" });
        const servers = gw.spec.servers as K8sObject[];
        const sni = servers.filter((sv) => sv.port.number === 9042);
        // DNS names only: Istio refuses a dot-less Gateway host ("short names (non FQDN) are not
        // allowed", istio 1.30.3 validateSidecarOrGatewayHostnamePart), so no host IDs here; the
        // VirtualService's sniHosts carry them to the filter chains as written.
        expect(sni).toEqual([
            {
                port: { number: 9042, name: "cql-sni", protocol: "TLS" },
                hosts: s.routes.map((r) => r.sniNames[0]),
                tls: { mode: "PASSTHROUGH" },
            },
        ]);
        for (const sv of servers) {
            for (const h of sv.hosts as string[]) {
                expect(h === "*" || h.includes("."), h).toBe(true);
            }
        }
        const portServices = ofKind(installed.objects, "VirtualService").filter((o) => o.spec.tcp);
        expect(portServices).toHaveLength(s.routes.length);
        for (const r of s.routes) {
            const server = servers.find((sv) => sv.port.number === r.nodePort) as K8sObject;
            expect(server).toEqual({
                port: { number: r.nodePort, name: `cql-${r.nodePort}`, protocol: "TCP" },
                hosts: [r.sniNames[0]],
            });
            const vs = portServices.filter((o) =>
                o.spec.tcp.some((t: K8sObject) => t.match[0].port === r.nodePort),
            );
            expect(vs).toHaveLength(1);
            expect(vs[0].metadata.annotations).toEqual({
                "cassandra-multicluster/dedicated-node-port": r.podName,
            });
            expect(vs[0].spec).toEqual({
                hosts: [r.sniNames[0]],
                gateways: ["cassandra"],
                tcp: [
                    {
                        match: [{ port: r.nodePort }],
                        route: [
                            {
                                destination: {
                                    host: `${r.backend.service}.${s.namespace}.svc.cluster.local`,
                                    port: { number: 9042 },
                                },
                            },
                        ],
                    },
                ],
            });
        }
        expect(servers).toHaveLength(1 + s.routes.length);
        // Nothing but TLS passthrough or per-node TCP: no HTTP/HTTPS or terminating server.
        for (const server of servers) {
            expect(server.tls === undefined || server.tls.mode === "PASSTHROUGH").toBe(true);
        }
    });

    it("turns mesh mTLS off for the Cassandra namespace only", () => {
        const [pa] = ofKind(installed.objects, "PeerAuthentication");
        expect(pa).toEqual({
            apiVersion: "security.istio.io/v1",
            kind: "PeerAuthentication",
            metadata: expect.objectContaining({
                name: "cassandra-own-tls",
                namespace: s.namespace,
            }),
            spec: { mtls: { mode: "DISABLE" } },
        });
        expect(pa.metadata.namespace).not.toBe("istio-system");
        const [dr] = ofKind(installed.objects, "DestinationRule");
        expect(dr.metadata.namespace).toBe(s.namespace);
        expect(dr.spec).toEqual({
            host: `*.${s.namespace}.svc.cluster.local`,
            trafficPolicy: { tls: { mode: "DISABLE" } },
        });
    });

    it("puts the gateway on one LoadBalancer Service with the client ranges, 9042 and every dedicated port", () => {
        const svc = expectSinglePublicEntry(installed.objects, s);
        expect(svc.metadata.namespace).toBe("istio-system");
        expect(svc.spec.selector).toEqual({ istio: "ingressgateway" });
        expect(installed.address).toMatch(/^198\.51\.100\.\d+$/);
        expectNodeBackends(installed.objects, s);
    });

    it("installs base, istiod and the gateway pinned, the gateway without a Service of its own", () => {
        const installedCharts = charts(installed.recorded).map((c) => c.inputs);
        expect(installedCharts.map((c) => [c.chart, c.version, c.namespace, c.name])).toEqual([
            ["base", "1.30.3", "istio-system", "istio-base"],
            ["istiod", "1.30.3", "istio-system", "istio-istiod"],
            ["gateway", "1.30.3", "istio-system", "istio-ingressgateway"],
        ]);
        expect(installedCharts[2].values).toEqual({ service: { type: "None" } });
    });

    it("with a preinstalled gateway installs nothing and uses the given address", () => {
        expect(charts(preinstalled.recorded)).toEqual([]);
        expect(publicServices(preinstalled.objects)).toEqual([]);
        expect(preinstalled.address).toBe("lb.example.net");
        expect(ofKind(preinstalled.objects, "Gateway")).toHaveLength(1);
    });
});

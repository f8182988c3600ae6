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

type Kong = InstanceType<typeof import("../../../components/kubernetes/ingress/kong").Kong>;

const s = scenario("kong", HOST_IDS);
let installed: Rendered<Kong>;
let preinstalled: Rendered<Kong>;

beforeAll(async () => {
    ({
        rendered: [installed, preinstalled],
    } = await renderLayer(
        () => import("../../../components/kubernetes/ingress/kong"),
        s,
        (m, name, args) => new m.Kong(name, args),
        [
            {
                name: "k",
                controller: { preinstalled: false },
                loadBalancerAnnotations: { "cloud.google.com/l4-rbs": "enabled" },
            },
            { name: "p", controller: { preinstalled: true, address: "192.0.2.20" } },
        ],
    ));
});

const ingresses = (objects: readonly Record<string, unknown>[]) => ofKind(objects, "TCPIngress");
const isPassthrough = (o: K8sObject) =>
    o.metadata.annotations["konghq.com/protocols"] === "tls_passthrough";

describe("Kong layer", () => {
    it("renders TCPIngresses that pass the strict schema check", () => {
        for (const r of [installed, preinstalled]) {
            expect(schemaErrors(r.objects)).toEqual([]);
            expect(unvalidatedKinds(r.objects)).toEqual([]);
        }
    });

    it("routes every node's SNI names on 9042 in one TCPIngress for the datacenter, TLS passed through", () => {
        const sni = ingresses(installed.objects).filter(isPassthrough);
        expect(sni).toHaveLength(1);
        const [ing] = sni;
        expect(ing.metadata.name).toBe("cassandra-sni");
        expect(ing.metadata.annotations["kubernetes.io/ingress.class"]).toBe("kong");
        const routed = new Map<string, string[]>();
        for (const rule of ing.spec.rules as K8sObject[]) {
            expect(rule.port).toBe(9042);
            expect(rule.backend.servicePort).toBe(9042);
            expect(typeof rule.host).toBe("string");
            const svc = rule.backend.serviceName as string;
            routed.set(svc, [...(routed.get(svc) ?? []), rule.host]);
        }
        // Each name to exactly one node: no host appears twice.
        const hosts = (ing.spec.rules as K8sObject[]).map((rule) => rule.host);
        expect(new Set(hosts).size).toBe(hosts.length);
        for (const r of s.routes) {
            expect(routed.get(r.backend.service)).toEqual(r.sniNames);
        }
        expectSniNamesOnCertificate(s, routed);
    });

    it("routes each dedicated port, without a host, to one node only", () => {
        const byPort = ingresses(installed.objects).filter((o) => !isPassthrough(o));
        expect(byPort).toHaveLength(s.routes.length);
        for (const r of s.routes) {
            const ing = byPort.find((o) => o.spec.rules[0].port === r.nodePort) as K8sObject;
            expect(ing.spec.rules).toEqual([
                {
                    port: r.nodePort,
                    backend: { serviceName: r.backend.service, servicePort: 9042 },
                },
            ]);
            expect(ing.metadata.annotations).toEqual({
                "kubernetes.io/ingress.class": "kong",
                "konghq.com/protocols": "tcp",
                "cassandra-multicluster/dedicated-node-port": r.podName,
            });
        }
    });

    it("listens on 9042 only with ssl (SNI preread, passthrough) and on each dedicated port as plain TCP", () => {
        const [chart] = charts(installed.recorded);
        expect(chart.inputs).toMatchObject({
            chart: "ingress",
            version: "0.20.0",
            namespace: "kong",
            name: "kong",
        });
        const values = chart.inputs.values as K8sObject;
        const stream = values.gateway.proxy.stream as K8sObject[];
        expect(stream[0]).toEqual({
            containerPort: 9042,
            servicePort: 9042,
            protocol: "TCP",
            parameters: ["ssl"],
        });
        expect(stream.slice(1)).toEqual(
            s.routes.map((r) => ({
                containerPort: r.nodePort,
                servicePort: r.nodePort,
                protocol: "TCP",
                parameters: [],
            })),
        );
        expect(stream.filter((l) => l.containerPort === 9042)).toHaveLength(1);
        // The chart's own Services stay internal: no HTTP(S) proxy, no Kong Manager NodePort.
        expect(values.gateway.proxy).toMatchObject({
            type: "ClusterIP",
            http: { enabled: false },
            tls: { enabled: false },
        });
        expect(values.gateway.manager).toEqual({ enabled: false });
        expect(values.gateway.env).toEqual({ router_flavor: "traditional_compatible" });
        expect(values.controller.ingressController.env).toEqual({
            publish_service: "kong/kong-cassandra",
        });
    });

    it("puts the proxy on one LoadBalancer Service with the client ranges, 9042 and every dedicated port", () => {
        const svc = expectSinglePublicEntry(installed.objects, s);
        expect(svc.metadata).toMatchObject({
            name: "kong-cassandra",
            namespace: "kong",
            annotations: { "cloud.google.com/l4-rbs": "enabled" },
        });
        expect(svc.spec.selector).toEqual({
            "app.kubernetes.io/name": "gateway",
            "app.kubernetes.io/component": "app",
            "app.kubernetes.io/instance": "kong",
        });
        expect(installed.address).toMatch(/^198\.51\.100\.\d+$/);
        expectNodeBackends(installed.objects, s);
    });

    it("with a preinstalled Kong installs nothing and uses the given address", () => {
        expect(charts(preinstalled.recorded)).toEqual([]);
        expect(publicServices(preinstalled.objects)).toEqual([]);
        expect(preinstalled.address).toBe("192.0.2.20");
        expect(ingresses(preinstalled.objects)).toHaveLength(1 + s.routes.length);
    });
});

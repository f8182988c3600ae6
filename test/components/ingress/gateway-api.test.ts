import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
    CLIENT_CIDRS,
    expectNodeBackends,
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

let mod: typeof import("../../../components/kubernetes/ingress/gateway-api");
type GatewayApi = InstanceType<typeof mod.GatewayApi>;

const s = scenario("gateway-api", HOST_IDS);
let installed: Rendered<GatewayApi>;
let preinstalled: Rendered<GatewayApi>;

beforeAll(async () => {
    ({
        mod,
        rendered: [installed, preinstalled],
    } = await renderLayer(
        () => import("../../../components/kubernetes/ingress/gateway-api"),
        s,
        (m, name, args) => new m.GatewayApi(name, args),
        [
            {
                name: "g",
                controller: { preinstalled: false, gatewayClassName: "istio" },
                loadBalancerAnnotations: { "networking.gke.io/load-balancer-type": "External" },
            },
            {
                name: "p",
                controller: { preinstalled: true, address: "192.0.2.30", gatewayClassName: "eg" },
            },
        ],
    ));
});

const RFC1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

describe("Gateway API layer", () => {
    it("renders Gateway and TLSRoutes that pass the strict schema check; TCPRoute is checked by hand", () => {
        for (const r of [installed, preinstalled]) {
            expect(schemaErrors(r.objects)).toEqual([]);
            // The TCPRoute CRD is not vendored; its fields are asserted below.
            expect(
                unvalidatedKinds(r.objects).filter(
                    (k) => k !== "gateway.networking.k8s.io/v1 TCPRoute",
                ),
            ).toEqual([]);
        }
    });

    it("listens on 9042 with TLS Passthrough only, and on each dedicated port with TCP", () => {
        const [gw] = ofKind(installed.objects, "Gateway");
        expect(gw.spec.gatewayClassName).toBe("istio");
        const listeners = gw.spec.listeners as K8sObject[];
        expect(listeners.filter((l) => l.port === 9042)).toEqual([
            {
                name: "cql-sni",
                port: 9042,
                protocol: "TLS",
                tls: { mode: "Passthrough" },
                allowedRoutes: { namespaces: { from: "Same" }, kinds: [{ kind: "TLSRoute" }] },
            },
        ]);
        for (const r of s.routes) {
            expect(listeners.filter((l) => l.port === r.nodePort)).toEqual([
                {
                    name: `cql-${r.nodePort}`,
                    port: r.nodePort,
                    protocol: "TCP",
                    allowedRoutes: { namespaces: { from: "Same" }, kinds: [{ kind: "TCPRoute" }] },
                },
            ]);
        }
        // The CEL rules the offline validator does not evaluate.
        expect(new Set(listeners.map((l) => l.name)).size).toBe(listeners.length);
        for (const l of listeners) {
            if (l.protocol === "TCP") {
                expect(l.tls).toBeUndefined();
                expect(l.hostname).toBeUndefined();
            } else {
                expect(l.tls.mode).toBe("Passthrough");
            }
        }
    });

    it("routes exactly one TLSRoute per node by its external name and host ID, its names all on that node's certificate", () => {
        const routes = ofKind(installed.objects, "TLSRoute");
        expect(routes).toHaveLength(s.routes.length);
        const routed = new Map<string, string[]>();
        for (const tr of routes) {
            expect(tr.apiVersion).toBe("gateway.networking.k8s.io/v1");
            expect(tr.spec.parentRefs).toEqual([{ name: "cassandra", sectionName: "cql-sni" }]);
            expect(tr.spec.rules).toHaveLength(1);
            const [backend] = tr.spec.rules[0].backendRefs as K8sObject[];
            expect(tr.spec.rules[0].backendRefs).toHaveLength(1);
            expect(backend.port).toBe(9042);
            expect(routed.has(backend.name)).toBe(false);
            for (const h of tr.spec.hostnames as string[]) {
                expect(h).toMatch(RFC1123);
            }
            routed.set(backend.name, tr.spec.hostnames);
        }
        for (const r of s.routes) {
            expect(routed.get(r.backend.service)).toEqual(r.sniNames);
            // Nodes the datacenter reports a host ID for are routed by it too (rack3's is not known yet).
            expect(r.sniNames.includes(HOST_IDS[r.podName])).toBe(r.podName in HOST_IDS);
        }
        expectSniNamesOnCertificate(s, routed);
    });

    it("routes each dedicated port to one node with a TCPRoute", () => {
        const routes = ofKind(installed.objects, "TCPRoute");
        expect(routes).toHaveLength(s.routes.length);
        for (const r of s.routes) {
            const tcp = routes.find(
                (o) => o.spec.parentRefs[0].sectionName === `cql-${r.nodePort}`,
            ) as K8sObject;
            expect(tcp).toEqual({
                // v1: the standard channel of v1.6 serves TCPRoute only there.
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "TCPRoute",
                metadata: expect.objectContaining({
                    name: `${r.podName}-port`,
                    namespace: s.namespace,
                    annotations: { "cassandra-multicluster/dedicated-node-port": r.podName },
                }),
                spec: {
                    parentRefs: [{ name: "cassandra", sectionName: `cql-${r.nodePort}` }],
                    rules: [{ backendRefs: [{ name: r.backend.service, port: 9042 }] }],
                },
            });
        }
    });

    it("restricts the generated load balancer to the client ranges and creates no public Service itself", () => {
        const [gw] = ofKind(installed.objects, "Gateway");
        expect(gw.spec.infrastructure.annotations).toEqual({
            "networking.gke.io/load-balancer-type": "External",
            "service.beta.kubernetes.io/load-balancer-source-ranges": CLIENT_CIDRS.join(","),
        });
        expect(publicServices(installed.objects)).toEqual([]);
        expectNodeBackends(installed.objects, s);
    });

    it("installs the pinned standard-channel CRDs unless preinstalled, and waits for the Gateway's address when none is given", () => {
        const crds = installed.recorded.filter((r) => r.type === "kubernetes:yaml/v2:ConfigFile");
        expect(crds.map((c) => c.inputs.file)).toEqual([
            "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml",
        ]);
        expect(
            preinstalled.recorded.filter((r) => r.type === "kubernetes:yaml/v2:ConfigFile"),
        ).toEqual([]);
        const [gw] = ofKind(installed.objects, "Gateway");
        expect(gw.metadata.annotations).toEqual({
            "pulumi.com/waitFor": "jsonpath={.status.addresses[0].value}",
        });
        // The address is read from the Gateway's status (the mocks publish one, as an implementation would).
        expect(installed.address).toMatch(/^198\.51\.100\.\d+$/);
        const [pgw] = ofKind(preinstalled.objects, "Gateway");
        expect(pgw.metadata.annotations).toBeUndefined();
        expect(pgw.spec.gatewayClassName).toBe("eg");
        expect(preinstalled.address).toBe("192.0.2.30");
    });

    it("refuses a Gateway without a GatewayClass", () => {
        try {
            new mod.GatewayApi("bad", {
                provider: undefined as never,
                namespace: s.namespace,
                datacenter: "dc1",
                routes: s.routes,
                clientCidrs: CLIENT_CIDRS,
                controller: { preinstalled: false },
            });
            expect.unreachable();
        } catch (err) {
            expect(err).toBeInstanceOf(pulumi.InputPropertiesError);
            expect((err as pulumi.InputPropertiesError).errors.map((e) => e.propertyPath)).toEqual([
                "controller.gatewayClassName",
            ]);
        }
    });
});

import { beforeAll, describe, expect, it } from "vitest";
import {
    CLIENT_CIDRS,
    K8sObject,
    ofKind,
    outputOf,
    publicServices,
    Rendered,
    renderLayer,
    scenario,
    schemaErrors,
    unvalidatedKinds,
} from "./harness";

let mod: typeof import("../../../components/kubernetes/ingress");
type LoadBalancers = InstanceType<typeof mod.LoadBalancers>;

const s = scenario("loadbalancer");
let lb: Rendered<LoadBalancers>;
let nodeAddresses: Record<string, string>;

beforeAll(async () => {
    ({
        mod,
        rendered: [lb],
    } = await renderLayer(
        () => import("../../../components/kubernetes/ingress"),
        s,
        (m, name, args) => m.createIngress("loadbalancer", name, args) as LoadBalancers,
        [
            {
                name: "lb",
                controller: { preinstalled: false },
                loadBalancerAnnotations: { "cloud.google.com/l4-rbs": "enabled" },
                staticAddresses: { "cassandra-dc1-rack2-sts-0": "203.0.113.77" },
            },
        ],
    ));
    nodeAddresses = await outputOf(lb.component.nodeAddresses);
});

describe("LoadBalancer layer", () => {
    it("renders Services that pass the strict schema check", () => {
        expect(schemaErrors(lb.objects)).toEqual([]);
        expect(unvalidatedKinds(lb.objects)).toEqual([]);
    });

    it("gives every node its own LoadBalancer on 9042 selecting only that pod, limited to the client ranges", () => {
        const pub = publicServices(lb.objects);
        expect(pub).toHaveLength(s.routes.length);
        expect(ofKind(lb.objects, "Service")).toHaveLength(s.routes.length);
        for (const r of s.routes) {
            const svc = pub.find((o) => o.metadata.name === `${r.podName}-lb`) as K8sObject;
            expect(svc.metadata).toMatchObject({
                namespace: s.namespace,
                annotations: { "cloud.google.com/l4-rbs": "enabled" },
            });
            expect(svc.spec).toMatchObject({
                type: "LoadBalancer",
                selector: { "statefulset.kubernetes.io/pod-name": r.podName },
                ports: [{ name: "cql", port: 9042, targetPort: 9042, protocol: "TCP" }],
                loadBalancerSourceRanges: CLIENT_CIDRS,
            });
            expect(r.nodePort).toBe(9042);
        }
        const reserved = pub.find(
            (o) => o.metadata.name === "cassandra-dc1-rack2-sts-0-lb",
        ) as K8sObject;
        expect(reserved.spec.loadBalancerIP).toBe("203.0.113.77");
        expect(pub.filter((o) => o.spec.loadBalancerIP !== undefined)).toHaveLength(1);
    });

    it("outputs each node's address, and the first node's as the contact address", () => {
        expect(Object.keys(nodeAddresses).sort()).toEqual(s.routes.map((r) => r.podName).sort());
        const values = Object.values(nodeAddresses);
        expect(new Set(values).size).toBe(values.length);
        for (const a of values) {
            expect(a).toMatch(/^198\.51\.100\.\d+$/);
        }
        expect(lb.address).toBe(nodeAddresses[s.routes[0].podName]);
    });

    it("returns no layer for ingress none", () => {
        const layer = mod.createIngress("none", "n", {
            provider: undefined as never,
            namespace: s.namespace,
            datacenter: "dc1",
            routes: [],
            clientCidrs: [],
            controller: { preinstalled: false },
        });
        expect(layer).toBeUndefined();
    });
});

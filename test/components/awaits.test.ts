import { beforeAll, describe, expect, it } from "vitest";
import { INGRESS_KINDS } from "../../components/config";
import type { RenderedStack } from "../../components/render/render-stack";
import { LOCAL_OVERRIDES, render } from "../helpers/render";

/**
 * `pulumi up` never blocks on something that only exists later in the rollout. Without an await
 * annotation the Kubernetes provider waits up to 10 minutes for a Service's endpoints
 * (pulumi-kubernetes v4.32.0 provider/pkg/await/service.go), and our Services select pods that
 * cass-operator starts one by one after them.
 */

const stacks: Record<string, RenderedStack> = {};

beforeAll(async () => {
    for (const ingress of INGRESS_KINDS) {
        stacks[`dev/${ingress}`] = await render("dev", { ingress });
    }
    stacks.local = await render("local");
    stacks["dev/stub-dns"] = await render("dev", {
        ...LOCAL_OVERRIDES,
        datacenters: [
            { name: "dc1", zones: ["a"], size: 1, nodeMachineType: "custom-2-4096" },
            { name: "dc2", zones: ["a"], size: 1, nodeMachineType: "custom-2-4096" },
        ],
        existingClusters: {
            dc1: { context: "one", podCidr: "10.42.0.0/16", serviceCidr: "10.43.0.0/16" },
            dc2: { context: "two", podCidr: "10.52.0.0/16", serviceCidr: "10.53.0.0/16" },
        },
        dns: "stub",
    });
}, 120_000);

type Service = {
    metadata: { name: string; annotations?: Record<string, string> };
    spec: { type?: string };
};

describe("await annotations on every Service the program creates", () => {
    it("skip the wait for ClusterIP Services and wait only for the address of LoadBalancers", () => {
        for (const [name, stack] of Object.entries(stacks)) {
            const services = stack.resources
                .filter((r) => r.type === "kubernetes:core/v1:Service")
                .map((r) => r.inputs as Service);
            expect(services.length, name).toBeGreaterThan(name.endsWith("/none") ? -1 : 0);
            for (const svc of services) {
                const a = svc.metadata.annotations ?? {};
                const expected =
                    svc.spec.type === "LoadBalancer"
                        ? { "pulumi.com/waitFor": "jsonpath={.status.loadBalancer.ingress}" }
                        : { "pulumi.com/skipAwait": "true" };
                expect(a, `${name}: Service ${svc.metadata.name}`).toMatchObject(expected);
            }
        }
    });
});

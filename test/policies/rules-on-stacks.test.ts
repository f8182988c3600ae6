import type { StackValidationPolicy } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import { CERTIFICATE_SET_TYPE } from "../../components/pki/certificate-set";
import type { RenderedStack } from "../../components/render/render-stack";
import { runRules } from "../../policies/offline";
import { toPolicy } from "../../policies/pack";
import type { PolicyResourceLike } from "../../policies/resource";
import { rules } from "../../policies/rules";
import { LOCAL_OVERRIDES, policyResources, policyViewsOf, render } from "../helpers/render";

let dev: RenderedStack;
let local: RenderedStack;

beforeAll(async () => {
    dev = await render("dev");
    local = await render("dev", LOCAL_OVERRIDES);
}, 60_000);

describe("the pack on our own stacks", () => {
    it("passes every rule on the dev stack", () => {
        const verdicts = runRules(rules, policyViewsOf(dev));
        expect(verdicts.map((v) => v.rule)).toEqual(rules.map((r) => r.name));
        expect(verdicts.flatMap((v) => v.violations)).toEqual([]);
    });

    it("passes every rule on an existingClusters stack", () => {
        expect(local.resources.some((r) => r.type.startsWith("gcp:"))).toBe(false);
        expect(runRules(rules, policyViewsOf(local)).flatMap((v) => v.violations)).toEqual([]);
    });

    it("links certificates to their keys, requests and CA the way the CLI's property dependencies do", () => {
        const resources = policyResources(dev);
        const nodeCert = resources.find(
            (r) => r.type === CERTIFICATE_SET_TYPE,
        ) as PolicyResourceLike;
        expect(nodeCert.propertyDependencies?.caCertPem?.map((d) => d.type)).toEqual([
            "tls:index/selfSignedCert:SelfSignedCert",
        ]);
        const superuser = resources.find(
            (r) =>
                r.type === "kubernetes:core/v1:Secret" &&
                r.props.metadata.name === "cassandra-superuser",
        ) as PolicyResourceLike;
        expect(superuser.propertyDependencies?.stringData?.map((d) => d.type)).toEqual([
            "random:index/randomPassword:RandomPassword",
        ]);
    });
});

describe("the pack through @pulumi/policy's policy interfaces", () => {
    it("reports through reportViolation with the rule's metadata", () => {
        const resources = policyResources(dev).map((r) =>
            r.type === "gcp:compute/subnetwork:Subnetwork" && r.name.endsWith("-dc2")
                ? { ...r, props: { ...r.props, ipCidrRange: "10.0.32.0/25" } }
                : r,
        );
        const policy = toPolicy(rules[0]) as StackValidationPolicy;
        expect(policy).toMatchObject({
            name: "no-overlapping-ranges",
            enforcementLevel: "mandatory",
        });
        const reported: { message: string; urn?: string }[] = [];
        const args = { resources, getConfig: () => ({}) } as unknown as Parameters<
            NonNullable<typeof policy.validateStack>
        >[0];
        void policy.validateStack(args, (message: string, urn?: string) =>
            reported.push({ message, urn }),
        );
        expect(reported).toHaveLength(1);
        expect(reported[0].message).toContain(
            "Subnetwork cassandra-multicluster-network-dc1 primary 10.0.32.0/25 overlaps Subnetwork cassandra-multicluster-network-dc2 primary 10.0.32.0/25",
        );
        expect(reported[0].urn).toMatch(/Subnetwork::cassandra-multicluster-network-dc2$/);
    });
});

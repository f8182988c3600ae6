import { describe, expect, it } from "vitest";
import { INGRESS_KINDS } from "../../components/config";
import { REDACTED } from "../../components/render/manifests";
import type { RenderedStack } from "../../components/render/render-stack";
import { createValidator } from "../../components/render/schema-validator";
import { isUnvalidatedKind } from "../../components/render/unvalidated-kinds";
import { LOCAL_OVERRIDES, render } from "../helpers/render";

const validator = createValidator();

describe("every example stack renders to schema-valid manifests", () => {
    // traefik, the dev stack's own layer, is rendered and validated by plan-command.test.ts.
    it.each(INGRESS_KINDS.filter((k) => k !== "traefik"))(
        "dev stack with ingress %s",
        async (ingress) => {
            const r = await render("dev", { ingress });
            if (ingress === "loadbalancer") {
                expectNoSecretValues(r);
            }
            expect(r.objects.length).toBeGreaterThan(0);
            const validated = r.objects.filter((o) => !isUnvalidatedKind(o.object));
            expect(validated.flatMap((o) => validator.validate(o.object))).toEqual([]);
            // Only the kinds listed as not vendored are skipped, and they really have no schema here.
            for (const o of r.objects.filter((x) => isUnvalidatedKind(x.object))) {
                expect(validator.knows(String(o.object.apiVersion), String(o.object.kind))).toBe(
                    false,
                );
            }
            expect(new Set(r.objects.map((o) => o.datacenter))).toEqual(new Set(["dc1", "dc2"]));
        },
    );

    it("existingClusters stack", async () => {
        const r = await render("dev", LOCAL_OVERRIDES);
        expect(r.objects.flatMap((o) => validator.validate(o.object))).toEqual([]);
    });
});

/** Secrets keep their keys but never their values, and no key material appears anywhere. */
function expectNoSecretValues(r: RenderedStack): void {
    const secrets = r.objects.filter((o) => o.object.kind === "Secret");
    expect(secrets.length).toBeGreaterThan(0);
    for (const s of secrets) {
        expect(
            Object.values(s.object.stringData as Record<string, string>).every(
                (v) => v === REDACTED,
            ),
        ).toBe(true);
    }
    expect(JSON.stringify(r.objects)).not.toMatch(/PRIVATE KEY|mock-password/);
}

import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { INGRESS_KINDS } from "../../components/config";
import { REDACTED } from "../../components/render/manifests";
import { createValidator } from "../../components/render/schema-validator";
import { isUnvalidatedKind } from "../../components/render/unvalidated-kinds";
import { planCommand } from "../../scripts/plan-command";
import { LOCAL_OVERRIDES, PROJECT_DIR, render } from "../helpers/render";

const validator = createValidator();

describe("every example stack renders to schema-valid manifests", () => {
    it.each([...INGRESS_KINDS])("dev stack with ingress %s", async (ingress) => {
        const r = await render("dev", { ingress });
        expect(r.objects.length).toBeGreaterThan(0);
        const validated = r.objects.filter((o) => !isUnvalidatedKind(o.object));
        expect(validated.flatMap((o) => validator.validate(o.object))).toEqual([]);
        // Only the kinds listed as not vendored are skipped, and they really have no schema here.
        for (const o of r.objects.filter((x) => isUnvalidatedKind(x.object))) {
            expect(validator.knows(String(o.object.apiVersion), String(o.object.kind))).toBe(false);
        }
        expect(new Set(r.objects.map((o) => o.datacenter))).toEqual(new Set(["dc1", "dc2"]));
    });

    it("existingClusters stack", async () => {
        const r = await render("dev", LOCAL_OVERRIDES);
        expect(r.objects.flatMap((o) => validator.validate(o.object))).toEqual([]);
    });

    it("never writes a secret's value into a manifest", async () => {
        const r = await render("dev");
        const secrets = r.objects.filter((o) => o.object.kind === "Secret");
        expect(secrets.length).toBeGreaterThan(0);
        for (const s of secrets) {
            expect(Object.values(s.object.stringData as Record<string, string>).every((v) => v === REDACTED)).toBe(true);
        }
        expect(JSON.stringify(r.objects)).not.toMatch(/PRIVATE KEY|mock-password/);
    });
});

/** Runs the plan command in-process, as `npm run plan` does; resolves with the exit code and output. */
async function plan(args: string[]): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    const io = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };
    const code = await planCommand(args, PROJECT_DIR, io, () => {
        vi.resetModules();
        return import("../../index");
    });
    return { code, out: lines.join("\n") };
}

describe("npm run plan", () => {
    it("writes manifests per datacenter and plan.md for the dev stack, and fails bad stacks with the rule's message", async () => {
        const out = mkdtempSync(join(tmpdir(), "plan-"));
        const fixtures = join(PROJECT_DIR, "test", "fixtures", "stacks");
        // One at a time: the mock runtime is process-wide.
        const dev = await plan(["--stack", "dev", "--out", out]);
        const overlap = await plan(["--stack", "overlap", "--stack-file", join(fixtures, "Pulumi.overlap.yaml"), "--out", join(out, "overlap")]);
        const plaintext = await plan(["--stack", "plaintext", "--stack-file", join(fixtures, "Pulumi.plaintext.yaml"), "--out", join(out, "plaintext")]);

        expect(dev.code, dev.out).toBe(0);
        expect(dev.out).toContain("schema: 0 error(s)");
        expect(readdirSync(join(out, "manifests"))).toEqual(["dc1", "dc2"]);
        expect(readdirSync(join(out, "manifests", "dc1"))[0]).toMatch(/^001-namespace-/);
        const report = readFileSync(join(out, "plan.md"), "utf8");
        for (const section of ["## Network ranges", "## DNS and seeds", "## Nodes and certificates", "## Routes (traefik)", "## Client endpoints", "## Firewall rules", "## Policy verdicts"]) {
            expect(report).toContain(section);
        }

        expect(overlap.code).toBe(1);
        expect(overlap.out).toContain("network.ranges.dc1.nodes 10.0.0.0/24 overlaps network.ranges.dc2.nodes 10.0.0.0/24");
        expect(existsSync(join(out, "overlap", "plan.md"))).toBe(false);

        expect(plaintext.code).toBe(1);
        expect(plaintext.out).toContain("policy native-transport-encrypted (mandatory): 2 violation(s)");
        expect(plaintext.out).toContain("client_encryption_options.enabled is false");
    }, 120_000);
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { planCommand } from "../../scripts/plan-command";
import { PROJECT_DIR } from "../helpers/render";

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
        const overlap = await plan([
            "--stack",
            "overlap",
            "--stack-file",
            join(fixtures, "Pulumi.overlap.yaml"),
            "--out",
            join(out, "overlap"),
        ]);
        const plaintext = await plan([
            "--stack",
            "plaintext",
            "--stack-file",
            join(fixtures, "Pulumi.plaintext.yaml"),
            "--out",
            join(out, "plaintext"),
        ]);

        expect(dev.code, dev.out).toBe(0);
        expect(dev.out).toContain("schema: 0 error(s)");
        expect(readdirSync(join(out, "manifests"))).toEqual(["dc1", "dc2"]);
        expect(readdirSync(join(out, "manifests", "dc1"))[0]).toMatch(/^001-namespace-/);
        const report = readFileSync(join(out, "plan.md"), "utf8");
        for (const section of [
            "## Network ranges",
            "## DNS and seeds",
            "## Nodes and certificates",
            "## Routes (traefik)",
            "## Client endpoints",
            "## Firewall rules",
            "## Policy verdicts",
        ]) {
            expect(report).toContain(section);
        }

        expect(overlap.code).toBe(1);
        expect(overlap.out).toContain(
            "network.ranges.dc1.nodes 10.0.0.0/24 overlaps network.ranges.dc2.nodes 10.0.0.0/24",
        );
        // A failed run leaves a plan.md that says so, and no manifests.
        expect(readFileSync(join(out, "overlap", "plan.md"), "utf8")).toMatch(
            /^# Plan for stack `overlap`: FAILED\n/,
        );
        expect(existsSync(join(out, "overlap", "manifests"))).toBe(false);

        expect(plaintext.code).toBe(1);
        expect(plaintext.out).toContain(
            "policy native-transport-encrypted (mandatory): 2 violation(s)",
        );
        expect(plaintext.out).toContain("client_encryption_options.enabled is false");
    }, 120_000);
});

describe("npm run plan into a folder holding an earlier run", () => {
    // Issue #16, item 6: a failed run used to leave the earlier plan.md and manifests in place
    // while printing "nothing was rendered".
    it("replaces the earlier output with a FAILED plan.md when the stack has errors, and keeps other files", async () => {
        const out = mkdtempSync(join(tmpdir(), "plan-stale-"));
        writeFileSync(join(out, "notes.txt"), "not ours");
        const good = await plan(["--stack", "dev", "--out", out]);
        expect(good.code, good.out).toBe(0);
        expect(readdirSync(join(out, "manifests"))).toEqual(["dc1", "dc2"]);

        const bad = await plan([
            "--stack",
            "overlap",
            "--stack-file",
            join(PROJECT_DIR, "test", "fixtures", "stacks", "Pulumi.overlap.yaml"),
            "--out",
            out,
        ]);
        expect(bad.code).toBe(1);
        expect(bad.out).toContain(
            `stack "overlap" has errors; nothing was rendered (${join(out, "plan.md")} records the failure; earlier output there was removed).`,
        );
        expect(existsSync(join(out, "manifests"))).toBe(false);
        const report = readFileSync(join(out, "plan.md"), "utf8");
        expect(report).toContain("# Plan for stack `overlap`: FAILED");
        expect(report).toContain(
            "network.ranges.dc2.nodes: network.ranges.dc1.nodes 10.0.0.0/24 overlaps network.ranges.dc2.nodes 10.0.0.0/24",
        );
        expect(report).not.toContain("## Network ranges");
        expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("not ours");
    }, 120_000);
});

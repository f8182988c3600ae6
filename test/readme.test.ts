import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseSettings, settingsSchema } from "../components/config";

const root = join(__dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as {
    name: string;
    config: Record<string, { type: string; default?: unknown; description: string }>;
};
const schemaKeys = Object.keys(settingsSchema.shape);

describe("the config reference", () => {
    const table = readme.slice(
        readme.indexOf("<!-- config-reference:start -->"),
        readme.indexOf("<!-- config-reference:end -->"),
    );
    const documented = [...table.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]);

    it("documents every key of the settings schema, and nothing else", () => {
        expect(documented.sort()).toEqual([...schemaKeys].sort());
    });

    it("declares in Pulumi.yaml only schema keys, each with a description", () => {
        expect(project.name).toBe("cassandra-multicluster");
        for (const [key, decl] of Object.entries(project.config)) {
            expect(schemaKeys, key).toContain(key);
            expect(decl.description.length, key).toBeGreaterThan(10);
        }
    });

    it("declares the same defaults in Pulumi.yaml as the schema applies", () => {
        const defaults = parseSettings({
            datacenters: [{ name: "dc1", region: "us-west1", zones: ["us-west1-a"], size: 1 }],
        }) as unknown as Record<string, unknown>;
        for (const [key, decl] of Object.entries(project.config)) {
            if ("default" in decl) {
                expect(defaults[key], key).toEqual(decl.default);
            }
        }
    });
});

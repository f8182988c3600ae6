import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseSettings, settingsFromConfigMap, settingsSchema } from "../components/config";
import { formatProblems } from "../components/errors";
import { buildPlan } from "../components/plan";
import { readStackConfig } from "../components/render/stack-config";

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

/** The README between `<!-- name:start -->` and `<!-- name:end -->`. */
function section(name: string): string {
    const start = readme.indexOf(`<!-- ${name}:start -->`);
    const end = readme.indexOf(`<!-- ${name}:end -->`);
    expect(start, name).toBeGreaterThan(0);
    expect(end, name).toBeGreaterThan(start);
    return readme.slice(start, end);
}

/** What a stack's config makes the program throw before creating anything, as `npm run plan` prints it. */
function errorOf(config: Record<string, string>): unknown {
    try {
        buildPlan(parseSettings(settingsFromConfigMap(project.name, config)));
    } catch (e) {
        expect(e).toBeInstanceOf(pulumi.InputPropertiesError);
        return e;
    }
    throw new Error("the stack was accepted");
}

describe("the config-error example", () => {
    const example = section("config-error-example");
    const [stackYaml, output] = [...example.matchAll(/```(?:yaml)?\n([\s\S]*?)```/g)].map(
        (m) => m[1],
    );
    const fixture = join(root, "test", "config", "Pulumi.many-mistakes.yaml");

    it("shows the stack file the tests run", () => {
        expect(stackYaml).toBe(readFileSync(fixture, "utf8"));
    });

    it("shows exactly what that stack reports, every mistake in one run", () => {
        const { config } = readStackConfig(root, "many-mistakes", fixture);
        expect(`${formatProblems(errorOf(config))}\n`).toBe(output);
    });
});

describe("the common-mistakes table", () => {
    /** A valid two-datacenter stack each row changes. */
    const base: Record<string, unknown> = {
        "gcp:project": "acme-cassandra-dev",
        "cassandra-multicluster:datacenters": [
            {
                name: "dc1",
                region: "us-west1",
                zones: ["us-west1-a", "us-west1-b", "us-west1-c"],
                size: 3,
            },
            {
                name: "dc2",
                region: "us-east1",
                zones: ["us-east1-b", "us-east1-c", "us-east1-d"],
                size: 3,
            },
        ],
    };
    const asStrings = (config: Record<string, unknown>) =>
        Object.fromEntries(
            Object.entries(config).map(([k, v]) => [
                k,
                typeof v === "string" ? v : JSON.stringify(v),
            ]),
        );
    const rows = [
        ...section("common-mistakes").matchAll(/^\| ([^|`]+) \| (.+) \| `(.+)` \|$/gm),
    ].map((m) => ({
        mistake: m[1],
        stack: [...m[2].matchAll(/`([^`]+)`/g)].map((x) => x[1]).join("\n"),
        message: m[3],
    }));

    it("has a row for each mistake the issue lists, and the base stack is valid", () => {
        expect(rows.length).toBeGreaterThanOrEqual(12);
        expect(() =>
            buildPlan(parseSettings(settingsFromConfigMap(project.name, asStrings(base)))),
        ).not.toThrow();
    });

    it.each(rows.map((r) => [r.mistake, r]))(
        "%s: the row's change gets the row's message",
        (_m, row) => {
            const change = parse(row.stack) as Record<string, unknown>;
            const err = errorOf(asStrings({ ...base, ...change })) as pulumi.InputPropertiesError;
            expect(err.errors, JSON.stringify(err.errors)).toHaveLength(1);
            const line = `${err.errors[0].propertyPath}: ${err.errors[0].reason}`;
            // "…" stands for text left out; the rest must appear, in order.
            let at = 0;
            for (const part of row.message.split(" … ").flatMap((p) => p.split("…"))) {
                const found = line.indexOf(part.trim(), at);
                expect(found, `"${part}" in\n${line}`).toBeGreaterThanOrEqual(0);
                at = found + part.trim().length;
            }
            expect(line.startsWith(row.message.split("…")[0].trim())).toBe(true);
            if (!row.message.endsWith("…")) {
                expect(line.endsWith(row.message.split("…").pop()!.trim())).toBe(true);
            }
        },
    );
});

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { settingsSchema } from "../../components/config";
import {
    applyProjectConfig,
    ProjectFile,
    readProjectFile,
    readStackConfig,
} from "../../components/render/stack-config";

/**
 * Pulumi.yaml's config declarations against every stack file, under the CLI's own pre-run rules
 * (`applyProjectConfig`, from pulumi/pulumi v3.248.0 `sdk/go/common/workspace/config.go`).
 */

const root = join(__dirname, "..", "..");
const project = readProjectFile(root);

/** Every stack file of the project: the examples beside Pulumi.yaml and those the README shows. */
function stackFiles(): string[] {
    const beside = readdirSync(root).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const shown = [...readme.matchAll(/`(Pulumi\.[a-z0-9-]+\.yaml)`/g)].map((m) => m[1]);
    return [...new Set([...beside, ...shown.filter((f) => !f.includes("<"))])];
}

describe("Pulumi.yaml under the CLI's pre-run checks", () => {
    it.each(stackFiles())("%s leaves no declared key unset and every value of its type", (file) => {
        const stack = /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1] as string;
        expect(() => readStackConfig(root, stack)).not.toThrow();
    });

    it("declares as required exactly the keys the settings schema requires", () => {
        const required = Object.entries(project.config ?? {})
            .filter(([, d]) => d.default === undefined && d.value === undefined)
            .map(([k]) => k);
        const schemaRequired = Object.entries(settingsSchema.shape)
            .filter(([, s]) => !s.safeParse(undefined).success)
            .map(([k]) => k);
        expect(required.sort()).toEqual(schemaRequired.sort());
    });

    it("reports a required key a stack leaves unset with the CLI's message", () => {
        const strict: ProjectFile = {
            ...project,
            config: { ...project.config, externalDnsZone: { type: "string" } },
        };
        const values = stackValues("dev");
        expect(() => applyProjectConfig(strict, "dev", values)).toThrow(
            "Stack 'dev' is missing configuration value 'externalDnsZone'",
        );
        const two: ProjectFile = {
            ...strict,
            config: { ...strict.config, tls: { type: "object" } },
        };
        expect(() => applyProjectConfig(two, "local", stackValues("local"))).toThrow(
            "Stack 'local' is missing configuration values 'externalDnsZone' and 'tls'",
        );
    });

    it("reports a value of the wrong type with the CLI's message", () => {
        expect(() =>
            applyProjectConfig(project, "dev", {
                ...stackValues("dev"),
                "cassandra-multicluster:clientCidrs": "203.0.113.0/24",
            }),
        ).toThrow(
            "Stack 'dev' with configuration key 'clientCidrs' must be of type 'array<string>'",
        );
        expect(() =>
            applyProjectConfig(project, "dev", {
                ...stackValues("dev"),
                "cassandra-multicluster:maxLoadBalancerAddresses": 2.5,
            }),
        ).toThrow("must be of type 'integer'");
    });

    it("fills in declared defaults only for keys the stack leaves unset", () => {
        const merged = applyProjectConfig(project, "dev", stackValues("dev"));
        expect(merged["cassandra-multicluster:ingress"]).toBe("traefik");
        expect(merged["cassandra-multicluster:namespace"]).toBe("cassandra");
    });
});

function stackValues(stack: string): Record<string, unknown> {
    const doc = parse(readFileSync(join(root, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
    };
    return Object.fromEntries(
        Object.entries(doc.config).map(([k, v]) => [
            k.includes(":") ? k : `${project.name}:${k}`,
            v,
        ]),
    );
}

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DNS_MODES, INGRESS_KINDS, KEY_ALGORITHMS, settingsSchema } from "../../components/config";
import { EXTERNAL_NAME_SCHEMES } from "../../components/lifecycle/transitions";
import {
    EXAMPLE_DIR,
    inferSchema,
    PACKAGE_DIR,
    packageJson,
    ROOT,
    runPythonExample,
} from "./harness";

/**
 * The schema `pulumi package add` generates every language's SDK from, inferred by
 * `@pulumi/pulumi`'s own analyzer over the package's sources; and the Python example checked
 * against the SDK that schema yields.
 */

const TOKEN = "cassandra-mc:index:CassandraCluster";

/** A schema property (pulumi.com/docs/iac/extending-pulumi/schema), as the analyzer emits it. */
interface Property {
    readonly type?: string;
    readonly $ref?: string;
    readonly items?: Property;
    readonly additionalProperties?: Property;
    readonly description?: string;
    readonly plain?: boolean;
    readonly optional?: boolean;
}
interface ObjectType {
    readonly type: string;
    readonly properties?: Record<string, Property>;
    readonly required?: string[];
    readonly enum?: { name: string; value: string | number; description?: string }[];
}
interface Schema {
    readonly name: string;
    readonly version: string;
    readonly description: string;
    readonly dependencies: unknown[];
    readonly types: Record<string, ObjectType>;
    readonly resources: Record<
        string,
        {
            isComponent: boolean;
            description: string;
            inputProperties: Record<string, Property>;
            requiredInputs: string[];
            properties: Record<string, Property>;
            required: string[];
        }
    >;
}
let schema: Schema;
let components: string[];

beforeAll(async () => {
    const inferred = await inferSchema();
    schema = inferred.schema as unknown as Schema;
    components = inferred.components;
}, 120_000);

const resource = () => schema.resources[TOKEN];
const typeName = (p: Property) => p.$ref?.replace("#/types/cassandra-mc:index:", "");

/** A zod schema without the wrappers that do not change its shape (defaults, optionals, transforms). */
function unwrap(t: ZodLike): ZodLike {
    for (;;) {
        const d = t.def;
        if (["optional", "default", "prefault", "nullable"].includes(d.type)) {
            t = d.innerType as ZodLike;
        } else if (d.type === "pipe") {
            t = d.in as ZodLike;
        } else {
            return t;
        }
    }
}
interface ZodLike {
    def: { type: string; [k: string]: unknown };
}
/** A key may be left out of stack config when the settings schema makes it optional or defaults it. */
const optionalInZod = (t: ZodLike) => ["optional", "default", "prefault"].includes(t.def.type);

/**
 * Walks a settings schema and a schema property together: same keys at every level, the same
 * ones optional, and each value of the matching kind. Returns the paths that differ.
 */
function compare(zod: ZodLike, prop: Property, path: string): string[] {
    const z = unwrap(zod);
    const ref = typeName(prop);
    const t = ref ? schema.types[`cassandra-mc:index:${ref}`] : undefined;
    switch (z.def.type) {
        case "string":
            return prop.type === "string" ? [] : [`${path}: expected string`];
        case "number":
            return prop.type === "number" ? [] : [`${path}: expected number`];
        case "boolean":
            return prop.type === "boolean" ? [] : [`${path}: expected boolean`];
        case "union": // tls.rsaBits: 3072 | 4096, a number in the schema; the settings schema checks it.
            return prop.type === "number" ? [] : [`${path}: expected number`];
        case "enum": {
            const values = Object.values(z.def.entries as Record<string, string>).sort();
            const got = (t?.enum ?? []).map((e) => e.value).sort();
            return JSON.stringify(got) === JSON.stringify(values)
                ? []
                : [`${path}: enum ${JSON.stringify(got)} ≠ ${JSON.stringify(values)}`];
        }
        case "array":
            return prop.type === "array" && prop.items
                ? compare(z.def.element as ZodLike, prop.items, `${path}[]`)
                : [`${path}: expected array`];
        case "record":
            return prop.type === "object" && prop.additionalProperties
                ? compare(z.def.valueType as ZodLike, prop.additionalProperties, `${path}{}`)
                : [`${path}: expected map`];
        case "object": {
            if (!t?.properties) {
                return [`${path}: expected an object type, got ${JSON.stringify(prop)}`];
            }
            return compareObject(
                z.def.shape as Record<string, ZodLike>,
                t.properties,
                t.required ?? [],
                path,
            );
        }
        default:
            return [`${path}: unexpected settings type ${z.def.type}`];
    }
}

function compareObject(
    shape: Record<string, ZodLike>,
    properties: Record<string, Property>,
    required: string[],
    path: string,
): string[] {
    const problems: string[] = [];
    const keys = new Set([...Object.keys(shape), ...Object.keys(properties)]);
    for (const key of keys) {
        const where = path ? `${path}.${key}` : key;
        if (!(key in shape)) {
            problems.push(`${where}: not a settings key`);
        } else if (!(key in properties)) {
            problems.push(`${where}: missing from the component's args`);
        } else {
            if (optionalInZod(shape[key]) === required.includes(key)) {
                problems.push(`${where}: required ${required.includes(key)} in the schema`);
            }
            problems.push(...compare(shape[key], properties[key], where));
        }
    }
    return problems;
}

describe("the inferred schema of component-package/", () => {
    it("names the package after package.json and serves exactly one component", () => {
        expect(schema.name).toBe("cassandra-mc");
        expect(schema.version).toBe(packageJson.version);
        expect(schema.description).toBe(packageJson.description);
        // Only the facade: a library component exported by mistake would be served too, and
        // fail inference (provider/experimental/provider.ts `getPulumiComponents`).
        expect(components).toEqual(["CassandraCluster"]);
        expect(Object.keys(schema.resources)).toEqual([TOKEN]);
        expect(resource().isComponent).toBe(true);
        expect(resource().description).toMatch(/^Apache Cassandra across several Kubernetes/);
        // Nothing from other packages: no provider objects, so SDKs need no other schema.
        expect(schema.dependencies).toEqual([]);
    });

    it("takes every stack setting, key for key and level for level, plus gcpProject", () => {
        const { gcpProject, ...settings } = resource().inputProperties;
        expect(gcpProject).toMatchObject({ type: "string", optional: true });
        const problems = compareObject(
            settingsSchema.shape as unknown as Record<string, ZodLike>,
            settings,
            resource().requiredInputs ?? [],
            "",
        );
        expect(problems).toEqual([]);
        expect(resource().requiredInputs).toEqual(["datacenters"]);
    });

    it("offers the settings' choices as enums with their documented values", () => {
        const values = (name: string) =>
            schema.types[`cassandra-mc:index:${name}`].enum?.map((e) => e.value).sort();
        expect(values("IngressKind")).toEqual([...INGRESS_KINDS].sort());
        expect(values("DnsMode")).toEqual([...DNS_MODES].sort());
        expect(values("ExternalNames")).toEqual([...EXTERNAL_NAME_SCHEMES].sort());
        expect(values("KeyAlgorithm")).toEqual([...KEY_ALGORITHMS].sort());
    });

    it("takes plain values only: the topology is planned before any resource exists", () => {
        const notPlain = Object.entries(resource().inputProperties)
            .filter(([, p]) => !p.plain)
            .map(([k]) => k);
        expect(notPlain).toEqual([]);
    });

    it("returns plain outputs: endpoints per datacenter, the CA, the bundle as JSON, the superuser", () => {
        const outputs = resource().properties ?? {};
        expect(Object.keys(outputs).sort()).toEqual([
            "caCertPem",
            "clientBundleJson",
            "clientCertificates",
            "datacenters",
            "externalNameServers",
            "superuser",
        ]);
        expect(outputs.datacenters).toMatchObject({
            type: "object",
            additionalProperties: { $ref: "#/types/cassandra-mc:index:DatacenterEndpoints" },
        });
        expect(outputs.caCertPem).toMatchObject({ type: "string" });
        expect(outputs.clientBundleJson).toMatchObject({ type: "string", optional: true });
        expect(outputs.superuser).toMatchObject({ $ref: "#/types/cassandra-mc:index:Superuser" });
        expect(resource().required).toEqual([
            "caCertPem",
            "clientCertificates",
            "datacenters",
            "externalNameServers",
            "superuser",
        ]);
        const endpoints = schema.types["cassandra-mc:index:DatacenterEndpoints"];
        expect(Object.keys(endpoints.properties ?? {})).toEqual(
            expect.arrayContaining(["endpoint", "seedService", "hostIds", "ingressAddress"]),
        );
    });

    it("types and documents every property at every level, and every reference resolves", () => {
        const problems: string[] = [];
        const check = (p: Property, where: string, documented: boolean) => {
            if (documented && !(p.description && p.description.length > 10)) {
                problems.push(`${where}: no description`);
            }
            if (p.$ref) {
                if (!p.$ref.startsWith("#/types/") || !schema.types[p.$ref.slice(8)]) {
                    problems.push(`${where}: unresolved ${p.$ref}`);
                }
            } else if (!p.type) {
                problems.push(`${where}: no type`);
            }
            if (p.items) {
                check(p.items, `${where}[]`, false);
            }
            if (p.additionalProperties) {
                check(p.additionalProperties, `${where}{}`, false);
            }
        };
        const r = resource();
        for (const [k, p] of Object.entries(r.inputProperties ?? {})) {
            check(p, `input ${k}`, true);
        }
        for (const [k, p] of Object.entries(r.properties ?? {})) {
            check(p, `output ${k}`, true);
        }
        for (const [token, t] of Object.entries(schema.types)) {
            for (const [k, p] of Object.entries(t.properties ?? {})) {
                check(p, `${token}.${k}`, true);
            }
            for (const e of t.enum ?? []) {
                if (!e.description) {
                    problems.push(`${token}.${e.name}: no description`);
                }
            }
        }
        expect(problems).toEqual([]);
    });
});

describe("examples/python-consumer against the SDK generated from this schema", () => {
    it("is valid Python", () => {
        execFileSync(
            "python3",
            [
                "-c",
                "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')",
                "__main__.py",
            ],
            { cwd: EXAMPLE_DIR, stdio: "pipe" },
        );
    });

    it("uses only the SDK's classes, keywords and constants, with values of the schema's types", () => {
        const { registered, exports } = runPythonExample(schema);
        expect(registered).toHaveLength(1);
        expect(registered[0]).toMatchObject({ type: TOKEN, name: "orders" });
        expect(registered[0].inputs).toMatchObject({
            gcpProject: "my-gcp-project",
            ingress: "traefik",
            externalDomain: "orders.cassandra.example.com",
            clientCidrs: ["203.0.113.0/24"],
            tls: { requireClientAuth: true, clientCertificates: ["orders-service"] },
        });
        expect(exports).toEqual([
            "datacenters",
            "caCertificate",
            "clientBundle",
            "superuser",
            "clientCertificates",
        ]);
    });

    it("names things as pulumi's Python codegen does (checked against a real generated SDK)", () => {
        // Names pulumi/pulumi v3.248.0's pkg/codegen/python generated from this schema here.
        const script = [
            "import sys; sys.path.insert(0, sys.argv[1]); import sdk_stub as s",
            "print(' '.join(s.py_name(n) for n in sys.argv[2].split()))",
            "print(' '.join(s.enum_member_name(n) for n in sys.argv[3].split()))",
        ].join("\n");
        const out = execFileSync(
            "python3",
            [
                "-c",
                script,
                join(__dirname, "python"),
                "gcpProject storageGb nodeMachineType caCertPem clientBundleJson maxPodsPerNode",
                "LoadBalancer GatewayApi CloudDns ECDSA None",
            ],
            { encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } },
        );
        expect(out.trim().split("\n")).toEqual([
            "gcp_project storage_gb node_machine_type ca_cert_pem client_bundle_json max_pods_per_node",
            "LOAD_BALANCER GATEWAY_API CLOUD_DNS ECDSA NONE",
        ]);
    });

    it("declares the package as `pulumi package add` records it, beside no PulumiPlugin.yaml", () => {
        const project = parse(readFileSync(join(EXAMPLE_DIR, "Pulumi.yaml"), "utf8"));
        expect(project.runtime.name).toBe("python");
        expect(project.packages).toEqual({ "cassandra-mc": "../../component-package" });
        expect(resolve(EXAMPLE_DIR, project.packages["cassandra-mc"])).toBe(PACKAGE_DIR);
        expect(existsSync(join(PACKAGE_DIR, "PulumiPlugin.yaml"))).toBe(true);
        // sdk/go/common/workspace/loaders.go: "detected both Pulumi.yaml and PulumiPlugin.yaml".
        expect(existsSync(join(PACKAGE_DIR, "Pulumi.yaml"))).toBe(false);
        expect(existsSync(join(ROOT, "PulumiPlugin.yaml"))).toBe(false);
    });
});

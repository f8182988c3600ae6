/**
 * Issue #16: bad input. Every independent mistake in one report, each with its fix; keys in a
 * misspelled namespace or unknown under ours are flagged; public ranges and internet-wide
 * authorized ranges are refused. Messages are asserted as the user reads them.
 */
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as pulumi from "@pulumi/pulumi";
import * as fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import {
    CONFIG_ERROR,
    configProblems,
    parseSettings,
    settingsFromConfigMap,
} from "../../components/config";
import { buildPlan } from "../../components/plan";
import type { Problem } from "../../components/errors";
import { planCommand } from "../../scripts/plan-command";
import { ExpectedProblem, expectProblemList } from "../helpers/problems";
import { PROJECT_DIR } from "../helpers/render";

type Raw = Record<string, unknown>;
const PROJECT = "cassandra-multicluster";

const dc = (name: string, region: string, extra: Raw = {}): Raw => ({
    name,
    region,
    zones: [`${region}-a`, `${region}-b`, `${region}-c`],
    size: 3,
    ...extra,
});
const two = (extra: Raw = {}): Raw => ({
    datacenters: [dc("dc1", "us-west1"), dc("dc2", "us-east1")],
    ...extra,
});

/** What `pulumi up` reports before creating anything: settings, then the plan on valid settings. */
function problemsOf(raw: Raw): Problem[] {
    try {
        buildPlan(parseSettings(raw));
    } catch (e) {
        expect(e).toBeInstanceOf(pulumi.InputPropertiesError);
        expect((e as pulumi.InputPropertiesError).message).toBe(CONFIG_ERROR);
        return (e as pulumi.InputPropertiesError).errors;
    }
    return [];
}

/** The problems of a CLI config map (`<namespace>:<key>` → string), as the program reads it. */
function problemsOfConfigMap(config: Record<string, unknown>): Problem[] {
    const strings = Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
    try {
        return problemsOf(settingsFromConfigMap(PROJECT, strings));
    } catch (e) {
        expect(e).toBeInstanceOf(pulumi.InputPropertiesError);
        return (e as pulumi.InputPropertiesError).errors;
    }
}

const ours = (raw: Raw) =>
    Object.fromEntries(Object.entries(raw).map(([k, v]) => [`${PROJECT}:${k}`, v]));

describe("item 1: every independent problem in one run", () => {
    it("reports schema, cross-field and network-plan problems of one config together", () => {
        const problems = problemsOf(
            two({
                tls: { keyAlgorithm: "RSA", rsaBits: 1024 },
                ingress: "traefik",
                clientCidrs: ["203.0.113.0/24"],
                network: { supernet: "10.0.0.0/20" },
            }),
        );
        expectProblemList(problems, [
            { path: "tls.rsaBits", reason: "must be 3072 or 4096" },
            {
                path: "externalDomain",
                reason: 'ingress "traefik" gives every node an external name',
            },
            { path: "network.supernet", reason: "10.0.0.0/20 is too small for 2 datacenters" },
        ]);
        // Schema problems first, then cross-field rules, then the plan.
        expect(problems.map((p) => p.propertyPath)).toEqual([
            "tls.rsaBits",
            "externalDomain",
            "network.supernet",
        ]);
    });

    it("reports overlapping ranges beside an unknown key and a bad enum value", () => {
        const ranges = (nodes: string, pods: string, services: string, controlPlane: string) => ({
            nodes,
            pods,
            services,
            controlPlane,
        });
        expectProblemList(
            problemsOf(
                two({
                    dns: "CLOUD_DNS",
                    clientCidr: ["203.0.113.0/24"],
                    network: {
                        ranges: {
                            dc1: ranges("10.0.0.0/24", "10.1.0.0/16", "10.2.0.0/20", "10.3.0.0/28"),
                            dc2: ranges(
                                "10.0.0.0/24",
                                "10.4.0.0/16",
                                "10.5.0.0/20",
                                "10.3.0.16/28",
                            ),
                        },
                    },
                }),
            ),
            [
                {
                    path: "dns",
                    reason: 'expected one of "cloud-dns"|"stub"|"none" (got "CLOUD_DNS")',
                },
                { path: "clientCidr", reason: 'did you mean "clientCidrs"?' },
                {
                    path: "network.ranges.dc2.nodes",
                    reason: "network.ranges.dc1.nodes 10.0.0.0/24 overlaps network.ranges.dc2.nodes 10.0.0.0/24",
                },
            ],
        );
    });

    it.each<[string, Raw, ExpectedProblem[]]>([
        [
            "a broken datacenter size skips the network plan (block sizes depend on it), not the other rules",
            two({
                datacenters: [
                    dc("dc1", "us-west1", { size: 2.5 }),
                    dc("dc2", "us-east1", { size: 4 }),
                ],
                network: { supernet: "10.0.0.0/20" },
            }),
            [
                {
                    path: "datacenters[0].size",
                    reason: "must be a whole number from 1 to 1000 (got 2.5)",
                },
                {
                    path: "datacenters[1].size",
                    reason: "size 4 cannot be split evenly across 3 racks",
                },
            ],
        ],
        [
            "a broken client range does not make the list look empty",
            two({
                ingress: "kong",
                externalDomain: "db.example.com",
                clientCidrs: ["203.0.113.7"],
            }),
            [{ path: "clientCidrs[0]", reason: '"203.0.113.7" is a single address' }],
        ],
        [
            "a bad ingress value skips the rules about what that ingress needs",
            two({ ingress: "nginx" }),
            [{ path: "ingress", reason: 'expected one of "traefik"' }],
        ],
        [
            "an unknown key in a rack does not break the rack (no false rack-count error)",
            {
                datacenters: [
                    dc("dc1", "us-west1", {
                        racks: [{ name: "r1", zone: "us-west1-a", zonee: "x" }],
                        size: 1,
                    }),
                ],
            },
            [{ path: "datacenters[0].racks[0].zonee", reason: 'did you mean "zone"?' }],
        ],
        [
            "a broken existing-cluster range still lets the other ranges be checked for overlaps",
            {
                datacenters: [
                    { name: "dc1", zones: ["a"], size: 3 },
                    { name: "dc2", zones: ["a"], size: 3 },
                ],
                existingClusters: {
                    dc1: {
                        podCidr: "10.0.0.0/16",
                        serviceCidr: "10.1.0.0/16",
                        nodeCidr: "10.2.0.0/33",
                    },
                    dc2: { podCidr: "10.0.128.0/17", serviceCidr: "10.5.0.0/16" },
                },
            },
            [
                {
                    path: "existingClusters.dc1.nodeCidr",
                    reason: "octets must be 0-255 and the prefix 0-32",
                },
                {
                    path: "existingClusters.dc2.podCidr",
                    reason: "existingClusters.dc1.podCidr 10.0.0.0/16 overlaps existingClusters.dc2.podCidr 10.0.128.0/17",
                },
            ],
        ],
    ])("%s", (_what, raw, expected) => {
        expectProblemList(problemsOf(raw), expected);
    });

    it("configProblems returns the same list parseSettings throws, and nothing for a valid config", () => {
        const raw = two({ tls: { rsaBits: 2048 }, network: { supernet: "10.0.0.0/20" } });
        expect(configProblems(raw)).toEqual(problemsOf(raw));
        expect(configProblems(two())).toEqual([]);
    });

    it("the real program reports every mistake of a stack file in one `npm run plan`", async () => {
        const lines: string[] = [];
        const io = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };
        const code = await planCommand(
            [
                "--stack",
                "many-mistakes",
                "--stack-file",
                join(__dirname, "Pulumi.many-mistakes.yaml"),
                "--out",
                mkdtempSync(join(tmpdir(), "plan-mistakes-")),
            ],
            PROJECT_DIR,
            io,
            () => {
                vi.resetModules();
                return import("../../index");
            },
        );
        const out = lines.join("\n");
        expect(code).toBe(1);
        for (const path of [
            "cassandra:ingress",
            "tls.rsaBits",
            "clusterNmae",
            "datacenters[1].size",
            "controlPlaneAuthorizedCidrs[0]",
            "network.supernet",
        ]) {
            expect(out).toContain(`  - ${path}: `);
        }
    }, 60_000);
});

describe("item 2: misspelled namespaces and unknown keys", () => {
    const valid = ours(two());

    it.each([
        [
            "cassandra:ingress",
            "traefik",
            'namespace "cassandra" is not this project\'s ("cassandra-multicluster"), so this setting would be ignored; write it as cassandra-multicluster:ingress',
        ],
        [
            "cassandra-multicluser:allowPublicClients",
            "true",
            'namespace "cassandra-multicluser" is not this project\'s ("cassandra-multicluster"), so this setting would be ignored; write it as cassandra-multicluster:allowPublicClients',
        ],
        [
            "cassandra_multicluster:clusterName",
            "ring",
            "write it as cassandra-multicluster:clusterName",
        ],
        [
            "casandra-multicluster:clientCidr",
            '["203.0.113.0/24"]',
            "write it as cassandra-multicluster:clientCidrs",
        ],
        [
            "cassandra:bogus",
            "1",
            '"bogus" is not one of its settings either (clusterName, serverVersion,',
        ],
    ])("flags %s: the setting would be silently dropped", (key, value, reason) => {
        expectProblemList(problemsOfConfigMap({ ...valid, [key]: value }), [{ path: key, reason }]);
    });

    it("leaves the namespaces of providers and the CLI alone", () => {
        expect(
            problemsOfConfigMap({
                ...valid,
                "gcp:project": "p",
                "gcp:region": "us-west1",
                "kubernetes:context": "kind",
                "pulumi:tags": "{}",
                "random:x": "1",
                "tls:x": "1",
                "cassandra-operator:x": "1",
            }),
        ).toEqual([]);
    });

    it("reports a misspelled namespace together with every other problem of the config", () => {
        expectProblemList(
            problemsOfConfigMap({
                ...valid,
                "cassandra:ingress": "traefik",
                [`${PROJECT}:tls`]: { rsaBits: 1024 },
                [`${PROJECT}:network`]: { supernet: "10.0.0.0/20" },
            }),
            [
                { path: "cassandra:ingress", reason: "write it as cassandra-multicluster:ingress" },
                { path: "tls.rsaBits", reason: "must be 3072 or 4096" },
                { path: "network.supernet", reason: "is too small for 2 datacenters" },
            ],
        );
    });

    it.each([
        ["ingres", "traefik", 'unknown setting "ingres"; did you mean "ingress"?'],
        ["clusterNmae", "ring", 'unknown setting "clusterNmae"; did you mean "clusterName"?'],
        ["AllowPublicClients", "true", 'did you mean "allowPublicClients"?'],
        [
            "supernet",
            "10.0.0.0/16",
            'unknown setting "supernet"; it belongs under network: write it as network.supernet',
        ],
        [
            "rsaBits",
            "4096",
            'unknown setting "rsaBits"; it belongs under tls: write it as tls.rsaBits',
        ],
        [
            "zzz",
            "1",
            'unknown setting "zzz"; known settings: clusterName, serverVersion, namespace',
        ],
    ])("flags the unknown key %s under our namespace, at its own path", (key, value, reason) => {
        expectProblemList(problemsOfConfigMap({ ...valid, [`${PROJECT}:${key}`]: value }), [
            { path: key, reason },
        ]);
    });
});

describe("item 3: allowPublicClients agrees with the pack", () => {
    it("refuses an internet-wide client range without it, naming the annotation the pack accepts", () => {
        expectProblemList(problemsOf(two({ clientCidrs: ["0.0.0.0/0"] })), [
            {
                path: "clientCidrs[0]",
                reason: "0.0.0.0/0 admits the whole internet to port 9042; list your client ranges (/8 or narrower), or set allowPublicClients: true to accept that exposure (the entry points' LoadBalancer Services then carry the cassandra-multicluster/allow-public-clients annotation, the opt-in the no-open-cql policy accepts)",
            },
        ]);
        expect(problemsOf(two({ clientCidrs: ["0.0.0.0/0"], allowPublicClients: true }))).toEqual(
            [],
        );
    });
});

describe("item 5: every message says what is allowed", () => {
    it.each<[string, Raw, string, string]>([
        [
            "RSA key size",
            { tls: { keyAlgorithm: "RSA", rsaBits: 1024 } },
            "tls.rsaBits",
            "must be 3072 or 4096: the CA's key uses it too, and the strong-keys policy requires at least 3072 bits for a CA key (got 1024)",
        ],
        [
            "a fraction where a whole number belongs",
            { network: { maxPodsPerNode: 2.5 } },
            "network.maxPodsPerNode",
            "must be a whole number from 8 to 256 (got 2.5)",
        ],
        [
            "a fraction without an upper bound",
            { tls: { caValidityHours: 2.5 } },
            "tls.caValidityHours",
            "must be a whole number, at least 24 (got 2.5)",
        ],
        [
            "a bare address",
            { clientCidrs: ["203.0.113.7"] },
            "clientCidrs[0]",
            '"203.0.113.7" is a single address, not a range; write 203.0.113.7/32 for that address alone, or the network it belongs to, e.g. 203.0.113.0/24',
        ],
        [
            "a leading-zero octet",
            { controlPlaneAuthorizedCidrs: ["010.1.2.0/24"] },
            "controlPlaneAuthorizedCidrs[0]",
            '"010.1.2.0/24" has a leading zero in "010": some tools read such numbers as octal and GCP rejects them; write 10.1.2.0/24',
        ],
        [
            "an unaligned range, echoed once",
            { network: { supernet: "10.1.0.0/8" } },
            "network.supernet",
            '"10.1.0.0/8" is not aligned to its /8 boundary; did you mean 10.0.0.0/8?',
        ],
        [
            "an unknown top-level key, at its own path",
            { clusterNmae: "ring" },
            "clusterNmae",
            'unknown setting "clusterNmae"; did you mean "clusterName"?',
        ],
        [
            "a boolean written as a word",
            { deletionProtection: "no" },
            "deletionProtection",
            'must be true or false (got "no")',
        ],
        [
            "an empty zone name",
            { datacenters: [dc("dc1", "us-west1", { zones: [""], size: 1 })] },
            "datacenters[0].zones[0]",
            'must not be empty (got "")',
        ],
    ])("%s", (_what, extra, path, reason) => {
        const problems = problemsOf(two(extra));
        expect(problems).toEqual([{ propertyPath: path, reason }]);
    });
});

describe("item 7: public address space and internet-wide authorized ranges", () => {
    const publicReason = (cidr: string) =>
        `${cidr} is public address space: the clusters would take addresses that belong to hosts on the internet and could no longer reach them; use a private range such as 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (GKE also accepts 100.64.0.0/10, 198.18.0.0/15 and 240.0.0.0/4), or set network.allowPublicRanges: true if you use these public addresses privately on purpose`;

    it("refuses a public supernet", () => {
        expectProblemList(problemsOf(two({ network: { supernet: "8.0.0.0/8" } })), [
            { path: "network.supernet", reason: publicReason("8.0.0.0/8") },
        ]);
    });

    it("refuses public explicit ranges, each at its path", () => {
        const r = (base: number) => ({
            nodes: `10.${base}.0.0/24`,
            pods: `10.${base + 1}.0.0/16`,
            services: `10.${base + 2}.0.0/20`,
            controlPlane: `10.${base + 3}.0.0/28`,
        });
        expectProblemList(
            problemsOf(
                two({
                    network: {
                        ranges: {
                            dc1: { ...r(0), pods: "11.0.0.0/16" },
                            dc2: { ...r(8), nodes: "8.8.8.0/24" },
                        },
                    },
                }),
            ),
            [
                { path: "network.ranges.dc1.pods", reason: publicReason("11.0.0.0/16") },
                { path: "network.ranges.dc2.nodes", reason: publicReason("8.8.8.0/24") },
            ],
        );
    });

    it("refuses public existing-cluster ranges, and accepts the e2e stack's 198.18.0.0/15 ranges", () => {
        const existing = (podCidr: string, serviceCidr: string) => ({
            datacenters: [{ name: "dc1", zones: ["a"], size: 1 }],
            existingClusters: { dc1: { podCidr, serviceCidr } },
        });
        expectProblemList(problemsOf(existing("20.0.0.0/16", "10.96.0.0/12")), [
            { path: "existingClusters.dc1.podCidr", reason: publicReason("20.0.0.0/16") },
        ]);
        expect(problemsOf(existing("198.18.1.0/24", "198.18.101.0/24"))).toEqual([]);
        expect(problemsOf(existing("100.64.0.0/16", "240.0.0.0/16"))).toEqual([]);
    });

    it("accepts public ranges with network.allowPublicRanges", () => {
        expect(
            problemsOf(two({ network: { supernet: "8.0.0.0/8", allowPublicRanges: true } })),
        ).toEqual([]);
    });

    it.each([
        ["0.0.0.0/0", "the whole internet"],
        ["0.0.0.0/1", "2147483648 addresses, a large part of the internet,"],
    ])("refuses controlPlaneAuthorizedCidrs %s, like an open client range", (cidr, what) => {
        expectProblemList(
            problemsOf(two({ controlPlaneAuthorizedCidrs: ["198.51.100.0/24", cidr] })),
            [
                {
                    path: "controlPlaneAuthorizedCidrs[1]",
                    reason: `${cidr} admits ${what} to the Kubernetes API of every GKE cluster, which restricts nothing though it reads as a restriction; list your administrators' ranges (/8 or narrower), or leave controlPlaneAuthorizedCidrs empty for GKE's default (any address, authenticated)`,
                },
            ],
        );
    });

    it("accepts a public administrators' range of /8 or narrower", () => {
        expect(
            problemsOf(two({ controlPlaneAuthorizedCidrs: ["198.51.100.0/24", "11.0.0.0/8"] })),
        ).toEqual([]);
    });
});

describe("one report, whatever the mistake", () => {
    /** A config exercising every part of the schema and the plan. */
    const full = (): Raw => ({
        clusterName: "ring",
        datacenters: [
            dc("dc1", "us-west1", {
                racks: [
                    { name: "r1", zone: "us-west1-a" },
                    { name: "r2", zone: "us-west1-b" },
                ],
                size: 4,
                maxNodes: 8,
            }),
            dc("dc2", "us-east1", { namespace: "db" }),
        ],
        network: { supernet: "10.0.0.0/12", datacenterPrefix: 16, maxPodsPerNode: 32 },
        ingress: "traefik",
        externalDomain: "db.example.com",
        clientCidrs: ["203.0.113.0/24"],
        controlPlaneAuthorizedCidrs: ["198.51.100.0/24"],
        tls: {
            keyAlgorithm: "RSA",
            rsaBits: 4096,
            requireClientAuth: true,
            clientCertificates: ["app"],
        },
        ingressController: { preinstalled: false },
    });

    /** Every path of a value, objects and arrays included. */
    function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
        if (value === null || typeof value !== "object") {
            return [at];
        }
        const children = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
        return [
            at,
            ...children.flatMap((k) =>
                paths((value as Record<string | number, unknown>)[k], [...at, k]),
            ),
        ];
    }

    function withValue(raw: Raw, path: (string | number)[], value: unknown): Raw {
        const copy = structuredClone(raw);
        let cur = copy as Record<string | number, unknown>;
        path.slice(0, -1).forEach((k) => (cur = cur[k] as Record<string | number, unknown>));
        cur[path[path.length - 1]] = value;
        return copy;
    }

    it("the valid base config has no problems", () => {
        expect(problemsOf(full())).toEqual([]);
    });

    it("replacing any value with anything never crashes the checks, and never reports a problem twice", () => {
        const all = paths(full()).filter((p) => p.length > 0);
        fc.assert(
            fc.property(
                fc.constantFrom(...all),
                fc.oneof(
                    fc.anything(),
                    fc.constantFrom("", "x", -1, 2.5, 1e9, "10.0.0.0", "0.0.0.0/0", [], {}),
                ),
                (path, value) => {
                    const problems = configProblems(withValue(full(), path, value));
                    const lines = problems.map((p) => `${p.propertyPath}: ${p.reason}`);
                    expect(new Set(lines).size).toBe(lines.length);
                    for (const p of problems) {
                        expect(p.reason.length).toBeGreaterThan(0);
                    }
                },
            ),
            { numRuns: 300 },
        );
    });
});

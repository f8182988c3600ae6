import { describe, it, expect } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import {
    CONFIG_ERROR,
    DEFAULT_SERVER_VERSION,
    INGRESS_KINDS,
    parseSettings,
    validateSettings,
} from "../components/config";
import { formatProblems, problem, throwIfProblems } from "../components/errors";
import { buildPlan, Plan } from "../components/plan";

type Raw = Record<string, unknown>;

interface ExpectedProblem {
    /** The exact propertyPath. */
    readonly path: string;
    /** A substring of the reason. */
    readonly reason: string;
}

/**
 * Runs `fn`, expects it to throw the config InputPropertiesError, and checks that its `errors`
 * hold every expected problem. With `exact` (the default) there must be no other problems.
 */
function expectProblems(
    fn: () => unknown,
    expected: readonly ExpectedProblem[],
    exact = true,
): pulumi.InputPropertiesError {
    let caught: unknown;
    try {
        fn();
    } catch (e) {
        caught = e;
    }
    expect(caught, "expected the call to throw").toBeDefined();
    expect(caught).toBeInstanceOf(pulumi.InputPropertiesError);
    expect(pulumi.InputPropertiesError.isInstance(caught)).toBe(true);
    const err = caught as pulumi.InputPropertiesError;
    expect(err.message).toBe(CONFIG_ERROR);
    expect(err.errors).toEqual(
        expect.arrayContaining(
            expected.map((e) =>
                expect.objectContaining({
                    propertyPath: e.path,
                    reason: expect.stringContaining(e.reason),
                }),
            ),
        ),
    );
    if (exact) {
        expect(err.errors, JSON.stringify(err.errors, null, 2)).toHaveLength(expected.length);
    }
    return err;
}

const ZONES = ["us-west1-a", "us-west1-b", "us-west1-c"];

function gkeDc(name = "dc1", extra: Raw = {}): Raw {
    return { name, region: "us-west1", zones: ZONES, size: 3, ...extra };
}

function existingDc(name = "dc1", extra: Raw = {}): Raw {
    return { name, zones: ["zone-a"], size: 3, ...extra };
}

const cluster = (pod: string, service: string, extra: Raw = {}): Raw => ({
    podCidr: pod,
    serviceCidr: service,
    ...extra,
});

/** A valid two-datacenter GKE config, with overrides. */
function config(extra: Raw = {}): Raw {
    return {
        datacenters: [
            gkeDc("dc1"),
            gkeDc("dc2", { region: "europe-west4", zones: ["europe-west4-a"], size: 1 }),
        ],
        ...extra,
    };
}

/** parseSettings then buildPlan: every check a `pulumi up` would run before creating resources. */
const load = (raw: Raw): Plan => buildPlan(parseSettings(raw));

const DNS_LABEL_REASON =
    'must be a lowercase DNS label: a-z, 0-9 and "-", starting with a letter and not ending with "-"';

describe("parseSettings defaults", () => {
    it("fills every default for a minimal config", () => {
        const s = parseSettings({ datacenters: [gkeDc()] });
        // toMatchObject: other sessions are still adding settings (tls, ...) with their own defaults.
        expect(s).toMatchObject({
            clusterName: "cassandra",
            serverVersion: DEFAULT_SERVER_VERSION,
            namespace: "cassandra",
            network: { supernet: "10.0.0.0/8", datacenterPrefix: 16, maxPodsPerNode: 32 },
            dns: "cloud-dns",
            ingress: "none",
            clientCidrs: [],
            allowPublicClients: false,
            controlPlaneAuthorizedCidrs: [],
            deletionProtection: true,
        });
        expect(s.datacenters).toEqual([
            {
                name: "dc1",
                region: "us-west1",
                zones: ZONES,
                size: 3,
                nodeMachineType: "n2-highmem-4",
                storageGb: 200,
                decommission: false,
            },
        ]);
        expect(s.tls).toMatchObject({ caGeneration: 1 });
        expect(s.tls.caRotation).toBeUndefined();
        expect(s.network.ranges).toBeUndefined();
        expect(s.existingClusters).toBeUndefined();
        expect(s.externalDomain).toBeUndefined();
        expect(DEFAULT_SERVER_VERSION).toBe("5.0.5");
    });

    it("fills the network defaults inside a partial network block", () => {
        expect(parseSettings(config({ network: { supernet: "172.16.0.0/12" } })).network).toEqual({
            supernet: "172.16.0.0/12",
            datacenterPrefix: 16,
            maxPodsPerNode: 32,
        });
        expect(parseSettings(config({ network: {} })).network).toEqual({
            supernet: "10.0.0.0/8",
            datacenterPrefix: 16,
            maxPodsPerNode: 32,
        });
    });

    it("defaults an existing cluster's domain to cluster.local", () => {
        const s = parseSettings({
            datacenters: [existingDc()],
            existingClusters: { dc1: cluster("10.0.0.0/16", "10.1.0.0/16") },
        });
        expect(s.existingClusters).toEqual({
            dc1: {
                podCidr: "10.0.0.0/16",
                serviceCidr: "10.1.0.0/16",
                clusterDomain: "cluster.local",
                storageClass: "standard",
            },
        });
    });

    it.each([
        ["GKE clusters", "cloud-dns", config()],
        [
            "two existing clusters",
            "stub",
            {
                datacenters: [existingDc("dc1"), existingDc("dc2")],
                existingClusters: {
                    dc1: cluster("10.0.0.0/16", "10.1.0.0/16"),
                    dc2: cluster("10.4.0.0/16", "10.5.0.0/16"),
                },
            },
        ],
        [
            "one existing cluster",
            "none",
            {
                datacenters: [existingDc()],
                existingClusters: { dc1: cluster("10.0.0.0/16", "10.1.0.0/16") },
            },
        ],
        ["an explicit choice", "none", config({ dns: "none" })],
    ])("resolves dns for %s to %s", (_what, dns, raw) => {
        expect(parseSettings(raw).dns).toBe(dns);
    });

    it("keeps explicit values", () => {
        const s = parseSettings(
            config({
                clusterName: "ring",
                serverVersion: "4.1.7",
                namespace: "db",
                ingress: "traefik",
                externalDomain: "db.example.com",
                clientCidrs: ["203.0.113.0/24"],
                deletionProtection: false,
            }),
        );
        expect(s).toMatchObject({
            clusterName: "ring",
            serverVersion: "4.1.7",
            namespace: "db",
            ingress: "traefik",
            externalDomain: "db.example.com",
            clientCidrs: ["203.0.113.0/24"],
            deletionProtection: false,
        });
    });

    it("does not mutate its input", () => {
        const raw = config();
        const copy = structuredClone(raw);
        parseSettings(raw);
        expect(raw).toEqual(copy);
    });
});

describe("parseSettings: CIDRs", () => {
    it.each([
        ["network.supernet", { network: { supernet: "10.0.0/8" } }],
        ["clientCidrs[1]", { clientCidrs: ["203.0.113.0/24", "203.0.113.0.0/24"] }],
        ["controlPlaneAuthorizedCidrs[0]", { controlPlaneAuthorizedCidrs: ["203.0.113.0/24/1"] }],
    ])("rejects a malformed CIDR at %s", (path, extra) => {
        expectProblems(
            () => parseSettings(config(extra)),
            [
                {
                    path,
                    reason: "is not an IPv4 CIDR range; write it as a.b.c.d/n, e.g. 10.0.0.0/16",
                },
            ],
        );
    });

    it("rejects malformed CIDRs in network.ranges and existingClusters", () => {
        expectProblems(
            () =>
                parseSettings(
                    config({
                        network: {
                            ranges: {
                                dc1: {
                                    nodes: "10.0.0.0/24",
                                    pods: "ten",
                                    services: "10.2.0.0/20",
                                    controlPlane: "10.3.0.0/28",
                                },
                            },
                        },
                    }),
                ),
            [
                { path: "network.ranges.dc1.pods", reason: '"ten" is not an IPv4 CIDR range' },
                // Independent of the broken pods range, found in the same run.
                { path: "network.ranges.dc2", reason: 'datacenter "dc2" has no ranges' },
            ],
        );
        expectProblems(
            () =>
                parseSettings({
                    datacenters: [existingDc()],
                    existingClusters: {
                        dc1: cluster("10.0.0.0/16", "10.1.0.0/16", { nodeCidr: "10.2.0.0/40" }),
                    },
                }),
            [
                {
                    path: "existingClusters.dc1.nodeCidr",
                    reason: "octets must be 0-255 and the prefix 0-32",
                },
            ],
        );
    });

    it("quotes the offending value once", () => {
        const err = expectProblems(
            () => parseSettings(config({ network: { supernet: "10.0.0/8" } })),
            [{ path: "network.supernet", reason: '"10.0.0/8" is not an IPv4 CIDR range' }],
        );
        expect(err.errors[0].reason.split("10.0.0/8")).toHaveLength(2);
        expect(err.errors[0].reason).not.toContain("(got");
    });

    it.each([
        ["network.supernet", { network: { supernet: "10.0.0.1/8" } }, "10.0.0.1/8", "10.0.0.0/8"],
        ["clientCidrs[0]", { clientCidrs: ["203.0.113.5/24"] }, "203.0.113.5/24", "203.0.113.0/24"],
    ])(
        "rejects an unaligned CIDR at %s and suggests the aligned range",
        (path, extra, given, suggestion) => {
            expectProblems(
                () => parseSettings(config(extra)),
                [
                    {
                        path,
                        reason: `"${given}" is not aligned to its /${given.split("/")[1]} boundary; did you mean ${suggestion}?`,
                    },
                ],
            );
        },
    );

    it("rejects an unaligned existing-cluster range", () => {
        expectProblems(
            () =>
                parseSettings({
                    datacenters: [existingDc()],
                    existingClusters: { dc1: cluster("10.0.0.0/16", "10.1.2.0/16") },
                }),
            [{ path: "existingClusters.dc1.serviceCidr", reason: "did you mean 10.1.0.0/16?" }],
        );
    });

    it.each([
        ["network.supernet", { network: { supernet: "256.0.0.0/8" } }],
        ["clientCidrs[0]", { clientCidrs: ["1.2.3.4/33"] }],
    ])("rejects an octet above 255 or a prefix above 32 at %s", (path, extra) => {
        expectProblems(
            () => parseSettings(config(extra)),
            [
                {
                    path,
                    reason: "is not an IPv4 CIDR range: octets must be 0-255 and the prefix 0-32",
                },
            ],
        );
    });

    it("reports every bad CIDR at once", () => {
        expectProblems(
            () =>
                parseSettings(
                    config({ clientCidrs: ["x", "300.1.1.1/8", "1.2.3.4/33", "10.0.0.1/8"] }),
                ),
            [
                { path: "clientCidrs[0]", reason: "write it as a.b.c.d/n" },
                { path: "clientCidrs[1]", reason: "octets must be 0-255" },
                { path: "clientCidrs[2]", reason: "octets must be 0-255" },
                { path: "clientCidrs[3]", reason: "did you mean 10.0.0.0/8?" },
            ],
        );
    });
});

describe("buildPlan on parsed settings: range sizes and overlaps", () => {
    const r1 = {
        nodes: "10.0.0.0/24",
        pods: "10.1.0.0/16",
        services: "10.2.0.0/20",
        controlPlane: "10.3.0.0/28",
    };
    const r2 = {
        nodes: "10.0.1.0/24",
        pods: "10.4.0.0/16",
        services: "10.2.16.0/20",
        controlPlane: "10.3.0.16/28",
    };
    const withRanges = (dc1: Raw, dc2: Raw) => config({ network: { ranges: { dc1, dc2 } } });

    it("accepts valid explicit ranges", () => {
        expect(load(withRanges(r1, r2)).network.datacenters.map((d) => d.source)).toEqual([
            "network.ranges",
            "network.ranges",
        ]);
    });

    it("rejects a nodes range too small for the datacenter", () => {
        expectProblems(
            () => load(withRanges({ ...r1, nodes: "10.0.0.0/30" }, r2)),
            [
                {
                    path: "network.ranges.dc1.nodes",
                    reason: "10.0.0.0/30 holds 4 addresses but 7 are needed",
                },
            ],
        );
    });

    it("rejects a pods range too small for the datacenter", () => {
        expectProblems(
            () => load(withRanges({ ...r1, pods: "10.1.0.0/25" }, r2)),
            [
                {
                    path: "network.ranges.dc1.pods",
                    reason: "10.1.0.0/25 holds 128 addresses but 192 are needed",
                },
            ],
        );
    });

    it("rejects a control plane that is not a /28", () => {
        expectProblems(
            () => load(withRanges(r1, { ...r2, controlPlane: "10.3.1.0/27" })),
            [{ path: "network.ranges.dc2.controlPlane", reason: "10.3.1.0/27 must be a /28" }],
        );
    });

    it("names both ranges and both owners for overlapping ranges", () => {
        const err = expectProblems(
            () => load(withRanges(r1, { ...r2, services: "10.1.64.0/20" })),
            [
                {
                    path: "network.ranges.dc2.services",
                    reason: "network.ranges.dc1.pods 10.1.0.0/16 overlaps network.ranges.dc2.services 10.1.64.0/20",
                },
            ],
        );
        expect(err.errors[0].reason).toContain("10.1.0.0/16 spans 10.1.0.0–10.1.255.255");
    });

    it("names both clusters for overlapping existing clusters", () => {
        expectProblems(
            () =>
                load({
                    datacenters: [existingDc("dc1"), existingDc("dc2")],
                    existingClusters: {
                        dc1: cluster("10.0.0.0/16", "10.1.0.0/16"),
                        dc2: cluster("10.4.0.0/16", "10.0.0.0/20"),
                    },
                }),
            [
                {
                    path: "existingClusters.dc2.serviceCidr",
                    reason: "existingClusters.dc1.podCidr 10.0.0.0/16 overlaps existingClusters.dc2.serviceCidr 10.0.0.0/20",
                },
            ],
        );
    });

    it("rejects a supernet too small for the datacenters", () => {
        expectProblems(
            () => load(config({ network: { supernet: "10.0.0.0/16" } })),
            [
                {
                    path: "network.supernet",
                    reason: "10.0.0.0/16 holds 1 /16 datacenter block(s) (network.datacenterPrefix, 16 unless set) but 2 datacenters are declared",
                },
            ],
        );
    });
});

describe("parseSettings: datacenters", () => {
    it("rejects duplicate datacenter names", () => {
        expectProblems(
            () => parseSettings({ datacenters: [gkeDc("dc1"), gkeDc("dc2"), gkeDc("dc1")] }),
            [
                {
                    path: "datacenters[2].name",
                    reason: 'duplicate datacenter name "dc1" (also datacenters[0]); datacenter names must be unique',
                },
            ],
        );
    });

    it("requires at least one datacenter", () => {
        expectProblems(
            () => parseSettings({ datacenters: [] }),
            [{ path: "datacenters", reason: "declare at least one datacenter" }],
        );
        expectProblems(
            () => parseSettings({}),
            [{ path: "datacenters", reason: "required setting is missing (must be a list)" }],
        );
    });

    it.each([
        [
            4,
            undefined,
            "size 4 cannot be split evenly across 3 racks; use a multiple of 3 (e.g. 3)",
        ],
        [
            5,
            undefined,
            "size 5 cannot be split evenly across 3 racks; use a multiple of 3 (e.g. 6)",
        ],
        [
            3,
            [
                { name: "r1", zone: "us-west1-a" },
                { name: "r2", zone: "us-west1-b" },
            ],
            "size 3 cannot be split evenly across 2 racks; use a multiple of 2 (e.g. 4)",
        ],
    ])("rejects size %i that does not divide across the racks", (size, racks, reason) => {
        expectProblems(
            () =>
                parseSettings({
                    datacenters: [gkeDc("dc1", { size, ...(racks ? { racks } : {}) })],
                }),
            [{ path: "datacenters[0].size", reason }],
        );
    });

    it.each([
        [0, "must be a whole number from 1 to 1000 (got 0)"],
        [1001, "must be a whole number from 1 to 1000 (got 1001)"],
        [1.5, "must be a whole number from 1 to 1000 (got 1.5)"],
        ["3", 'must be a whole number from 1 to 1000 (got "3")'],
    ])("rejects size %j, saying what is allowed", (size, reason) => {
        expectProblems(
            () => parseSettings({ datacenters: [gkeDc("dc1", { size })] }),
            [{ path: "datacenters[0].size", reason }],
        );
    });

    it("rejects a zone outside the datacenter's region", () => {
        expectProblems(
            () =>
                parseSettings({
                    datacenters: [gkeDc("dc1", { zones: ["us-west1-a", "us-east1-b"], size: 2 })],
                }),
            [
                {
                    path: "datacenters[0].zones[1]",
                    reason: 'zone "us-east1-b" is not in region us-west1; use zones such as us-west1-a, us-west1-b',
                },
            ],
        );
    });

    it("does not take a zone in a region with a longer name (us-west1 vs us-west10)", () => {
        expectProblems(
            () =>
                parseSettings({ datacenters: [gkeDc("dc1", { zones: ["us-west10-a"], size: 1 })] }),
            [
                {
                    path: "datacenters[0].zones[0]",
                    reason: 'zone "us-west10-a" is not in region us-west1',
                },
            ],
        );
    });

    it("requires a region for GKE datacenters only", () => {
        expectProblems(
            () => parseSettings({ datacenters: [gkeDc("dc1", { region: undefined })] }),
            [
                {
                    path: "datacenters[0].region",
                    reason: 'datacenter "dc1" runs on a GKE cluster this stack creates; set its GCP region, e.g. us-west1',
                },
            ],
        );
        expect(() =>
            parseSettings({
                datacenters: [existingDc()],
                existingClusters: { dc1: cluster("10.0.0.0/16", "10.1.0.0/16") },
            }),
        ).not.toThrow();
    });

    it("rejects a malformed region", () => {
        expectProblems(
            () => parseSettings({ datacenters: [gkeDc("dc1", { region: "uswest1" })] }),
            [
                {
                    path: "datacenters[0].region",
                    reason: "must be a GCP region such as us-west1 or europe-west4",
                },
            ],
        );
    });

    it("rejects an empty or repeated zone list", () => {
        expectProblems(
            () => parseSettings({ datacenters: [gkeDc("dc1", { zones: [] })] }),
            [{ path: "datacenters[0].zones", reason: "list at least one zone" }],
        );
        expectProblems(
            () =>
                parseSettings({
                    datacenters: [gkeDc("dc1", { zones: ["us-west1-a", "us-west1-a"], size: 2 })],
                }),
            [
                {
                    path: "datacenters[0].zones",
                    reason: 'zones ["us-west1-a","us-west1-a"] list a zone twice',
                },
            ],
        );
    });

    it("rejects duplicate rack names and racks outside the datacenter's zones", () => {
        const racks = [
            { name: "r1", zone: "us-west1-a" },
            { name: "r1", zone: "us-west1-z" },
        ];
        expectProblems(
            () => parseSettings({ datacenters: [gkeDc("dc1", { size: 2, racks })] }),
            [
                { path: "datacenters[0].racks[1].name", reason: 'duplicate rack name "r1"' },
                {
                    path: "datacenters[0].racks[1].zone",
                    reason: 'rack "r1" is placed in zone "us-west1-z", which is not one of the datacenter\'s zones',
                },
            ],
        );
    });

    it("rejects maxNodes below size", () => {
        expectProblems(
            () => parseSettings({ datacenters: [gkeDc("dc1", { size: 6, maxNodes: 3 })] }),
            [{ path: "datacenters[0].maxNodes", reason: "maxNodes 3 is below size 6" }],
        );
    });

    it("rejects too little storage", () => {
        expectProblems(
            () => parseSettings({ datacenters: [gkeDc("dc1", { storageGb: 5 })] }),
            [
                {
                    path: "datacenters[0].storageGb",
                    reason: "must be a whole number, at least 10: Cassandra needs at least 10 GiB of storage per node (got 5)",
                },
            ],
        );
    });
});

describe("parseSettings: names", () => {
    const rack = (name: string) => ({
        racks: [{ name, zone: "us-west1-a" }],
        zones: ["us-west1-a"],
        size: 1,
    });

    it.each([
        [
            "clusterName",
            "uppercase",
            { clusterName: "Cassandra" },
            `clusterName ${DNS_LABEL_REASON}`,
        ],
        [
            "clusterName",
            "underscore",
            { clusterName: "cass_db" },
            `clusterName ${DNS_LABEL_REASON}`,
        ],
        [
            "clusterName",
            "leading digit",
            { clusterName: "1cass" },
            `clusterName ${DNS_LABEL_REASON}`,
        ],
        [
            "clusterName",
            "trailing hyphen",
            { clusterName: "cass-" },
            `clusterName ${DNS_LABEL_REASON}`,
        ],
        [
            "clusterName",
            "21 characters",
            { clusterName: "c".repeat(21) },
            "clusterName must be at most 20 characters",
        ],
        ["namespace", "uppercase", { namespace: "Cassandra" }, `namespace ${DNS_LABEL_REASON}`],
        ["namespace", "underscore", { namespace: "cass_ns" }, `namespace ${DNS_LABEL_REASON}`],
        [
            "namespace",
            "41 characters",
            { namespace: "n".repeat(41) },
            "namespace must be at most 40 characters",
        ],
        [
            "datacenters[0].name",
            "uppercase",
            { datacenters: [gkeDc("DC1")] },
            `a datacenter name ${DNS_LABEL_REASON}`,
        ],
        [
            "datacenters[0].name",
            "underscore",
            { datacenters: [gkeDc("dc_1")] },
            `a datacenter name ${DNS_LABEL_REASON}`,
        ],
        [
            "datacenters[0].name",
            "21 characters",
            { datacenters: [gkeDc("d".repeat(21))] },
            "a datacenter name must be at most 20 characters",
        ],
        [
            "datacenters[0].racks[0].name",
            "uppercase",
            { datacenters: [gkeDc("dc1", rack("Rack1"))] },
            `a rack name ${DNS_LABEL_REASON}`,
        ],
        [
            "datacenters[0].racks[0].name",
            "underscore",
            { datacenters: [gkeDc("dc1", rack("rack_1"))] },
            `a rack name ${DNS_LABEL_REASON}`,
        ],
        [
            "datacenters[0].racks[0].name",
            "21 characters",
            { datacenters: [gkeDc("dc1", rack("r".repeat(21)))] },
            "a rack name must be at most 20 characters",
        ],
        [
            "datacenters[0].namespace",
            "uppercase",
            { datacenters: [gkeDc("dc1", { namespace: "NS" })] },
            `a namespace ${DNS_LABEL_REASON}`,
        ],
        [
            "datacenters[0].namespace",
            "underscore",
            { datacenters: [gkeDc("dc1", { namespace: "my_ns" })] },
            `a namespace ${DNS_LABEL_REASON}`,
        ],
        [
            "datacenters[0].namespace",
            "64 characters",
            { datacenters: [gkeDc("dc1", { namespace: "n".repeat(64) })] },
            "a namespace must be at most 63 characters",
        ],
    ])("rejects %s: %s", (path, _what, extra, reason) => {
        expectProblems(
            () => parseSettings({ datacenters: [gkeDc("dc1")], ...extra }),
            [{ path, reason }],
        );
    });

    it.each([
        ["clusterName of 20 characters", { clusterName: "c".repeat(20) }],
        ["clusterName of one letter", { clusterName: "a" }],
        ["clusterName with hyphen and digit", { clusterName: "c-1" }],
        ["namespace of 40 characters", { namespace: "n".repeat(40) }],
        ["datacenter name of 20 characters", { datacenters: [gkeDc("d".repeat(20))] }],
        ["rack name of 20 characters", { datacenters: [gkeDc("dc1", rack("r".repeat(20)))] }],
        [
            "datacenter namespace of 63 characters",
            { datacenters: [gkeDc("dc1", { namespace: "n".repeat(63) })] },
        ],
    ])("accepts a %s", (_what, extra) => {
        expect(() => parseSettings({ datacenters: [gkeDc("dc1")], ...extra })).not.toThrow();
    });

    it("rejects composed names that are too long when the plan is built", () => {
        expectProblems(
            () => load({ clusterName: "c".repeat(20), datacenters: [gkeDc("d".repeat(20))] }),
            [{ path: "datacenters[0].name", reason: "GKE cluster name" }],
        );
    });
});

describe("parseSettings: clients and ingress", () => {
    it("rejects 0.0.0.0/0 without allowPublicClients", () => {
        expectProblems(
            () => parseSettings(config({ clientCidrs: ["203.0.113.0/24", "0.0.0.0/0"] })),
            [
                {
                    path: "clientCidrs[1]",
                    reason: "0.0.0.0/0 admits the whole internet to port 9042; list your client ranges (/8 or narrower), or set allowPublicClients: true",
                },
            ],
        );
    });

    it("accepts 0.0.0.0/0 with allowPublicClients", () => {
        const s = parseSettings(config({ clientCidrs: ["0.0.0.0/0"], allowPublicClients: true }));
        expect(s.clientCidrs).toEqual(["0.0.0.0/0"]);
        expect(s.allowPublicClients).toBe(true);
    });

    const exposed = INGRESS_KINDS.filter((k) => k !== "none");

    it.each(exposed)("ingress %s requires externalDomain and clientCidrs", (ingress) => {
        expectProblems(
            () => parseSettings(config({ ingress })),
            [
                {
                    path: "externalDomain",
                    reason: `ingress "${ingress}" gives every node an external name under externalDomain; set it`,
                },
                {
                    path: "clientCidrs",
                    reason: `ingress "${ingress}" exposes the native transport; list the client ranges allowed to reach port 9042`,
                },
            ],
        );
    });

    it.each(exposed)("ingress %s is accepted with externalDomain and clientCidrs", (ingress) => {
        expect(
            parseSettings(
                config({
                    ingress,
                    externalDomain: "db.example.com",
                    clientCidrs: ["203.0.113.0/24"],
                }),
            ).ingress,
        ).toBe(ingress);
    });

    it("reports a missing externalDomain alone when clientCidrs are given", () => {
        expectProblems(
            () => parseSettings(config({ ingress: "istio", clientCidrs: ["203.0.113.0/24"] })),
            [{ path: "externalDomain", reason: 'ingress "istio"' }],
        );
    });

    it("ingress none needs neither", () => {
        expect(() => parseSettings(config({ ingress: "none" }))).not.toThrow();
    });

    it.each(["localhost", "Example.com", "db..example.com", "-db.example.com"])(
        "rejects the externalDomain %j",
        (externalDomain) => {
            expectProblems(
                () => parseSettings(config({ externalDomain })),
                [
                    {
                        path: "externalDomain",
                        reason: "must be a DNS name such as cassandra.example.com",
                    },
                ],
            );
        },
    );
});

describe("parseSettings: schema", () => {
    it.each([
        [
            "a top-level typo",
            { clientCidr: ["203.0.113.0/24"] },
            "clientCidr",
            'unknown setting "clientCidr"; did you mean "clientCidrs"?',
        ],
        [
            "a datacenter typo",
            { datacenters: [gkeDc("dc1", { sizee: 3 })] },
            "datacenters[0].sizee",
            'unknown key "sizee"; did you mean "size"?',
        ],
        [
            "a network typo",
            { network: { supernett: "10.0.0.0/8" } },
            "network.supernett",
            'unknown key "supernett"; did you mean "supernet"?',
        ],
        [
            "a rack typo",
            {
                datacenters: [
                    gkeDc("dc1", {
                        racks: [{ name: "r1", zone: "us-west1-a", zonee: "x" }],
                        size: 1,
                    }),
                ],
            },
            "datacenters[0].racks[0].zonee",
            'unknown key "zonee"; did you mean "zone"?',
        ],
    ])("rejects an unknown key: %s", (_what, extra, path, reason) => {
        expectProblems(() => parseSettings(config(extra)), [{ path, reason }]);
    });

    it("rejects an unknown key in an existing cluster", () => {
        expectProblems(
            () =>
                parseSettings({
                    datacenters: [existingDc()],
                    existingClusters: {
                        dc1: cluster("10.0.0.0/16", "10.1.0.0/16", {
                            kubeConfig: "~/.kube/config",
                        }),
                    },
                }),
            [
                {
                    path: "existingClusters.dc1.kubeConfig",
                    reason: 'unknown key "kubeConfig"; did you mean "kubeconfig"?',
                },
            ],
        );
    });

    // fromZodIssue appends `(got <JSON of the value at the issue path>)`; for an unknown key that
    // value is the whole enclosing object, e.g. an inline kubeconfig (or the whole config for a
    // top-level typo). See the report.
    it("does not echo the whole enclosing object (such as an inline kubeconfig) for an unknown key", () => {
        const err = expectProblems(
            () =>
                parseSettings(
                    config({
                        existingClusters: undefined,
                        clusterNmae: "typo",
                    }),
                ),
            [
                {
                    path: "clusterNmae",
                    reason: 'unknown setting "clusterNmae"; did you mean "clusterName"?',
                },
            ],
        );
        expect(err.errors[0].reason).not.toContain("datacenters");
        const inline = expectProblems(
            () =>
                parseSettings({
                    datacenters: [existingDc("dc1")],
                    existingClusters: {
                        dc1: cluster("10.0.0.0/16", "10.1.0.0/16", {
                            kubeconfig: "SECRET-TOKEN",
                            kubeConfig: "x",
                        }),
                    },
                }),
            [{ path: "existingClusters.dc1.kubeConfig", reason: 'unknown key "kubeConfig"' }],
        );
        expect(JSON.stringify(inline.errors)).not.toContain("SECRET-TOKEN");
    });

    it("says a required setting is missing", () => {
        expectProblems(
            () => parseSettings({}),
            [{ path: "datacenters", reason: "required setting is missing" }],
        );
    });

    it.each([["0.0.0.0/1"], ["0.0.0.0/7"]])(
        "treats %s as public exposure needing allowPublicClients",
        (cidr) => {
            expectProblems(
                () => parseSettings(config({ clientCidrs: [cidr] })),
                [{ path: "clientCidrs[0]", reason: "a large part of the internet" }],
            );
            expect(
                parseSettings(config({ clientCidrs: [cidr], allowPublicClients: true }))
                    .clientCidrs,
            ).toEqual([cidr]);
        },
    );

    it.each([
        [
            "ingress",
            { ingress: "nginx" },
            'expected one of "traefik"|"istio"|"kong"|"gateway-api"|"loadbalancer"|"none" (got "nginx")',
        ],
        ["dns", { dns: "coredns" }, 'expected one of "cloud-dns"|"stub"|"none" (got "coredns")'],
        ["dns", { dns: "CLOUD_DNS" }, "expected one of"],
    ])("rejects a bad %s value", (path, extra, reason) => {
        expectProblems(() => parseSettings(config(extra)), [{ path, reason }]);
    });

    it.each([
        [
            "serverVersion",
            { serverVersion: "6.0.0" },
            "must be a Cassandra 4.1.x or 5.0.x version such as 5.0.5",
        ],
        ["serverVersion", { serverVersion: "5.0" }, "must be a Cassandra 4.1.x or 5.0.x version"],
        [
            "network.datacenterPrefix",
            { network: { datacenterPrefix: 25 } },
            "must be a whole number from 8 to 24 (got 25)",
        ],
        [
            "network.datacenterPrefix",
            { network: { datacenterPrefix: 7 } },
            "must be a whole number from 8 to 24 (got 7)",
        ],
        [
            "network.datacenterPrefix",
            { network: { datacenterPrefix: 2.5 } },
            "must be a whole number from 8 to 24 (got 2.5)",
        ],
        [
            "network.maxPodsPerNode",
            { network: { maxPodsPerNode: 300 } },
            "must be a whole number from 8 to 256 (got 300)",
        ],
        [
            "network.maxPodsPerNode",
            { network: { maxPodsPerNode: 4 } },
            "must be a whole number from 8 to 256 (got 4)",
        ],
        ["allowPublicClients", { allowPublicClients: "yes" }, 'must be true or false (got "yes")'],
        ["deletionProtection", { deletionProtection: "no" }, 'must be true or false (got "no")'],
        ["clientCidrs", { clientCidrs: "203.0.113.0/24" }, 'must be a list (got "203.0.113.0/24")'],
        [
            "tls.rsaBits",
            { tls: { keyAlgorithm: "RSA", rsaBits: 1024 } },
            "must be 3072 or 4096: the CA's key uses it too, and the strong-keys policy requires at least 3072 bits for a CA key (got 1024)",
        ],
        [
            "maxLoadBalancerAddresses",
            { maxLoadBalancerAddresses: 0 },
            "must be a whole number, at least 1 (got 0)",
        ],
    ])("rejects %s = %j", (path, extra, reason) => {
        expectProblems(() => parseSettings(config(extra)), [{ path, reason }]);
    });

    it("rejects a non-object config", () => {
        expectProblems(
            () => parseSettings([] as unknown as Raw),
            [{ path: "(root)", reason: "must be a mapping of keys to values" }],
        );
    });

    it("reports every schema problem at once, each with its own path", () => {
        expectProblems(
            () =>
                parseSettings({
                    clusterName: "Bad_Name",
                    ingress: "nginx",
                    datacenters: [gkeDc("dc1", { size: 0 }), gkeDc("DC2")],
                    network: { supernet: "10.0.0.1/8" },
                }),
            [
                { path: "clusterName", reason: "clusterName must be a lowercase DNS label" },
                { path: "ingress", reason: "expected one of" },
                { path: "datacenters[0].size", reason: "must be a whole number from 1 to 1000" },
                {
                    path: "datacenters[1].name",
                    reason: "a datacenter name must be a lowercase DNS label",
                },
                { path: "network.supernet", reason: "did you mean 10.0.0.0/8?" },
            ],
        );
    });

    it("reports every cross-field problem at once", () => {
        expectProblems(
            () =>
                parseSettings({
                    datacenters: [gkeDc("dc1", { size: 4 }), gkeDc("dc1", { region: undefined })],
                    ingress: "kong",
                    clientCidrs: ["0.0.0.0/0"],
                }),
            [
                {
                    path: "datacenters[0].size",
                    reason: "size 4 cannot be split evenly across 3 racks",
                },
                { path: "datacenters[1].name", reason: 'duplicate datacenter name "dc1"' },
                { path: "datacenters[1].region", reason: "set its GCP region" },
                { path: "externalDomain", reason: 'ingress "kong"' },
                { path: "clientCidrs[0]", reason: "0.0.0.0/0 admits the whole internet" },
            ],
        );
    });
});

describe("parseSettings: existingClusters", () => {
    const two = (clusters: Raw, extra: Raw = {}): Raw => ({
        datacenters: [existingDc("dc1"), existingDc("dc2")],
        existingClusters: clusters,
        ...extra,
    });
    const c1 = cluster("10.0.0.0/16", "10.1.0.0/16");
    const c2 = cluster("10.4.0.0/16", "10.5.0.0/16");

    it("accepts one entry per datacenter", () => {
        const s = parseSettings(
            two({
                dc1: c1,
                dc2: { ...c2, context: "gke_west", kubeconfig: "/k", clusterDomain: "west.local" },
            }),
        );
        expect(s.existingClusters?.dc2).toEqual({
            ...c2,
            context: "gke_west",
            kubeconfig: "/k",
            clusterDomain: "west.local",
            storageClass: "standard",
        });
    });

    it("rejects a datacenter without an existing cluster", () => {
        expectProblems(
            () => parseSettings(two({ dc1: c1 })),
            [
                {
                    path: "existingClusters.dc2",
                    reason: 'datacenter "dc2" has no existing cluster; with existingClusters every datacenter needs an entry (dc1, dc2)',
                },
            ],
        );
    });

    it("rejects an entry for an undeclared datacenter", () => {
        expectProblems(
            () => parseSettings(two({ dc1: c1, dc2: c2, dc3: c2 })),
            [
                {
                    path: "existingClusters.dc3",
                    reason: '"dc3" is not a declared datacenter; entries must be keyed by datacenter name (dc1, dc2)',
                },
            ],
        );
    });

    it("rejects dns cloud-dns with existing clusters", () => {
        expectProblems(
            () => parseSettings(two({ dc1: c1, dc2: c2 }, { dns: "cloud-dns" })),
            [
                {
                    path: "dns",
                    reason: '"cloud-dns" needs GKE clusters created by this stack; with existingClusters use "stub" or "none"',
                },
            ],
        );
    });

    it.each(["stub", "none"])("accepts dns %s with existing clusters", (dns) => {
        expect(parseSettings(two({ dc1: c1, dc2: c2 }, { dns })).dns).toBe(dns);
    });

    it("rejects network.ranges together with existingClusters", () => {
        const ranges = {
            dc1: {
                nodes: "10.8.0.0/24",
                pods: "10.9.0.0/16",
                services: "10.10.0.0/20",
                controlPlane: "10.11.0.0/28",
            },
        };
        expectProblems(
            () => parseSettings(two({ dc1: c1, dc2: c2 }, { network: { ranges } })),
            [
                {
                    path: "network.ranges",
                    reason: "existing clusters declare their ranges in existingClusters.<dc>.podCidr/serviceCidr/nodeCidr; remove network.ranges",
                },
            ],
        );
    });

    it("requires podCidr and serviceCidr, and a DNS-name clusterDomain", () => {
        expectProblems(
            () =>
                parseSettings(
                    two({
                        dc1: { podCidr: "10.0.0.0/16" },
                        dc2: { ...c2, clusterDomain: "local" },
                    }),
                ),
            [
                {
                    path: "existingClusters.dc1.serviceCidr",
                    reason: "required setting is missing (must be a string)",
                },
                {
                    path: "existingClusters.dc2.clusterDomain",
                    reason: "must be a DNS name such as cluster.local",
                },
            ],
        );
    });

    // `clusters[dc.name]` on the parsed record finds Object.prototype.constructor for a datacenter
    // named "constructor", so no problem is reported and the plan gets undefined ranges and the
    // cluster domain "undefined"; see the report.
    it('rejects a datacenter named "constructor" that has no existing cluster', () => {
        expectProblems(
            () =>
                parseSettings({
                    datacenters: [existingDc("dc1"), existingDc("constructor")],
                    existingClusters: { dc1: cluster("10.0.0.0/16", "10.1.0.0/16") },
                }),
            [
                {
                    path: "existingClusters.constructor",
                    reason: 'datacenter "constructor" has no existing cluster',
                },
            ],
        );
    });

    it("reports missing, unknown, dns and network.ranges problems together", () => {
        expectProblems(
            () =>
                parseSettings(
                    two({ dc1: c1, dc9: c2 }, { dns: "cloud-dns", network: { ranges: {} } }),
                ),
            [
                { path: "existingClusters.dc2", reason: "has no existing cluster" },
                { path: "existingClusters.dc9", reason: "is not a declared datacenter" },
                { path: "network.ranges", reason: "remove network.ranges" },
                { path: "dns", reason: '"cloud-dns" needs GKE clusters' },
            ],
        );
    });
});

describe("validateSettings", () => {
    it("returns no problems for parsed valid settings", () => {
        expect(validateSettings(parseSettings(config()))).toEqual([]);
    });
});

describe("errors helpers", () => {
    it("throwIfProblems throws nothing for no problems and one InputPropertiesError for many", () => {
        expect(() => throwIfProblems("m", [])).not.toThrow();
        const problems = [problem("a", "first"), problem("b[0].c", "second")];
        expectProblems(
            () => throwIfProblems(CONFIG_ERROR, problems),
            [
                { path: "a", reason: "first" },
                { path: "b[0].c", reason: "second" },
            ],
        );
    });

    it("formatProblems prints one line per problem", () => {
        let caught: unknown;
        try {
            parseSettings(config({ ingress: "kong" }));
        } catch (e) {
            caught = e;
        }
        expect(formatProblems(caught)).toBe(
            [
                `${CONFIG_ERROR}:`,
                '  - externalDomain: ingress "kong" gives every node an external name under externalDomain; set it, e.g. cassandra.example.com',
                '  - clientCidrs: ingress "kong" exposes the native transport; list the client ranges allowed to reach port 9042, e.g. ["203.0.113.0/24"]',
            ].join("\n"),
        );
        expect(formatProblems(new Error("plain"))).toBe("plain");
        expect(formatProblems("text")).toBe("text");
    });
});

import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { recordingMocks } from "../../../components/render/mocks";
import { DOMAIN, outputOf, RecordedResource, scenario, settled } from "./harness";

let resources: RecordedResource[];
let mod: typeof import("../../../components/gcp/external-dns");
const calls: string[] = [];

beforeAll(async () => {
    // The recording mocks, plus the one invoke this component makes for an existing zone.
    const { mocks, resources: recorded } = recordingMocks();
    resources = recorded;
    await pulumi.runtime.setMocks(
        {
            newResource: mocks.newResource,
            call(args) {
                calls.push(args.token);
                if (args.token === "gcp:dns/getManagedZone:getManagedZone") {
                    return { ...args.inputs, nameServers: ["ns-cloud-a1.googledomains.com."] };
                }
                return mocks.call(args);
            },
        },
        "cassandra-multicluster",
        "test",
        false,
    );
    mod = await import("../../../components/gcp/external-dns");
});

const sni = scenario("traefik");
const lb = scenario("loadbalancer");

async function build(make: () => InstanceType<typeof mod.ExternalDns>) {
    resources.length = 0;
    const dns = make();
    await outputOf(dns.zoneName);
    await settled(resources);
    return { dns, recorded: [...resources] };
}

const recordSets = (recorded: readonly RecordedResource[]) =>
    recorded.filter((r) => r.type === "gcp:dns/recordSet:RecordSet").map((r) => r.inputs);

describe("External DNS", () => {
    it("creates a public zone for the domain with the entry point and one wildcard for the datacenter's node names, at the ingress address", async () => {
        const { recorded } = await build(
            () =>
                new mod.ExternalDns("dns", {
                    project: "acme",
                    externalDomain: DOMAIN,
                    records: mod.ingressDnsRecords(sni.routes, "198.51.100.7", "per-datacenter"),
                }),
        );
        const zone = recorded.filter((r) => r.type === "gcp:dns/managedZone:ManagedZone");
        expect(zone.map((z) => z.inputs)).toEqual([
            expect.objectContaining({
                project: "acme",
                name: "db-example-com",
                dnsName: "db.example.com.",
                visibility: "public",
                dnssecConfig: { state: "on" },
            }),
        ]);
        const records = recordSets(recorded);
        expect(records.map((r) => r.name).sort()).toEqual([`*.dc1.${DOMAIN}.`, `dc1.${DOMAIN}.`]);
        for (const r of records) {
            expect(r).toMatchObject({
                project: "acme",
                managedZone: "db-example-com",
                type: "A",
                ttl: 300,
                rrdatas: ["198.51.100.7"],
            });
        }
        // Every node's external name is one label below the entry point: the wildcard's owner
        // name with the `*` label replaced (RFC 4592 §2.1.1), and none has a record of its own.
        for (const r of sni.routes) {
            expect(r.sniNames[0]).toBe(`${r.podName}.dc1.${DOMAIN}`);
            expect(r.sniNames[0].replace(/^[^.]+/, "*")).toBe(`*.dc1.${DOMAIN}`);
        }
    });

    it("gives every node its own record with flat names", async () => {
        const flat = scenario("traefik", {}, "flat").routes;
        const { recorded } = await build(
            () =>
                new mod.ExternalDns("flatdns", {
                    project: "acme",
                    externalDomain: DOMAIN,
                    records: mod.ingressDnsRecords(flat, "198.51.100.7", "flat"),
                }),
        );
        const names = [...sni.routes.map((r) => `${r.podName}.${DOMAIN}.`), `dc1.${DOMAIN}.`];
        expect(
            recordSets(recorded)
                .map((r) => r.name)
                .sort(),
        ).toEqual(names.sort());
    });

    it("points each node's name at its own load balancer in loadbalancer mode, in an existing zone", async () => {
        const addresses = pulumi.output(
            Object.fromEntries(lb.routes.map((r, i) => [r.podName, `203.0.113.${10 + i}`])),
        );
        const { dns, recorded } = await build(
            () =>
                new mod.ExternalDns("lbdns", {
                    project: "acme",
                    externalDomain: DOMAIN,
                    existingZone: "corp-zone",
                    records: mod.loadBalancerDnsRecords(lb.routes, addresses),
                }),
        );
        expect(recorded.filter((r) => r.type === "gcp:dns/managedZone:ManagedZone")).toEqual([]);
        expect(await outputOf(dns.nameServers)).toEqual(["ns-cloud-a1.googledomains.com."]);
        expect(calls).toContain("gcp:dns/getManagedZone:getManagedZone");
        const records = recordSets(recorded);
        expect(records).toHaveLength(lb.routes.length);
        lb.routes.forEach((r, i) => {
            const rec = records.find((x) => x.name === `${r.podName}.dc1.${DOMAIN}.`);
            expect(rec).toMatchObject({
                managedZone: "corp-zone",
                type: "A",
                rrdatas: [`203.0.113.${10 + i}`],
            });
        });
    });

    it("uses CNAME for host names, AAAA for IPv6, and no data for an unknown address", () => {
        expect(mod.recordTarget("abc.elb.amazonaws.com")).toEqual({
            type: "CNAME",
            rrdatas: ["abc.elb.amazonaws.com."],
        });
        expect(mod.recordTarget("2001:db8::1")).toEqual({ type: "AAAA", rrdatas: ["2001:db8::1"] });
        expect(mod.recordTarget("192.0.2.1")).toEqual({ type: "A", rrdatas: ["192.0.2.1"] });
        // Offline rendering before any address exists: visibly empty, never a bogus CNAME to ".".
        expect(mod.recordTarget("")).toEqual({ type: "A", rrdatas: [] });
    });

    it("refuses names outside the domain, duplicates and misplaced wildcards", () => {
        try {
            new mod.ExternalDns("bad", {
                project: "acme",
                externalDomain: DOMAIN,
                records: [
                    { name: "node.other.org", address: "192.0.2.1" },
                    { name: `a.${DOMAIN}`, address: "192.0.2.1" },
                    { name: `a.${DOMAIN}`, address: "192.0.2.2" },
                    { name: `a.*.${DOMAIN}`, address: "192.0.2.3" },
                    { name: `*a.${DOMAIN}`, address: "192.0.2.3" },
                ],
            });
            expect.unreachable();
        } catch (err) {
            expect(err).toBeInstanceOf(pulumi.InputPropertiesError);
            expect((err as pulumi.InputPropertiesError).errors).toEqual([
                {
                    propertyPath: "records[0].name",
                    reason: `"node.other.org" is not under ${DOMAIN}; the zone can only hold names in its domain`,
                },
                {
                    propertyPath: "records[2].name",
                    reason: `"a.${DOMAIN}" is listed twice; give each name one record`,
                },
                {
                    propertyPath: "records[3].name",
                    reason: `"a.*.${DOMAIN}" has "*" other than as its whole first label; a wildcard name is "*.<name>" (RFC 4592)`,
                },
                {
                    propertyPath: "records[4].name",
                    reason: `"*a.${DOMAIN}" has "*" other than as its whole first label; a wildcard name is "*.<name>" (RFC 4592)`,
                },
            ]);
        }
    });
});

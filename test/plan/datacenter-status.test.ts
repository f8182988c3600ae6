import { describe, expect, it } from "vitest";
import { parseSettings } from "../../components/config";
import {
    additionalSeeds,
    DatacenterStatus,
    hostIdsOf,
    isDatacenterReady,
    readyTimeoutSeconds,
} from "../../components/plan/datacenter-status";
import { buildTopology } from "../../components/plan/topology";

const topology = buildTopology(
    parseSettings({
        datacenters: [
            { name: "dc1", region: "us-west1", zones: ["us-west1-a", "us-west1-b"], size: 6 },
            { name: "dc2", region: "us-east1", zones: ["us-east1-b"], size: 1 },
            { name: "dc3", region: "europe-west4", zones: ["europe-west4-a"], size: 1 },
        ],
    }),
);

/** A status as cass-operator reports it: every pod with an IP and a host ID. */
function statusOf(ips: Record<string, string>): DatacenterStatus {
    return {
        cassandraOperatorProgress: "Ready",
        conditions: [{ type: "Ready", status: "True" }],
        nodeStatuses: Object.fromEntries(
            Object.entries(ips).map(([pod, ip], i) => [
                pod,
                { ip, hostID: `00000000-0000-4000-8000-00000000000${i}`, rack: "rack1" },
            ]),
        ),
    };
}

const dc1 = statusOf({
    "cassandra-dc1-rack1-sts-0": "10.0.0.10",
    "cassandra-dc1-rack1-sts-1": "10.0.0.11",
    "cassandra-dc1-rack1-sts-2": "10.0.0.12",
    "cassandra-dc1-rack2-sts-0": "10.0.0.20",
    "cassandra-dc1-rack2-sts-1": "10.0.0.21",
    "cassandra-dc1-rack2-sts-2": "10.0.0.22",
});

describe("additionalSeeds", () => {
    it("gives the first datacenter none, so cass-operator seeds it from its own first node", () => {
        expect(additionalSeeds(topology, 0, { dc1 })).toEqual([]);
    });

    it("takes up to three nodes of each earlier datacenter, one per rack first", () => {
        expect(additionalSeeds(topology, 1, { dc1 })).toEqual([
            "10.0.0.10",
            "10.0.0.20",
            "10.0.0.11",
        ]);
    });

    it("joins every earlier datacenter, never its own or a later one", () => {
        const dc2 = statusOf({ "cassandra-dc2-rack1-sts-0": "10.1.0.10" });
        const dc3 = statusOf({ "cassandra-dc3-rack1-sts-0": "10.2.0.10" });
        expect(additionalSeeds(topology, 2, { dc1, dc2, dc3 })).toEqual([
            "10.0.0.10",
            "10.0.0.20",
            "10.0.0.11",
            "10.1.0.10",
        ]);
    });

    it("skips nodes the status gives no address yet", () => {
        const partial: DatacenterStatus = {
            nodeStatuses: {
                "cassandra-dc1-rack1-sts-0": { hostID: "x" },
                "cassandra-dc1-rack2-sts-0": { ip: "10.0.0.20" },
            },
        };
        expect(additionalSeeds(topology, 1, { dc1: partial })).toEqual(["10.0.0.20"]);
        expect(additionalSeeds(topology, 1, {})).toEqual([]);
    });
});

describe("status readers", () => {
    it("reads host IDs by pod name, leaving out nodes without one", () => {
        expect(
            hostIdsOf({
                nodeStatuses: { a: { hostID: "id-a", ip: "10.0.0.1" }, b: { ip: "10.0.0.2" } },
            }),
        ).toEqual({ a: "id-a" });
        expect(hostIdsOf(undefined)).toEqual({});
    });

    it("counts a datacenter ready only with condition Ready and progress Ready (k8ssandra-operator DatacenterReady)", () => {
        expect(isDatacenterReady(dc1)).toBe(true);
        expect(isDatacenterReady({ ...dc1, cassandraOperatorProgress: "Updating" })).toBe(false);
        expect(
            isDatacenterReady({ ...dc1, conditions: [{ type: "Ready", status: "False" }] }),
        ).toBe(false);
        expect(isDatacenterReady(undefined)).toBe(false);
    });

    it("waits longer for datacenters with more nodes per rack", () => {
        expect(readyTimeoutSeconds(topology.datacenters[1])).toBe(900);
        expect(readyTimeoutSeconds(topology.datacenters[0])).toBe(900 + 2 * 180);
    });
});

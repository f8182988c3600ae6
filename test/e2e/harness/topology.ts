import { parseSettings, Settings, SettingsInput } from "../../../components/config";
import { buildPlan, Plan } from "../../../components/plan";

/**
 * The stack the e2e runs: two existing clusters (dc1, dc2), two nodes each on two racks,
 * reached from outside through an SNI ingress. Pod and service ranges are test ranges
 * (198.18.0.0/15) so that the addresses Cassandra advertises are the ones the plan validated.
 */
export const E2E_SETTINGS: SettingsInput = {
    clusterName: "cassandra",
    datacenters: ["dc1", "dc2"].map((name) => ({
        name,
        zones: [`${name}-zone-a`, `${name}-zone-b`],
        size: 2,
        racks: [
            { name: "rack1", zone: `${name}-zone-a` },
            { name: "rack2", zone: `${name}-zone-b` },
        ],
        nodeMachineType: "custom-2-4096",
    })),
    existingClusters: {
        dc1: {
            podCidr: "198.18.1.0/24",
            serviceCidr: "198.18.101.0/24",
            clusterDomain: "dc1.local",
        },
        dc2: {
            podCidr: "198.18.2.0/24",
            serviceCidr: "198.18.102.0/24",
            clusterDomain: "dc2.local",
        },
    },
    ingress: "traefik",
    externalDomain: "cassandra.test",
    clientCidrs: ["198.19.0.0/24"],
};

/** The same stack with mutual TLS, for the client-certificate scenario. */
export const E2E_MTLS_SETTINGS: SettingsInput = {
    ...E2E_SETTINGS,
    tls: { requireClientAuth: true, clientCertificates: ["e2e-app"] },
};

export function e2eSettings(input: SettingsInput = E2E_SETTINGS): Settings {
    return parseSettings(input as Record<string, unknown>);
}

export function e2ePlan(input: SettingsInput = E2E_SETTINGS): Plan {
    return buildPlan(e2eSettings(input));
}

/** A planned node placed on this machine: its pod address inside the "cluster" namespace. */
export interface PlacedNode {
    readonly podName: string;
    readonly datacenter: string;
    readonly rack: string;
    /** The pod IP: listen, RPC and broadcast address, inside its datacenter's pod range. */
    readonly ip: string;
    /** The first node of each datacenter seeds the cluster (cass-operator's seed label does the same). */
    readonly seed: boolean;
}

/** Node i of a datacenter gets host .10+i of the datacenter's pod range. */
export function placeNodes(plan: Plan): PlacedNode[] {
    const clusters = plan.settings.existingClusters ?? {};
    return plan.topology.datacenters.flatMap((dc) => {
        const range = clusters[dc.name]?.podCidr;
        if (!range) {
            throw new Error(`e2e settings must give ${dc.name} an existing cluster with a podCidr`);
        }
        const base = range.split("/")[0].split(".").slice(0, 3).join(".");
        return dc.nodes.map((n, i) => ({
            podName: n.podName,
            datacenter: dc.name,
            rack: n.rack,
            ip: `${base}.${10 + i}`,
            seed: i === 0,
        }));
    });
}

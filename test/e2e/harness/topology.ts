import { join } from "node:path";
import { parseSettings, settingsFromConfigMap } from "../../../components/config";
import { buildPlan, Plan } from "../../../components/plan";
import { readStackConfig } from "../../../components/render/stack-config";
import { PROJECT_DIR } from "./paths";

/**
 * The stack the e2e deploys, as a user writes it (`stack/Pulumi.e2e.yaml`), and the variant a
 * user gets by turning on mutual TLS for one application. Everything the harness starts comes
 * from rendering the program for these (see product.ts); the pure plan below is the same one
 * the program computes, for tests that need names, routes and ports.
 */
export const E2E_STACK = "e2e";
export const E2E_STACK_FILE = join(PROJECT_DIR, "test", "e2e", "stack", "Pulumi.e2e.yaml");

/** `tls` for the mutual-TLS variant: the stack after a user adds one application certificate. */
export const MTLS_OVERRIDES: Readonly<Record<string, unknown>> = {
    tls: { requireClientAuth: true, clientCertificates: ["e2e-app"] },
};

export type Variant = "base" | "mtls";

/**
 * The e2e stack's plan, as the program computes it, with `overrides` (settings a test changed,
 * e.g. a third datacenter) on top of the stack file.
 */
export function e2ePlan(
    variant: Variant = "base",
    overrides: Readonly<Record<string, unknown>> = {},
): Plan {
    const { project, config } = readStackConfig(PROJECT_DIR, E2E_STACK, E2E_STACK_FILE);
    const settings = { ...settingsFromConfigMap(project, config), ...overrides };
    return buildPlan(parseSettings(variant === "mtls" ? withMutualTls(settings) : settings));
}

/** The mutual-TLS variant's settings on top of `settings`. */
export function withMutualTls(
    settings: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
    return {
        ...settings,
        tls: { ...(settings.tls as object | undefined), ...(MTLS_OVERRIDES.tls as object) },
    };
}

/** A planned node placed on this machine: its pod address inside the "cluster" namespace. */
export interface PlacedNode {
    readonly podName: string;
    readonly datacenter: string;
    readonly rack: string;
    /** The pod IP: listen, RPC and broadcast address, inside its datacenter's pod range. */
    readonly ip: string;
}

/** Node i of a datacenter gets host .10+i of the datacenter's pod range, as a CNI would assign one. */
export function placeNodes(plan: Plan): PlacedNode[] {
    const clusters = plan.settings.existingClusters ?? {};
    return plan.topology.datacenters.flatMap((dc) => {
        const range = clusters[dc.name]?.podCidr;
        if (!range) {
            throw new Error(
                `the e2e stack must give ${dc.name} an existing cluster with a podCidr`,
            );
        }
        const base = range.split("/")[0].split(".").slice(0, 3).join(".");
        return dc.nodes.map((n, i) => ({
            podName: n.podName,
            datacenter: dc.name,
            rack: n.rack,
            ip: `${base}.${10 + i}`,
        }));
    });
}

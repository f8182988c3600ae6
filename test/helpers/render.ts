import { join } from "node:path";
import { vi } from "vitest";
import { renderStack, RenderedStack } from "../../components/render/render-stack";
import { asPolicyResources, PolicyViews, policyViews } from "../../policies/offline";
import type { PolicyResourceLike } from "../../policies/resource";

export const PROJECT_DIR = join(__dirname, "..", "..");

/** Renders a stack of this project with the real program, optionally with settings replaced. */
export async function render(
    stack: string,
    overrides: Record<string, unknown> = {},
): Promise<RenderedStack> {
    // A fresh module graph per render: index.ts registers its resources when it is evaluated.
    vi.resetModules();
    return renderStack({
        projectDir: PROJECT_DIR,
        stack,
        overrides,
        load: () => import("../../index"),
    });
}

/** The rendered stack's resources with their inputs, as the pack's resource policies see them. */
export function policyResources(r: RenderedStack): PolicyResourceLike[] {
    return asPolicyResources(r.resources, r.stack, r.project);
}

/** The rendered stack as the engine shows it to resource and stack policies. */
export function policyViewsOf(r: RenderedStack): PolicyViews {
    return policyViews(r.resources, r.stack, r.project);
}

/** The existingClusters stack the tests use: one datacenter on a k3d-style cluster. */
export const LOCAL_OVERRIDES: Record<string, unknown> = {
    datacenters: [
        {
            name: "dc1",
            zones: ["k3d-zone"],
            size: 3,
            nodeMachineType: "custom-2-4096",
            storageGb: 10,
        },
    ],
    existingClusters: {
        dc1: {
            context: "k3d-cassandra",
            podCidr: "10.42.0.0/16",
            serviceCidr: "10.43.0.0/16",
            storageClass: "local-path",
        },
    },
    dns: "none",
    network: undefined,
    controlPlaneAuthorizedCidrs: undefined,
};

import { describe, expect, it } from "vitest";
import { render } from "../helpers/render";

/**
 * Scaling a datacenter within its planned capacity (`maxNodes`) changes no static proxy
 * configuration: Traefik's entry points and Kong's stream listeners restart every proxy pod when
 * they change (cutting every client's connections), so all dedicated ports exist from the start.
 */

const dcs = (size: number) => [
    { name: "dc1", region: "us-west1", zones: ["us-west1-a", "us-west1-b", "us-west1-c"], size },
    { name: "dc2", region: "us-east1", zones: ["us-east1-b", "us-east1-c", "us-east1-d"], size: 3 },
];

const chartValues = async (ingress: string, size: number, chart: string) => {
    const stack = await render("dev", { ingress, datacenters: dcs(size) });
    return stack.resources
        .filter((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.inputs.chart === chart)
        .map((r) => r.inputs.values);
};

describe("scaling within maxNodes", () => {
    it.each([
        ["traefik", "traefik"],
        ["kong", "ingress"],
    ])(
        "leaves the %s chart's values (its listeners) unchanged from 3 to 6 nodes",
        async (ingress, chart) => {
            const before = await chartValues(ingress, 3, chart);
            const after = await chartValues(ingress, 6, chart);
            expect(before).toHaveLength(2);
            expect(after).toEqual(before);
        },
    );

    it("opens one dedicated port per planned node (64 by default) on the Traefik entry point", async () => {
        const [dc1] = await chartValues("traefik", 3, "traefik");
        const ports = Object.keys((dc1 as { ports: Record<string, unknown> }).ports).filter((p) =>
            p.startsWith("cql-"),
        );
        expect(ports).toHaveLength(64);
        expect(ports[0]).toBe("cql-19042");
        expect(ports.at(-1)).toBe("cql-19105");
    });
});

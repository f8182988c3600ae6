import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { TLS_REVISION_ANNOTATION } from "../../components/plan/tls-revision";
import { renderStack, RenderedStack } from "../../components/render/render-stack";
import { PROJECT_DIR } from "../helpers/render";

const CASSDC = "kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter";

function renderDev(overrides: Record<string, unknown>, previous?: RenderedStack) {
    vi.resetModules();
    return renderStack({
        projectDir: PROJECT_DIR,
        stack: "dev",
        overrides,
        previous,
        load: () => import(join(PROJECT_DIR, "index.ts")),
    });
}

const revisions = (r: RenderedStack) =>
    Object.fromEntries(
        r.resources
            .filter((x) => x.type === CASSDC)
            .map((x) => [
                (x.inputs.metadata as { name: string }).name,
                (
                    x.inputs.spec as {
                        podTemplateSpec: { metadata: { annotations: Record<string, string> } };
                    }
                ).podTemplateSpec.metadata.annotations[TLS_REVISION_ANNOTATION],
            ]),
    );

/**
 * A renewed certificate reaches the running nodes: it changes the pod template of its
 * datacenter's CassandraDatacenter, which cass-operator rolls out one pod at a time (see
 * plan/tls-revision.ts); an unchanged stack leaves the template alone, so nothing restarts.
 */
describe("certificate renewal", () => {
    it("changes each datacenter's pod template when its certificates are re-issued, and only then", async () => {
        const first = await renderDev({});
        const again = await renderDev({}, first);
        expect(revisions(again)).toEqual(revisions(first));
        expect(Object.values(revisions(first)).every((v) => /^[0-9a-f]{16}$/.test(v))).toBe(true);

        // Any input change re-issues the certificates, as the provider does in the renewal window.
        const renewed = await renderDev({ tls: { certificateValidityHours: 8000 } }, first);
        const before = revisions(first);
        for (const [dc, rev] of Object.entries(revisions(renewed))) {
            expect(rev, dc).not.toBe(before[dc]);
        }
    });
});

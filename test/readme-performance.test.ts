import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate, settingsFor, SHAPES } from "../scripts/bench-program";

/**
 * README's performance table is written by `npm run bench -- --readme`; its resource counts must
 * be what the program registers for the bench's own shapes. The small shapes are evaluated here;
 * the large ones (too slow for the unit suite) are predicted from what one more node and one more
 * datacenter add, which the small evaluations measure.
 */
const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
const table = readme.slice(
    readme.indexOf("<!-- bench:start -->"),
    readme.indexOf("<!-- bench:end -->"),
);
const documented = new Map(
    [...table.matchAll(/^\| (\d+) nodes, (\d+) datacenters? \| (\d+) \| ([\d.]+) \|/gm)].map(
        (m) => [Number(m[1]), { datacenters: Number(m[2]), resources: Number(m[3]) }],
    ),
);

describe("the README's performance table", () => {
    it("lists every shape the bench runs", () => {
        expect([...documented.keys()]).toEqual(SHAPES.map((s) => s.nodes));
        for (const s of SHAPES) {
            expect(documented.get(s.nodes)?.datacenters, `${s.nodes} nodes`).toBe(s.datacenters);
            expect((settingsFor(s).datacenters as unknown[]).length).toBe(s.datacenters);
        }
    });

    it("gives the resource counts the program registers", async () => {
        const count = async (nodes: number, datacenters: number) =>
            (await evaluate({ nodes, datacenters })).resources;
        const [one, two, three] = [await count(3, 1), await count(6, 1), await count(30, 3)];
        expect(documented.get(3)?.resources).toBe(one);
        expect(documented.get(30)?.resources).toBe(three);
        const perNode = (two - one) / 3;
        const perDatacenter = (three - one - 27 * perNode) / 2;
        const fixed = one - perDatacenter - 3 * perNode;
        for (const s of SHAPES.filter((x) => x.nodes > 30)) {
            expect(documented.get(s.nodes)?.resources, `${s.nodes} nodes`).toBe(
                fixed + perDatacenter * s.datacenters + perNode * s.nodes,
            );
        }
    }, 120_000);
});

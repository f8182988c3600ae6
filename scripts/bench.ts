/**
 * `npm run bench`: measured figures, never asserted. First the program's evaluation under mocks
 * for 3, 30, 300 and 600 nodes, each evaluated `ROUNDS` times (resources, resources per node,
 * median time and its range, peak memory, growth); then,
 * where this machine can run it (root, HAProxy, Java), the data-plane comparison through the SNI
 * router against direct connections. `npm run bench -- --readme` also writes README.md's
 * performance table from this run's output.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { DataPlaneFigures, DATAPLANE_PREFIX } from "./bench-dataplane-figures";
import { benchProgram, ShapeFigures } from "./bench-program";
import { formatSpread, Spread } from "./bench-spread";

const ROOT = join(__dirname, "..");
const TARGET_MS = 10_000;
const TARGET_PER_NODE = 4;

const short = (type: string) => type.replace(/^.*:/, "");

/** What each added node registers: the per-type difference between the two largest shapes. */
function perNode(a: ShapeFigures, b: ShapeFigures): string {
    const types = new Set([...Object.keys(a.byType), ...Object.keys(b.byType)]);
    const rows: string[] = [];
    for (const t of types) {
        const slope = ((b.byType[t] ?? 0) - (a.byType[t] ?? 0)) / (b.nodes - a.nodes);
        if (slope > 0) {
            rows.push(`${Number(slope.toFixed(2))} ${short(t)}`);
        }
    }
    return rows.join(", ");
}

const seconds = (s: Spread) =>
    `${(s.median / 1000).toFixed(2)} s (${(s.min / 1000).toFixed(2)}–${(s.max / 1000).toFixed(2)})`;

function programReport(figures: readonly ShapeFigures[]): string[] {
    const lines = [
        `median of ${figures[0].rounds} rounds (min–max)`,
        "nodes  dcs  resources  per node  evaluation                peak memory",
        ...figures.map(
            (f) =>
                `${String(f.nodes).padStart(5)}  ${String(f.datacenters).padStart(3)}  ${String(f.resources).padStart(9)}  ${(f.resources / f.nodes).toFixed(2).padStart(8)}  ${seconds(f.ms).padEnd(24)}  ${f.peakMiB.median.toFixed(0).padStart(7)} MiB`,
        ),
    ];
    const at = (n: number) => figures.find((f) => f.nodes === n) as ShapeFigures;
    const [f30, f300, f600] = [at(30), at(300), at(600)];
    const ms = (f: ShapeFigures) => f.ms.median;
    const growth = ms(f600) / f600.nodes / (ms(f30) / f30.nodes);
    const marginal = (f600.resources - f300.resources) / (f600.nodes - f300.nodes);
    const doubling = ms(f600) / ms(f300);
    lines.push(
        `growth 30 → 600 nodes: ${(ms(f600) / ms(f30)).toFixed(1)}× time for 20× nodes (time per node ×${growth.toFixed(2)}: ${growth <= 1.05 ? "linear or better" : "worse than linear"}); 300 → 600: ${doubling.toFixed(2)}× time for 2× nodes (${doubling <= 2.1 ? "linear" : "worse than linear"})`,
        `300 nodes in ${(ms(f300) / 1000).toFixed(2)} s (median): ${ms(f300) <= TARGET_MS ? "within" : "OVER"} the ${TARGET_MS / 1000} s target${f300.ms.max > TARGET_MS && ms(f300) <= TARGET_MS ? ` (slowest round ${(f300.ms.max / 1000).toFixed(2)} s)` : ""}`,
        `each added node registers ${marginal.toFixed(2)} resources (target ≤ ${TARGET_PER_NODE}: ${marginal <= TARGET_PER_NODE ? "met" : "NOT met"}): ${perNode(f300, f600)}`,
    );
    return lines;
}

/** README.md's performance table, between its markers, from this run. */
function readmeTable(figures: readonly ShapeFigures[], dp: DataPlaneFigures | undefined): string {
    const rows = figures.map(
        (f) =>
            `| ${f.nodes} nodes, ${f.datacenters} datacenter${f.datacenters > 1 ? "s" : ""} | ${f.resources} | ${(f.resources / f.nodes).toFixed(2)} | ${seconds(f.ms)} | ${f.peakMiB.median.toFixed(0)} MiB |`,
    );
    const out = [
        `| program under mocks (Traefik, GKE), median of ${figures[0].rounds} rounds | resources | per node | evaluation (min–max) | peak memory |`,
        "|---|---|---|---|---|",
        ...rows,
    ];
    if (dp) {
        out.push(
            "",
            `| data plane, median of ${dp.rounds} rounds (min–max) | result |`,
            "|---|---|",
            `| router/direct p50 | ${formatSpread(dp.p50Ratio)} |`,
            `| router/direct p99 | ${formatSpread(dp.p99Ratio)} |`,
            `| p50 router / direct | ${formatSpread(dp.routerP50, 2)} ms / ${formatSpread(dp.directP50, 2)} ms |`,
            `| token-aware hit rate, per-node routes | ${formatSpread(dp.perNodeHitRate, 1)}% |`,
            `| hit rate through one shared endpoint | ${formatSpread(dp.sharedHitRate, 1)}% (RF/N = ${dp.expectedSharedRate.toFixed(0)}%) |`,
        );
    }
    return out.join("\n");
}

function writeReadme(table: string, machine: string): void {
    const file = join(ROOT, "README.md");
    const text = readFileSync(file, "utf8");
    const start = "<!-- bench:start -->";
    const end = "<!-- bench:end -->";
    const i = text.indexOf(start);
    const j = text.indexOf(end);
    if (i < 0 || j < i) {
        throw new Error(`README.md has no ${start} … ${end} section`);
    }
    writeFileSync(
        file,
        `${text.slice(0, i + start.length)}\n${machine}\n\n${table}\n${text.slice(j)}`,
    );
}

async function main(): Promise<void> {
    const machine = `Measured by \`npm run bench\` on ${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`;
    console.log(machine);
    console.log(
        "\n[1/2] program evaluation under the mock runtime (each evaluation in its own process)",
    );
    const figures = benchProgram();
    for (const line of programReport(figures)) {
        console.log(`  ${line}`);
    }

    console.log("\n[2/2] data plane: router vs direct, token-aware hit rate");
    const dataplane = spawnSync("npm", ["run", "--silent", "bench:dataplane"], {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 64 * 2 ** 20,
    });
    process.stdout.write(dataplane.stdout ?? "");
    const line = (dataplane.stdout ?? "").split("\n").find((l) => l.startsWith(DATAPLANE_PREFIX));
    const dp = line
        ? (JSON.parse(line.slice(DATAPLANE_PREFIX.length)) as DataPlaneFigures)
        : undefined;
    if (dataplane.status !== 0 || !dp) {
        console.log(
            `  data-plane benchmark did not complete (exit ${dataplane.status}); run scripts/e2e/setup.sh first (root, HAProxy, Java, Maven)`,
        );
    }
    if (process.argv.includes("--readme")) {
        writeReadme(readmeTable(figures, dp), machine);
        console.log("\nREADME.md performance table written from this run");
    }
}

main().then(
    () => process.exit(0),
    (err) => {
        console.error(err);
        process.exit(1);
    },
);

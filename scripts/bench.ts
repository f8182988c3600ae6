/**
 * `npm run bench`: measured figures, never asserted. First the program's evaluation time under
 * mocks for 3, 30 and 300 nodes; then, where this machine can run it (root, HAProxy, Java), the
 * data-plane comparison through the SNI router against direct connections.
 */
import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { benchProgram } from "./bench-program";

async function main(): Promise<void> {
    console.log(
        `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    );
    console.log("\n[1/2] program evaluation under the mock runtime");
    const program = await benchProgram();
    const [small, , large] = program;
    const perNodeSmall = small.ms / small.nodes;
    const perNodeLarge = large.ms / large.nodes;
    console.log(
        `  growth 3 → 300 nodes: ${(large.ms / small.ms).toFixed(1)}× time for 100× nodes (per node: ${perNodeSmall.toFixed(0)} ms → ${perNodeLarge.toFixed(0)} ms); 300 nodes ${large.ms < 10_000 ? "within" : "OVER"} the 10 s target`,
    );

    console.log("\n[2/2] data plane: router vs direct, token-aware hit rate");
    const dataplane = spawnSync("npm", ["run", "--silent", "bench:dataplane"], {
        cwd: join(__dirname, ".."),
        stdio: "inherit",
    });
    if (dataplane.status !== 0) {
        console.log(
            `  data-plane benchmark did not complete (exit ${dataplane.status}); run scripts/e2e/setup.sh first (root, HAProxy, Java, Maven)`,
        );
    }
}

main().then(
    () => process.exit(0),
    (err) => {
        console.error(err);
        process.exit(1);
    },
);

import { defineConfig } from "vitest/config";
import { ClusterChangingLast } from "./test/e2e/sequencer";

/**
 * End-to-end suite: real Cassandra, HAProxy and drivers (see test/e2e). Started by
 * `npm run test:e2e`, which runs vitest inside the client network namespace; `npm test` never
 * picks these files up.
 */
export default defineConfig({
    test: {
        include: ["test/e2e/**/*.test.ts"],
        globalSetup: ["test/e2e/global-setup.ts"],
        // One shared cluster: files run one after another in a single forked worker.
        pool: "forks",
        poolOptions: { forks: { singleFork: true } },
        fileParallelism: false,
        sequence: { sequencer: ClusterChangingLast },
        testTimeout: 180_000,
        hookTimeout: 240_000,
        teardownTimeout: 60_000,
        reporters: ["default", "json"],
        outputFile: { json: "out/e2e-results.json" },
    },
});

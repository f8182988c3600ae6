import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
    // examples/consumer imports the package by name, as a consumer would.
    resolve: { alias: { "cassandra-multicluster": join(__dirname, "components", "index.ts") } },
    test: {
        include: ["test/**/*.test.ts"],
        exclude: ["test/e2e/**", "test/apiserver/**", "node_modules/**"],
        // Pulumi's mock runtime is process-global state: one file per worker process keeps them apart.
        pool: "forks",
        testTimeout: 60_000,
        hookTimeout: 120_000,
        reporters: ["default", "json"],
        outputFile: { json: "out/test-results.json" },
    },
});

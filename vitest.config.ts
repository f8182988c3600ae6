import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts"],
        exclude: ["test/e2e/**", "node_modules/**"],
        // Pulumi's mock runtime is process-global state: one file per worker process keeps them apart.
        pool: "forks",
        testTimeout: 30_000,
        reporters: ["default", "json"],
        outputFile: { json: "out/test-results.json" },
    },
});

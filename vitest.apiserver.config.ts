import { defineConfig } from "vitest/config";

/**
 * The API server tier: the program's rendered objects against a real kube-apiserver and etcd
 * (test/apiserver). Started by `npm run test:apiserver` after scripts/apiserver/setup.sh has
 * built them; `npm test` never picks these files up.
 */
export default defineConfig({
    test: {
        include: ["test/apiserver/**/*.test.ts"],
        pool: "forks",
        poolOptions: { forks: { singleFork: true } },
        fileParallelism: false,
        testTimeout: 240_000,
        hookTimeout: 240_000,
        reporters: ["default", "json"],
        outputFile: { json: "out/apiserver-results.json" },
    },
});

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The package's root folder, whether the code runs from source (`components/`) or built
 * (`bin/components/`), in this repository or under a consumer's node_modules: data files such
 * as the vendored CRDs are found relative to it.
 */
export function packageRoot(from: string = __dirname): string {
    let dir = from;
    for (;;) {
        const manifest = join(dir, "package.json");
        if (
            existsSync(manifest) &&
            (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name ===
                "cassandra-multicluster"
        ) {
            return dir;
        }
        const parent = dirname(dir);
        if (parent === dir) {
            throw new Error(`cassandra-multicluster's package.json was not found above ${from}`);
        }
        dir = parent;
    }
}

import { startEnvironment, stopEnvironment } from "./harness/cluster";
import { progress } from "./harness/log";

/** One environment for every e2e file; torn down even when setup or a test fails. */
export default async function setup(): Promise<() => Promise<void>> {
    try {
        await startEnvironment();
    } catch (err) {
        progress(`setup failed: ${err instanceof Error ? err.message : String(err)}`);
        await stopEnvironment();
        throw err;
    }
    return async () => {
        await stopEnvironment();
    };
}

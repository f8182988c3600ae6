import { resolve } from "node:path";

/** Everything the e2e run creates on disk lives under `.e2e/` (git-ignored); `run/` is per run. */
export const PROJECT_DIR = resolve(__dirname, "../../..");
export const E2E_DIR = resolve(PROJECT_DIR, ".e2e");
export const RUN_DIR = resolve(E2E_DIR, "run");
/** Written by the global setup, read by the test files (they run in another process). */
export const STATE_FILE = resolve(RUN_DIR, "state.json");
/** One `<name>.pid` per long-running process, so scripts/e2e/cleanup.sh can end stale ones by id. */
export const PID_DIR = resolve(RUN_DIR, "pids");
export const PYTHON = resolve(E2E_DIR, "venv/bin/python");
/** The program's last run (its resources' outputs: keys, certificates), so test files can run it again. Secret. */
export const PROGRAM_FILE = resolve(RUN_DIR, "program.json");

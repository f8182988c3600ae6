import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_DIR } from "./paths";

/**
 * Figures the driver tests measure (replica hit rates, requests around a node kill), collected
 * in out/driver-figures.json for the README and the closing note.
 */
export const FIGURES_FILE = join(PROJECT_DIR, "out", "driver-figures.json");

export function recordDriverFigures(key: string, figures: Record<string, unknown>): void {
    mkdirSync(join(PROJECT_DIR, "out"), { recursive: true });
    const all = existsSync(FIGURES_FILE) ? JSON.parse(readFileSync(FIGURES_FILE, "utf8")) : {};
    all[key] = { ...all[key], ...figures };
    writeFileSync(FIGURES_FILE, `${JSON.stringify(all, null, 2)}\n`);
}

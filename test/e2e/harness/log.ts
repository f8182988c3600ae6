/** Progress lines with the elapsed time, so a slow step in CI output is visible at a glance. */
const started = Date.now();

export function progress(message: string): void {
    const s = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
    process.stdout.write(`[e2e ${s}s] ${message}\n`);
}

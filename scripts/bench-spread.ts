/** A figure measured over several rounds, as the benchmarks report it: median and range. */
export interface Spread {
    readonly median: number;
    readonly min: number;
    readonly max: number;
}

export function spread(values: readonly number[]): Spread {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** `median (min–max)`, as the bench prints a spread and the README shows it. */
export function formatSpread(s: Spread, digits = 3): string {
    return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

/** The data-plane benchmark's figures, as the last line of its output carries them to `npm run bench`. */

/** A figure over several rounds. */
export interface Spread {
    readonly median: number;
    readonly min: number;
    readonly max: number;
}

export interface DataPlaneFigures {
    readonly rounds: number;
    readonly p50Ratio: Spread;
    readonly p99Ratio: Spread;
    readonly routerP50: Spread;
    readonly directP50: Spread;
    /** Percent. */
    readonly perNodeHitRate: Spread;
    /** Percent. */
    readonly sharedHitRate: Spread;
    /** Percent: RF/N, what a shared endpoint gets by chance. */
    readonly expectedSharedRate: number;
}

/** Prefix of the output line holding the figures as JSON. */
export const DATAPLANE_PREFIX = "DATAPLANE-FIGURES ";

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

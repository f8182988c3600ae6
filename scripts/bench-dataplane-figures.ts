import type { Spread } from "./bench-spread";

/** The data-plane benchmark's figures, as the last line of its output carries them to `npm run bench`. */

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

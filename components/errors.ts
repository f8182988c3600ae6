import * as pulumi from "@pulumi/pulumi";

/** One problem with one setting: where it is and what to do about it. */
export type Problem = pulumi.InputPropertyErrorDetails;

/** Builds a problem; the reason says what is wrong, the offending value and what is allowed. */
export function problem(propertyPath: string, reason: string): Problem {
    return { propertyPath, reason };
}

/**
 * Throws every collected problem at once, in the error type the Pulumi engine pretty-prints,
 * so a user fixes their whole config in one round instead of one error per `pulumi up`.
 */
export function throwIfProblems(message: string, problems: readonly Problem[]): void {
    if (problems.length > 0) {
        throw new pulumi.InputPropertiesError({ message, errors: [...problems] });
    }
}

/** The problems without repeats (same path and reason), in their first order. */
export function distinct(problems: readonly Problem[]): Problem[] {
    const seen = new Set<string>();
    return problems.filter((p) => {
        const key = `${p.propertyPath}\n${p.reason}`;
        return seen.has(key) ? false : (seen.add(key), true);
    });
}

/** The problems as one readable block, for command-line tools that print instead of throw. */
export function formatProblems(err: unknown): string {
    if (err instanceof pulumi.InputPropertiesError) {
        const lines = err.errors.map((e) => `  - ${e.propertyPath}: ${e.reason}`);
        return `${err.message}:\n${lines.join("\n")}`;
    }
    return err instanceof Error ? err.message : String(err);
}

/**
 * Edit distance between two words, counting a swap of neighbours as one edit (optimal string
 * alignment), so "clusterNmae" is one edit from "clusterName".
 */
export function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.length][b.length];
}

/**
 * The candidate a mistyped word most likely meant: the nearest ignoring case, when it is within
 * two edits or a third of the word's length; undefined when nothing is that close.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    const w = word.toLowerCase();
    let best: { candidate: string; distance: number } | undefined;
    for (const candidate of candidates) {
        const distance = editDistance(w, candidate.toLowerCase());
        if (!best || distance < best.distance) {
            best = { candidate, distance };
        }
    }
    const limit = Math.max(2, Math.floor(word.length / 3));
    return best && best.distance <= limit ? best.candidate : undefined;
}

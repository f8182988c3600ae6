/** Which configured values failed the schema, by the paths problems use (`datacenters[1].size`). */
export interface BrokenValues {
    /** The value at `path` or one around it is broken: nothing inside can be read. */
    has(path: string): boolean;
    /** The value at `path` is broken, or something inside or around it: a check reading it is skipped. */
    touches(path: string): boolean;
}

export const NOTHING_BROKEN: BrokenValues = { has: () => false, touches: () => false };

/** The values at `paths` (problem paths of schema issues) and everything inside them, as broken. */
export function brokenValues(paths: readonly string[]): BrokenValues {
    const within = (p: string, outer: string) =>
        outer === "" || p === outer || p.startsWith(`${outer}.`) || p.startsWith(`${outer}[`);
    return {
        has: (path) => paths.some((b) => within(path, b)),
        touches: (path) => paths.some((b) => within(path, b) || within(b, path)),
    };
}

/** Whether none of the values at `paths` (or around them) failed the schema: a rule may read them. */
export type Intact = (...paths: string[]) => boolean;

import { expect } from "vitest";
import type { Problem } from "../../components/errors";

export interface ExpectedProblem {
    /** The exact propertyPath. */
    readonly path: string;
    /** A substring of the reason. */
    readonly reason: string;
}

/** Every expected problem is present (path equal, reason containing the substring), and no others. */
export function expectProblemList(
    problems: readonly Problem[],
    expected: readonly ExpectedProblem[],
): void {
    expect(problems).toEqual(
        expect.arrayContaining(
            expected.map((e) =>
                expect.objectContaining({
                    propertyPath: e.path,
                    reason: expect.stringContaining(e.reason),
                }),
            ),
        ),
    );
    expect(problems).toHaveLength(expected.length);
}

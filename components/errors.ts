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

/** The problems as one readable block, for command-line tools that print instead of throw. */
export function formatProblems(err: unknown): string {
    if (err instanceof pulumi.InputPropertiesError) {
        const lines = err.errors.map((e) => `  - ${e.propertyPath}: ${e.reason}`);
        return `${err.message}:\n${lines.join("\n")}`;
    }
    return err instanceof Error ? err.message : String(err);
}

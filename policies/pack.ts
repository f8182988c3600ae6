import type { StackValidationPolicy } from "@pulumi/policy";
import type { Rule } from "./resource";

/** A rule as a `@pulumi/policy` stack policy: the CLI hands it every resource of the stack. */
export function toStackPolicy(rule: Rule): StackValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        severity: rule.severity,
        remediationSteps: rule.remediationSteps,
        ...(rule.configSchema
            ? { configSchema: rule.configSchema as StackValidationPolicy["configSchema"] }
            : {}),
        validateStack: (args, reportViolation) => {
            const config = (args.getConfig<Record<string, unknown>>() ?? {}) as Record<
                string,
                unknown
            >;
            for (const v of rule.check(args.resources, config)) {
                reportViolation(v.message, v.urn);
            }
        },
    };
}

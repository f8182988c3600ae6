import { PolicyPack } from "@pulumi/policy";
import { previewCoverage, toPolicy } from "./pack";
import { rules } from "./rules";

// Only the pack lives here: constructing it starts the policy server, so tests import the rules.
// `preview-coverage` comes last: stack policies run in this order, after every resource policy.
new PolicyPack("cassandra-multicluster", {
    policies: [...rules.map((r) => toPolicy(r)), previewCoverage()],
});

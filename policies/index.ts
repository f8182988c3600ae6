import { PolicyPack } from "@pulumi/policy";
import { toStackPolicy } from "./pack";
import { rules } from "./rules";

// Only the pack lives here: constructing it starts the policy server, so tests import the rules.
new PolicyPack("cassandra-multicluster", { policies: rules.map(toStackPolicy) });

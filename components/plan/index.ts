import { CONFIG_ERROR, Settings } from "../config";
import { throwIfProblems } from "../errors";
import { DnsPlan, planDns } from "./dns-plan";
import { FirewallRulePlan, planFirewall } from "./firewall-plan";
import { NetworkPlan, planNetwork } from "./network-plan";
import { PkiPlan, planPki } from "./pki-plan";
import { buildTopology, Topology, validateTopology } from "./topology";

export * from "./cidr";
export * from "./dns-plan";
export * from "./firewall-plan";
export * from "./network-plan";
export * from "./pki-plan";
export * from "./cassandra-config";
export * from "./datacenter-spec";
export * from "./datacenter-status";
export * from "./network-policy";
export * from "./routes";
export * from "./client-bundle";
export * from "./topology";

/** Everything the components, the policies, the offline renderer and the e2e harness derive from config. */
export interface Plan {
    readonly settings: Settings;
    readonly topology: Topology;
    readonly network: NetworkPlan;
    readonly firewall: readonly FirewallRulePlan[];
    readonly dns: DnsPlan;
    readonly pki: PkiPlan;
}

/** Builds the whole plan, or throws every problem found, before any resource exists. */
export function buildPlan(settings: Settings): Plan {
    const topology = buildTopology(settings);
    const net = planNetwork(settings);
    throwIfProblems(CONFIG_ERROR, [...validateTopology(settings, topology), ...net.problems]);
    const network = net.plan as NetworkPlan;
    return {
        settings,
        topology,
        network,
        firewall: planFirewall(settings, network.datacenters),
        dns: planDns(settings.dns, topology),
        pki: planPki(settings, topology),
    };
}

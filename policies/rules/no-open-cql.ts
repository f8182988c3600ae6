import {
    firewallExposureProblems,
    serviceExposureProblems,
} from "../../components/checks/exposure";
import { describe, isKind, Rule } from "../resource";

/** CQL only from declared client ranges; the management API never leaves the cluster. */
export const noOpenCql: Rule = {
    name: "no-open-cql",
    description:
        "No LoadBalancer/NodePort Service exposes 9042/9142 without loadBalancerSourceRanges or to 0.0.0.0/0 or ::/0; no firewall rule opens 9042/9142/8080 to everyone; the management API (8080) is never exposed outside the cluster.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
        "Set loadBalancerSourceRanges (and firewall sourceRanges) to the application ranges in clientCidrs; expose CQL through an ingress layer rather than by hand; keep 8080 on ClusterIP.",
    check(resources) {
        const services = resources
            .filter((r) => isKind(r, "core", "Service"))
            .flatMap((r) =>
                serviceExposureProblems(r.props.spec).map((p) => ({
                    message: `${describe(r)}: ${p}`,
                    urn: r.urn,
                })),
            );
        const firewalls = resources
            .filter((r) => r.type === "gcp:compute/firewall:Firewall")
            .flatMap((r) =>
                firewallExposureProblems(r.props).map((p) => ({
                    message: `Firewall ${r.props.name ?? r.name}: ${p}`,
                    urn: r.urn,
                })),
            );
        return [...services, ...firewalls];
    },
};

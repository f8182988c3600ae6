import {
    declaredPublicRanges,
    firewallExposureProblems,
    PUBLIC_CLIENTS_ANNOTATION,
    serviceExposureProblems,
} from "../../components/checks/exposure";
import { describe, isKind, known, PolicyResourceLike, Rule } from "../resource";

const FIREWALL = "gcp:compute/firewall:Firewall";
/** The label every object of a datacenter carries (`ingressLabels`, `components/kubernetes/ingress/types.ts`). */
const DATACENTER_LABEL = "cassandra-multicluster/datacenter";

/**
 * "Service ns/name (datacenter dc1)": the same Service name exists in every datacenter's cluster,
 * so the message names the datacenter from the Service's label. A Service without the label
 * (written by hand) is named as before; the violation's URN tells such Services apart.
 */
function where(r: PolicyResourceLike): string {
    // A label unknown during preview is a symbol, not a string.
    const dc = known(() => r.props.metadata?.labels?.[DATACENTER_LABEL] as unknown);
    return typeof dc === "string" ? `${describe(r)} (datacenter ${dc})` : describe(r);
}

/** CQL only from declared client ranges; the management API never leaves the cluster. */
export const noOpenCql: Rule = {
    name: "no-open-cql",
    description: `No LoadBalancer/NodePort Service exposes 9042/9142 without loadBalancerSourceRanges or to 0.0.0.0/0, ::/0 or anything wider than /8 (unless the Service's ${PUBLIC_CLIENTS_ANNOTATION} annotation lists that range: allowPublicClients); no firewall rule opens 9042/9142/8080 to everyone; the management API (8080) is never exposed outside the cluster.`,
    enforcementLevel: "mandatory",
    severity: "critical",
    // Each Service or firewall rule is judged by its own spec: a resource policy sees it at preview.
    scope: "resource",
    appliesTo: (type) => isKind(type, "core", "Service") || type === FIREWALL,
    remediationSteps: `Set loadBalancerSourceRanges (and firewall sourceRanges) to the application ranges in clientCidrs; expose CQL through an ingress layer rather than by hand; keep 8080 on ClusterIP. A deliberate internet-wide entry point lists its open ranges in the ${PUBLIC_CLIENTS_ANNOTATION} annotation.`,
    check(resources) {
        const services = resources
            .filter((r) => isKind(r, "core", "Service"))
            .flatMap((r) =>
                serviceExposureProblems(
                    r.props.spec,
                    declaredPublicRanges(r.props.metadata?.annotations),
                ).map((p) => ({ message: `${where(r)}: ${p}`, urn: r.urn })),
            );
        const firewalls = resources
            .filter((r) => r.type === FIREWALL)
            .flatMap((r) =>
                firewallExposureProblems(r.props).map((p) => ({
                    message: `Firewall ${r.props.name ?? r.name}: ${p}`,
                    urn: r.urn,
                })),
            );
        return [...services, ...firewalls];
    },
};

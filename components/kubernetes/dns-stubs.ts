import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StubForward } from "../plan/dns-plan";
import { AWAIT_LOAD_BALANCER_ADDRESS } from "./awaits";

/** How a cluster's DNS takes forwarding rules. */
export const DNS_FLAVORS = ["kube-dns", "coredns"] as const;
export type DnsFlavor = (typeof DNS_FLAVORS)[number];

/** One cluster taking part in stub-domain discovery. */
export interface DnsStubCluster {
    /** Datacenter name; forwards refer to clusters by it. */
    readonly name: string;
    /** Provider of the datacenter's cluster. */
    readonly provider: k8s.Provider;
    /**
     * `kube-dns` (GKE's default): `stubDomains` in the `kube-system/kube-dns` ConfigMap.
     * `coredns`: server blocks in `kube-system/coredns-custom`, the file k3s and AKS import;
     * on other CoreDNS installs the Corefile needs `import /etc/coredns/custom/*.server`.
     */
    readonly flavor: DnsFlavor;
    /** Annotations that make the DNS load balancer internal on this cloud (GKE: `networking.gke.io/load-balancer-type: Internal`). */
    readonly loadBalancerAnnotations: Readonly<Record<string, string>>;
    /** Only these ranges (the other clusters' pods and nodes) may query this cluster's DNS. */
    readonly allowedSourceRanges: readonly string[];
    /** Domains this cluster forwards, from `planDns`. */
    readonly forwards: readonly StubForward[];
}

export interface DnsStubsArgs {
    readonly clusters: readonly DnsStubCluster[];
}

/**
 * Cross-cluster discovery without Cloud DNS: each cluster's DNS is published on a load balancer
 * reachable only from the other clusters, and each cluster forwards the other datacenters'
 * service suffixes to it.
 */
export class DnsStubs extends pulumi.ComponentResource {
    /** Per datacenter: the address its cluster DNS answers on for the other clusters. */
    public readonly dnsAddresses: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: DnsStubsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:kubernetes:DnsStubs", name, args, opts);
        const addresses: Record<string, pulumi.Output<string>> = {};
        for (const c of args.clusters) {
            const svc = new k8s.core.v1.Service(
                `${name}-${c.name}-dns`,
                {
                    metadata: {
                        name: "cross-cluster-dns",
                        namespace: "kube-system",
                        annotations: {
                            ...c.loadBalancerAnnotations,
                            ...AWAIT_LOAD_BALANCER_ADDRESS,
                        },
                        labels: { "app.kubernetes.io/managed-by": "cassandra-multicluster" },
                    },
                    spec: {
                        type: "LoadBalancer",
                        // kube-dns and CoreDNS deployments both carry this label.
                        selector: { "k8s-app": "kube-dns" },
                        ports: [
                            { name: "dns-udp", port: 53, targetPort: 53, protocol: "UDP" },
                            { name: "dns-tcp", port: 53, targetPort: 53, protocol: "TCP" },
                        ],
                        loadBalancerSourceRanges: [...c.allowedSourceRanges],
                    },
                },
                { parent: this, provider: c.provider },
            );
            addresses[c.name] = svc.status.loadBalancer.ingress.apply(
                (ingress) => ingress?.[0]?.ip ?? ingress?.[0]?.hostname ?? "",
            );
        }

        for (const c of args.clusters) {
            if (c.forwards.length === 0) {
                continue;
            }
            const targets = pulumi.all(c.forwards.map((f) => addresses[f.target]));
            const metadata = {
                namespace: "kube-system",
                // The ConfigMap may already exist (GKE and k3s create them); take it over.
                annotations: { "pulumi.com/patchForce": "true" },
                labels: { "app.kubernetes.io/managed-by": "cassandra-multicluster" },
            };
            const data = targets.apply((ips) =>
                c.flavor === "kube-dns"
                    ? kubeDnsStubDomains(c.forwards, ips)
                    : corednsServerBlocks(c.forwards, ips),
            );
            new k8s.core.v1.ConfigMap(
                `${name}-${c.name}-forwarding`,
                {
                    metadata: {
                        ...metadata,
                        name: c.flavor === "kube-dns" ? "kube-dns" : "coredns-custom",
                    },
                    data,
                },
                { parent: this, provider: c.provider },
            );
        }

        this.dnsAddresses = pulumi.all(addresses);
        this.registerOutputs({ dnsAddresses: this.dnsAddresses });
    }
}

/** The `stubDomains` key of the kube-dns ConfigMap: a JSON map of domain to nameserver IPs. */
export function kubeDnsStubDomains(
    forwards: readonly StubForward[],
    ips: readonly string[],
): Record<string, string> {
    const stubDomains: Record<string, string[]> = {};
    forwards.forEach((f, i) => (stubDomains[f.domain] = [ips[i]]));
    return { stubDomains: JSON.stringify(stubDomains) };
}

/** One CoreDNS server block per forwarded domain, keyed `<domain>.server` as coredns-custom expects. */
export function corednsServerBlocks(
    forwards: readonly StubForward[],
    ips: readonly string[],
): Record<string, string> {
    const out: Record<string, string> = {};
    forwards.forEach((f, i) => {
        out[`${f.domain}.server`] =
            `${f.domain}:53 {\n    errors\n    cache 30\n    forward . ${ips[i]}\n}\n`;
    });
    return out;
}

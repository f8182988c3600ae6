import type { IngressKind, KeyAlgorithm, Settings } from "../config";
import type { NodePlan, Topology } from "./topology";

/**
 * What every certificate must say: subjects, SANs and usages, computed from the topology so the
 * names a node is reached by and the names on its certificate cannot drift apart.
 */

export interface KeySpec {
    readonly algorithm: KeyAlgorithm;
    /** P256 or P384 for ECDSA. */
    readonly ecdsaCurve: "P256" | "P384";
    /** 3072 or 4096 for RSA. */
    readonly rsaBits: number;
}

export interface CertificatePlan {
    /** Stable identifier: the node's pod name, or `client-<name>`. */
    readonly id: string;
    readonly commonName: string;
    readonly dnsNames: readonly string[];
    readonly usages: readonly string[];
    readonly validityHours: number;
    readonly earlyRenewalHours: number;
}

export interface NodeCertificatePlan extends CertificatePlan {
    readonly datacenter: string;
    readonly node: NodePlan;
}

/** One generation of the cluster CA. */
export interface CaPlan {
    readonly generation: number;
    readonly commonName: string;
    readonly organization: string;
    readonly validityHours: number;
    readonly earlyRenewalHours: number;
    readonly usages: readonly string[];
}

export interface PkiPlan {
    readonly key: KeySpec;
    /** The CA generation that issues every node and client certificate. */
    readonly ca: CaPlan;
    /**
     * Every CA generation nodes and clients trust (their `ca.pem`): the issuing one, and during a
     * rotation (`tls.caRotation`) the next one too — or, while issuing from the next, the previous.
     */
    readonly trusted: readonly CaPlan[];
    /** The rotation phase under way, if any. */
    readonly rotation?: "add-new-ca" | "issue-from-new-ca";
    readonly nodes: readonly NodeCertificatePlan[];
    readonly clients: readonly CertificatePlan[];
    readonly requireClientAuth: boolean;
}

/** Ingress layers that route by SNI through one shared entry point per datacenter. */
export const SNI_INGRESS: readonly IngressKind[] = ["traefik", "istio", "kong", "gateway-api"];

/** Nodes are servers to clients and to each other, and clients of each other for internode TLS. */
export const NODE_USAGES = [
    "digital_signature",
    "key_encipherment",
    "server_auth",
    "client_auth",
] as const;
export const CLIENT_USAGES = ["digital_signature", "key_encipherment", "client_auth"] as const;
export const CA_USAGES = ["cert_signing", "crl_signing"] as const;

/**
 * The DNS name of a datacenter's shared SNI entry point. DataStax drivers in SNI mode verify the
 * node's certificate against this name, not the node's own, so every node certificate carries it.
 */
export function entryPointName(datacenter: string, externalDomain: string): string {
    return `${datacenter}.${externalDomain}`;
}

export function planPki(s: Settings, t: Topology): PkiPlan {
    const tls = s.tls;
    const sni = SNI_INGRESS.includes(s.ingress) && s.externalDomain !== undefined;
    const nodes = t.datacenters.flatMap((dc) =>
        dc.nodes.map((node): NodeCertificatePlan => {
            const { allPods } = dc.services;
            const namespace = dc.namespace;
            const dnsNames = [
                node.fqdn,
                // Short forms resolve through the search path inside the node's own cluster.
                `${node.podName}.${allPods}`,
                `${node.podName}.${allPods}.${namespace}`,
                `${node.podName}.${allPods}.${namespace}.svc`,
                ...(node.externalName ? [node.externalName] : []),
                ...(sni ? [entryPointName(dc.name, s.externalDomain as string)] : []),
            ];
            return {
                id: node.podName,
                datacenter: dc.name,
                node,
                commonName: node.podName,
                dnsNames,
                usages: NODE_USAGES,
                validityHours: tls.certificateValidityHours,
                earlyRenewalHours: tls.earlyRenewalHours,
            };
        }),
    );
    const clients = tls.clientCertificates.map((name): CertificatePlan => ({
        id: `client-${name}`,
        commonName: name,
        dnsNames: [],
        usages: CLIENT_USAGES,
        validityHours: tls.certificateValidityHours,
        earlyRenewalHours: tls.earlyRenewalHours,
    }));
    const caOf = (generation: number): CaPlan => ({
        generation,
        // Distinct subjects, so verifiers never confuse two generations' certificates.
        commonName: `${s.clusterName} Cassandra CA${generation > 1 ? ` ${generation}` : ""}`,
        organization: "cassandra-multicluster",
        validityHours: tls.caValidityHours,
        earlyRenewalHours: tls.earlyRenewalHours,
        usages: CA_USAGES,
    });
    const g = tls.caGeneration;
    return {
        key: { algorithm: tls.keyAlgorithm, ecdsaCurve: "P256", rsaBits: tls.rsaBits },
        ca: caOf(tls.caRotation === "issue-from-new-ca" ? g + 1 : g),
        trusted: tls.caRotation ? [caOf(g), caOf(g + 1)] : [caOf(g)],
        ...(tls.caRotation ? { rotation: tls.caRotation } : {}),
        nodes,
        clients,
        requireClientAuth: tls.requireClientAuth,
    };
}

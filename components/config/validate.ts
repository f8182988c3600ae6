import { problem, Problem } from "../errors";
import { BrokenValues, Intact, NOTHING_BROKEN } from "./broken-values";
import type { Settings } from "./schema";
import { validateDatacenter } from "./validate-datacenter";
import { validateExposure, validatePrivateRanges } from "./validate-exposure";

/**
 * Cross-field rules the schema cannot express; CIDR layout rules live in the network plan.
 * `broken` names values that failed the schema: rules reading them are skipped.
 */
export function validateSettings(s: Settings, broken: BrokenValues = NOTHING_BROKEN): Problem[] {
    const ok = (...paths: string[]) => !paths.some((p) => broken.touches(p));
    const problems: Problem[] = [];
    const names = new Map<string, number>();
    const onGke = s.existingClusters === undefined;
    s.datacenters.forEach((dc, i) => {
        const path = `datacenters[${i}]`;
        const first = names.get(dc.name);
        if (!ok(`${path}.name`)) {
            // a broken name is reported by the schema
        } else if (first !== undefined) {
            problems.push(
                problem(
                    `${path}.name`,
                    `duplicate datacenter name "${dc.name}" (also datacenters[${first}]); datacenter names must be unique`,
                ),
            );
        } else {
            names.set(dc.name, i);
        }
        const okHere = (...fields: string[]) => ok(...fields.map((f) => `${path}.${f}`));
        problems.push(...validateDatacenter(dc, path, onGke, okHere));
    });
    const allNames = ok(...s.datacenters.map((_, i) => `datacenters[${i}].name`));
    if (s.existingClusters) {
        if (allNames && !broken.has("existingClusters")) {
            problems.push(...validateExistingClusters(s));
        }
        if (s.dns === "cloud-dns" && ok("dns")) {
            problems.push(
                problem(
                    "dns",
                    `"cloud-dns" needs GKE clusters created by this stack; with existingClusters use "stub" or "none"`,
                ),
            );
        }
    }
    if (s.ingress !== "none" && ok("ingress")) {
        if (!s.externalDomain && ok("externalDomain")) {
            problems.push(
                problem(
                    "externalDomain",
                    `ingress "${s.ingress}" gives every node an external name under externalDomain; set it, e.g. cassandra.example.com`,
                ),
            );
        }
        if (s.clientCidrs.length === 0 && ok("clientCidrs")) {
            problems.push(
                problem(
                    "clientCidrs",
                    `ingress "${s.ingress}" exposes the native transport; list the client ranges allowed to reach port 9042, e.g. ["203.0.113.0/24"]`,
                ),
            );
        }
    }
    problems.push(...validateTls(s.tls, (...f) => ok(...f.map((x) => `tls.${x}`))));
    if (
        s.storageCompatibilityMode !== undefined &&
        s.serverVersion.startsWith("4.") &&
        ok("storageCompatibilityMode", "serverVersion")
    ) {
        problems.push(
            problem(
                "storageCompatibilityMode",
                `is a Cassandra 5.0 setting; serverVersion is ${s.serverVersion}. To upgrade, set serverVersion 5.0.x with storageCompatibilityMode CASSANDRA_4 (README "Upgrading Cassandra")`,
            ),
        );
    }
    if (s.allowPlaintextNativeTransport && s.ingress !== "none" && ok("ingress")) {
        problems.push(
            problem(
                "allowPlaintextNativeTransport",
                `plaintext CQL cannot be exposed through ingress "${s.ingress}": credentials and data would cross the network unencrypted; remove allowPlaintextNativeTransport or set ingress: none`,
            ),
        );
    }
    if (s.allowPlaintextNativeTransport && s.tls.requireClientAuth && ok("tls.requireClientAuth")) {
        problems.push(
            problem(
                "allowPlaintextNativeTransport",
                `mutual TLS (tls.requireClientAuth) needs client encryption; remove allowPlaintextNativeTransport`,
            ),
        );
    }
    if (
        s.ingress !== "none" &&
        s.ingress !== "loadbalancer" &&
        s.ingressController.preinstalled &&
        !s.ingressController.address &&
        ok("ingress", "ingressController.preinstalled", "ingressController.address")
    ) {
        problems.push(
            problem(
                "ingressController.address",
                `ingress "${s.ingress}" is declared preinstalled; give its entry point's address or host name so the node records can point at it`,
            ),
        );
    }
    if (
        s.ingressController.k3s &&
        !(s.ingress === "traefik" && s.ingressController.preinstalled) &&
        ok("ingress", "ingressController.preinstalled", "ingressController.k3s")
    ) {
        problems.push(
            problem(
                "ingressController.k3s",
                `k3s configures only its own bundled Traefik: use it with ingress "traefik" and ingressController.preinstalled: true (got ingress "${s.ingress}", preinstalled ${s.ingressController.preinstalled})`,
            ),
        );
    }
    const sizes = s.datacenters.map((_, i) => `datacenters[${i}].size`);
    if (s.ingress === "loadbalancer" && ok("maxLoadBalancerAddresses", ...sizes)) {
        const nodes = s.datacenters.reduce((n, d) => n + d.size, 0);
        if (nodes > s.maxLoadBalancerAddresses) {
            problems.push(
                problem(
                    "maxLoadBalancerAddresses",
                    `ingress "loadbalancer" needs one address per node: ${nodes} nodes exceed the budget of ${s.maxLoadBalancerAddresses}; raise maxLoadBalancerAddresses or use an SNI layer (traefik, istio, kong, gateway-api) with one address per datacenter`,
                ),
            );
        }
    }
    problems.push(...validateExposure(s, ok));
    problems.push(...validatePrivateRanges(s, ok));
    return problems;
}

function validateTls(tls: Settings["tls"], ok: Intact): Problem[] {
    const problems: Problem[] = [];
    if (
        tls.clientCertificates.length > 0 &&
        !tls.requireClientAuth &&
        ok("clientCertificates", "requireClientAuth")
    ) {
        problems.push(
            problem(
                "tls.clientCertificates",
                `client certificates ${JSON.stringify(tls.clientCertificates)} are only checked with mutual TLS; set tls.requireClientAuth: true or remove them`,
            ),
        );
    }
    if (
        tls.requireClientAuth &&
        tls.clientCertificates.length === 0 &&
        ok("clientCertificates", "requireClientAuth")
    ) {
        problems.push(
            problem(
                "tls.requireClientAuth",
                `with mutual TLS every client needs a certificate signed by the cluster CA; list the applications in tls.clientCertificates, e.g. ["orders-service"]`,
            ),
        );
    }
    if (
        tls.certificateValidityHours > tls.caValidityHours &&
        ok("certificateValidityHours", "caValidityHours")
    ) {
        problems.push(
            problem(
                "tls.certificateValidityHours",
                `${tls.certificateValidityHours}h outlives the CA (tls.caValidityHours ${tls.caValidityHours}h); node certificates must expire before their CA`,
            ),
        );
    }
    if (
        tls.earlyRenewalHours >= tls.certificateValidityHours &&
        ok("earlyRenewalHours", "certificateValidityHours")
    ) {
        problems.push(
            problem(
                "tls.earlyRenewalHours",
                `${tls.earlyRenewalHours}h is not shorter than the certificate validity ${tls.certificateValidityHours}h; every run would renew`,
            ),
        );
    }
    return problems;
}

function validateExistingClusters(s: Settings): Problem[] {
    const problems: Problem[] = [];
    const clusters = s.existingClusters ?? {};
    const dcNames = new Set(s.datacenters.map((d) => d.name));
    for (const dc of s.datacenters) {
        if (!clusters[dc.name]) {
            problems.push(
                problem(
                    `existingClusters.${dc.name}`,
                    `datacenter "${dc.name}" has no existing cluster; with existingClusters every datacenter needs an entry (${[...dcNames].join(", ")})`,
                ),
            );
        }
    }
    for (const key of Object.keys(clusters)) {
        if (!dcNames.has(key)) {
            problems.push(
                problem(
                    `existingClusters.${key}`,
                    `"${key}" is not a declared datacenter; entries must be keyed by datacenter name (${[...dcNames].join(", ")})`,
                ),
            );
        }
    }
    if (s.network.ranges) {
        problems.push(
            problem(
                "network.ranges",
                `existing clusters declare their ranges in existingClusters.<dc>.podCidr/serviceCidr/nodeCidr; remove network.ranges`,
            ),
        );
    }
    return problems;
}

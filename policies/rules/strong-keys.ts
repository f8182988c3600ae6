import { CERTIFICATE_SET_TYPE } from "../../components/pki/certificate-set";
import { PolicyResourceLike, Rule, setting, Violation } from "../resource";

const KEY = "tls:index/privateKey:PrivateKey";
const SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert";
const LOCALLY_SIGNED = "tls:index/locallySignedCert:LocallySignedCert";
const CSR = "tls:index/certRequest:CertRequest";
const CA_COMPONENT = "cassandra-multicluster:pki:CertificateAuthority";

/** Curves and sizes below these are breakable or deprecated (NIST SP 800-57). */
const STRONG_CURVES = ["P256", "P384", "P521"];
const MIN_RSA_BITS = 2048;
const MIN_CA_RSA_BITS = 3072;
/** The provider's defaults when a key leaves these unset. */
const DEFAULT_RSA_BITS = 2048;
const DEFAULT_CURVE = "P224";

/**
 * Keys are strong, CAs are CAs, and server certificates name what they serve and expire in
 * time. Which key belongs to a CA and which request belongs to a certificate is read from the
 * resources' property dependencies (present at preview; the offline plan derives them from values).
 */
export const strongKeys: Rule = {
    name: "strong-keys",
    description:
        "Keys (tls.PrivateKey, CertificateSet) are RSA >= 2048 (3072 for CAs) or ECDSA >= P-256; CA certificates are CA certificates; node certificates carry SANs and a validity within the configured maximum.",
    enforcementLevel: "mandatory",
    severity: "high",
    // Which key signs a CA and which CA signs a certificate is only in the property
    // dependencies between resources, which the engine hands to stack policies.
    scope: "stack",
    appliesTo: (type) => type.startsWith("tls:index/") || type === CERTIFICATE_SET_TYPE,
    remediationSteps:
        "Use the CertificateAuthority/NodeCertificates components (ECDSA P-256 by default, RSA 3072/4096 by tls.keyAlgorithm) or match their settings.",
    configSchema: {
        properties: {
            maxCertificateValidityHours: {
                type: "integer",
                default: 8760,
                description: "Longest validity accepted for certificates signed by a CA.",
            },
        },
    },
    check(resources, config) {
        const maxHours = setting<number>(strongKeys, config, "maxCertificateValidityHours");
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        // Dependencies are read through the stack's own list, which holds every resource's final props.
        const deps = (r: PolicyResourceLike, prop: string) =>
            (r.propertyDependencies?.[prop] ?? []).map((d) => byUrn.get(d.urn) ?? d);
        const caKeys = new Set(
            resources
                .filter((r) => r.type === SELF_SIGNED && r.props.isCaCertificate === true)
                .flatMap((r) => deps(r, "privateKeyPem"))
                .filter((k) => k.type === KEY)
                .map((k) => k.urn),
        );
        const signerProblems = (r: PolicyResourceLike) =>
            deps(r, "caCertPem")
                .filter((d) => d.type === SELF_SIGNED || d.type === LOCALLY_SIGNED)
                .filter((ca) => ca.props.isCaCertificate !== true)
                .map(
                    (ca) =>
                        `signed by ${ca.name}, which is not a CA certificate (isCaCertificate is not true)`,
                );
        const validityProblems = (hours: unknown) =>
            typeof hours === "number" && hours > maxHours
                ? [
                      `validity ${hours} h exceeds the maximum of ${maxHours} h (policy setting maxCertificateValidityHours)`,
                  ]
                : [];
        const violations: Violation[] = [];
        for (const r of resources) {
            const add = (message: string) =>
                violations.push({
                    message: `${r.type.split(":").pop()} ${r.name}: ${message}`,
                    urn: r.urn,
                });
            if (r.type === KEY) {
                keyProblems(r, caKeys.has(r.urn) || r.parent?.type === CA_COMPONENT).forEach(add);
            } else if (r.type === SELF_SIGNED && r.props.isCaCertificate === true) {
                const uses: string[] = r.props.allowedUses ?? [];
                if (!uses.includes("cert_signing")) {
                    add(`CA certificate allowedUses ${JSON.stringify(uses)} lack "cert_signing"`);
                }
            } else if (r.type === CERTIFICATE_SET_TYPE) {
                // The key type is the set's, names and validity each certificate's own
                // (components/pki/certificate-set.ts `CertificateSetInputs`).
                keyProblems({ props: r.props.key ?? {} }, false).forEach(add);
                signerProblems(r).forEach(add);
                const certificates: Record<
                    string,
                    { validityHours?: unknown; usages?: string[]; dnsNames?: string[] }
                > = r.props.certificates ?? {};
                for (const [id, spec] of Object.entries(certificates)) {
                    validityProblems(spec.validityHours).forEach((m) => add(`${id}: ${m}`));
                    const uses: string[] = spec.usages ?? [];
                    if (uses.includes("server_auth") && (spec.dnsNames ?? []).length === 0) {
                        add(
                            `${id}: server certificate has no subject alternative names; clients verify the names they connect to`,
                        );
                    }
                }
            } else if (r.type === LOCALLY_SIGNED) {
                signerProblems(r).forEach(add);
                validityProblems(r.props.validityPeriodHours).forEach(add);
                const uses: string[] = r.props.allowedUses ?? [];
                if (uses.includes("server_auth")) {
                    for (const csr of deps(r, "certRequestPem").filter((d) => d.type === CSR)) {
                        const sans = [
                            ...(csr.props.dnsNames ?? []),
                            ...(csr.props.ipAddresses ?? []),
                        ];
                        if (sans.length === 0) {
                            add(
                                `server certificate from request ${csr.name} has no subject alternative names; clients verify the names they connect to`,
                            );
                        }
                    }
                }
            }
        }
        return violations;
    },
};

function keyProblems(r: Pick<PolicyResourceLike, "props">, isCa: boolean): string[] {
    const p = r.props;
    if (p.algorithm === "RSA") {
        const bits = p.rsaBits ?? DEFAULT_RSA_BITS;
        const min = isCa ? MIN_CA_RSA_BITS : MIN_RSA_BITS;
        return bits < min
            ? [`RSA ${bits} bits is below the ${min} required${isCa ? " for a CA key" : ""}`]
            : [];
    }
    if (p.algorithm === "ECDSA") {
        const curve = p.ecdsaCurve ?? DEFAULT_CURVE;
        return STRONG_CURVES.includes(curve)
            ? []
            : [`ECDSA curve ${curve} is weaker than P-256; use P256 or P384`];
    }
    return [];
}

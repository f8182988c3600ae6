import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { CertificatePlan, KeySpec } from "../plan/pki-plan";
import { privateKey } from "./certificate-authority";

/** NodeCertificatesArgs list the certificates to issue, straight from the PKI plan. */
export interface NodeCertificatesArgs {
    readonly key: KeySpec;
    /** Node and client certificates from `planPki`. */
    readonly certificates: readonly CertificatePlan[];
    readonly caCertPem: pulumi.Input<string>;
    /** The CA private key. Secret. */
    readonly caKeyPem: pulumi.Input<string>;
}

/** An issued certificate and its key. */
export interface IssuedCertificate {
    readonly certPem: pulumi.Output<string>;
    /**
     * The private key as PKCS#8 PEM ("BEGIN PRIVATE KEY"). Secret. Cassandra's `PEMReader`
     * (apache/cassandra 5.0.5 `org.apache.cassandra.security.PEMReader.extractPrivateKey`) reads
     * only PKCS#8, while the provider's `privateKeyPem` is SEC1 for ECDSA and PKCS#1 for RSA
     * (terraform-provider-tls v4.2.1 `resource_private_key.go`, `Create`).
     */
    readonly keyPem: pulumi.Output<string>;
}

/** One key and CA-signed certificate per plan entry: each node gets its own identity, never a shared one. */
export class NodeCertificates extends pulumi.ComponentResource {
    /** By plan id (the pod name, or `client-<name>`). */
    public readonly issued: Readonly<Record<string, IssuedCertificate>>;

    constructor(name: string, args: NodeCertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:pki:NodeCertificates", name, args, opts);
        const issued: Record<string, IssuedCertificate> = {};
        for (const c of args.certificates) {
            const key = privateKey(`${name}-${c.id}-key`, args.key, this);
            const csr = new tls.CertRequest(
                `${name}-${c.id}-csr`,
                {
                    privateKeyPem: key.privateKeyPem,
                    subject: { commonName: c.commonName, organization: "cassandra-multicluster" },
                    dnsNames: [...c.dnsNames],
                },
                { parent: key },
            );
            const cert = new tls.LocallySignedCert(
                `${name}-${c.id}-cert`,
                {
                    certRequestPem: csr.certRequestPem,
                    caCertPem: args.caCertPem,
                    caPrivateKeyPem: args.caKeyPem,
                    allowedUses: [...c.usages],
                    validityPeriodHours: c.validityHours,
                    earlyRenewalHours: c.earlyRenewalHours,
                    setSubjectKeyId: true,
                },
                { parent: key },
            );
            issued[c.id] = {
                certPem: cert.certPem,
                keyPem: pulumi.secret(key.privateKeyPemPkcs8),
            };
        }
        this.issued = issued;
        this.registerOutputs({ issued });
    }
}

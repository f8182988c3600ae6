import * as pulumi from "@pulumi/pulumi";
import type { CertificatePlan, KeySpec } from "../plan/pki-plan";
import { NodeCertificate } from "./node-certificate";

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
     * only PKCS#8.
     */
    readonly keyPem: pulumi.Output<string>;
}

/**
 * One key and CA-signed certificate per plan entry: each node gets its own identity, never a
 * shared one, as one `NodeCertificate` resource (key and certificate together).
 */
export class NodeCertificates extends pulumi.ComponentResource {
    /** By plan id (the pod name, or `client-<name>`). */
    public readonly issued: Readonly<Record<string, IssuedCertificate>>;

    constructor(name: string, args: NodeCertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:pki:NodeCertificates", name, args, opts);
        const issued: Record<string, IssuedCertificate> = {};
        for (const c of args.certificates) {
            const cert = new NodeCertificate(
                `${name}-${c.id}`,
                {
                    spec: {
                        key: args.key,
                        commonName: c.commonName,
                        organization: "cassandra-multicluster",
                        dnsNames: [...c.dnsNames],
                        usages: [...c.usages],
                        validityHours: c.validityHours,
                        earlyRenewalHours: c.earlyRenewalHours,
                    },
                    caCertPem: args.caCertPem,
                    caKeyPem: args.caKeyPem,
                },
                { parent: this },
            );
            issued[c.id] = { certPem: cert.certPem, keyPem: cert.keyPem };
        }
        this.issued = issued;
        this.registerOutputs({ issued });
    }
}

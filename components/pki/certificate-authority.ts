import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { KeySpec } from "../plan/pki-plan";

/** CertificateAuthorityArgs describe the cluster CA that signs every node and client certificate. */
export interface CertificateAuthorityArgs {
    /** Key type and size. ECDSA P-256 by default; RSA 3072/4096 where clients need RSA. */
    readonly key: KeySpec;
    readonly commonName: string;
    readonly organization: string;
    /** Validity of the CA certificate, in hours. */
    readonly validityHours: number;
    /** Re-issue the CA this many hours before it expires. */
    readonly earlyRenewalHours: number;
    /** Key usages of the CA certificate: only signing. */
    readonly usages: readonly string[];
    /** An existing CA to use instead of generating one (PEM). The key must be a Pulumi secret. */
    readonly existing?: {
        readonly certPem: pulumi.Input<string>;
        readonly keyPem: pulumi.Input<string>;
    };
}

/** A self-signed CA (or an existing one) shared by every datacenter, so nodes trust each other across clusters. */
export class CertificateAuthority extends pulumi.ComponentResource {
    /** The CA certificate, PEM: the trust anchor clients and nodes use. */
    public readonly certPem: pulumi.Output<string>;
    /** The CA private key, PEM. Secret. */
    public readonly keyPem: pulumi.Output<string>;

    constructor(
        name: string,
        args: CertificateAuthorityArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("cassandra-multicluster:pki:CertificateAuthority", name, args, opts);
        if (args.existing) {
            this.certPem = pulumi.output(args.existing.certPem);
            this.keyPem = pulumi.secret(args.existing.keyPem);
        } else {
            const key = privateKey(`${name}-key`, args.key, this);
            const cert = new tls.SelfSignedCert(
                `${name}-cert`,
                {
                    privateKeyPem: key.privateKeyPem,
                    isCaCertificate: true,
                    setSubjectKeyId: true,
                    allowedUses: [...args.usages],
                    subject: { commonName: args.commonName, organization: args.organization },
                    validityPeriodHours: args.validityHours,
                    earlyRenewalHours: args.earlyRenewalHours,
                },
                { parent: this },
            );
            this.certPem = cert.certPem;
            this.keyPem = pulumi.secret(key.privateKeyPem);
        }
        this.registerOutputs({ certPem: this.certPem, keyPem: this.keyPem });
    }
}

/** A private key of the configured type; its PEM is a secret in state and outputs. */
export function privateKey(name: string, spec: KeySpec, parent: pulumi.Resource): tls.PrivateKey {
    return new tls.PrivateKey(
        name,
        spec.algorithm === "ECDSA"
            ? { algorithm: "ECDSA", ecdsaCurve: spec.ecdsaCurve }
            : { algorithm: "RSA", rsaBits: spec.rsaBits },
        {
            parent,
            additionalSecretOutputs: ["privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"],
        },
    );
}

import * as pulumi from "@pulumi/pulumi";
import type { CertificatePlan, KeySpec } from "../plan/pki-plan";

/**
 * One node's (or client's) own key and CA-signed certificate as ONE resource. `@pulumi/tls` needs
 * three per certificate (`PrivateKey`, `CertRequest`, `LocallySignedCert`), which made PKI half of
 * a 300-node stack's resources, each one a registration, a `Check` and a `Diff` in every preview.
 * This dynamic resource keeps what those three gave: a key of its own per node that never leaves
 * the stack's state (a secret there), a certificate with exactly the planned names, re-issued in
 * its renewal window, and a preview that names the node whose certificate changes.
 *
 * The provider is serialized into the stack and run by the engine's dynamic provider process
 * (`@pulumi/pulumi/cmd/dynamic-provider`), so everything it uses is `require`d inside it, as in
 * `lifecycle/replication-guard.ts`: a closure over imported modules does not serialize
 * everywhere, while `require` is resolved again in the provider process.
 */

/**
 * What the plan decides about one certificate (`usages` in terraform-provider-tls `allowed_uses`
 * names, as the CA's `SelfSignedCert` takes them), with the key type and the subject's organization.
 */
export interface NodeCertificateSpec extends Omit<CertificatePlan, "id"> {
    readonly key: KeySpec;
    readonly organization: string;
}

/**
 * The resource's inputs. Few top-level properties on purpose: the SDK makes an output with its
 * own promises for each one of every resource (@pulumi/pulumi `runtime/rpc.js`
 * `transferProperties`), which a 300-node stack pays 300 times.
 */
export interface NodeCertificateInputs {
    readonly spec: NodeCertificateSpec;
    readonly caCertPem: string;
    /** Secret. */
    readonly caKeyPem: string;
}

/** The state adds the key and the certificate. */
export interface NodeCertificateState extends NodeCertificateInputs {
    /** PKCS#8 PEM, the only form Cassandra 5.0.5's `PEMReader.extractPrivateKey` reads. Secret. */
    readonly keyPem: string;
    readonly certPem: string;
    /** ISO 8601; the renewal window is measured from it. */
    readonly notAfter: string;
}

/** The resource's type token, for policies and mocks (`pulumi-nodejs:dynamic/<module>:<type>`). */
export const NODE_CERTIFICATE_TYPE = "pulumi-nodejs:dynamic/cassandra-multicluster:NodeCertificate";

/** Settings whose change re-signs the certificate for the same key. */
const CERTIFICATE_FIELDS = [
    "commonName",
    "organization",
    "dnsNames",
    "usages",
    "validityHours",
] as const;

/**
 * Where this package sits, captured as a string when the provider is serialized. The provider
 * process evaluates the provider with no file name (@pulumi/pulumi 3.248.0
 * `cmd/dynamic-provider/index.js` `getProvider` → `requireFromString(providerString)`), so its
 * `require` searches from the working directory only, whose node_modules need not hold this
 * package's dependencies when the program merely imports the package.
 */
const PACKAGE_DIR = __dirname;

/** A dependency of this package, from the program's directory or else from beside the package. */
function packageModule<T>(name: string): T {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(require.resolve(name, { paths: [process.cwd(), PACKAGE_DIR] })) as T;
}

/**
 * A new private key as PKCS#8 PEM. Curves and sizes as `tls.PrivateKey` takes them (`P256`,
 * `P384`; RSA bits), so a stack's `tls.keyAlgorithm` means the same for the CA and the nodes.
 */
function generateKey(spec: KeySpec): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("node:crypto") as typeof import("node:crypto");
    if (spec.algorithm === "RSA") {
        return crypto
            .generateKeyPairSync("rsa", { modulusLength: spec.rsaBits })
            .privateKey.export({ type: "pkcs8", format: "pem" })
            .toString();
    }
    const curves: Record<string, string> = { P256: "prime256v1", P384: "secp384r1" };
    const curve = curves[spec.ecdsaCurve];
    if (!curve) {
        throw new Error(`unsupported ECDSA curve ${spec.ecdsaCurve}; use P256 or P384`);
    }
    return crypto
        .generateKeyPairSync("ec", { namedCurve: curve })
        .privateKey.export({ type: "pkcs8", format: "pem" })
        .toString();
}

/** The CA as a signer: its subject and key ID, its key imported, and the signature Go would choose. */
interface Issuer {
    readonly subject: string;
    readonly keyId: string | undefined;
    readonly signingKey: import("node:crypto").webcrypto.CryptoKey;
    readonly signing:
        import("node:crypto").webcrypto.Algorithm | import("node:crypto").webcrypto.EcdsaParams;
}

/**
 * One CA signs every certificate of a deployment: it is parsed and imported once per process
 * (the provider process, or the program under mocks), not once per node. The cache hangs off
 * `globalThis`: whatever the provider closes over is serialized with it into every resource's
 * state, and a cache of imported keys belongs to the process, not to the state.
 */
function issuerOf(caCertPem: string, caKeyPem: string): Promise<Issuer> {
    const slot = Symbol.for("cassandra-multicluster.node-certificate.issuers");
    const global = globalThis as unknown as Record<symbol, Map<string, Promise<Issuer>>>;
    const issuers = (global[slot] ??= new Map());
    const id = `${caCertPem}\n${caKeyPem}`;
    let issuer = issuers.get(id);
    if (!issuer) {
        issuer = importIssuer(caCertPem, caKeyPem);
        issuers.set(id, issuer);
    }
    return issuer;
}

async function importIssuer(caCertPem: string, caKeyPem: string): Promise<Issuer> {
    const x509 = packageModule<typeof import("@peculiar/x509")>("@peculiar/x509");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const caKey = crypto.createPrivateKey(caKeyPem);
    let algorithm:
        | import("node:crypto").webcrypto.RsaHashedImportParams
        | import("node:crypto").webcrypto.EcKeyImportParams;
    let signing:
        import("node:crypto").webcrypto.Algorithm | import("node:crypto").webcrypto.EcdsaParams;
    if (caKey.asymmetricKeyType === "rsa") {
        algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
        signing = { name: "RSASSA-PKCS1-v1_5" };
    } else {
        const curves: Record<string, [string, string]> = {
            prime256v1: ["P-256", "SHA-256"],
            secp384r1: ["P-384", "SHA-384"],
            secp521r1: ["P-521", "SHA-512"],
        };
        const named = curves[caKey.asymmetricKeyDetails?.namedCurve ?? ""];
        if (!named) {
            throw new Error(
                `the CA key's curve ${caKey.asymmetricKeyDetails?.namedCurve} cannot sign; use P256 or P384`,
            );
        }
        algorithm = { name: "ECDSA", namedCurve: named[0] };
        signing = { name: "ECDSA", hash: named[1] } as import("node:crypto").webcrypto.EcdsaParams;
    }
    const signingKey = await crypto.webcrypto.subtle.importKey(
        "pkcs8",
        caKey.export({ type: "pkcs8", format: "der" }),
        algorithm,
        false,
        ["sign"],
    );
    const ca = new x509.X509Certificate(caCertPem);
    const caKeyId = (
        ca.getExtension("2.5.29.14") as InstanceType<
            typeof x509.SubjectKeyIdentifierExtension
        > | null
    )?.keyId;
    return { subject: ca.subject, keyId: caKeyId, signingKey, signing };
}

/**
 * Signs `keyPem`'s public key with the CA, as terraform-provider-tls v4.2.1 `LocallySignedCert`
 * does through Go's crypto/x509 (`internal/provider/common_cert.go` `createCertificate`):
 * validity from now, a random positive 128-bit serial, basic constraints CA:FALSE and key usage
 * critical, extended key usages, the DNS names as SANs, the subject key ID and the CA's as
 * authority key ID, signed SHA256WithRSA for an RSA CA and ECDSA with the curve's hash otherwise
 * (crypto/x509 `signingParamsForKey`).
 */
async function signCertificate(
    inputs: NodeCertificateInputs,
    keyPem: string,
): Promise<{ certPem: string; notAfter: string }> {
    // @peculiar/x509 2.x resolves its services through tsyringe, which needs this loaded first.
    packageModule("reflect-metadata");
    const x509 = packageModule<typeof import("@peculiar/x509")>("@peculiar/x509");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("node:crypto") as typeof import("node:crypto");
    // Typed as the DOM's `Crypto` (the two-argument overload's second parameter), which Node's
    // webcrypto implements.
    x509.cryptoProvider.set(
        crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1],
    );
    const issuer = await issuerOf(inputs.caCertPem, inputs.caKeyPem);
    const spki = crypto
        .createPublicKey(crypto.createPrivateKey(keyPem))
        .export({ type: "spki", format: "der" });
    const publicKey = new x509.PublicKey(spki);
    const flags: Record<string, number> = {
        digital_signature: x509.KeyUsageFlags.digitalSignature,
        content_commitment: x509.KeyUsageFlags.nonRepudiation,
        key_encipherment: x509.KeyUsageFlags.keyEncipherment,
        data_encipherment: x509.KeyUsageFlags.dataEncipherment,
        key_agreement: x509.KeyUsageFlags.keyAgreement,
    };
    const purposes: Record<string, string> = {
        server_auth: x509.ExtendedKeyUsage.serverAuth,
        client_auth: x509.ExtendedKeyUsage.clientAuth,
    };
    let keyUsage = 0;
    const extendedKeyUsage: string[] = [];
    for (const use of inputs.spec.usages) {
        if (use in flags) {
            keyUsage |= flags[use];
        } else if (use in purposes) {
            extendedKeyUsage.push(purposes[use]);
        } else {
            throw new Error(`unsupported certificate use "${use}"`);
        }
    }
    const extensions: InstanceType<typeof x509.Extension>[] = [
        new x509.BasicConstraintsExtension(false, undefined, true),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
    ];
    if (keyUsage !== 0) {
        extensions.push(new x509.KeyUsagesExtension(keyUsage, true));
    }
    if (extendedKeyUsage.length > 0) {
        extensions.push(new x509.ExtendedKeyUsageExtension(extendedKeyUsage, false));
    }
    if (inputs.spec.dnsNames.length > 0) {
        extensions.push(
            new x509.SubjectAlternativeNameExtension(
                inputs.spec.dnsNames.map((value) => ({ type: "dns" as const, value })),
                false,
            ),
        );
    }
    if (issuer.keyId) {
        extensions.push(new x509.AuthorityKeyIdentifierExtension(issuer.keyId));
    }
    const escape = (v: string) => v.replace(/[,=+<>#;\\"]/g, "\\$&");
    // Whole seconds, as the certificate's UTCTime holds them: `notAfter` in the state is the certificate's.
    const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
    const notAfter = new Date(notBefore.getTime() + inputs.spec.validityHours * 3600_000);
    // Positive and 128 bits long: the first hex digit below 8.
    const serialNumber = crypto
        .randomBytes(16)
        .toString("hex")
        .replace(/^[89a-f]/, "1");
    const cert = await x509.X509CertificateGenerator.create({
        serialNumber,
        subject: `O=${escape(inputs.spec.organization)}, CN=${escape(inputs.spec.commonName)}`,
        issuer: issuer.subject,
        notBefore,
        notAfter,
        publicKey,
        signingKey: issuer.signingKey,
        signingAlgorithm: issuer.signing,
        extensions,
    });
    return { certPem: cert.toString("pem") + "\n", notAfter: notAfter.toISOString() };
}

/**
 * Whether the certificate needs signing again: a setting it was signed from changed, or it is in
 * its renewal window (`earlyRenewalHours` before `notAfter`), which `tls.LocallySignedCert`
 * reports as `ready_for_renewal` and replaces on the next `pulumi up` (terraform-provider-tls
 * v4.2.1 `common_cert.go` `modifyPlanIfCertificateReadyForRenewal`).
 */
function needsSigning(
    olds: NodeCertificateState,
    news: NodeCertificateInputs,
    now: number,
): boolean {
    const changed =
        CERTIFICATE_FIELDS.some(
            (f) => JSON.stringify(olds.spec[f]) !== JSON.stringify(news.spec[f]),
        ) ||
        olds.caCertPem !== news.caCertPem ||
        olds.caKeyPem !== news.caKeyPem;
    const renewFrom = Date.parse(olds.notAfter) - news.spec.earlyRenewalHours * 3600_000;
    return changed || !(now < renewFrom);
}

function sameKey(a: KeySpec, b: KeySpec): boolean {
    return (
        a.algorithm === b.algorithm &&
        (a.algorithm === "RSA" ? a.rsaBits === b.rsaBits : a.ecdsaCurve === b.ecdsaCurve)
    );
}

function stateOf(
    inputs: NodeCertificateInputs,
    keyPem: string,
    signed: { certPem: string; notAfter: string },
): NodeCertificateState {
    return {
        spec: inputs.spec,
        caCertPem: inputs.caCertPem,
        caKeyPem: inputs.caKeyPem,
        keyPem,
        certPem: signed.certPem,
        notAfter: signed.notAfter,
    };
}

/**
 * A new key spec replaces the resource (a new key, then a certificate for it); any other change
 * re-signs a certificate for the key the node already has, as `tls.PrivateKey` stayed when only
 * the request or the certificate changed. Deleting forgets the key: it lives nowhere else.
 */
export const nodeCertificateProvider = {
    async diff(_id: string, olds: NodeCertificateState, news: NodeCertificateInputs) {
        const newKey = !sameKey(olds.spec.key, news.spec.key);
        return {
            changes: newKey || needsSigning(olds, news, Date.now()),
            replaces: newKey ? ["key"] : [],
            deleteBeforeReplace: false,
        };
    },
    async create(inputs: NodeCertificateInputs) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const crypto = require("node:crypto") as typeof import("node:crypto");
        const keyPem = generateKey(inputs.spec.key);
        const signed = await signCertificate(inputs, keyPem);
        return { id: crypto.randomUUID(), outs: stateOf(inputs, keyPem, signed) };
    },
    async update(_id: string, olds: NodeCertificateState, news: NodeCertificateInputs) {
        return { outs: stateOf(news, olds.keyPem, await signCertificate(news, olds.keyPem)) };
    },
} satisfies pulumi.dynamic.ResourceProvider;

export interface NodeCertificateArgs {
    readonly spec: NodeCertificateSpec;
    readonly caCertPem: pulumi.Input<string>;
    /** The CA private key, any PEM form. Secret. */
    readonly caKeyPem: pulumi.Input<string>;
}

export class NodeCertificate extends pulumi.dynamic.Resource {
    // `declare`: the outputs are set by the resource's constructor from the provider's state; a
    // class field would be defined after `super()` (ES2022 class fields) and reset them.
    declare public readonly certPem: pulumi.Output<string>;
    /** PKCS#8 PEM. Secret. */
    declare public readonly keyPem: pulumi.Output<string>;

    constructor(name: string, args: NodeCertificateArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            nodeCertificateProvider,
            name,
            {
                spec: args.spec,
                caCertPem: args.caCertPem,
                caKeyPem: pulumi.secret(args.caKeyPem),
                keyPem: undefined,
                certPem: undefined,
            },
            { ...opts, additionalSecretOutputs: ["keyPem", "caKeyPem"] },
            "cassandra-multicluster",
            "NodeCertificate",
        );
    }
}

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

/**
 * A dependency of this package, from the program's directory or else from beside the package;
 * resolved once per process (`require.resolve` with `paths` searches the file system every time).
 */
function packageModule<T>(name: string): T {
    const slot = Symbol.for("cassandra-multicluster.node-certificate.modules");
    const global = globalThis as unknown as Record<symbol, Map<string, unknown>>;
    const modules = (global[slot] ??= new Map());
    if (!modules.has(name)) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        modules.set(name, require(require.resolve(name, { paths: [process.cwd(), PACKAGE_DIR] })));
    }
    return modules.get(name) as T;
}

/**
 * A new key pair. Curves and sizes as `tls.PrivateKey` takes them (`P256`, `P384`; RSA bits),
 * so a stack's `tls.keyAlgorithm` means the same for the CA and the nodes.
 */
function generateKey(spec: KeySpec): {
    privateKey: import("node:crypto").KeyObject;
    publicKey: import("node:crypto").KeyObject;
} {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("node:crypto") as typeof import("node:crypto");
    if (spec.algorithm === "RSA") {
        return crypto.generateKeyPairSync("rsa", { modulusLength: spec.rsaBits });
    }
    const curves: Record<string, string> = { P256: "prime256v1", P384: "secp384r1" };
    const curve = curves[spec.ecdsaCurve];
    if (!curve) {
        throw new Error(`unsupported ECDSA curve ${spec.ecdsaCurve}; use P256 or P384`);
    }
    return crypto.generateKeyPairSync("ec", { namedCurve: curve });
}

type Asn1X509 = typeof import("@peculiar/asn1-x509");

/**
 * The CA as a signer: its subject exactly as encoded in its certificate (RFC 5280 §4.1.2.4: a
 * child's issuer must match it), its key ID, its key, and the signature Go would choose.
 */
interface Issuer {
    readonly subject: InstanceType<Asn1X509["Name"]>;
    readonly keyId: ArrayBuffer | undefined;
    readonly key: import("node:crypto").KeyObject;
    /** The digest for `crypto.sign`, and the signature's algorithm identifier (RFC 5758 §3.2, RFC 4055 §5). */
    readonly hash: string;
    readonly algorithm: InstanceType<Asn1X509["AlgorithmIdentifier"]>;
    readonly algorithmDer: Buffer;
}

/** One DER element: tag, definite length (short form below 128, else long form), contents (X.690 §8.1). */
function derTlv(tag: number, contents: Buffer): Buffer {
    const n = contents.length;
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) {
        bytes.unshift(v & 0xff);
    }
    const length = n < 0x80 ? [n] : [0x80 | bytes.length, ...bytes];
    return Buffer.concat([Buffer.from([tag, ...length]), contents]);
}

/**
 * One CA signs every certificate of a deployment: it is parsed once per process (the provider
 * process, or the program under mocks), not once per node. The cache hangs off `globalThis`:
 * whatever the provider closes over is serialized with it into every resource's state, and a
 * cache of parsed keys belongs to the process, not to the state.
 */
function issuerOf(caCertPem: string, caKeyPem: string): Issuer {
    const slot = Symbol.for("cassandra-multicluster.node-certificate.issuers");
    const global = globalThis as unknown as Record<symbol, Map<string, Issuer>>;
    const issuers = (global[slot] ??= new Map());
    const id = `${caCertPem}\n${caKeyPem}`;
    let issuer = issuers.get(id);
    if (!issuer) {
        issuer = parseIssuer(caCertPem, caKeyPem);
        issuers.set(id, issuer);
    }
    return issuer;
}

function parseIssuer(caCertPem: string, caKeyPem: string): Issuer {
    const x = packageModule<Asn1X509>("@peculiar/asn1-x509");
    const { AsnConvert } =
        packageModule<typeof import("@peculiar/asn1-schema")>("@peculiar/asn1-schema");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const key = crypto.createPrivateKey(caKeyPem);
    let hash: string;
    let algorithm: InstanceType<Asn1X509["AlgorithmIdentifier"]>;
    if (key.asymmetricKeyType === "rsa") {
        // sha256WithRSAEncryption, parameters NULL (RFC 4055 §5), as Go signs with an RSA key.
        hash = "sha256";
        algorithm = new x.AlgorithmIdentifier({
            algorithm: "1.2.840.113549.1.1.11",
            parameters: new Uint8Array([0x05, 0x00]).buffer,
        });
    } else {
        // ecdsa-with-SHA256/384/512, no parameters (RFC 5758 §3.2); the hash follows the curve,
        // as crypto/x509 `signingParamsForKey` chooses it.
        const curves: Record<string, [string, string]> = {
            prime256v1: ["sha256", "1.2.840.10045.4.3.2"],
            secp384r1: ["sha384", "1.2.840.10045.4.3.3"],
            secp521r1: ["sha512", "1.2.840.10045.4.3.4"],
        };
        const named = curves[key.asymmetricKeyDetails?.namedCurve ?? ""];
        if (!named) {
            throw new Error(
                `the CA key's curve ${key.asymmetricKeyDetails?.namedCurve} cannot sign; use P256 or P384`,
            );
        }
        hash = named[0];
        algorithm = new x.AlgorithmIdentifier({ algorithm: named[1] });
    }
    const ca = AsnConvert.parse(new crypto.X509Certificate(caCertPem).raw, x.Certificate);
    const ski = ca.tbsCertificate.extensions?.find(
        (e) => e.extnID === x.id_ce_subjectKeyIdentifier,
    );
    return {
        subject: ca.tbsCertificate.subject,
        keyId: ski ? AsnConvert.parse(ski.extnValue, x.SubjectKeyIdentifier).buffer : undefined,
        key,
        hash,
        algorithm,
        algorithmDer: Buffer.from(AsnConvert.serialize(algorithm)),
    };
}

/**
 * An X.501 name value as Go's crypto/x509 encodes it (`asn1.Marshal` of a string): a
 * PrintableString when every character allows it, else a UTF8String.
 */
function directoryString(x: Asn1X509, value: string): InstanceType<Asn1X509["AttributeValue"]> {
    return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)
        ? new x.AttributeValue({ printableString: value })
        : new x.AttributeValue({ utf8String: value });
}

/**
 * Signs `publicKey` with the CA, as terraform-provider-tls v4.2.1 `LocallySignedCert`
 * does through Go's crypto/x509 (`internal/provider/common_cert.go` `createCertificate`):
 * validity from now, a random positive 128-bit serial, basic constraints CA:FALSE and key usage
 * critical, extended key usages, the DNS names as SANs, the subject key ID and the CA's as
 * authority key ID, signed SHA256WithRSA for an RSA CA and ECDSA with the curve's hash otherwise
 * (crypto/x509 `signingParamsForKey`). The DER is built with @peculiar/asn1-x509's RFC 5280
 * types and signed with node:crypto: a 300-node stack signs 300 of these on its first update.
 */
function signCertificate(
    inputs: NodeCertificateInputs,
    publicKey: import("node:crypto").KeyObject,
): { certPem: string; notAfter: string } {
    const x = packageModule<Asn1X509>("@peculiar/asn1-x509");
    const { AsnConvert, OctetString } =
        packageModule<typeof import("@peculiar/asn1-schema")>("@peculiar/asn1-schema");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const issuer = issuerOf(inputs.caCertPem, inputs.caKeyPem);
    const spki = AsnConvert.parse(
        publicKey.export({ type: "spki", format: "der" }),
        x.SubjectPublicKeyInfo,
    );
    const flags: Record<string, number> = {
        digital_signature: x.KeyUsageFlags.digitalSignature,
        content_commitment: x.KeyUsageFlags.nonRepudiation,
        key_encipherment: x.KeyUsageFlags.keyEncipherment,
        data_encipherment: x.KeyUsageFlags.dataEncipherment,
        key_agreement: x.KeyUsageFlags.keyAgreement,
    };
    const purposes: Record<string, string> = {
        server_auth: x.id_kp_serverAuth,
        client_auth: x.id_kp_clientAuth,
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
    const extension = (extnID: string, critical: boolean, value: object) =>
        new x.Extension({
            extnID,
            critical,
            extnValue: new OctetString(AsnConvert.serialize(value)),
        });
    // RFC 5280 §4.2.1.2 method (1): the SHA-1 of the subjectPublicKey bits.
    const keyId = crypto.createHash("sha1").update(Buffer.from(spki.subjectPublicKey)).digest();
    const extensions = [
        extension(x.id_ce_basicConstraints, true, new x.BasicConstraints({ cA: false })),
        extension(x.id_ce_subjectKeyIdentifier, false, new x.SubjectKeyIdentifier(keyId)),
    ];
    if (keyUsage !== 0) {
        extensions.push(extension(x.id_ce_keyUsage, true, new x.KeyUsage(keyUsage)));
    }
    if (extendedKeyUsage.length > 0) {
        extensions.push(
            extension(x.id_ce_extKeyUsage, false, new x.ExtendedKeyUsage(extendedKeyUsage)),
        );
    }
    if (inputs.spec.dnsNames.length > 0) {
        extensions.push(
            extension(
                x.id_ce_subjectAltName,
                false,
                new x.SubjectAlternativeName(
                    inputs.spec.dnsNames.map((dNSName) => new x.GeneralName({ dNSName })),
                ),
            ),
        );
    }
    if (issuer.keyId) {
        extensions.push(
            extension(
                x.id_ce_authorityKeyIdentifier,
                false,
                new x.AuthorityKeyIdentifier({ keyIdentifier: new x.KeyIdentifier(issuer.keyId) }),
            ),
        );
    }
    // Whole seconds: X.509 times carry no fractions, and `notAfter` is kept in state.
    const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
    const notAfter = new Date(notBefore.getTime() + inputs.spec.validityHours * 3600_000);
    // A positive 128-bit serial in minimal DER: the first byte below 0x80 and not zero.
    const serial = crypto.randomBytes(16);
    serial[0] = serial[0] & 0x7f || 1;
    const rdn = (type: string, value: string) =>
        new x.RelativeDistinguishedName([
            new x.AttributeTypeAndValue({ type, value: directoryString(x, value) }),
        ]);
    const tbsCertificate = new x.TBSCertificate({
        version: x.Version.v3,
        serialNumber: serial.buffer.slice(serial.byteOffset, serial.byteOffset + 16),
        signature: issuer.algorithm,
        issuer: issuer.subject,
        validity: new x.Validity({ notBefore, notAfter }),
        // O before CN, the order of Go's pkix.Name.ToRDNSequence.
        subject: new x.Name([
            rdn("2.5.4.10", inputs.spec.organization),
            rdn("2.5.4.3", inputs.spec.commonName),
        ]),
        subjectPublicKeyInfo: spki,
        extensions: new x.Extensions(extensions),
    });
    const tbs = Buffer.from(AsnConvert.serialize(tbsCertificate));
    // ECDSA signatures in X.509 are the DER Ecdsa-Sig-Value (RFC 5758 §3.2); RSA keys sign PKCS#1 v1.5.
    const signature = crypto.sign(issuer.hash, tbs, { key: issuer.key, dsaEncoding: "der" });
    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
    // (RFC 5280 §4.1), around the TBS bytes just signed rather than serializing them again.
    const der = derTlv(
        0x30,
        Buffer.concat([
            tbs,
            issuer.algorithmDer,
            derTlv(0x03, Buffer.concat([Buffer.from([0]), signature])),
        ]),
    );
    const lines = der.toString("base64").match(/.{1,64}/g) as string[];
    return {
        certPem: `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`,
        notAfter: notAfter.toISOString(),
    };
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
        const { privateKey, publicKey } = generateKey(inputs.spec.key);
        const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
        const signed = signCertificate(inputs, publicKey);
        return { id: crypto.randomUUID(), outs: stateOf(inputs, keyPem, signed) };
    },
    async update(_id: string, olds: NodeCertificateState, news: NodeCertificateInputs) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const crypto = require("node:crypto") as typeof import("node:crypto");
        // createPublicKey derives the public half from the private key's PEM.
        const signed = signCertificate(news, crypto.createPublicKey(olds.keyPem));
        return { outs: stateOf(news, olds.keyPem, signed) };
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

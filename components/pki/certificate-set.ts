import * as pulumi from "@pulumi/pulumi";
import type { CertificatePlan, KeySpec } from "../plan/pki-plan";

/**
 * A datacenter's node keys and CA-signed certificates (or the clients') as ONE resource.
 * `@pulumi/tls` needs three resources per certificate (`PrivateKey`, `CertRequest`,
 * `LocallySignedCert`), which made PKI half of a 300-node stack's resources, each one a
 * registration, a `Check` and a `Diff` in every preview. This dynamic resource keeps what those
 * gave: a key of its own per node that never leaves the stack's state (a secret there), a
 * certificate with exactly the planned names, re-issued in its renewal window, and a preview whose
 * diff names the node whose settings change (`certificates.<pod>` in the inputs).
 *
 * The provider is serialized into the stack and run by the engine's dynamic provider process
 * (`@pulumi/pulumi/cmd/dynamic-provider`), so everything it uses is `require`d inside it, as in
 * `lifecycle/replication-guard.ts`: a closure over imported modules does not serialize
 * everywhere, while `require` is resolved again in the provider process.
 */

/**
 * What the plan decides about one certificate (`usages` in terraform-provider-tls `allowed_uses`
 * names, as the CA's `SelfSignedCert` takes them).
 */
export type CertificateSpec = Omit<CertificatePlan, "id">;

/**
 * The resource's inputs. Few top-level properties on purpose: the SDK makes an output with four
 * promises of its own for each one (@pulumi/pulumi 3.248.0 `runtime/rpc.js`
 * `transferProperties`), and each promise captures a stack trace (`runtime/debuggable.js`
 * `debuggablePromise`).
 */
export interface CertificateSetInputs {
    /** Every certificate's key type. */
    readonly key: KeySpec;
    /** Every certificate's subject organization. */
    readonly organization: string;
    /** By id: the pod name, or `client-<name>`. */
    readonly certificates: Readonly<Record<string, CertificateSpec>>;
    readonly caCertPem: string;
    /** Secret. */
    readonly caKeyPem: string;
}

/** One issued certificate, by id in the state's `issued`. */
export interface IssuedCertificateState {
    readonly certPem: string;
    /** ISO 8601; the renewal window is measured from it. */
    readonly notAfter: string;
}

/** The state adds each certificate and its key, by the same ids. */
export interface CertificateSetState extends CertificateSetInputs {
    readonly issued: Readonly<Record<string, IssuedCertificateState>>;
    /**
     * PKCS#8 PEM, the only form Cassandra 5.0.5's `PEMReader.extractPrivateKey` reads. Secret: a
     * separate property from the certificates, so these alone are secret in the state.
     */
    readonly keys: Readonly<Record<string, string>>;
}

/** The resource's type token, for policies and mocks (`pulumi-nodejs:dynamic/<module>:<type>`). */
export const CERTIFICATE_SET_TYPE = "pulumi-nodejs:dynamic/cassandra-multicluster:CertificateSet";

/** Settings whose change re-signs the certificate for the same key. */
const CERTIFICATE_FIELDS = ["commonName", "dnsNames", "usages", "validityHours"] as const;

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
    set: CertificateSetInputs,
    spec: CertificateSpec,
    publicKey: import("node:crypto").KeyObject,
): IssuedCertificateState {
    const x = packageModule<Asn1X509>("@peculiar/asn1-x509");
    const { AsnConvert, OctetString } =
        packageModule<typeof import("@peculiar/asn1-schema")>("@peculiar/asn1-schema");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const issuer = issuerOf(set.caCertPem, set.caKeyPem);
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
    for (const use of spec.usages) {
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
    if (spec.dnsNames.length > 0) {
        extensions.push(
            extension(
                x.id_ce_subjectAltName,
                false,
                new x.SubjectAlternativeName(
                    spec.dnsNames.map((dNSName) => new x.GeneralName({ dNSName })),
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
    const notAfter = new Date(notBefore.getTime() + spec.validityHours * 3600_000);
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
        subject: new x.Name([rdn("2.5.4.10", set.organization), rdn("2.5.4.3", spec.commonName)]),
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
 * Whether certificate `id`, which `olds` issued, needs signing again: a setting it was signed
 * from changed, or it is in its renewal window (`earlyRenewalHours` before `notAfter`), which
 * `tls.LocallySignedCert` reports as `ready_for_renewal` and replaces on the next `pulumi up`
 * (terraform-provider-tls v4.2.1 `common_cert.go` `modifyPlanIfCertificateReadyForRenewal`).
 */
function needsSigning(
    olds: CertificateSetState,
    news: CertificateSetInputs,
    id: string,
    now: number,
): boolean {
    const old = olds.certificates[id];
    const spec = news.certificates[id];
    const changed =
        CERTIFICATE_FIELDS.some((f) => JSON.stringify(old[f]) !== JSON.stringify(spec[f])) ||
        olds.organization !== news.organization ||
        olds.caCertPem !== news.caCertPem ||
        olds.caKeyPem !== news.caKeyPem;
    const renewFrom = Date.parse(olds.issued[id].notAfter) - spec.earlyRenewalHours * 3600_000;
    return changed || !(now < renewFrom);
}

function sameKey(a: KeySpec, b: KeySpec): boolean {
    return (
        a.algorithm === b.algorithm &&
        (a.algorithm === "RSA" ? a.rsaBits === b.rsaBits : a.ecdsaCurve === b.ecdsaCurve)
    );
}

/** The ids whose key `olds` holds and `news` keeps: the key type is unchanged and the id stays. */
function keptIds(olds: CertificateSetState, news: CertificateSetInputs): Set<string> {
    return new Set(
        sameKey(olds.key, news.key)
            ? Object.keys(news.certificates).filter((id) => id in olds.keys && id in olds.issued)
            : [],
    );
}

/**
 * The set's state for `news`: a certificate that needs nothing keeps its key and certificate; one
 * whose settings changed or that is in its renewal window is signed again for the key it has, as
 * `tls.PrivateKey` stayed when only the request or the certificate changed; a new id, or any id
 * after a change of key type, gets a new key. Ids no longer listed are dropped with their keys:
 * a key lives nowhere else.
 */
function issue(news: CertificateSetInputs, olds?: CertificateSetState): CertificateSetState {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const kept = olds ? keptIds(olds, news) : new Set<string>();
    const now = Date.now();
    const issued: Record<string, IssuedCertificateState> = {};
    const keys: Record<string, string> = {};
    for (const [id, spec] of Object.entries(news.certificates)) {
        if (olds && kept.has(id)) {
            keys[id] = olds.keys[id];
            issued[id] = needsSigning(olds, news, id, now)
                ? // createPublicKey derives the public half from the private key's PEM.
                  signCertificate(news, spec, crypto.createPublicKey(olds.keys[id]))
                : olds.issued[id];
        } else {
            const { privateKey, publicKey } = generateKey(news.key);
            keys[id] = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
            issued[id] = signCertificate(news, spec, publicKey);
        }
    }
    return {
        key: news.key,
        organization: news.organization,
        certificates: news.certificates,
        caCertPem: news.caCertPem,
        caKeyPem: news.caKeyPem,
        issued,
        keys,
    };
}

/**
 * Changes are made in place: one node's new names, renewal or new key re-issues that node's
 * certificate and leaves every other node's key and certificate as they are, so the set is never
 * replaced. Deleting forgets the keys.
 */
export const certificateSetProvider = {
    async diff(_id: string, olds: CertificateSetState, news: CertificateSetInputs) {
        const kept = keptIds(olds, news);
        const now = Date.now();
        const ids = Object.keys(news.certificates);
        return {
            changes:
                ids.length !== Object.keys(olds.issued).length ||
                ids.some((id) => !kept.has(id) || needsSigning(olds, news, id, now)),
            replaces: [],
            deleteBeforeReplace: false,
        };
    },
    async create(inputs: CertificateSetInputs) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const crypto = require("node:crypto") as typeof import("node:crypto");
        return { id: crypto.randomUUID(), outs: issue(inputs) };
    },
    async update(_id: string, olds: CertificateSetState, news: CertificateSetInputs) {
        return { outs: issue(news, olds) };
    },
} satisfies pulumi.dynamic.ResourceProvider;

export interface CertificateSetArgs {
    readonly key: KeySpec;
    readonly organization: string;
    readonly certificates: Readonly<Record<string, CertificateSpec>>;
    readonly caCertPem: pulumi.Input<string>;
    /** The CA private key, any PEM form. Secret. */
    readonly caKeyPem: pulumi.Input<string>;
}

/**
 * A group of certificates (one datacenter's nodes, or the clients), each with a key of its own,
 * as ONE resource. One resource per node made node certificates a third of a 300-node stack's
 * registrations, and stored the provider's code (11 KB) and the CA key once per node in the state.
 */
export class CertificateSet extends pulumi.dynamic.Resource {
    // `declare`: the outputs are set by the resource's constructor from the provider's state; a
    // class field would be defined after `super()` (ES2022 class fields) and reset them.
    /** By id. */
    declare public readonly issued: pulumi.Output<Record<string, IssuedCertificateState>>;
    /** By id: PKCS#8 PEM. Secret. */
    declare public readonly keys: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: CertificateSetArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            certificateSetProvider,
            name,
            {
                key: args.key,
                organization: args.organization,
                certificates: args.certificates,
                caCertPem: args.caCertPem,
                caKeyPem: pulumi.secret(args.caKeyPem),
                issued: undefined,
                keys: undefined,
            },
            { ...opts, additionalSecretOutputs: ["keys", "caKeyPem"] },
            "cassandra-multicluster",
            "CertificateSet",
        );
    }
}

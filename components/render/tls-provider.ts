// @peculiar/x509 2.x resolves its services through tsyringe, which needs this polyfill loaded first.
import "reflect-metadata";
import {
    createPrivateKey,
    createPublicKey,
    generateKeyPairSync,
    KeyObject,
    webcrypto,
} from "node:crypto";
import * as x509 from "@peculiar/x509";

/**
 * What the `tls` provider computes for the CA's resources, for the offline plan and the tests: a
 * real key and self-signed certificate in the provider's own formats, so everything downstream
 * (the node certificates it signs, Cassandra, the drivers) is tested with the bytes a `pulumi up`
 * would produce. Each output follows hashicorp/terraform-provider-tls v4.2.1 (the provider behind
 * @pulumi/tls 5.x), cited per resource. Node's crypto makes the keys; @peculiar/x509 writes the
 * certificate, which Node's crypto can only parse. (Node certificates come from `CertificateSet`s,
 * whose own provider the mocks run.)
 */

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle;

type Inputs = Record<string, unknown>;

/** The provider's outputs for a `tls` resource, or undefined for another type. */
export async function tlsProviderOutputs(
    type: string,
    inputs: Inputs,
): Promise<Record<string, unknown> | undefined> {
    switch (type) {
        case "tls:index/privateKey:PrivateKey":
            return privateKey(inputs);
        case "tls:index/selfSignedCert:SelfSignedCert":
            return certificate(await selfSigned(inputs));
        default:
            return undefined;
    }
}

/**
 * `internal/provider/resource_private_key.go` `Create`: `private_key_pem` is PKCS#1
 * ("RSA PRIVATE KEY") for RSA and SEC1 ("EC PRIVATE KEY") for ECDSA; `private_key_pem_pkcs8` is
 * PKCS#8 for both. Defaults: RSA 2048 bits, ECDSA curve P224.
 */
function privateKey(inputs: Inputs): Record<string, unknown> {
    const algorithm = String(inputs.algorithm);
    let key: KeyObject;
    let pem: string;
    if (algorithm === "RSA") {
        const bits = Number(inputs.rsaBits ?? 2048);
        key = generateKeyPairSync("rsa", { modulusLength: bits }).privateKey;
        pem = key.export({ type: "pkcs1", format: "pem" }) as string;
    } else if (algorithm === "ECDSA") {
        const curve = CURVES[String(inputs.ecdsaCurve ?? "P224")];
        if (!curve) {
            throw new Error(`tls.PrivateKey: unsupported ecdsaCurve ${String(inputs.ecdsaCurve)}`);
        }
        key = generateKeyPairSync("ec", { namedCurve: curve.node }).privateKey;
        pem = key.export({ type: "sec1", format: "pem" }) as string;
    } else {
        throw new Error(`tls.PrivateKey: algorithm ${algorithm} is not one this program uses`);
    }
    return {
        privateKeyPem: pem,
        privateKeyPemPkcs8: key.export({ type: "pkcs8", format: "pem" }),
        publicKeyPem: createPublicKey(key).export({ type: "spki", format: "pem" }),
    };
}

const CURVES: Readonly<Record<string, { node: string; web: string; hash: string }>> = {
    P224: { node: "P-224", web: "P-224", hash: "SHA-256" },
    P256: { node: "prime256v1", web: "P-256", hash: "SHA-256" },
    P384: { node: "secp384r1", web: "P-384", hash: "SHA-384" },
    P521: { node: "secp521r1", web: "P-521", hash: "SHA-512" },
};

/** A PEM private key (any of the provider's formats) as WebCrypto keys, with Go's signature choice. */
async function webKeys(pem: string): Promise<{
    keys: webcrypto.CryptoKeyPair;
    algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
    signing: webcrypto.Algorithm | webcrypto.EcdsaParams;
}> {
    const key = createPrivateKey(pem);
    const pkcs8 = key.export({ type: "pkcs8", format: "der" });
    const spki = createPublicKey(key).export({ type: "spki", format: "der" });
    let algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
    let signing: webcrypto.Algorithm | webcrypto.EcdsaParams;
    if (key.asymmetricKeyType === "rsa") {
        // Go's x509 signs with SHA256WithRSA for RSA keys (crypto/x509 `signingParamsForKey`).
        algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
        signing = { name: "RSASSA-PKCS1-v1_5" };
    } else {
        const named = key.asymmetricKeyDetails?.namedCurve ?? "";
        const curve = Object.values(CURVES).find((c) => c.node === named || c.web === named);
        if (!curve || curve.web === "P-224") {
            throw new Error(`cannot sign with ECDSA curve ${named}`);
        }
        // Go: ECDSAWithSHA256 for P-256, SHA384 for P-384, SHA512 for P-521.
        algorithm = { name: "ECDSA", namedCurve: curve.web };
        signing = { name: "ECDSA", hash: curve.hash } as webcrypto.EcdsaParams;
    }
    const privateKey = await subtle.importKey("pkcs8", pkcs8, algorithm, true, ["sign"]);
    const publicKey = await subtle.importKey("spki", spki, algorithm, true, ["verify"]);
    return { keys: { privateKey, publicKey }, algorithm, signing };
}

function subjectName(subject: unknown): string {
    const s = (subject ?? {}) as Record<string, unknown>;
    const parts: string[] = [];
    for (const [key, attr] of [
        ["organization", "O"],
        ["organizationalUnit", "OU"],
        ["commonName", "CN"],
    ] as const) {
        if (typeof s[key] === "string" && s[key]) {
            parts.push(`${attr}=${String(s[key]).replace(/[,=+<>#;\\"]/g, "\\$&")}`);
        }
    }
    return parts.join(", ");
}

const KEY_USAGE: Readonly<Record<string, x509.KeyUsageFlags>> = {
    digital_signature: x509.KeyUsageFlags.digitalSignature,
    content_commitment: x509.KeyUsageFlags.nonRepudiation,
    key_encipherment: x509.KeyUsageFlags.keyEncipherment,
    data_encipherment: x509.KeyUsageFlags.dataEncipherment,
    key_agreement: x509.KeyUsageFlags.keyAgreement,
    cert_signing: x509.KeyUsageFlags.keyCertSign,
    crl_signing: x509.KeyUsageFlags.cRLSign,
};
const EXTENDED_KEY_USAGE: Readonly<Record<string, string>> = {
    server_auth: x509.ExtendedKeyUsage.serverAuth,
    client_auth: x509.ExtendedKeyUsage.clientAuth,
};

interface Signed {
    readonly cert: x509.X509Certificate;
    readonly notBefore: Date;
    readonly notAfter: Date;
}

/**
 * `common_cert.go` `createCertificate`: validity from now for `validityPeriodHours`, a random
 * 128-bit serial, key usages and extended key usages from `allowedUses`, `IsCA` and the subject
 * key ID when asked (always for a CA); Go marks key usage critical.
 */
async function issue(opts: {
    inputs: Inputs;
    subject: string;
    sans: x509.JsonGeneralNames | undefined;
    publicKey: CryptoKey;
    issuer: string;
    signingKey: CryptoKey;
    signing: webcrypto.Algorithm | webcrypto.EcdsaParams;
}): Promise<Signed> {
    const { inputs } = opts;
    const notBefore = new Date();
    const notAfter = new Date(notBefore.getTime() + Number(inputs.validityPeriodHours) * 3600_000);
    const isCa = inputs.isCaCertificate === true;
    let ku = 0;
    const eku: string[] = [];
    for (const u of (inputs.allowedUses as string[] | undefined) ?? []) {
        if (u in KEY_USAGE) {
            ku |= KEY_USAGE[u];
        } else if (u in EXTENDED_KEY_USAGE) {
            eku.push(EXTENDED_KEY_USAGE[u]);
        }
    }
    const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(isCa, undefined, true),
    ];
    if (ku !== 0) {
        extensions.push(new x509.KeyUsagesExtension(ku, true));
    }
    if (eku.length > 0) {
        extensions.push(new x509.ExtendedKeyUsageExtension(eku, false));
    }
    if (opts.sans && opts.sans.length > 0) {
        extensions.push(new x509.SubjectAlternativeNameExtension(opts.sans, false));
    }
    if (isCa || inputs.setSubjectKeyId === true) {
        extensions.push(await x509.SubjectKeyIdentifierExtension.create(opts.publicKey));
    }
    const serialNumber = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
        .toString("hex")
        .replace(/^[89a-f]/, "1");
    const cert = await x509.X509CertificateGenerator.create({
        serialNumber,
        subject: opts.subject,
        issuer: opts.issuer,
        notBefore,
        notAfter,
        publicKey: opts.publicKey,
        signingKey: opts.signingKey,
        signingAlgorithm: opts.signing,
        extensions,
    });
    return { cert, notBefore, notAfter };
}

/** `resource_self_signed_cert.go`: subject and DNS names from the inputs, signed by its own key. */
async function selfSigned(inputs: Inputs): Promise<Signed> {
    const { keys, signing } = await webKeys(String(inputs.privateKeyPem));
    const subject = subjectName(inputs.subject);
    const sans = ((inputs.dnsNames as string[] | undefined) ?? []).map((value) => ({
        type: "dns" as const,
        value,
    }));
    return issue({
        inputs,
        subject,
        sans,
        publicKey: keys.publicKey,
        issuer: subject,
        signingKey: keys.privateKey,
        signing,
    });
}

function certificate(signed: Signed): Record<string, unknown> {
    return {
        certPem: signed.cert.toString("pem") + "\n",
        validityStartTime: signed.notBefore.toISOString(),
        validityEndTime: signed.notAfter.toISOString(),
        readyForRenewal: false,
        id: BigInt(`0x${signed.cert.serialNumber}`).toString(),
    };
}

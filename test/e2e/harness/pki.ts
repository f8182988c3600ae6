// @peculiar/x509 2.x resolves its services through tsyringe, which needs this polyfill loaded first.
import "reflect-metadata";
import { webcrypto, X509Certificate as NodeX509 } from "node:crypto";
import * as x509 from "@peculiar/x509";
import type { CertificatePlan, KeySpec, PkiPlan } from "../../../components/plan/pki-plan";

/**
 * Certificates the program would never issue, for the tests that prove they are refused: a CA
 * nobody trusts, and certificates from the real CA with names left out. (The cluster itself runs
 * on the program's own keys and certificates; see product.ts.) Node's WebCrypto makes the keys;
 * @peculiar/x509 writes the certificates because Node's crypto can only parse them.
 */

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle;

export interface IssuedCert {
    readonly id: string;
    /** PKCS#8 private key, PEM. */
    readonly keyPem: string;
    readonly certPem: string;
}

export interface CertificateAuthority {
    readonly cert: x509.X509Certificate;
    readonly keys: CryptoKeyPair;
    readonly spec: KeySpec;
}

const KEY_USAGE: Readonly<Record<string, x509.KeyUsageFlags>> = {
    digital_signature: x509.KeyUsageFlags.digitalSignature,
    key_encipherment: x509.KeyUsageFlags.keyEncipherment,
    cert_signing: x509.KeyUsageFlags.keyCertSign,
    crl_signing: x509.KeyUsageFlags.cRLSign,
};
const EXTENDED_KEY_USAGE: Readonly<Record<string, string>> = {
    server_auth: x509.ExtendedKeyUsage.serverAuth,
    client_auth: x509.ExtendedKeyUsage.clientAuth,
};

function keyAlgorithm(spec: KeySpec): {
    gen: EcKeyGenParams | RsaHashedKeyGenParams;
    sign: Algorithm | EcdsaParams;
} {
    if (spec.algorithm === "ECDSA") {
        const namedCurve = spec.ecdsaCurve === "P384" ? "P-384" : "P-256";
        const hash = spec.ecdsaCurve === "P384" ? "SHA-384" : "SHA-256";
        return { gen: { name: "ECDSA", namedCurve }, sign: { name: "ECDSA", hash } as EcdsaParams };
    }
    return {
        gen: {
            name: "RSASSA-PKCS1-v1_5",
            modulusLength: spec.rsaBits,
            publicExponent: new Uint8Array([1, 0, 1]),
            hash: "SHA-256",
        },
        sign: { name: "RSASSA-PKCS1-v1_5" },
    };
}

function generateKeys(spec: KeySpec): Promise<CryptoKeyPair> {
    return subtle.generateKey(keyAlgorithm(spec).gen, true, [
        "sign",
        "verify",
    ]) as Promise<CryptoKeyPair>;
}

/** Key usages and extended key usages of a plan's `usages` list; an unknown usage is a plan error. */
function usageExtensions(usages: readonly string[]): x509.Extension[] {
    let ku = 0;
    const eku: string[] = [];
    for (const u of usages) {
        if (u in KEY_USAGE) {
            ku |= KEY_USAGE[u];
        } else if (u in EXTENDED_KEY_USAGE) {
            eku.push(EXTENDED_KEY_USAGE[u]);
        } else {
            throw new Error(`the PKI plan asks for usage "${u}", which this issuer does not know`);
        }
    }
    const exts: x509.Extension[] = [new x509.KeyUsagesExtension(ku, true)];
    if (eku.length > 0) {
        exts.push(new x509.ExtendedKeyUsageExtension(eku, false));
    }
    return exts;
}

function validity(hours: number): { notBefore: Date; notAfter: Date } {
    // Backdated a little, like cert-manager, so a clock a few seconds behind still accepts it.
    const now = Date.now();
    return { notBefore: new Date(now - 3600_000), notAfter: new Date(now + hours * 3600_000) };
}

const serial = () =>
    Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
        .toString("hex")
        .replace(/^[89a-f]/, "1");

async function keyPem(keys: CryptoKeyPair): Promise<string> {
    const der = await subtle.exportKey("pkcs8", keys.privateKey);
    return x509.PemConverter.encode(der, "PRIVATE KEY");
}

export async function loadCa(
    certPem: string,
    keyPemText: string,
    spec: KeySpec,
): Promise<CertificateAuthority> {
    const cert = new x509.X509Certificate(certPem);
    const alg = keyAlgorithm(spec).gen;
    const privateKey = await subtle.importKey(
        "pkcs8",
        x509.PemConverter.decodeFirst(keyPemText),
        alg,
        true,
        ["sign"],
    );
    const publicKey = await cert.publicKey.export(alg, ["verify"], webcrypto as unknown as Crypto);
    return { cert, keys: { privateKey, publicKey } as CryptoKeyPair, spec };
}

export async function createCa(
    plan: PkiPlan,
    commonName = plan.ca.commonName,
): Promise<CertificateAuthority> {
    const keys = await generateKeys(plan.key);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(),
        name: [{ CN: [commonName] }, { O: [plan.ca.organization] }],
        ...validity(plan.ca.validityHours),
        signingAlgorithm: keyAlgorithm(plan.key).sign,
        keys,
        extensions: [
            new x509.BasicConstraintsExtension(true, undefined, true),
            ...usageExtensions(plan.ca.usages),
            await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
    });
    return { cert, keys, spec: plan.key };
}

/** Issues one certificate of the plan; `overrides` exists to build deliberately wrong certificates. */
export async function issue(
    ca: CertificateAuthority,
    cert: CertificatePlan,
    overrides: { dnsNames?: readonly string[] } = {},
): Promise<IssuedCert> {
    const keys = await generateKeys(ca.spec);
    const dnsNames = overrides.dnsNames ?? cert.dnsNames;
    const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(false, undefined, true),
        ...usageExtensions(cert.usages),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ];
    if (dnsNames.length > 0) {
        extensions.push(
            new x509.SubjectAlternativeNameExtension(
                dnsNames.map((value) => ({ type: "dns" as const, value })),
            ),
        );
    }
    const issued = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: [{ CN: [cert.commonName] }],
        issuer: ca.cert.subjectName,
        ...validity(cert.validityHours),
        signingAlgorithm: keyAlgorithm(ca.spec).sign,
        publicKey: keys.publicKey,
        signingKey: ca.keys.privateKey,
        extensions,
    });
    const certPem = issued.toString("pem");
    // Cross-check with OpenSSL's parser (Node's) that the chain is sound before any server sees it.
    if (!new NodeX509(certPem).verify(new NodeX509(ca.cert.toString("pem")).publicKey)) {
        throw new Error(`certificate ${cert.id} does not verify against its CA`);
    }
    return { id: cert.id, keyPem: await keyPem(keys), certPem };
}

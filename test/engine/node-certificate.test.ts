import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
    NODE_CERTIFICATE_TYPE,
    NodeCertificateInputs,
    NodeCertificateState,
} from "../../components/pki/node-certificate";
import { deploy } from "./harness/deployment";
import { DynamicProviderProcess } from "./harness/dynamic-provider";
import { Registration, unwrapSecrets } from "./harness/fake-engine";

/**
 * Node certificates as the engine makes them: the program, run through `cmd/run` for a
 * `pulumi up` of the dev stack, registers one `NodeCertificate` per node and client with its
 * serialized provider; the engine's dynamic provider process deserializes that provider and is
 * sent `Create`, `Diff` and `Update` with the inputs the program registered (secrets unwrapped,
 * as the engine sends them to a provider that does not accept secrets).
 */
const root = join(__dirname, "..", "..");
let certificates: Registration[];
let sizes: number;
let provider: DynamicProviderProcess;

beforeAll(async () => {
    const dev = await deploy({ root, stack: "dev", preview: false });
    certificates = dev.registrations.filter((r) => r.type === NODE_CERTIFICATE_TYPE);
    sizes = dev.registrations
        .filter((r) => r.type === "kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter")
        .reduce((n, r) => n + Number((r.inputs.spec as { size: number }).size), 0);
    provider = await DynamicProviderProcess.start(root);
}, 300_000);
afterAll(() => provider?.stop());

const inputsOf = (r: Registration) => unwrapSecrets(r.inputs) as Record<string, unknown>;
const specOf = (r: Registration) => inputsOf(r).spec as Record<string, unknown>;
const node = () =>
    certificates.find((r) => (specOf(r).usages as string[]).includes("server_auth"))!;

describe("node certificates under the engine's dynamic provider", () => {
    it("registers one per node, each its own resource with the provider serialized into it", () => {
        expect(sizes).toBe(6);
        expect(certificates).toHaveLength(sizes);
        const names = certificates.map((r) => specOf(r).commonName);
        expect(new Set(names).size).toBe(sizes);
        for (const r of certificates) {
            expect(r.inputs.__provider).toEqual(expect.stringContaining("signCertificate"));
            // The CA key reaches the state as a secret only.
            expect(JSON.stringify(r.inputs.caKeyPem)).toContain("4dabf18193072939515e22adb298388d");
        }
    });

    it("issues a PKCS#8 key and a certificate for exactly the planned names, signed by the stack's CA", async () => {
        const inputs = inputsOf(node());
        const { id, outputs } = await provider.create(node().urn, inputs);
        expect(id).toMatch(/^[0-9a-f-]{36}$/);
        const state = outputs as unknown as NodeCertificateState;
        expect(state.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
        const key = createPrivateKey(state.keyPem);
        expect(specOf(node()).key).toMatchObject({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");

        const cert = new X509Certificate(state.certPem);
        const ca = new X509Certificate(String(inputs.caCertPem));
        expect(cert.checkIssued(ca)).toBe(true);
        expect(cert.verify(ca.publicKey)).toBe(true);
        expect(cert.checkPrivateKey(key)).toBe(true);
        expect(cert.ca).toBe(false);
        expect(cert.subjectAltName).toBe(
            (specOf(node()).dnsNames as string[]).map((d) => `DNS:${d}`).join(", "),
        );
        expect(cert.subject).toContain(`CN=${specOf(node()).commonName}`);
        expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
        const hours = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 3600_000;
        expect(Math.abs(hours - Number(specOf(node()).validityHours))).toBeLessThan(0.01);
        expect(state.notAfter).toBe(new Date(cert.validTo).toISOString());
    });

    it("leaves an unchanged certificate alone, re-signs it for the same key when its names change, and replaces it for a new key type", async () => {
        const inputs = inputsOf(node());
        const { id, outputs } = await provider.create(node().urn, inputs);
        expect(await provider.diff(node().urn, id, outputs, inputs)).toEqual({
            changes: "none",
            replaces: [],
        });

        const spec = specOf(node());
        const renamed = {
            ...inputs,
            spec: {
                ...spec,
                dnsNames: [...(spec.dnsNames as string[]), "extra.cassandra.dev.example.com"],
            },
        };
        expect(await provider.diff(node().urn, id, outputs, renamed)).toEqual({
            changes: "some",
            replaces: [],
        });
        const updated = await provider.update(node().urn, id, outputs, renamed);
        expect(updated.keyPem).toBe(outputs.keyPem);
        expect(updated.certPem).not.toBe(outputs.certPem);
        expect(new X509Certificate(String(updated.certPem)).subjectAltName).toContain(
            "DNS:extra.cassandra.dev.example.com",
        );

        const rsa = {
            ...inputs,
            spec: { ...spec, key: { algorithm: "RSA", ecdsaCurve: "P256", rsaBits: 3072 } },
        };
        expect(await provider.diff(node().urn, id, outputs, rsa)).toEqual({
            changes: "some",
            replaces: ["key"],
        });
    });

    it("issues from a program directory whose node_modules lack this package's dependencies", async () => {
        // A program that imports the package from elsewhere: the provider process runs there.
        const elsewhere = await DynamicProviderProcess.start(
            root,
            mkdtempSync(join(tmpdir(), "program-")),
        );
        try {
            const { outputs } = await elsewhere.create(node().urn, inputsOf(node()));
            expect(String(outputs.certPem)).toMatch(/^-----BEGIN CERTIFICATE-----/);
        } finally {
            elsewhere.stop();
        }
    });

    it("re-signs a certificate in its renewal window, as tls.LocallySignedCert does", async () => {
        const inputs = inputsOf(node()) as unknown as NodeCertificateInputs;
        const { id, outputs } = await provider.create(node().urn, inputsOf(node()));
        const inWindow = new Date(Date.now() + (inputs.spec.earlyRenewalHours / 2) * 3600_000);
        expect(
            await provider.diff(
                node().urn,
                id,
                { ...outputs, notAfter: inWindow.toISOString() },
                inputsOf(node()),
            ),
        ).toEqual({ changes: "some", replaces: [] });
    });
});

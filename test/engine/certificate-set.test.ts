import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
    CERTIFICATE_SET_TYPE,
    CertificateSetInputs,
    CertificateSetState,
} from "../../components/pki/certificate-set";
import { deploy } from "./harness/deployment";
import { DynamicProviderProcess } from "./harness/dynamic-provider";
import { Registration, unwrapSecrets } from "./harness/fake-engine";

/**
 * Node certificates as the engine makes them: the program, run through `cmd/run` for a
 * `pulumi up` of the dev stack, registers one `CertificateSet` per datacenter (and one for the
 * clients, which the dev stack has none of) with its serialized provider; the engine's dynamic provider process deserializes that
 * provider and is sent `Create`, `Diff` and `Update` with the inputs the program registered
 * (secrets unwrapped, as the engine sends them to a provider that does not accept secrets).
 */
const root = join(__dirname, "..", "..");
let sets: Registration[];
let sizes: Record<string, number>;
let provider: DynamicProviderProcess;

beforeAll(async () => {
    const dev = await deploy({ root, stack: "dev", preview: false });
    sets = dev.registrations.filter((r) => r.type === CERTIFICATE_SET_TYPE);
    sizes = Object.fromEntries(
        dev.registrations
            .filter(
                (r) => r.type === "kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter",
            )
            .map((r) => [
                (r.inputs.metadata as { name: string }).name,
                Number((r.inputs.spec as { size: number }).size),
            ]),
    );
    provider = await DynamicProviderProcess.start(root);
}, 300_000);
afterAll(() => provider?.stop());

const inputsOf = (r: Registration) => unwrapSecrets(r.inputs) as unknown as CertificateSetInputs;
const dc1 = () => sets.find((r) => r.name.endsWith("-dc1-nodes")) as Registration;
const create = async (inputs: CertificateSetInputs) => {
    const { id, outputs } = await provider.create(dc1().urn, { ...inputs });
    return { id, state: outputs as unknown as CertificateSetState };
};
const diff = (id: string, olds: CertificateSetState, news: CertificateSetInputs) =>
    provider.diff(dc1().urn, id, { ...olds }, { ...news });
const update = async (id: string, olds: CertificateSetState, news: CertificateSetInputs) =>
    (await provider.update(
        dc1().urn,
        id,
        { ...olds },
        { ...news },
    )) as unknown as CertificateSetState;
/** The inputs with one certificate's spec changed. */
const withSpec = (
    inputs: CertificateSetInputs,
    id: string,
    change: Partial<CertificateSetInputs["certificates"][string]>,
): CertificateSetInputs => ({
    ...inputs,
    certificates: { ...inputs.certificates, [id]: { ...inputs.certificates[id], ...change } },
});

describe("node certificates under the engine's dynamic provider", () => {
    it("registers one set per datacenter holding its own nodes (the dev stack has no clients), each with the provider serialized into it", () => {
        expect(sizes).toEqual({ dc1: 3, dc2: 3 });
        expect(sets.map((r) => r.name.replace(/^.*-certs-/, "")).sort()).toEqual([
            "dc1-nodes",
            "dc2-nodes",
        ]);
        for (const [dc, size] of Object.entries(sizes)) {
            const set = sets.find((r) => r.name.endsWith(`-certs-${dc}-nodes`)) as Registration;
            const ids = Object.keys(inputsOf(set).certificates);
            expect(ids).toHaveLength(size);
            // Its own datacenter's pods (`<cluster>-<dc>-<rack>-sts-<n>`), each its own certificate.
            expect(ids.every((id) => id.includes(`-${dc}-`))).toBe(true);
            expect(new Set(ids.map((id) => inputsOf(set).certificates[id].commonName)).size).toBe(
                size,
            );
        }
        for (const r of sets) {
            expect(r.inputs.__provider).toEqual(expect.stringContaining("signCertificate"));
            // The CA key reaches the state as a secret only, and so do the nodes' keys.
            expect(JSON.stringify(r.inputs.caKeyPem)).toContain("4dabf18193072939515e22adb298388d");
            expect([...r.additionalSecretOutputs].sort()).toEqual(["caKeyPem", "keys"]);
        }
    });

    it("issues each node a PKCS#8 key of its own and a certificate for exactly its planned names, signed by the stack's CA", async () => {
        const inputs = inputsOf(dc1());
        const { id, state } = await create(inputs);
        expect(id).toMatch(/^[0-9a-f-]{36}$/);
        expect(Object.keys(state.issued).sort()).toEqual(Object.keys(inputs.certificates).sort());
        expect(Object.keys(state.keys).sort()).toEqual(Object.keys(inputs.certificates).sort());
        expect(new Set(Object.values(state.keys)).size).toBe(Object.keys(state.keys).length);
        expect(inputs.key).toMatchObject({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        const ca = new X509Certificate(inputs.caCertPem);
        for (const [podName, spec] of Object.entries(inputs.certificates)) {
            expect(state.keys[podName]).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
            const key = createPrivateKey(state.keys[podName]);
            expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
            const cert = new X509Certificate(state.issued[podName].certPem);
            expect(cert.checkIssued(ca)).toBe(true);
            expect(cert.verify(ca.publicKey)).toBe(true);
            expect(cert.checkPrivateKey(key)).toBe(true);
            expect(cert.ca).toBe(false);
            expect(cert.subjectAltName).toBe(spec.dnsNames.map((d) => `DNS:${d}`).join(", "));
            expect(cert.subject).toBe(`O=cassandra-multicluster\nCN=${podName}`);
            expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
            const hours = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 3600_000;
            expect(Math.abs(hours - spec.validityHours)).toBeLessThan(0.01);
            expect(state.issued[podName].notAfter).toBe(new Date(cert.validTo).toISOString());
        }
    });

    it("leaves an unchanged set alone; re-signs only the node whose names change, for the key it has; keys a new node and forgets a removed one", async () => {
        const inputs = inputsOf(dc1());
        const { id, state } = await create(inputs);
        expect(await diff(id, state, inputs)).toEqual({ changes: "none", replaces: [] });

        const [first, ...others] = Object.keys(inputs.certificates);
        const spec = inputs.certificates[first];
        const renamed = withSpec(inputs, first, {
            dnsNames: [...spec.dnsNames, "extra.cassandra.dev.example.com"],
        });
        expect(await diff(id, state, renamed)).toEqual({ changes: "some", replaces: [] });
        const updated = await update(id, state, renamed);
        expect(updated.keys).toEqual(state.keys);
        expect(updated.issued[first].certPem).not.toBe(state.issued[first].certPem);
        expect(new X509Certificate(updated.issued[first].certPem).subjectAltName).toContain(
            "DNS:extra.cassandra.dev.example.com",
        );
        for (const id of others) {
            expect(updated.issued[id]).toEqual(state.issued[id]);
        }

        // Scaling: a new node gets a key of its own; a node that left takes its key with it.
        const scaled: CertificateSetInputs = {
            ...inputs,
            certificates: {
                ...Object.fromEntries(others.map((o) => [o, inputs.certificates[o]])),
                "cassandra-dc1-rack1-sts-9": { ...spec, commonName: "cassandra-dc1-rack1-sts-9" },
            },
        };
        expect(await diff(id, state, scaled)).toEqual({ changes: "some", replaces: [] });
        const grown = await update(id, state, scaled);
        expect(Object.keys(grown.keys).sort()).toEqual(Object.keys(scaled.certificates).sort());
        expect(Object.values(state.keys)).not.toContain(grown.keys["cassandra-dc1-rack1-sts-9"]);
        for (const id of others) {
            expect(grown.keys[id]).toBe(state.keys[id]);
            expect(grown.issued[id]).toEqual(state.issued[id]);
        }
    });

    it("gives every node a new key of the new type, in place, when the key type changes", async () => {
        const inputs = inputsOf(dc1());
        const { id, state } = await create(inputs);
        const rsa = { ...inputs, key: { algorithm: "RSA", ecdsaCurve: "P256", rsaBits: 3072 } };
        expect(await diff(id, state, rsa as CertificateSetInputs)).toEqual({
            changes: "some",
            replaces: [],
        });
        const rekeyed = await update(id, state, rsa as CertificateSetInputs);
        for (const [podName, pem] of Object.entries(rekeyed.keys)) {
            expect(pem).not.toBe(state.keys[podName]);
            expect(createPrivateKey(pem).asymmetricKeyDetails?.modulusLength).toBe(3072);
            expect(
                new X509Certificate(rekeyed.issued[podName].certPem).checkPrivateKey(
                    createPrivateKey(pem),
                ),
            ).toBe(true);
        }
    });

    it("issues from a program directory whose node_modules lack this package's dependencies", async () => {
        // A program that imports the package from elsewhere: the provider process runs there.
        const elsewhere = await DynamicProviderProcess.start(
            root,
            mkdtempSync(join(tmpdir(), "program-")),
        );
        try {
            const { outputs } = await elsewhere.create(dc1().urn, { ...inputsOf(dc1()) });
            const issued = Object.values(outputs.issued as CertificateSetState["issued"]);
            expect(issued[0].certPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
        } finally {
            elsewhere.stop();
        }
    });

    it("re-signs just the certificate in its renewal window, as tls.LocallySignedCert does", async () => {
        const inputs = inputsOf(dc1());
        const { id, state } = await create(inputs);
        const [first, ...others] = Object.keys(inputs.certificates);
        const hours = inputs.certificates[first].earlyRenewalHours;
        const inWindow = new Date(Date.now() + (hours / 2) * 3600_000).toISOString();
        const aging = {
            ...state,
            issued: { ...state.issued, [first]: { ...state.issued[first], notAfter: inWindow } },
        };
        expect(await diff(id, aging, inputs)).toEqual({ changes: "some", replaces: [] });
        const renewed = await update(id, aging, inputs);
        expect(renewed.keys[first]).toBe(state.keys[first]);
        expect(Date.parse(renewed.issued[first].notAfter)).toBeGreaterThan(Date.parse(inWindow));
        for (const id of others) {
            expect(renewed.issued[id]).toEqual(state.issued[id]);
        }
    });
});

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ClientConfigError, clientConfigFiles } from "../../components/client/client-config";
import { externalClientBundle, ExternalClientBundle, NodeRoute } from "../../components/plan";

const ROOT = resolve(__dirname, "../..");
const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const CLIENT = {
    certPem: "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n",
    keyPem: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
};

const route = (
    dc: string,
    pod: string,
    port: number,
    entry = `${dc}.db.example.com`,
): NodeRoute => ({
    datacenter: dc,
    podName: pod,
    entryPoint: entry,
    sniNames: [`${pod}.db.example.com`],
    nodePort: port,
    backend: { service: pod, namespace: "cassandra", port: 9042 },
});
const pods = ["c-dc1-r1-sts-0", "c-dc1-r2-sts-0", "c-dc2-r1-sts-0"];
const hostIds = Object.fromEntries(
    pods.map((p, i) => [p, `0000000${i}-0000-4000-8000-000000000000`]),
);
const sni: ExternalClientBundle = externalClientBundle(
    "c",
    CA,
    [route("dc1", pods[0], 19042), route("dc1", pods[1], 19043), route("dc2", pods[2], 19042)],
    {},
    { dc1: "203.0.113.1", dc2: "203.0.113.2" },
    hostIds,
);
const perNode: ExternalClientBundle = externalClientBundle(
    "c",
    CA,
    pods.map((p) => route(p.split("-")[1], p, 9042, `${p}.db.example.com`)),
    {},
    Object.fromEntries(pods.map((p, i) => [p, `203.0.113.${10 + i}`])),
    hostIds,
);

describe("npm run client-config's files", () => {
    it("behind a shared entry point: CA, Java (node and SNI routes), Python, cqlsh and Node.js", () => {
        const files = clientConfigFiles(sni, { localDataCenter: "dc1" });
        expect(Object.keys(files).sort()).toEqual([
            "application-sni.conf",
            "application.conf",
            "ca.pem",
            "cassandra_multicluster.py",
            "client.json",
            "cqlshrc",
            "java/cassandramulticluster/ExternalAccess.java",
            "node_client.ts",
        ]);
        const conf = files["application.conf"];
        expect(conf).toContain('basic.contact-points = ["203.0.113.1:19042", "203.0.113.1:19043"]');
        // Every node of the cluster, so the translator knows every address the driver reports.
        expect(conf).toContain(
            `"c-dc2-r1-sts-0" = "203.0.113.2:19042 dc2.db.example.com ${hostIds[pods[2]]}"`,
        );
        expect(conf).toContain('class = "cassandramulticluster.ExternalAccess$Translator"');
        expect(conf).toContain('class = "cassandramulticluster.ExternalAccess$Ssl"');
        expect(conf).toContain("advanced.resolve-contact-points = false");
        expect(conf).not.toContain("client-certificate");
        expect(files["application-sni.conf"]).toContain(
            `"c-dc1-r1-sts-0" = "c-dc1-r1-sts-0.db.example.com:9042 c-dc1-r1-sts-0.db.example.com ${hostIds[pods[0]]}"`,
        );
        expect(JSON.parse(files["client.json"])).toMatchObject({
            localDataCenter: "dc1",
            caCertificate: "ca.pem",
            nodes: [
                {
                    pod: pods[0],
                    hostId: hostIds[pods[0]],
                    externalAddress: "203.0.113.1",
                    port: 19042,
                    serverName: "dc1.db.example.com",
                    externalName: `${pods[0]}.db.example.com`,
                    sniPort: 9042,
                },
                {},
                {},
            ],
        });
        expect(files.cqlshrc).toMatch(/hostname = 203\.0\.113\.1\nport = 19042\nssl = true/);
        expect(files.cqlshrc).toContain("validate = true");
        expect(files["ca.pem"]).toBe(CA);
    });

    it("ships the Java and Python sources unchanged", () => {
        const files = clientConfigFiles(sni, { localDataCenter: "dc1" });
        expect(files["java/cassandramulticluster/ExternalAccess.java"]).toBe(
            readFileSync(
                join(ROOT, "components/client/java/cassandramulticluster/ExternalAccess.java"),
                "utf8",
            ),
        );
        expect(files["cassandra_multicluster.py"]).toBe(
            readFileSync(join(ROOT, "components/client/python/cassandra_multicluster.py"), "utf8"),
        );
    });

    it("with one load balancer per node: each node's own address and name, and no SNI route", () => {
        const files = clientConfigFiles(perNode, { localDataCenter: "dc2" });
        expect(files["application-sni.conf"]).toBeUndefined();
        expect(files["application.conf"]).toContain('basic.contact-points = ["203.0.113.12:9042"]');
        expect(files["application.conf"]).toContain(
            `"c-dc2-r1-sts-0" = "203.0.113.12:9042 c-dc2-r1-sts-0.db.example.com ${hostIds[pods[2]]}"`,
        );
        expect(JSON.parse(files["client.json"]).nodes[0].sniPort).toBeUndefined();
    });

    it("with a client certificate: the PEM files, and every configuration presents them", () => {
        const files = clientConfigFiles(sni, { localDataCenter: "dc1", clientCertificate: CLIENT });
        expect(files["client.pem"]).toBe(CLIENT.certPem);
        expect(files["client-key.pem"]).toBe(CLIENT.keyPem);
        for (const conf of ["application.conf", "application-sni.conf"]) {
            expect(files[conf]).toContain('client-certificate = "client.pem"');
            expect(files[conf]).toContain('client-key = "client-key.pem"');
        }
        expect(JSON.parse(files["client.json"])).toMatchObject({
            clientCertificate: "client.pem",
            clientKey: "client-key.pem",
        });
        expect(files.cqlshrc).toContain("usercert = client.pem\nuserkey = client-key.pem");
        expect(files["node_client.ts"]).toContain('readFileSync("client-key.pem", "utf8")');
    });

    it("refuses what cannot work, with every problem in one report", () => {
        const broken: ExternalClientBundle = {
            ...sni,
            caCertificate: "",
            nodes: sni.nodes.map((n, i) =>
                i === 0 ? { ...n, externalAddress: "", hostId: undefined } : n,
            ),
        };
        let err: unknown;
        try {
            clientConfigFiles(broken, {
                localDataCenter: "dc9",
                clientCertificate: {
                    certPem: CLIENT.certPem,
                    keyPem: "-----BEGIN EC PRIVATE KEY-----",
                },
            });
        } catch (e) {
            err = e;
        }
        expect(err).toBeInstanceOf(ClientConfigError);
        expect((err as ClientConfigError).problems).toEqual([
            "the bundle has no CA certificate (caCertificate)",
            'datacenter "dc9" has no node in the bundle; it has dc1, dc2',
            `no external address (the ingress had none when the stack was last updated; run \`pulumi up --refresh\` once it has one): ${pods[0]}`,
            `no host ID (cass-operator had not reported it when the stack was last updated; run \`pulumi up --refresh\` once the datacenters are ready): ${pods[0]}`,
            "the client key is not a PKCS#8 PEM key (BEGIN PRIVATE KEY)",
        ]);
        expect(() => clientConfigFiles({ ...sni, nodes: [] }, { localDataCenter: "dc1" })).toThrow(
            "the bundle lists no node: the stack has no routes",
        );
        expect(() =>
            clientConfigFiles({} as ExternalClientBundle, { localDataCenter: "dc1" }),
        ).toThrow("the bundle is not a clientBundle");
    });
});

describe("the npm run client-config command", () => {
    const cli = (args: string[]) =>
        spawnSync(
            join(ROOT, "node_modules/.bin/tsx"),
            [join(ROOT, "scripts/client-config.ts"), ...args],
            {
                encoding: "utf8",
            },
        );

    it("writes the files, the client key readable by its owner only", () => {
        const dir = mkdtempSync(join(tmpdir(), "client-config-"));
        writeFileSync(join(dir, "bundle.json"), JSON.stringify(sni));
        writeFileSync(join(dir, "certs.json"), JSON.stringify({ app: CLIENT }));
        const out = join(dir, "out");
        const r = cli([
            "--bundle",
            join(dir, "bundle.json"),
            "--dc",
            "dc1",
            "--out",
            out,
            "--client-certificates",
            join(dir, "certs.json"),
            "--client",
            "app",
        ]);
        expect(r.status, r.stderr).toBe(0);
        expect(statSync(join(out, "client-key.pem")).mode & 0o777).toBe(0o600);
        expect(
            readFileSync(join(out, "java/cassandramulticluster/ExternalAccess.java"), "utf8"),
        ).toContain("public final class ExternalAccess");
    });

    it("exits non-zero with the report for a bundle that cannot work, and names a missing client", () => {
        const dir = mkdtempSync(join(tmpdir(), "client-config-"));
        writeFileSync(join(dir, "bundle.json"), JSON.stringify({ ...sni, nodes: [] }));
        writeFileSync(join(dir, "certs.json"), JSON.stringify({ app: CLIENT }));
        const r = cli([
            "--bundle",
            join(dir, "bundle.json"),
            "--dc",
            "dc1",
            "--out",
            join(dir, "o"),
        ]);
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(
            "cannot write client configuration:\n  - the bundle lists no node",
        );
        const missing = cli([
            "--bundle",
            join(dir, "bundle.json"),
            "--dc",
            "dc1",
            "--client-certificates",
            join(dir, "certs.json"),
            "--client",
            "other",
        ]);
        expect(missing.status).toBe(2);
        expect(missing.stderr).toContain('no client certificate "other"');
        expect(missing.stderr).toContain("it has app");
    });
});

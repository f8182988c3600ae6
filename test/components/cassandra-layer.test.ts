import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { outputOf, RecordedResource, settled, setupMocks } from "../helpers/mocks";

let resources: RecordedResource[];
let mod: typeof import("../../components/cassandra-multicluster");

/** Resources by `<type>::<name>`, and what each was told to wait for. */
const dependsOn = new Map<string, string[]>();
const ids = new Map<pulumi.Resource, string>();

const capture: pulumi.ResourceTransformation = (args) => {
    const id = `${args.type}::${args.name}`;
    ids.set(args.resource, id);
    const deps = ([] as pulumi.Input<pulumi.Resource>[]).concat(
        (args.opts.dependsOn as pulumi.Input<pulumi.Resource>[] | undefined) ?? [],
    );
    dependsOn.set(
        id,
        deps.map((d) => ids.get(d as pulumi.Resource) ?? "?"),
    );
    return undefined;
};

const twoRegions = {
    clusterName: "cassandra",
    datacenters: [
        {
            name: "dc1",
            region: "us-west1",
            zones: ["us-west1-a", "us-west1-b", "us-west1-c"],
            size: 3,
            nodeMachineType: "n2-highmem-4",
            storageGb: 200,
        },
        {
            name: "dc2",
            region: "us-east1",
            zones: ["us-east1-b", "us-east1-c", "us-east1-d"],
            size: 3,
        },
    ],
    ingress: "traefik",
    externalDomain: "cassandra.example.com",
    clientCidrs: ["203.0.113.0/24"],
    gcpProject: "acme",
};

let c: InstanceType<typeof mod.CassandraMultiCluster>;

beforeAll(async () => {
    resources = await setupMocks();
    mod = await import("../../components/cassandra-multicluster");
    c = new mod.CassandraMultiCluster("mc", twoRegions as never, { transformations: [capture] });
    await outputOf(c.datacenters);
    await settled(resources);
});

const all = (type: string) => resources.filter((r) => r.type === type);
const cassdcs = () => all("kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter");
type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const specOf = (dc: string) =>
    (cassdcs().find((r) => (r.inputs.metadata as { name: string }).name === dc)?.inputs.spec ??
        {}) as Spec;

describe("cass-operator and the CassandraDatacenters", () => {
    it("installs the operator in every cluster and makes each datacenter wait for it and for its Secrets", () => {
        for (const dc of ["dc1", "dc2"]) {
            const waits =
                dependsOn.get(
                    `kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter::mc-${dc}-cassdc`,
                ) ?? [];
            expect(waits).toEqual(
                expect.arrayContaining([
                    `kubernetes:yaml/v2:ConfigFile::mc-${dc}-operator-crd`,
                    `kubernetes:helm.sh/v4:Chart::mc-${dc}-operator-chart`,
                    `kubernetes:core/v1:Secret::mc-${dc}-superuser`,
                    `kubernetes:core/v1:Secret::mc-${dc}-node-tls`,
                    `kubernetes:core/v1:Namespace::mc-${dc}-ns`,
                ]),
            );
        }
        const charts = all("kubernetes:helm.sh/v4:Chart").filter(
            (r) => r.inputs.chart === "cass-operator",
        );
        expect(charts).toHaveLength(2);
        expect(charts[0].inputs).toMatchObject({
            version: "0.64.1",
            skipCrds: true,
            values: { image: { tag: "v1.32.0" }, global: { clusterScoped: true } },
        });
    });

    it("puts every datacenter in one Cassandra cluster, racks on zones, storage on pd-ssd", () => {
        const spec = specOf("dc1");
        expect(spec).toMatchObject({
            clusterName: "cassandra",
            serverType: "cassandra",
            serverVersion: "5.0.5",
            size: 3,
            superuserSecretName: "cassandra-superuser",
        });
        expect(specOf("dc2").clusterName).toBe("cassandra");
        expect(spec.racks).toEqual([
            { name: "rack1", nodeAffinityLabels: { "topology.kubernetes.io/zone": "us-west1-a" } },
            { name: "rack2", nodeAffinityLabels: { "topology.kubernetes.io/zone": "us-west1-b" } },
            { name: "rack3", nodeAffinityLabels: { "topology.kubernetes.io/zone": "us-west1-c" } },
        ]);
        expect(spec.storageConfig.cassandraDataVolumeClaimSpec).toEqual({
            storageClassName: "pd-ssd",
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: "200Gi" } },
        });
    });

    it("sizes heap and resources from the machine type (n2-highmem-4: 4 vCPU, 32 GiB)", () => {
        const spec = specOf("dc1");
        expect(spec.resources).toEqual({
            requests: { cpu: "3000m", memory: "24Gi" },
            limits: { memory: "24Gi" },
        });
        expect(spec.config["jvm-server-options"]).toEqual({
            initial_heap_size: "12G",
            max_heap_size: "12G",
        });
    });

    it("wires each datacenter's seeds to the other datacenters' seed services", () => {
        expect(specOf("dc1").additionalSeeds).toEqual([
            "cassandra-seed-service.cassandra.svc.dc2.cassandra.internal",
        ]);
        expect(specOf("dc2").additionalSeeds).toEqual([
            "cassandra-seed-service.cassandra.svc.dc1.cassandra.internal",
        ]);
    });

    it("turns on client TLS (not optional) and internode TLS with PEM files", () => {
        const yaml = specOf("dc2").config["cassandra-yaml"];
        expect(yaml.client_encryption_options).toMatchObject({
            enabled: true,
            optional: false,
            keystore: "/etc/cassandra-tls/node.pem",
            truststore: "/etc/cassandra-tls/ca.pem",
        });
        expect(yaml.server_encryption_options).toMatchObject({
            internode_encryption: "all",
            optional: false,
            require_client_auth: true,
        });
        expect(yaml.client_encryption_options.ssl_context_factory).toEqual({
            class_name: "org.apache.cassandra.security.PEMBasedSslContextFactory",
        });
    });

    it("generates one superuser password for the whole cluster and stores it in every datacenter", () => {
        expect(all("random:index/randomPassword:RandomPassword")).toHaveLength(1);
        const secrets = all("kubernetes:core/v1:Secret").filter(
            (s) => (s.inputs.metadata as { name: string }).name === "cassandra-superuser",
        );
        expect(secrets).toHaveLength(2);
        expect(secrets[0].inputs.stringData).toEqual(secrets[1].inputs.stringData);
        expect(secrets[0].inputs.stringData).toEqual({
            username: "cassandra-superuser",
            password: "mock-password-of-mc-superuser",
        });
        expect(secrets.every((s) => s.secretPaths.includes("stringData"))).toBe(true);
    });
});

describe("PKI", () => {
    it("issues one certificate per node with exactly the planned SANs, on ECDSA P-256 keys", () => {
        const csrs = all("tls:index/certRequest:CertRequest");
        expect(csrs).toHaveLength(6);
        for (const planned of c.plan.pki.nodes) {
            const csr = csrs.find(
                (r) => r.name === `mc-certs-${planned.id}-csr`,
            ) as RecordedResource;
            expect(csr.inputs.dnsNames).toEqual(planned.dnsNames);
            expect((csr.inputs.subject as { commonName: string }).commonName).toBe(
                planned.node.podName,
            );
        }
        const node0 = c.plan.pki.nodes[0].dnsNames;
        expect(node0).toEqual([
            "cassandra-dc1-rack1-sts-0.cassandra-dc1-all-pods-service.cassandra.svc.dc1.cassandra.internal",
            "cassandra-dc1-rack1-sts-0.cassandra-dc1-all-pods-service",
            "cassandra-dc1-rack1-sts-0.cassandra-dc1-all-pods-service.cassandra",
            "cassandra-dc1-rack1-sts-0.cassandra-dc1-all-pods-service.cassandra.svc",
            "cassandra-dc1-rack1-sts-0.cassandra.example.com",
            "dc1.cassandra.example.com",
        ]);
        expect(all("tls:index/privateKey:PrivateKey").map((k) => k.inputs)).toEqual(
            Array(7).fill({ algorithm: "ECDSA", ecdsaCurve: "P256" }),
        );
        const certs = all("tls:index/locallySignedCert:LocallySignedCert");
        expect(certs.map((x) => x.inputs.validityPeriodHours)).toEqual(Array(6).fill(8760));
        expect(certs[0].inputs.allowedUses).toEqual([
            "digital_signature",
            "key_encipherment",
            "server_auth",
            "client_auth",
        ]);
        const ca = all("tls:index/selfSignedCert:SelfSignedCert");
        expect(ca).toHaveLength(1);
        expect(ca[0].inputs).toMatchObject({
            isCaCertificate: true,
            allowedUses: ["cert_signing", "crl_signing"],
            validityPeriodHours: 87600,
        });
    });

    it("gives pod N its own key and certificate, and only through the init container", () => {
        const tls = all("kubernetes:core/v1:Secret").find(
            (s) => (s.inputs.metadata as { name: string }).name === "cassandra-dc1-node-tls",
        ) as RecordedResource;
        const data = tls.inputs.stringData as Record<string, string>;
        expect(tls.secretPaths).toContain("stringData");
        expect(Object.keys(data).sort()).toEqual([
            "ca.pem",
            "cassandra-dc1-rack1-sts-0.pem",
            "cassandra-dc1-rack2-sts-0.pem",
            "cassandra-dc1-rack3-sts-0.pem",
        ]);
        expect(data["cassandra-dc1-rack2-sts-0.pem"]).toContain(
            "mock key of mc-certs-cassandra-dc1-rack2-sts-0-key",
        );
        expect(data["cassandra-dc1-rack2-sts-0.pem"]).toContain(
            "mock certificate of mc-certs-cassandra-dc1-rack2-sts-0-cert",
        );

        // Run the init container's own command against a copy of the Secret's files.
        const pod = specOf("dc1").podTemplateSpec.spec;
        const init = pod.initContainers[0];
        const root = mkdtempSync(join(tmpdir(), "node-tls-"));
        mkdirSync(join(root, "source"));
        mkdirSync(join(root, "tls"));
        for (const [key, value] of Object.entries(data)) {
            writeFileSync(join(root, "source", key), value);
        }
        const script = (init.command[2] as string)
            .replaceAll("/source/", `${root}/source/`)
            .replaceAll("/tls/", `${root}/tls/`);
        execFileSync(init.command[0], [init.command[1], script], {
            env: { PATH: process.env.PATH, POD_NAME: "cassandra-dc1-rack2-sts-0" },
        });
        expect(readFileSync(join(root, "tls", "node.pem"), "utf8")).toBe(
            data["cassandra-dc1-rack2-sts-0.pem"],
        );
        expect(readFileSync(join(root, "tls", "ca.pem"), "utf8")).toBe(data["ca.pem"]);
        expect(init.env).toEqual([
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        ]);

        // The Cassandra container sees only the copied pair, where cassandra.yaml looks for it.
        const cassandra = pod.containers.find((x: { name: string }) => x.name === "cassandra");
        expect(cassandra.volumeMounts).toEqual([
            { name: "node-tls", mountPath: "/etc/cassandra-tls", readOnly: true },
        ]);
        expect(pod.volumes.find((v: { name: string }) => v.name === "node-tls").emptyDir).toEqual({
            medium: "Memory",
            sizeLimit: "1Mi",
        });
    });

    it("keeps private keys secret and out of every plain output", async () => {
        const out = JSON.stringify(await outputOf(c.datacenters)) + (await outputOf(c.caCertPem));
        expect(out).not.toContain("PRIVATE KEY");
        expect(await outputOf(c.caCertPem)).toContain("mock certificate of mc-ca-cert");
        expect(await pulumi.isSecret(c.superuser)).toBe(true);
    });
});

describe("stack outputs", () => {
    it("exports per datacenter its name, seeds and superuser Secret", async () => {
        const out = await outputOf(c.datacenters);
        expect(out.dc2).toMatchObject({
            cassandraDatacenter: "dc2",
            seedService: "cassandra-seed-service.cassandra.svc.dc2.cassandra.internal",
            additionalSeeds: ["cassandra-seed-service.cassandra.svc.dc1.cassandra.internal"],
            superuserSecret: "cassandra-superuser",
        });
    });
});

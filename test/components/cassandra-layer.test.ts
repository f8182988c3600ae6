import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { isIPv4 } from "node:net";
import {
    additionalSeeds,
    DatacenterStatus,
    hostIdsOf,
} from "../../components/plan/datacenter-status";
import { CERTIFICATE_SET_TYPE } from "../../components/pki/certificate-set";
import { named, outputOf, RecordedResource, settled, setupMocks } from "../helpers/mocks";

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
const CASSDC = "kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter";
const cassdcs = () => all(CASSDC);
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
                    `kubernetes:helm.sh/v4:Chart::mc-${dc}-operator-chart`,
                    `kubernetes:core/v1:Secret::mc-${dc}-superuser`,
                    `kubernetes:core/v1:Secret::mc-${dc}-node-tls`,
                    `kubernetes:core/v1:Namespace::mc-${dc}-ns`,
                ]),
            );
        }
    });

    it("installs cass-operator from one chart release: its own CRDs and RBAC, the image it was generated for, after cert-manager", () => {
        const charts = all("kubernetes:helm.sh/v4:Chart");
        const operator = charts.filter((r) => r.inputs.chart === "cass-operator");
        expect(operator).toHaveLength(2);
        for (const chart of operator) {
            // Chart 0.64.1's appVersion is 1.30.0 (k8ssandra/k8ssandra charts/cass-operator/Chart.yaml).
            expect(chart.inputs).toMatchObject({
                version: "0.64.1",
                values: {
                    image: { tag: "v1.30.0" },
                    global: { clusterScoped: true },
                    admissionWebhooks: { enabled: true },
                    disableCertManagerCheck: true,
                },
            });
            // Its CRDs (CassandraDatacenter, CassandraTask, ScheduledTask) are installed with it.
            expect(chart.inputs.skipCrds).not.toBe(true);
        }
        expect(all("kubernetes:yaml/v2:ConfigFile")).toEqual([]);
        for (const dc of ["dc1", "dc2"]) {
            expect(dependsOn.get(`kubernetes:helm.sh/v4:Chart::mc-${dc}-operator-chart`)).toContain(
                `kubernetes:helm.sh/v4:Chart::mc-${dc}-operator-cert-manager`,
            );
        }
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

    it("starts the first datacenter on its own seeds, so cass-operator labels one before starting", () => {
        // cass-operator v1.30.0 reconcile_racks.go startOneNodePerRack: a seed is labelled before
        // start only when the datacenter has no additional seeds (hasAdditionalSeeds).
        expect(specOf("dc1").additionalSeeds).toEqual([]);
    });

    it("starts dc2 after dc1 is ready, joining through the pod IPs dc1's status reports", () => {
        const dc1 = cassdcs().find((r) => r.name === "mc-dc1-cassdc") as RecordedResource;
        const status = dc1.outputs.status as DatacenterStatus;
        const seeds = specOf("dc2").additionalSeeds as string[];
        expect(seeds).toEqual(additionalSeeds(c.plan.topology, 1, { dc1: status }));
        expect(seeds).toHaveLength(3);
        // IPs only: a host name would become an FQDN EndpointSlice kube-dns does not answer
        // (construct_service.go newEndpointSlicesForAdditionalSeeds).
        expect(seeds.every((s) => isIPv4(s))).toBe(true);
        expect(
            dependsOn.get(
                "kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter::mc-dc2-cassdc",
            ),
        ).toContain("kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter::mc-dc1-cassdc");
    });

    it("waits for each datacenter to be ready, for a time that grows with its racks", () => {
        for (const r of cassdcs()) {
            const annotations = (r.inputs.metadata as { annotations: Record<string, string> })
                .annotations;
            expect(JSON.parse(annotations["pulumi.com/waitFor"])).toEqual([
                "condition=Ready",
                "jsonpath={.status.cassandraOperatorProgress}=Ready",
            ]);
            expect(Number(annotations["pulumi.com/timeoutSeconds"])).toBe(900);
        }
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
    it("issues one certificate per node with exactly the planned SANs, on ECDSA P-256 keys, one certificate set per datacenter", () => {
        const sets = all(CERTIFICATE_SET_TYPE);
        expect(sets.map((s) => s.name).sort()).toEqual([
            "mc-certs-dc1-nodes",
            "mc-certs-dc2-nodes",
        ]);
        for (const set of sets) {
            expect(set.inputs).toMatchObject({
                key: { algorithm: "ECDSA", ecdsaCurve: "P256", rsaBits: 3072 },
                organization: "cassandra-multicluster",
            });
            expect(set.secretPaths).toContain("caKeyPem");
        }
        for (const planned of c.plan.pki.nodes) {
            const set = named(
                resources,
                CERTIFICATE_SET_TYPE,
                `mc-certs-${planned.datacenter}-nodes`,
            );
            const certificates = set.inputs.certificates as Record<string, unknown>;
            expect(certificates[planned.id]).toEqual({
                earlyRenewalHours: 720,
                dnsNames: planned.dnsNames,
                commonName: planned.node.podName,
                validityHours: 8760,
                usages: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
            });
        }
        expect(sets.flatMap((s) => Object.keys(s.inputs.certificates as object)).sort()).toEqual(
            c.plan.pki.nodes.map((n) => n.id).sort(),
        );
        const node0 = c.plan.pki.nodes[0].dnsNames;
        expect(node0).toEqual([
            "cassandra-dc1-rack1-sts-0.cassandra-dc1-all-pods-service.cassandra.svc.dc1.cassandra.internal",
            "cassandra-dc1-rack1-sts-0.cassandra-dc1-all-pods-service",
            "cassandra-dc1-rack1-sts-0.cassandra-dc1-all-pods-service.cassandra",
            "cassandra-dc1-rack1-sts-0.cassandra-dc1-all-pods-service.cassandra.svc",
            "cassandra-dc1-rack1-sts-0.dc1.cassandra.example.com",
            "dc1.cassandra.example.com",
        ]);
        // The CA's key alone is a tls.PrivateKey; node keys are made by their CertificateSet.
        expect(all("tls:index/privateKey:PrivateKey").map((k) => k.inputs)).toEqual([
            { algorithm: "ECDSA", ecdsaCurve: "P256" },
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
        // The key in PKCS#8, the only form Cassandra 5.0.5's PEMReader parses (SEC1, the form
        // of tls.PrivateKey's privateKeyPem for ECDSA, would not start).
        const issued = named(resources, CERTIFICATE_SET_TYPE, "mc-certs-dc1-nodes").outputs as {
            keys: Record<string, string>;
            issued: Record<string, { certPem: string }>;
        };
        const pem = data["cassandra-dc1-rack2-sts-0.pem"];
        expect(pem.startsWith("-----BEGIN PRIVATE KEY-----\n")).toBe(true);
        expect(pem).not.toContain("EC PRIVATE KEY");
        expect(pem).toBe(
            `${issued.keys["cassandra-dc1-rack2-sts-0"]}${issued.issued["cassandra-dc1-rack2-sts-0"].certPem}`,
        );
        const x509 = new X509Certificate(pem);
        expect(x509.checkPrivateKey(createPrivateKey(pem))).toBe(true);
        expect(x509.verify(new X509Certificate(data["ca.pem"]).publicKey)).toBe(true);
        expect(x509.subjectAltName?.split(", ")).toEqual(
            c.plan.pki.nodes
                .find((n) => n.id === "cassandra-dc1-rack2-sts-0")
                ?.dnsNames.map((n) => `DNS:${n}`),
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
        expect(await outputOf(c.caCertPem)).toBe(
            named(resources, "tls:index/selfSignedCert:SelfSignedCert", "mc-ca-cert").outputs
                .certPem,
        );
        expect(await pulumi.isSecret(c.superuser)).toBe(true);
    });
});

describe("stack outputs", () => {
    it("exports per datacenter its name, seeds and superuser Secret", async () => {
        const out = await outputOf(c.datacenters);
        expect(out.dc2).toMatchObject({
            cassandraDatacenter: "dc2",
            seedService: "cassandra-seed-service.cassandra.svc.dc2.cassandra.internal",
            additionalSeeds: specOf("dc2").additionalSeeds,
            superuserSecret: "cassandra-superuser",
        });
        const status = named(resources, CASSDC, "mc-dc2-cassdc").outputs.status as DatacenterStatus;
        expect(out.dc2.hostIds).toEqual(hostIdsOf(status));
        expect(Object.keys(out.dc2.hostIds)).toEqual([
            "cassandra-dc2-rack1-sts-0",
            "cassandra-dc2-rack2-sts-0",
            "cassandra-dc2-rack3-sts-0",
        ]);
    });
});

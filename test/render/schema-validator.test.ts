import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as jsyaml from "js-yaml";
import { afterAll, describe, it, expect } from "vitest";
import {
    createValidator,
    DEFAULT_CRD_DIR,
    SchemaError,
} from "../../components/render/schema-validator";

type Obj = Record<string, unknown>;

const validator = createValidator();

/** A deep copy to mutate, so each case starts from a known-good object. */
function clone<T>(value: T): T {
    return JSON.parse(JSON.stringify(value)) as T;
}

/** `path: reason` lines, easy to compare and to read in a failure. */
function problems(obj: Obj): string[] {
    return validator.validate(obj).map((e: SchemaError) => `${e.path}: ${e.reason}`);
}

const cassdc: Obj = {
    apiVersion: "cassandra.datastax.com/v1beta1",
    kind: "CassandraDatacenter",
    metadata: {
        name: "dc1",
        namespace: "cassandra",
        labels: { "app.kubernetes.io/name": "cassandra", "app.kubernetes.io/part-of": "demo" },
        annotations: { "example.com/owner": "platform" },
    },
    spec: {
        clusterName: "demo",
        serverType: "cassandra",
        serverVersion: "5.0.5",
        size: 3,
        racks: [
            { name: "r1", nodeAffinityLabels: { "topology.kubernetes.io/zone": "europe-west1-b" } },
            { name: "r2", nodeAffinityLabels: { "topology.kubernetes.io/zone": "europe-west1-c" } },
            { name: "r3", nodeAffinityLabels: { "topology.kubernetes.io/zone": "europe-west1-d" } },
        ],
        storageConfig: {
            cassandraDataVolumeClaimSpec: {
                storageClassName: "premium-rwo",
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: "100Gi" } },
            },
        },
        config: {
            "cassandra-yaml": {
                client_encryption_options: {
                    enabled: true,
                    optional: false,
                    keystore: "/etc/encryption/node-keystore.jks",
                    keystore_password: "changeit",
                },
                server_encryption_options: {
                    internode_encryption: "all",
                    keystore: "/etc/encryption/node-keystore.jks",
                    truststore: "/etc/encryption/node-truststore.jks",
                },
            },
            "jvm-server-options": { initial_heap_size: "2G", max_heap_size: "2G" },
        },
        additionalSeeds: ["10.20.0.10", "10.20.0.11"],
    },
};

describe("CassandraDatacenter (as-installed cass-operator CRD)", () => {
    it("accepts a complete datacenter, including the free-form spec.config", () => {
        expect(problems(cassdc)).toEqual([]);
        expect(validator.knows("cassandra.datastax.com/v1beta1", "CassandraDatacenter")).toBe(true);
    });

    it("reports misspelled fields with their path, also directly under the preserve-unknown spec", () => {
        const dc = clone(cassdc) as { spec: Obj & { racks: Obj[] } };
        dc.spec.racks[0].nme = "r1";
        dc.spec.sze = 3;
        expect(problems(dc as Obj)).toEqual([
            'spec.racks[0].nme: unknown field "nme"',
            'spec.sze: unknown field "sze"',
        ]);
    });

    it("reports wrong types and bad enum values with the offending value", () => {
        const dc = clone(cassdc) as { spec: Obj };
        dc.spec.size = "3";
        dc.spec.serverType = "scylla";
        expect(problems(dc as Obj)).toEqual([
            'spec.serverType: must be one of "cassandra", "dse", "hcd", got string "scylla"',
            'spec.size: must be integer, got string "3"',
        ]);
    });

    it("checks the embedded podTemplateSpec, whose schema is compiled only when it is used", () => {
        const dc = clone(cassdc) as { spec: Obj };
        dc.spec.podTemplateSpec = {
            spec: {
                containers: [
                    {
                        name: "cassandra",
                        resources: { limits: { cpu: 2, memory: "8Gi" } },
                        imagee: "cassandra:5.0.5",
                        ports: [{ containerPort: "9042" }],
                    },
                ],
                securityContext: { fsGroup: 999 },
            },
        };
        expect(problems(dc as Obj)).toEqual([
            'spec.podTemplateSpec.spec.containers[0].imagee: unknown field "imagee"',
            'spec.podTemplateSpec.spec.containers[0].ports[0].containerPort: must be integer, got string "9042"',
        ]);
    });

    it("checks metadata against ObjectMeta: string maps, unknown fields, a name", () => {
        const dc = clone(cassdc) as { metadata: Obj & { labels: Obj } };
        dc.metadata.labels.replicas = 3;
        dc.metadata.nmespace = "cassandra";
        delete dc.metadata.name;
        const errors = validator.validate(dc as Obj);
        expect(errors.map((e) => `${e.path}: ${e.reason}`)).toEqual([
            "metadata.labels.replicas: must be string, got integer 3",
            'metadata.name: required field "name" is missing (or set metadata.generateName)',
            'metadata.nmespace: unknown field "nmespace"',
        ]);
        expect(errors[0].object).toBe("CassandraDatacenter cassandra/<no name>");
    });

    it("reports an unknown top-level field and a missing required field", () => {
        const dc = clone(cassdc) as Obj & { spec: Obj };
        dc.sepc = {};
        delete dc.spec.clusterName;
        expect(problems(dc)).toEqual([
            'sepc: unknown field "sepc"',
            'spec.clusterName: required field "clusterName" is missing',
        ]);
    });
});

const ingressRouteTcp: Obj = {
    apiVersion: "traefik.io/v1alpha1",
    kind: "IngressRouteTCP",
    metadata: { name: "cql-dc1", namespace: "cassandra" },
    spec: {
        entryPoints: ["cql"],
        routes: [
            {
                match: "HostSNI(`dc1.cassandra.example.com`)",
                services: [{ name: "demo-dc1-service", port: 9042 }],
            },
        ],
        tls: { passthrough: true },
    },
};

describe("Traefik IngressRouteTCP", () => {
    it("accepts SNI passthrough routing, with a numeric or a named port", () => {
        expect(problems(ingressRouteTcp)).toEqual([]);
        const named = clone(ingressRouteTcp) as { spec: { routes: { services: Obj[] }[] } };
        named.spec.routes[0].services[0].port = "cql";
        expect(problems(named as Obj)).toEqual([]);
    });

    it("reports typos, wrong types and missing required fields", () => {
        const bad = clone(ingressRouteTcp) as { spec: { routes: Obj[]; tls: Obj } };
        bad.spec.routes[0].mtach = bad.spec.routes[0].match;
        delete bad.spec.routes[0].match;
        (bad.spec.routes[0].services as Obj[])[0].port = true;
        bad.spec.tls.passthrough = "yes";
        expect(problems(bad as Obj)).toEqual([
            'spec.routes[0].match: required field "match" is missing',
            'spec.routes[0].mtach: unknown field "mtach"',
            "spec.routes[0].services[0].port: must be integer or string, got boolean true",
            'spec.tls.passthrough: must be boolean, got string "yes"',
        ]);
    });
});

const istioGateway: Obj = {
    apiVersion: "networking.istio.io/v1",
    kind: "Gateway",
    metadata: { name: "cassandra-gw", namespace: "cassandra" },
    spec: {
        selector: { istio: "ingressgateway" },
        servers: [
            {
                port: { number: 9042, name: "tls-cql", protocol: "TLS" },
                hosts: ["dc1.cassandra.example.com"],
                tls: { mode: "PASSTHROUGH" },
            },
        ],
    },
};

const virtualService: Obj = {
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: { name: "cql-dc1", namespace: "cassandra" },
    spec: {
        hosts: ["dc1.cassandra.example.com"],
        gateways: ["cassandra-gw"],
        tls: [
            {
                match: [{ port: 9042, sniHosts: ["dc1.cassandra.example.com"] }],
                route: [
                    {
                        destination: {
                            host: "demo-dc1-service.cassandra.svc.cluster.local",
                            port: { number: 9042 },
                        },
                    },
                ],
            },
        ],
    },
};

describe("Istio Gateway and VirtualService", () => {
    it("accepts TLS passthrough with an SNI match", () => {
        expect(problems(istioGateway)).toEqual([]);
        expect(problems(virtualService)).toEqual([]);
    });

    it("reports a bad TLS mode, a typo in the match and a wrong port type", () => {
        const gw = clone(istioGateway) as { spec: { servers: { tls: Obj }[] } };
        gw.spec.servers[0].tls.mode = "PASSTHRU";
        expect(problems(gw as Obj)).toEqual([
            'spec.servers[0].tls.mode: must be one of "PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL", "OPTIONAL_MUTUAL", got string "PASSTHRU"',
        ]);
        const vs = clone(virtualService) as { spec: { tls: { match: Obj[] }[] } };
        vs.spec.tls[0].match[0].sniHost = ["dc1.cassandra.example.com"];
        vs.spec.tls[0].match[0].port = "9042";
        expect(problems(vs as Obj)).toEqual([
            'spec.tls[0].match[0].port: must be integer, got string "9042"',
            'spec.tls[0].match[0].sniHost: unknown field "sniHost"',
        ]);
    });
});

const tlsRoute: Obj = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "TLSRoute",
    metadata: { name: "cql-dc1", namespace: "cassandra" },
    spec: {
        parentRefs: [{ name: "cassandra-gw", sectionName: "cql" }],
        hostnames: ["dc1.cassandra.example.com"],
        rules: [{ backendRefs: [{ name: "demo-dc1-service", port: 9042 }] }],
    },
};

describe("Gateway API", () => {
    it("accepts a TLSRoute and a Gateway with a passthrough listener", () => {
        expect(problems(tlsRoute)).toEqual([]);
        const gateway: Obj = {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            metadata: { name: "cassandra-gw", namespace: "cassandra" },
            spec: {
                gatewayClassName: "gke-l4",
                listeners: [
                    { name: "cql", port: 9042, protocol: "TLS", tls: { mode: "Passthrough" } },
                ],
            },
        };
        expect(problems(gateway)).toEqual([]);
        const twice = clone(gateway) as { spec: { listeners: Obj[] } };
        twice.spec.listeners.push({ ...twice.spec.listeners[0], port: 9142 });
        expect(problems(twice as Obj)).toEqual([
            'spec.listeners: duplicate entry: items [0] and [1] have the same name="cql"',
        ]);
    });

    it("reports an invalid hostname, a port out of range and a typo", () => {
        const bad = clone(tlsRoute) as {
            spec: { hostnames: string[]; rules: { backendRefs: Obj[] }[] };
        };
        bad.spec.hostnames[0] = "DC1.example.com";
        bad.spec.rules[0].backendRefs[0].port = 70000;
        bad.spec.rules[0].backendRefs[0].weigth = 1;
        expect(problems(bad as Obj)).toEqual([
            'spec.hostnames[0]: must match pattern ^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$, got string "DC1.example.com"',
            "spec.rules[0].backendRefs[0].port: must be <= 65535, got integer 70000",
            'spec.rules[0].backendRefs[0].weigth: unknown field "weigth"',
        ]);
    });
});

describe("Kong TCPIngress", () => {
    const tcpIngress: Obj = {
        apiVersion: "configuration.konghq.com/v1beta1",
        kind: "TCPIngress",
        metadata: {
            name: "cql-dc1",
            namespace: "cassandra",
            annotations: { "kubernetes.io/ingress.class": "kong" },
        },
        spec: {
            rules: [
                {
                    host: "dc1.cassandra.example.com",
                    port: 9042,
                    backend: { serviceName: "demo-dc1-service", servicePort: 9042 },
                },
            ],
        },
    };

    it("accepts an SNI rule and reports a typo and a missing backend port", () => {
        expect(problems(tcpIngress)).toEqual([]);
        const bad = clone(tcpIngress) as { spec: { rules: { backend: Obj }[] } };
        bad.spec.rules[0].backend.svcPort = bad.spec.rules[0].backend.servicePort;
        delete bad.spec.rules[0].backend.servicePort;
        expect(problems(bad as Obj)).toEqual([
            'spec.rules[0].backend.servicePort: required field "servicePort" is missing',
            'spec.rules[0].backend.svcPort: unknown field "svcPort"',
        ]);
    });
});

const service: Obj = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "cql-lb", namespace: "cassandra", labels: { app: "cassandra" } },
    spec: {
        type: "LoadBalancer",
        selector: { "cassandra.datastax.com/datacenter": "dc1" },
        ports: [{ name: "cql", port: 9042, targetPort: "cql", protocol: "TCP" }],
    },
};

describe("built-in kinds (Kubernetes OpenAPI via kubernetes-models)", () => {
    it("accepts a Service, a Secret and a StatefulSet", () => {
        expect(problems(service)).toEqual([]);
        const secret: Obj = {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "demo-superuser", namespace: "cassandra" },
            type: "Opaque",
            stringData: { username: "admin", password: "s3cret" },
            data: { "ca.crt": "LS0tLS1CRUdJTg==" },
        };
        expect(problems(secret)).toEqual([]);
        const statefulSet: Obj = {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name: "probe", namespace: "cassandra" },
            spec: {
                serviceName: "probe",
                replicas: 1,
                selector: { matchLabels: { app: "probe" } },
                template: {
                    metadata: { labels: { app: "probe" } },
                    spec: {
                        containers: [
                            {
                                name: "probe",
                                image: "busybox:1.36",
                                args: ["sleep", "infinity"],
                                ports: [{ name: "http", containerPort: 8080 }],
                                resources: { requests: { cpu: "100m", memory: "64Mi" } },
                                securityContext: {
                                    runAsNonRoot: true,
                                    allowPrivilegeEscalation: false,
                                },
                            },
                        ],
                    },
                },
                volumeClaimTemplates: [
                    {
                        metadata: { name: "data" },
                        spec: {
                            accessModes: ["ReadWriteOnce"],
                            resources: { requests: { storage: "1Gi" } },
                        },
                    },
                ],
            },
        };
        expect(problems(statefulSet)).toEqual([]);
    });

    it("reports a typo'd field, wrong types and a bad enum value in a Service", () => {
        const bad = clone(service) as { spec: Obj & { ports: Obj[] } };
        bad.spec.prots = bad.spec.ports;
        bad.spec.ports[0].port = "9042";
        bad.spec.ports[0].nme = "cql";
        bad.spec.type = "Loadbalancer";
        const errors = validator.validate(bad as Obj);
        expect(errors.map((e) => `${e.path}: ${e.reason}`)).toEqual([
            'spec.ports[0].nme: unknown field "nme"',
            'spec.ports[0].port: must be integer, got string "9042"',
            'spec.prots: unknown field "prots"',
            'spec.type: must be one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort", got string "Loadbalancer"',
        ]);
        expect(errors[0].object).toBe("Service cassandra/cql-lb");
    });

    it("finds an unknown field in an object that has no known field at all", () => {
        expect(
            problems({
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: { name: "c" },
                dtaa: { a: "b" },
            }),
        ).toEqual(['dtaa: unknown field "dtaa"']);
    });

    it("validates a vendored CRD as a CustomResourceDefinition", () => {
        const crd = fs.readFileSync(
            path.join(DEFAULT_CRD_DIR, "traefik.io_tlsoptions.yaml"),
            "utf8",
        );
        const doc = jsyaml.load(crd) as Obj;
        expect(problems(doc)).toEqual([]);
        const bad = clone(doc) as { spec: Obj };
        bad.spec.scpoe = "Namespaced";
        expect(problems(bad as Obj)).toEqual(['spec.scpoe: unknown field "scpoe"']);
    });

    it("knows cluster-scoped and namespaced kinds the project renders", () => {
        const kinds: [string, string][] = [
            ["v1", "Namespace"],
            ["v1", "ConfigMap"],
            ["v1", "ServiceAccount"],
            ["apps/v1", "Deployment"],
            ["apps/v1", "DaemonSet"],
            ["rbac.authorization.k8s.io/v1", "ClusterRole"],
            ["rbac.authorization.k8s.io/v1", "RoleBinding"],
            ["storage.k8s.io/v1", "StorageClass"],
            ["admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"],
            ["policy/v1", "PodDisruptionBudget"],
            ["batch/v1", "Job"],
            ["networking.k8s.io/v1", "NetworkPolicy"],
            ["apiextensions.k8s.io/v1", "CustomResourceDefinition"],
        ];
        expect(kinds.filter(([v, k]) => !validator.knows(v, k))).toEqual([]);
        expect(validator.knows("v1", "ServiceSpec")).toBe(false);
    });
});

describe("unknown kinds", () => {
    it("reports one 'no schema' error and knows() is false", () => {
        const peer: Obj = {
            apiVersion: "security.istio.io/v1",
            kind: "PeerAuthentication",
            metadata: { name: "default", namespace: "cassandra" },
            spec: { mtls: { mode: "STRICT" } },
        };
        expect(validator.knows("security.istio.io/v1", "PeerAuthentication")).toBe(false);
        expect(validator.validate(peer)).toEqual([
            {
                object: "PeerAuthentication cassandra/default",
                path: "",
                reason: "no schema for security.istio.io/v1 PeerAuthentication",
            },
        ]);
        expect(
            validator.validate({ apiVersion: "v1", kind: "NoSuchKind", metadata: { name: "x" } }),
        ).toHaveLength(1);
    });

    it("reads CRDs from another folder and refuses a kind defined twice", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
        const file = path.join(DEFAULT_CRD_DIR, "traefik.io_tlsoptions.yaml");
        fs.copyFileSync(file, path.join(dir, "a.yaml"));
        const only = createValidator({ crdDir: dir });
        expect(only.knows("traefik.io/v1alpha1", "TLSOption")).toBe(true);
        expect(only.knows("traefik.io/v1alpha1", "IngressRouteTCP")).toBe(false);
        const dupDir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
        fs.copyFileSync(file, path.join(dupDir, "a.yaml"));
        fs.copyFileSync(file, path.join(dupDir, "b.yaml"));
        expect(() => createValidator({ crdDir: dupDir }).knows("v1", "Service")).toThrow(
            /defined twice/,
        );
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(dupDir, { recursive: true, force: true });
    });
});

describe("structural schema semantics", () => {
    const crd = {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "widgets.example.com" },
        spec: {
            group: "example.com",
            names: { kind: "Widget", plural: "widgets" },
            scope: "Namespaced",
            versions: [
                { name: "v1alpha1", served: false, storage: false },
                {
                    name: "v1",
                    served: true,
                    storage: true,
                    schema: {
                        openAPIV3Schema: {
                            type: "object",
                            properties: {
                                spec: {
                                    type: "object",
                                    properties: {
                                        port: { "x-kubernetes-int-or-string": true },
                                        note: { type: "string", nullable: true },
                                        ratio: {
                                            type: "number",
                                            minimum: 0,
                                            exclusiveMinimum: true,
                                        },
                                        timeout: { type: "string", format: "duration" },
                                        tags: {
                                            type: "array",
                                            items: { type: "string" },
                                            "x-kubernetes-list-type": "set",
                                        },
                                        extra: {
                                            type: "object",
                                            "x-kubernetes-preserve-unknown-fields": true,
                                            properties: { level: { type: "integer" } },
                                        },
                                        labels: {
                                            type: "object",
                                            additionalProperties: { type: "string" },
                                        },
                                        template: {
                                            type: "object",
                                            "x-kubernetes-embedded-resource": true,
                                            properties: { data: { type: "string" } },
                                        },
                                        empty: { type: "object" },
                                    },
                                },
                            },
                        },
                    },
                },
            ],
        },
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
    fs.writeFileSync(path.join(dir, "widgets.yaml"), jsyaml.dump(crd));
    const widgets = createValidator({ crdDir: dir });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const widget = (spec: Obj): Obj => ({
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name: "w" },
        spec,
    });

    it("accepts what the API server accepts", () => {
        expect(widgets.knows("example.com/v1", "Widget")).toBe(true);
        expect(widgets.knows("example.com/v1alpha1", "Widget")).toBe(false);
        const ok = widget({
            port: "http",
            note: null,
            ratio: 0.5,
            timeout: "1m30s",
            tags: ["a", "b"],
            extra: { level: 2, anything: { goes: true } },
            labels: { "a/b": "c" },
            template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: "d" },
            empty: {},
        });
        expect(widgets.validate(ok)).toEqual([]);
        expect(widgets.validate(widget({ port: 8080 }))).toEqual([]);
    });

    it("rejects what it rejects, field by field", () => {
        const bad = widget({
            port: 1.5,
            ratio: 0,
            timeout: "90 seconds",
            tags: ["a", "a"],
            extra: { level: "2" },
            labels: { a: 1 },
            template: { apiVersion: "v1", kind: "ConfigMap", dta: "d" },
            empty: { x: 1 },
        });
        expect(widgets.validate(bad).map((e) => `${e.path}: ${e.reason}`)).toEqual([
            'spec.empty.x: unknown field "x"',
            'spec.extra.level: must be integer, got string "2"',
            "spec.labels.a: must be string, got integer 1",
            "spec.port: must be integer or string, got number 1.5",
            "spec.ratio: must be > 0, got integer 0",
            "spec.tags: must not contain duplicates: items [0] and [1] are equal",
            'spec.template.dta: unknown field "dta"',
            'spec.timeout: must be a valid duration, got string "90 seconds"',
        ]);
    });
});

describe("speed", () => {
    it("validates hundreds of objects quickly once schemas are compiled", () => {
        const objects = [cassdc, ingressRouteTcp, istioGateway, virtualService, tlsRoute, service];
        objects.forEach((o) => validator.validate(o));
        const start = performance.now();
        for (let i = 0; i < 100; i++) {
            objects.forEach((o) => validator.validate(o));
        }
        expect(performance.now() - start).toBeLessThan(2000);
    });
});

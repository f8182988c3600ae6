import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyResourceLike, Rule } from "../../policies/resource";
import { nativeTransportEncrypted } from "../../policies/rules/native-transport-encrypted";
import { noOpenCql } from "../../policies/rules/no-open-cql";
import { noOverlappingRanges } from "../../policies/rules/no-overlapping-ranges";
import { sniPassthroughOnly } from "../../policies/rules/sni-passthrough-only";
import { strongKeys } from "../../policies/rules/strong-keys";
import { superuserSecretGenerated } from "../../policies/rules/superuser-secret-generated";
import { versionsPinned } from "../../policies/rules/versions-pinned";
import { DEDICATED_PORT_ANNOTATION } from "../../components/plan/routes";
import { CERTIFICATE_SET_TYPE } from "../../components/pki/certificate-set";
import { PUBLIC_CLIENTS_ANNOTATION, publicClientsMarker } from "../../components/checks/exposure";
import { LOCAL_OVERRIDES, policyResources, render } from "../helpers/render";

let good: PolicyResourceLike[];

beforeAll(async () => {
    good = policyResources(await render("dev"));
}, 60_000);

/** The dev stack with the first resource matching `pick` replaced by `change(resource)`. */
function variant(
    pick: (r: PolicyResourceLike) => boolean,
    change: (r: PolicyResourceLike) => PolicyResourceLike,
): PolicyResourceLike[] {
    const i = good.findIndex(pick);
    expect(i, "the variant's target resource exists").toBeGreaterThanOrEqual(0);
    return good.map((r, j) => (j === i ? change(structuredClone(r)) : r));
}

const messages = (rule: Rule, resources: readonly PolicyResourceLike[], config = {}) =>
    rule.check(resources, config).map((v) => v.message);
const ofType = (type: string) => (r: PolicyResourceLike) => r.type === type;
const k8s = (
    type: string,
    props: Record<string, unknown>,
    name = "hand-written",
): PolicyResourceLike => ({
    type,
    name,
    urn: `urn:pulumi:dev::p::${type}::${name}`,
    props,
});

describe("no-overlapping-ranges", () => {
    it("passes the planned ranges", () => expect(messages(noOverlappingRanges, good)).toEqual([]));

    it("names both subnets and both ranges when a secondary range collides", () => {
        const bad = variant(
            (r) => r.type === "gcp:compute/subnetwork:Subnetwork" && r.name.endsWith("dc2"),
            (r) => ({
                ...r,
                props: {
                    ...r.props,
                    secondaryIpRanges: [
                        { rangeName: "dc2-pods", ipCidrRange: "10.0.0.0/16" },
                        r.props.secondaryIpRanges[1],
                    ],
                },
            }),
        );
        expect(messages(noOverlappingRanges, bad)).toEqual(
            expect.arrayContaining([
                expect.stringContaining(
                    "Subnetwork cassandra-multicluster-network-dc1 dc1-pods 10.0.0.0/20 overlaps Subnetwork cassandra-multicluster-network-dc2 dc2-pods 10.0.0.0/16",
                ),
            ]),
        );
    });

    it("catches a control plane inside another cluster's subnet", () => {
        const bad = variant(
            (r) => r.type === "gcp:container/cluster:Cluster" && r.name.includes("dc2"),
            (r) => ({
                ...r,
                props: {
                    ...r.props,
                    privateClusterConfig: {
                        ...r.props.privateClusterConfig,
                        masterIpv4CidrBlock: "10.0.32.0/28",
                    },
                },
            }),
        );
        expect(messages(noOverlappingRanges, bad)).toEqual([
            expect.stringContaining(
                "overlaps Cluster cassandra-multicluster-dc2-cluster control plane 10.0.32.0/28",
            ),
        ]);
    });

    it("reads existing clusters' ranges from the top-level component", () => {
        const component = k8s("cassandra-multicluster:index:CassandraMultiCluster", {
            existingClusters: {
                east: { podCidr: "10.42.0.0/16", serviceCidr: "10.43.0.0/16" },
                west: { podCidr: "10.42.128.0/17", serviceCidr: "10.53.0.0/16" },
            },
        });
        expect(messages(noOverlappingRanges, [component])).toEqual([
            "existingClusters.east.podCidr 10.42.0.0/16 overlaps existingClusters.west.podCidr 10.42.128.0/17; pod, service, node and control-plane ranges of clusters that route to each other must be disjoint",
        ]);
    });

    it("skips values that are unknown during preview", () => {
        const unknown = variant(ofType("gcp:compute/subnetwork:Subnetwork"), (r) => ({
            ...r,
            props: { ...r.props, ipCidrRange: undefined },
        }));
        expect(messages(noOverlappingRanges, unknown)).toEqual([]);
    });
});

describe("native-transport-encrypted", () => {
    const cassdc = (r: PolicyResourceLike) => r.type.endsWith(":CassandraDatacenter");
    const withYaml = (change: (y: Record<string, Record<string, unknown>>) => void) =>
        variant(cassdc, (r) => {
            change(r.props.spec.config["cassandra-yaml"]);
            return r;
        });

    it("passes what the Datacenter component renders", () =>
        expect(messages(nativeTransportEncrypted, good)).toEqual([]));

    it.each([
        [
            "client TLS off",
            (y: Record<string, Record<string, unknown>>) =>
                (y.client_encryption_options.enabled = false),
            "client_encryption_options.enabled is false",
        ],
        [
            "client TLS optional",
            (y: Record<string, Record<string, unknown>>) =>
                (y.client_encryption_options.optional = true),
            "client_encryption_options.optional is true",
        ],
        [
            "internode dc only",
            (y: Record<string, Record<string, unknown>>) =>
                (y.server_encryption_options.internode_encryption = "dc"),
            'internode_encryption is "dc"',
        ],
        [
            "no client options",
            (y: Record<string, Record<string, unknown>>) => delete y.client_encryption_options,
            "client_encryption_options.enabled is not set",
        ],
    ])("fails with %s", (_case, change, expected) => {
        const found = messages(nativeTransportEncrypted, withYaml(change));
        expect(found.length).toBeGreaterThan(0);
        expect(found.every((m) => m.startsWith("CassandraDatacenter cassandra/dc1: "))).toBe(true);
        expect(found.some((m) => m.includes(expected))).toBe(true);
    });

    it("checks a CassandraDatacenter declared by hand or from YAML, with config as JSON text", () => {
        const handWritten = k8s("kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter", {
            metadata: { name: "dc9", namespace: "db" },
            spec: {
                clusterName: "c",
                config: JSON.stringify({
                    "cassandra-yaml": {
                        client_encryption_options: { enabled: true, optional: false },
                    },
                }),
            },
        });
        expect(messages(nativeTransportEncrypted, [handWritten])).toEqual([
            expect.stringContaining(
                "CassandraDatacenter db/dc9: server_encryption_options.internode_encryption is not set",
            ),
        ]);
    });
});

describe("no-open-cql", () => {
    const svc = (spec: Record<string, unknown>) =>
        k8s("kubernetes:core/v1:Service", { metadata: { name: "cql", namespace: "db" }, spec });

    it("passes the dev stack (restricted firewall, no exposed Services)", () =>
        expect(messages(noOpenCql, good)).toEqual([]));

    it.each([
        [{ type: "LoadBalancer", ports: [{ port: 9042 }] }, "without loadBalancerSourceRanges"],
        [
            {
                type: "LoadBalancer",
                ports: [{ port: 9042 }],
                loadBalancerSourceRanges: ["0.0.0.0/0"],
            },
            "admits 0.0.0.0/0",
        ],
        [
            {
                type: "LoadBalancer",
                ports: [{ port: 443, targetPort: 9142 }],
                loadBalancerSourceRanges: ["::/0"],
            },
            "admits ::/0",
        ],
        [{ type: "NodePort", ports: [{ port: 9042 }] }, "type NodePort exposes CQL"],
        [
            {
                type: "LoadBalancer",
                ports: [{ port: 8080 }],
                loadBalancerSourceRanges: ["10.0.0.0/8"],
            },
            "management API (8080)",
        ],
    ])("rejects Service %j", (spec, expected) => {
        expect(messages(noOpenCql, [svc(spec)])).toEqual(
            expect.arrayContaining([expect.stringContaining(expected)]),
        );
    });

    it("accepts a restricted LoadBalancer and any ClusterIP", () => {
        expect(
            messages(noOpenCql, [
                svc({
                    type: "LoadBalancer",
                    ports: [{ port: 9042 }],
                    loadBalancerSourceRanges: ["203.0.113.0/24"],
                }),
                svc({ ports: [{ port: 9042 }, { port: 8080 }] }),
            ]),
        ).toEqual([]);
    });

    it("rejects a firewall rule that opens 9042 to the internet, including through a port range", () => {
        const bad = variant(
            (r) =>
                r.type === "gcp:compute/firewall:Firewall" && r.name.endsWith("native-transport"),
            (r) => ({
                ...r,
                props: {
                    ...r.props,
                    sourceRanges: ["0.0.0.0/0"],
                    allows: [{ protocol: "tcp", ports: ["9000-9100"] }],
                },
            }),
        );
        expect(messages(noOpenCql, bad)).toEqual([
            "Firewall cassandra-native-transport: admits 0.0.0.0/0 to port 9042; restrict sourceRanges to the declared client ranges",
        ]);
    });

    // Issue #16, item 3: the same Service name exists in every datacenter's cluster.
    it("names the datacenter of each Service, so the same Service in two clusters is told apart", () => {
        const open = (dc?: string) =>
            k8s(
                "kubernetes:core/v1:Service",
                {
                    metadata: {
                        name: "traefik",
                        namespace: "traefik",
                        ...(dc ? { labels: { "cassandra-multicluster/datacenter": dc } } : {}),
                    },
                    spec: { type: "LoadBalancer", ports: [{ port: 9042 }] },
                },
                dc ? `cassandra-${dc}-ingress-svc` : "by-hand",
            );
        expect(messages(noOpenCql, [open("dc1"), open("dc2"), open()])).toEqual([
            "Service traefik/traefik (datacenter dc1): LoadBalancer exposes CQL (9042) without loadBalancerSourceRanges; list the client ranges",
            "Service traefik/traefik (datacenter dc2): LoadBalancer exposes CQL (9042) without loadBalancerSourceRanges; list the client ranges",
            "Service traefik/traefik: LoadBalancer exposes CQL (9042) without loadBalancerSourceRanges; list the client ranges",
        ]);
    });

    // Issue #16, item 3: allowPublicClients is a documented opt-in the pack honours.
    describe("the allow-public-clients opt-in", () => {
        const lb = (ranges: string[], annotation?: string, ports = [{ port: 9042 }]) =>
            k8s("kubernetes:core/v1:Service", {
                metadata: {
                    name: "cql",
                    namespace: "db",
                    labels: { "cassandra-multicluster/datacenter": "dc1" },
                    ...(annotation === undefined
                        ? {}
                        : { annotations: { [PUBLIC_CLIENTS_ANNOTATION]: annotation } }),
                },
                spec: { type: "LoadBalancer", ports, loadBalancerSourceRanges: ranges },
            });

        it("accepts an open range the Service's annotation lists, and only that one", () => {
            expect(messages(noOpenCql, [lb(["0.0.0.0/0"], "0.0.0.0/0")])).toEqual([]);
            expect(messages(noOpenCql, [lb(["0.0.0.0/0", "0.0.0.0/1"], "0.0.0.0/1")])).toEqual([
                `Service db/cql (datacenter dc1): LoadBalancer admits 0.0.0.0/0 to CQL (9042); list the client ranges instead (/8 or narrower), or, if that exposure is deliberate, annotate the Service ${PUBLIC_CLIENTS_ANNOTATION}: "0.0.0.0/0" (what allowPublicClients: true does for the stack's own entry points)`,
            ]);
        });

        it("never makes the management API acceptable", () => {
            expect(messages(noOpenCql, [lb(["0.0.0.0/0"], "0.0.0.0/0", [{ port: 8080 }])])).toEqual(
                [expect.stringContaining("exposes the management API (8080)")],
            );
        });

        it("accepts an open firewall range for CQL only when the rule's description declares it", () => {
            const firewall = (description: string, ports: string[]) =>
                k8s("gcp:compute/firewall:Firewall", {
                    name: "cql-from-anywhere",
                    direction: "INGRESS",
                    description,
                    sourceRanges: ["0.0.0.0/0"],
                    allows: [{ protocol: "tcp", ports }],
                });
            const declared = `CQL from anywhere${publicClientsMarker(["203.0.113.0/24", "0.0.0.0/0"])}`;
            expect(declared).toBe(`CQL from anywhere [${PUBLIC_CLIENTS_ANNOTATION}: 0.0.0.0/0]`);
            expect(messages(noOpenCql, [firewall(declared, ["9042"])])).toEqual([]);
            expect(messages(noOpenCql, [firewall("CQL from anywhere", ["9042"])])).toEqual([
                "Firewall cql-from-anywhere: admits 0.0.0.0/0 to port 9042; restrict sourceRanges to the declared client ranges",
            ]);
            expect(messages(noOpenCql, [firewall(declared, ["8080"])])).toEqual([
                "Firewall cql-from-anywhere: admits 0.0.0.0/0 to port 8080; restrict sourceRanges to the declared client ranges",
            ]);
        });

        it.each(["traefik", "loadbalancer"])(
            "a stack with allowPublicClients and ingress %s passes no-open-cql: its entry points carry the annotation",
            async (ingress) => {
                const rendered = await render("dev", {
                    ...LOCAL_OVERRIDES,
                    ingress,
                    ingressController: undefined,
                    clientCidrs: ["0.0.0.0/0"],
                    allowPublicClients: true,
                });
                const resources = policyResources(rendered);
                const entryPoints = resources.filter(
                    (r) =>
                        r.type === "kubernetes:core/v1:Service" &&
                        r.props.spec?.type === "LoadBalancer",
                );
                expect(entryPoints.length).toBeGreaterThan(0);
                for (const svc of entryPoints) {
                    expect(svc.props.metadata.annotations[PUBLIC_CLIENTS_ANNOTATION]).toBe(
                        "0.0.0.0/0",
                    );
                }
                expect(messages(noOpenCql, resources)).toEqual([]);
            },
            60_000,
        );

        it("a GKE stack with allowPublicClients passes no-open-cql: its native-transport firewall rule declares the open ranges", async () => {
            const rendered = await render("dev", {
                clientCidrs: ["0.0.0.0/0"],
                allowPublicClients: true,
            });
            const resources = policyResources(rendered);
            const cql = resources.find(
                (r) =>
                    r.type === "gcp:compute/firewall:Firewall" &&
                    String(r.props.description).startsWith("CQL (9042)"),
            );
            expect(cql?.props.description).toContain(`[${PUBLIC_CLIENTS_ANNOTATION}: 0.0.0.0/0]`);
            expect(messages(noOpenCql, resources)).toEqual([]);
        }, 60_000);
    });
});

describe("sni-passthrough-only", () => {
    const route = (spec: Record<string, unknown>, annotations: Record<string, string> = {}) =>
        k8s("kubernetes:traefik.io/v1alpha1:IngressRouteTCP", {
            metadata: { name: "node-0", namespace: "db", annotations },
            spec,
        });
    const cqlService = [{ name: "node-0", port: 9042 }];

    it("accepts explicit SNI names with passthrough", () => {
        expect(
            messages(sniPassthroughOnly, [
                route({
                    routes: [
                        {
                            match: "HostSNI(`a.example.com`) || HostSNI(`b.example.com`)",
                            services: cqlService,
                        },
                    ],
                    tls: { passthrough: true },
                }),
            ]),
        ).toEqual([]);
    });

    it("rejects a catch-all SNI on the shared port and TLS termination", () => {
        expect(
            messages(sniPassthroughOnly, [
                route({ routes: [{ match: "HostSNI(`*`)", services: cqlService }], tls: {} }),
            ]),
        ).toEqual([
            expect.stringContaining("tls.passthrough is not true"),
            expect.stringContaining("does not select a node by explicit SNI names"),
        ]);
    });

    it("allows HostSNI(`*`) only on an object marked as a dedicated node port", () => {
        const spec = {
            routes: [{ match: "HostSNI(`*`)", services: cqlService }],
            tls: { passthrough: true },
        };
        expect(
            messages(sniPassthroughOnly, [route(spec, { [DEDICATED_PORT_ANNOTATION]: "node-0" })]),
        ).toEqual([]);
    });

    it("rejects an Istio TCP server on 9042 and wildcard sniHosts", () => {
        const gw = k8s("kubernetes:networking.istio.io/v1:Gateway", {
            metadata: { name: "gw" },
            spec: {
                servers: [{ port: { number: 9042, protocol: "TCP", name: "cql" }, hosts: ["*"] }],
            },
        });
        const vs = k8s("kubernetes:networking.istio.io/v1:VirtualService", {
            metadata: { name: "vs" },
            spec: {
                tls: [
                    {
                        match: [{ port: 9042, sniHosts: ["*"] }],
                        route: [{ destination: { host: "node-0", port: { number: 9042 } } }],
                    },
                ],
            },
        });
        expect(messages(sniPassthroughOnly, [gw, vs])).toEqual([
            expect.stringContaining("server on port 9042 is TCP/no tls"),
            expect.stringContaining('tls route with sniHosts ["*"]'),
        ]);
    });

    it("rejects a Kong TCPIngress without tls_passthrough and a Gateway API TLS listener that terminates", () => {
        const kong = k8s("kubernetes:configuration.konghq.com/v1beta1:TCPIngress", {
            metadata: { name: "k", annotations: { "konghq.com/protocols": "tls" } },
            spec: {
                rules: [
                    {
                        host: "a.example.com",
                        port: 9042,
                        backend: { serviceName: "node-0", servicePort: 9042 },
                    },
                ],
            },
        });
        const gateway = k8s("kubernetes:gateway.networking.k8s.io/v1:Gateway", {
            metadata: { name: "g" },
            spec: {
                gatewayClassName: "x",
                listeners: [
                    { name: "cql", port: 9042, protocol: "TLS", tls: { mode: "Terminate" } },
                ],
            },
        });
        const tlsRoute = k8s("kubernetes:gateway.networking.k8s.io/v1:TLSRoute", {
            metadata: { name: "t" },
            spec: { hostnames: ["*.example.com"] },
        });
        expect(messages(sniPassthroughOnly, [kong, gateway, tlsRoute])).toEqual([
            expect.stringContaining('konghq.com/protocols is "tls"'),
            expect.stringContaining("listener cql on port 9042 is TLS/Terminate"),
            expect.stringContaining('hostnames ["*.example.com"]'),
        ]);
    });
});

describe("strong-keys", () => {
    const nodeCerts = (r: PolicyResourceLike) => r.type === CERTIFICATE_SET_TYPE;

    it("passes the CA and node certificates the PKI components issue", () => {
        const sets = good.filter(nodeCerts);
        expect(sets).toHaveLength(2);
        expect(sets.flatMap((r) => Object.keys(r.props.certificates))).toHaveLength(6);
        expect(messages(strongKeys, good)).toEqual([]);
    });

    it.each([
        [{ algorithm: "RSA", rsaBits: 1024 }, "RSA 1024 bits is below the 2048 required"],
        [{ algorithm: "ECDSA", ecdsaCurve: "P224" }, "ECDSA curve P224 is weaker than P-256"],
        [{ algorithm: "ECDSA" }, "ECDSA curve P224 is weaker than P-256"],
    ])("rejects a node key %j", (key, expected) => {
        const bad = variant(nodeCerts, (r) => ({ ...r, props: { ...r.props, key } }));
        expect(messages(strongKeys, bad)).toEqual([
            expect.stringMatching(new RegExp(`^CertificateSet .*-dc1-nodes: ${expected}`)),
        ]);
    });

    it("holds the CA key to RSA 3072", () => {
        const bad = variant(
            (r) => r.type === "tls:index/privateKey:PrivateKey" && r.name.endsWith("-ca-key"),
            (r) => ({ ...r, props: { algorithm: "RSA", rsaBits: 2048 } }),
        );
        expect(messages(strongKeys, bad)).toEqual([
            expect.stringContaining("RSA 2048 bits is below the 3072 required for a CA key"),
        ]);
    });

    it("rejects certificates signed by a non-CA, server certificates without SANs, and long validity", () => {
        let bad = variant(ofType("tls:index/selfSignedCert:SelfSignedCert"), (r) => ({
            ...r,
            props: { ...r.props, isCaCertificate: false },
        }));
        // Once per certificate set (one per datacenter).
        expect(messages(strongKeys, bad)).toHaveLength(2);
        expect(messages(strongKeys, bad)[0]).toContain("which is not a CA certificate");
        bad = variant(nodeCerts, (r) => {
            const [pod] = Object.keys(r.props.certificates);
            r.props.certificates[pod].dnsNames = [];
            return r;
        });
        expect(messages(strongKeys, bad)).toEqual([
            expect.stringMatching(
                /^CertificateSet .*-dc1-nodes: cassandra-dc1-rack1-sts-0: server certificate has no subject alternative names/,
            ),
        ]);
        // Once per node certificate, each named.
        const long = messages(strongKeys, good, { maxCertificateValidityHours: 720 });
        expect(long).toHaveLength(6);
        expect(long[0]).toMatch(
            /: cassandra-dc1-rack1-sts-0: validity 8760 h exceeds the maximum of 720 h/,
        );
    });
});

describe("advisory rules", () => {
    it("flags a superuser password typed into config", () => {
        expect(messages(superuserSecretGenerated, good)).toEqual([]);
        const bad = variant(
            (r) =>
                r.type === "kubernetes:core/v1:Secret" &&
                r.props.metadata.name === "cassandra-superuser",
            (r) => ({
                ...r,
                propertyDependencies: {},
                props: { ...r.props, stringData: { username: "admin", password: "hunter2" } },
            }),
        );
        expect(messages(superuserSecretGenerated, bad)).toEqual([
            "Secret cassandra/cassandra-superuser: the superuser password is written by hand rather than generated",
        ]);
    });

    it("flags unpinned charts, images and versions", () => {
        expect(messages(versionsPinned, good)).toEqual([]);
        const bad = variant(
            (r) => r.type === "kubernetes:helm.sh/v4:Chart",
            (r) => ({ ...r, props: { ...r.props, version: "^1.16" } }),
        );
        expect(messages(versionsPinned, bad)).toEqual([
            expect.stringContaining('version "^1.16" is not an exact release'),
        ]);
        const image = variant(
            (r) => r.type.endsWith(":CassandraDatacenter"),
            (r) => {
                r.props.spec.podTemplateSpec.spec.initContainers[0].image = "busybox:latest";
                return r;
            },
        );
        expect(messages(versionsPinned, image)).toEqual([
            expect.stringContaining("image busybox:latest is not pinned"),
        ]);
    });
});

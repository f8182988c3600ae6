import { z } from "zod";
import { cidrProblem } from "./plan/cidr";
import { sizeForMachine } from "./plan/cassandra-config";
import { isOpenRange, PUBLIC_PREFIX_LIMIT } from "./checks/exposure";
import { problem, Problem, throwIfProblems } from "./errors";

/**
 * Stack settings: the schema of every config key, parsed once into a typed object. Only the
 * stack entry point (`index.ts`) and the offline renderer call {@link parseSettings}; the
 * components take plain typed args and never read config.
 */

export const INGRESS_KINDS = [
    "traefik",
    "istio",
    "kong",
    "gateway-api",
    "loadbalancer",
    "none",
] as const;
export type IngressKind = (typeof INGRESS_KINDS)[number];

export const DNS_MODES = ["cloud-dns", "stub", "none"] as const;
export type DnsMode = (typeof DNS_MODES)[number];

export const KEY_ALGORITHMS = ["ECDSA", "RSA"] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** The Cassandra version deployed unless `serverVersion` says otherwise; the e2e test runs it too. */
export const DEFAULT_SERVER_VERSION = "5.0.5";

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]([-a-z0-9]*[a-z0-9])?$/;
const GCP_REGION = /^[a-z]+-[a-z]+[0-9]+$/;

const label = (what: string, max: number) =>
    z
        .string()
        .max(max, `${what} must be at most ${max} characters`)
        .regex(
            DNS_LABEL,
            `${what} must be a lowercase DNS label: a-z, 0-9 and "-", starting with a letter and not ending with "-"`,
        );

const cidr = z.string().superRefine((value, ctx) => {
    const reason = cidrProblem(value);
    if (reason) {
        ctx.addIssue({ code: "custom", message: reason });
    }
});

/**
 * A map keyed by datacenter name. Parsed into an object without a prototype so a datacenter
 * named like an Object method ("constructor") is looked up as missing, not as a function.
 */
const byDatacenter = <T extends z.ZodType>(value: T) =>
    z
        .record(z.string(), value)
        .transform((r) => Object.assign(Object.create(null) as Record<string, z.output<T>>, r));

const rackSchema = z
    .object({
        /** Cassandra rack name; also part of the StatefulSet and pod names. */
        name: label("a rack name", 20),
        /** The zone whose nodes run this rack (`topology.kubernetes.io/zone`). */
        zone: z.string().min(1),
    })
    .strict();

const datacenterSchema = z
    .object({
        name: label("a datacenter name", 20),
        /** GCP region of the GKE cluster; informative only for existing clusters. */
        region: z
            .string()
            .regex(GCP_REGION, "must be a GCP region such as us-west1 or europe-west4")
            .optional(),
        zones: z.array(z.string().min(1)).min(1, "list at least one zone"),
        size: z.number().int().min(1, "a datacenter needs at least one node").max(1000),
        racks: z.array(rackSchema).min(1).optional(),
        nodeMachineType: z.string().min(1).default("n2-highmem-4"),
        storageGb: z
            .number()
            .int()
            .min(10, "Cassandra needs at least 10 GiB of storage per node")
            .default(200),
        maxNodes: z.number().int().min(1).optional(),
        namespace: label("a namespace", 63).optional(),
    })
    .strict();

const explicitRangesSchema = z
    .object({ nodes: cidr, pods: cidr, services: cidr, controlPlane: cidr })
    .strict();

const networkSchema = z
    .object({
        supernet: cidr.default("10.0.0.0/8"),
        datacenterPrefix: z.number().int().min(8).max(24).default(16),
        maxPodsPerNode: z.number().int().min(8).max(256).default(32),
        ranges: byDatacenter(explicitRangesSchema).optional(),
    })
    .strict();

const existingClusterSchema = z
    .object({
        kubeconfig: z.string().min(1).optional(),
        context: z.string().min(1).optional(),
        podCidr: cidr,
        serviceCidr: cidr,
        nodeCidr: cidr.optional(),
        clusterDomain: z
            .string()
            .regex(DNS_NAME, "must be a DNS name such as cluster.local")
            .default("cluster.local"),
        storageClass: z.string().min(1).default("standard"),
    })
    .strict();

const ingressControllerSchema = z
    .object({
        /** The controller (Traefik, Istio gateway, Kong, a Gateway API implementation) already runs in every cluster. */
        preinstalled: z.boolean().default(false),
        /** With a preinstalled controller: its entry point's address or host name, which the DNS records point at. */
        address: z.string().min(1).optional(),
        /** Namespace of the controller. Defaults per layer (traefik, istio-system, kong); Gateway API objects live in the Cassandra namespace. */
        namespace: label("a namespace", 63).optional(),
        /** Gateway API: the GatewayClass of the installed implementation. */
        gatewayClassName: z.string().min(1).default("istio"),
    })
    .strict();

const tlsSchema = z
    .object({
        keyAlgorithm: z.enum(KEY_ALGORITHMS).default("ECDSA"),
        rsaBits: z.union([z.literal(3072), z.literal(4096)]).default(3072),
        caValidityHours: z.number().int().min(24).default(87600),
        certificateValidityHours: z.number().int().min(24).default(8760),
        earlyRenewalHours: z.number().int().min(0).default(720),
        requireClientAuth: z.boolean().default(false),
        clientCertificates: z.array(label("a client certificate name", 63)).default([]),
    })
    .strict();

export const settingsSchema = z
    .object({
        clusterName: label("clusterName", 20).default("cassandra"),
        serverVersion: z
            .string()
            .regex(
                /^5\.0\.\d+$|^4\.1\.\d+$/,
                "must be a Cassandra 4.1.x or 5.0.x version such as 5.0.5",
            )
            .default(DEFAULT_SERVER_VERSION),
        namespace: label("namespace", 40).default("cassandra"),
        datacenters: z.array(datacenterSchema).min(1, "declare at least one datacenter"),
        network: networkSchema.default({
            supernet: "10.0.0.0/8",
            datacenterPrefix: 16,
            maxPodsPerNode: 32,
        }),
        dns: z.enum(DNS_MODES).optional(),
        ingress: z.enum(INGRESS_KINDS).default("none"),
        externalDomain: z
            .string()
            .regex(DNS_NAME, "must be a DNS name such as cassandra.example.com")
            .optional(),
        clientCidrs: z.array(cidr).default([]),
        allowPublicClients: z.boolean().default(false),
        allowPlaintextNativeTransport: z.boolean().default(false),
        ingressController: ingressControllerSchema.default({
            preinstalled: false,
            gatewayClassName: "istio",
        }),
        maxLoadBalancerAddresses: z.number().int().min(1).default(16),
        externalDnsZone: z.string().min(1).optional(),
        existingClusters: byDatacenter(existingClusterSchema).optional(),
        controlPlaneAuthorizedCidrs: z.array(cidr).default([]),
        tls: tlsSchema.default({
            keyAlgorithm: "ECDSA",
            rsaBits: 3072,
            caValidityHours: 87600,
            certificateValidityHours: 8760,
            earlyRenewalHours: 720,
            requireClientAuth: false,
            clientCertificates: [],
        }),
        deletionProtection: z.boolean().default(true),
    })
    .strict();

type ParsedSettings = z.infer<typeof settingsSchema>;
/** Settings as written in stack config: optional keys may be left out and take their defaults. */
export type SettingsInput = z.input<typeof settingsSchema>;
export type DatacenterSettings = ParsedSettings["datacenters"][number];
export type ExistingCluster = NonNullable<ParsedSettings["existingClusters"]>[string];
export type ExplicitRanges = z.infer<typeof explicitRangesSchema>;

/** The validated settings; `dns` is resolved to a concrete mode. */
export type Settings = Omit<ParsedSettings, "dns"> & { readonly dns: DnsMode };

/** Parses raw config (keys without the project prefix) or throws every problem found at once. */
export function parseSettings(raw: Record<string, unknown>): Settings {
    const parsed = settingsSchema.safeParse(raw);
    if (!parsed.success) {
        throwIfProblems(
            CONFIG_ERROR,
            parsed.error.issues.map((i) => fromZodIssue(i, raw)),
        );
    }
    const data = parsed.data as ParsedSettings;
    const settings: Settings = { ...data, dns: data.dns ?? defaultDns(data) };
    throwIfProblems(CONFIG_ERROR, validateSettings(settings));
    return settings;
}

/**
 * The project's settings out of a Pulumi config map (`<project>:<key>` → string, structured
 * values as JSON text, as the CLI passes them); other namespaces are ignored.
 */
export function settingsFromConfigMap(
    project: string,
    config: Readonly<Record<string, string>>,
): Record<string, unknown> {
    const settings: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
        if (key.startsWith(`${project}:`)) {
            settings[key.slice(project.length + 1)] = parseConfigValue(value);
        }
    }
    return settings;
}

/** Structured values arrive as JSON text and booleans/numbers as their literals; plain strings stay strings. */
function parseConfigValue(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

export const CONFIG_ERROR = "Invalid stack configuration for cassandra-multicluster";

/** GKE clusters get Cloud DNS; existing clusters get stub domains when there is more than one. */
function defaultDns(s: ParsedSettings): DnsMode {
    if (!s.existingClusters) {
        return "cloud-dns";
    }
    return s.datacenters.length > 1 ? "stub" : "none";
}

/** Cross-field rules the schema cannot express. CIDR layout rules live in the network plan. */
export function validateSettings(s: Settings): Problem[] {
    const problems: Problem[] = [];
    const names = new Map<string, number>();
    s.datacenters.forEach((dc, i) => {
        const path = `datacenters[${i}]`;
        const first = names.get(dc.name);
        if (first !== undefined) {
            problems.push(
                problem(
                    `${path}.name`,
                    `duplicate datacenter name "${dc.name}" (also datacenters[${first}]); datacenter names must be unique`,
                ),
            );
        } else {
            names.set(dc.name, i);
        }
        problems.push(...validateDatacenter(dc, path, s.existingClusters === undefined));
    });
    if (s.existingClusters) {
        problems.push(...validateExistingClusters(s));
        if (s.dns === "cloud-dns") {
            problems.push(
                problem(
                    "dns",
                    `"cloud-dns" needs GKE clusters created by this stack; with existingClusters use "stub" or "none"`,
                ),
            );
        }
    }
    if (s.ingress !== "none") {
        if (!s.externalDomain) {
            problems.push(
                problem(
                    "externalDomain",
                    `ingress "${s.ingress}" gives every node an external name under externalDomain; set it, e.g. cassandra.example.com`,
                ),
            );
        }
        if (s.clientCidrs.length === 0) {
            problems.push(
                problem(
                    "clientCidrs",
                    `ingress "${s.ingress}" exposes the native transport; list the client ranges allowed to reach port 9042, e.g. ["203.0.113.0/24"]`,
                ),
            );
        }
    }
    problems.push(...validateTls(s.tls));
    if (s.allowPlaintextNativeTransport && s.ingress !== "none") {
        problems.push(
            problem(
                "allowPlaintextNativeTransport",
                `plaintext CQL cannot be exposed through ingress "${s.ingress}": credentials and data would cross the network unencrypted; remove allowPlaintextNativeTransport or set ingress: none`,
            ),
        );
    }
    if (s.allowPlaintextNativeTransport && s.tls.requireClientAuth) {
        problems.push(
            problem(
                "allowPlaintextNativeTransport",
                `mutual TLS (tls.requireClientAuth) needs client encryption; remove allowPlaintextNativeTransport`,
            ),
        );
    }
    if (
        s.ingress !== "none" &&
        s.ingress !== "loadbalancer" &&
        s.ingressController.preinstalled &&
        !s.ingressController.address
    ) {
        problems.push(
            problem(
                "ingressController.address",
                `ingress "${s.ingress}" is declared preinstalled; give its entry point's address or host name so the node records can point at it`,
            ),
        );
    }
    if (s.ingress === "loadbalancer") {
        const nodes = s.datacenters.reduce((n, d) => n + d.size, 0);
        if (nodes > s.maxLoadBalancerAddresses) {
            problems.push(
                problem(
                    "maxLoadBalancerAddresses",
                    `ingress "loadbalancer" needs one address per node: ${nodes} nodes exceed the budget of ${s.maxLoadBalancerAddresses}; raise maxLoadBalancerAddresses or use an SNI layer (traefik, istio, kong, gateway-api) with one address per datacenter`,
                ),
            );
        }
    }
    s.clientCidrs.forEach((c, i) => {
        const prefix = Number(c.split("/")[1]);
        if (isOpenRange(c) && !s.allowPublicClients) {
            const what =
                prefix === 0
                    ? "the whole internet"
                    : `${2 ** (32 - prefix)} addresses, a large part of the internet,`;
            problems.push(
                problem(
                    `clientCidrs[${i}]`,
                    `${c} admits ${what} to port 9042; list your client ranges (/${PUBLIC_PREFIX_LIMIT} or narrower), or set allowPublicClients: true to accept that exposure`,
                ),
            );
        }
    });
    return problems;
}

function validateTls(tls: Settings["tls"]): Problem[] {
    const problems: Problem[] = [];
    if (tls.clientCertificates.length > 0 && !tls.requireClientAuth) {
        problems.push(
            problem(
                "tls.clientCertificates",
                `client certificates ${JSON.stringify(tls.clientCertificates)} are only checked with mutual TLS; set tls.requireClientAuth: true or remove them`,
            ),
        );
    }
    if (tls.requireClientAuth && tls.clientCertificates.length === 0) {
        problems.push(
            problem(
                "tls.requireClientAuth",
                `with mutual TLS every client needs a certificate signed by the cluster CA; list the applications in tls.clientCertificates, e.g. ["orders-service"]`,
            ),
        );
    }
    if (tls.certificateValidityHours > tls.caValidityHours) {
        problems.push(
            problem(
                "tls.certificateValidityHours",
                `${tls.certificateValidityHours}h outlives the CA (tls.caValidityHours ${tls.caValidityHours}h); node certificates must expire before their CA`,
            ),
        );
    }
    if (tls.earlyRenewalHours >= tls.certificateValidityHours) {
        problems.push(
            problem(
                "tls.earlyRenewalHours",
                `${tls.earlyRenewalHours}h is not shorter than the certificate validity ${tls.certificateValidityHours}h; every run would renew`,
            ),
        );
    }
    return problems;
}

function validateDatacenter(dc: DatacenterSettings, path: string, onGke: boolean): Problem[] {
    const problems: Problem[] = [];
    const zones = new Set(dc.zones);
    if (zones.size !== dc.zones.length) {
        problems.push(
            problem(
                `${path}.zones`,
                `zones ${JSON.stringify(dc.zones)} list a zone twice; list each zone once`,
            ),
        );
    }
    if (onGke) {
        if (!dc.region) {
            problems.push(
                problem(
                    `${path}.region`,
                    `datacenter "${dc.name}" runs on a GKE cluster this stack creates; set its GCP region, e.g. us-west1`,
                ),
            );
        } else {
            dc.zones.forEach((z, j) => {
                if (!new RegExp(`^${dc.region}-[a-z]$`).test(z)) {
                    problems.push(
                        problem(
                            `${path}.zones[${j}]`,
                            `zone "${z}" is not in region ${dc.region}; use zones such as ${dc.region}-a, ${dc.region}-b`,
                        ),
                    );
                }
            });
        }
    }
    const racks = dc.racks ?? [];
    const rackNames = new Set<string>();
    racks.forEach((r, j) => {
        if (rackNames.has(r.name)) {
            problems.push(
                problem(
                    `${path}.racks[${j}].name`,
                    `duplicate rack name "${r.name}"; rack names must be unique within a datacenter`,
                ),
            );
        }
        rackNames.add(r.name);
        if (!zones.has(r.zone)) {
            problems.push(
                problem(
                    `${path}.racks[${j}].zone`,
                    `rack "${r.name}" is placed in zone "${r.zone}", which is not one of the datacenter's zones ${JSON.stringify(dc.zones)}`,
                ),
            );
        }
    });
    const rackCount = racks.length > 0 ? racks.length : dc.zones.length;
    if (dc.size % rackCount !== 0) {
        problems.push(
            problem(
                `${path}.size`,
                `size ${dc.size} cannot be split evenly across ${rackCount} racks; use a multiple of ${rackCount} (e.g. ${Math.max(rackCount, Math.round(dc.size / rackCount) * rackCount)})`,
            ),
        );
    }
    const sizing = sizeForMachine(dc.nodeMachineType);
    if (!sizing) {
        problems.push(
            problem(
                `${path}.nodeMachineType`,
                `"${dc.nodeMachineType}" is not a machine type Cassandra can be sized for; use a GCE type such as n2-highmem-4 or custom-<vCPUs>-<MiB> (for existing clusters, describe the worker size, e.g. custom-2-4096)`,
            ),
        );
    } else if (sizing.heap === "0G") {
        problems.push(
            problem(
                `${path}.nodeMachineType`,
                `"${dc.nodeMachineType}" leaves less than 1 GiB of heap for Cassandra; use at least 4 GiB of memory per node, e.g. custom-2-4096`,
            ),
        );
    }
    if (dc.maxNodes !== undefined && dc.maxNodes < dc.size) {
        problems.push(
            problem(
                `${path}.maxNodes`,
                `maxNodes ${dc.maxNodes} is below size ${dc.size}; the network ranges must hold at least every node`,
            ),
        );
    }
    return problems;
}

function validateExistingClusters(s: Settings): Problem[] {
    const problems: Problem[] = [];
    const clusters = s.existingClusters ?? {};
    const dcNames = new Set(s.datacenters.map((d) => d.name));
    for (const dc of s.datacenters) {
        if (!clusters[dc.name]) {
            problems.push(
                problem(
                    `existingClusters.${dc.name}`,
                    `datacenter "${dc.name}" has no existing cluster; with existingClusters every datacenter needs an entry (${[...dcNames].join(", ")})`,
                ),
            );
        }
    }
    for (const key of Object.keys(clusters)) {
        if (!dcNames.has(key)) {
            problems.push(
                problem(
                    `existingClusters.${key}`,
                    `"${key}" is not a declared datacenter; entries must be keyed by datacenter name (${[...dcNames].join(", ")})`,
                ),
            );
        }
    }
    if (s.network.ranges) {
        problems.push(
            problem(
                "network.ranges",
                `existing clusters declare their ranges in existingClusters.<dc>.podCidr/serviceCidr/nodeCidr; remove network.ranges`,
            ),
        );
    }
    return problems;
}

function fromZodIssue(issue: z.core.$ZodIssue, raw: unknown): Problem {
    const path = issue.path
        .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
        .join("");
    const value = valueAt(raw, issue.path);
    if (value === undefined && issue.code === "invalid_type") {
        return problem(
            path || "(root)",
            `required setting is missing (${issue.message.replace(/, received undefined$/, "")})`,
        );
    }
    // Objects are never echoed: they may hold kubeconfigs or other secrets.
    const shown = value === null || typeof value !== "object" ? value : undefined;
    const got =
        shown === undefined || issue.code === "unrecognized_keys"
            ? ""
            : ` (got ${JSON.stringify(shown)})`;
    return problem(path || "(root)", `${issue.message}${got}`);
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
    let cur: unknown = raw;
    for (const key of path) {
        if (cur === null || typeof cur !== "object") {
            return undefined;
        }
        cur = (cur as Record<PropertyKey, unknown>)[key];
    }
    return cur;
}

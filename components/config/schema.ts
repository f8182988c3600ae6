import { z } from "zod";
import {
    CA_ROTATION_STEPS,
    EXTERNAL_NAME_SCHEMES,
    STORAGE_COMPATIBILITY_MODES,
} from "../lifecycle/transitions";
import { cidrProblem } from "../plan/cidr";

/**
 * The zod schema of every stack config key, with the types inferred from it. The nested
 * schemas are exported for the modules that read a config piece by piece (salvage.ts) or name
 * the keys allowed at a path (messages.ts); the package exports only what index.ts lists.
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
 * A whole number within bounds; every failure (not a number, a fraction, out of range) says the
 * same thing: what is allowed.
 */
const wholeNumber = (min: number, max?: number, why?: string) => {
    const allowed =
        max === undefined
            ? `a whole number, at least ${min}`
            : `a whole number from ${min} to ${max}`;
    const error = `must be ${allowed}${why ? `: ${why}` : ""}`;
    const atLeast = z.number({ error }).int({ error }).min(min, { error });
    return max === undefined ? atLeast : atLeast.max(max, { error });
};

/**
 * A map keyed by datacenter name. Parsed into an object without a prototype so a datacenter
 * named like an Object method ("constructor") is looked up as missing, not as a function.
 */
const byDatacenter = <T extends z.ZodType>(value: T) =>
    z
        .record(z.string(), value)
        .transform((r) => Object.assign(Object.create(null) as Record<string, z.output<T>>, r));

export const rackSchema = z
    .object({
        /** Cassandra rack name; also part of the StatefulSet and pod names. */
        name: label("a rack name", 20),
        /** The zone whose nodes run this rack (`topology.kubernetes.io/zone`). */
        zone: z.string().min(1),
    })
    .strict();

export const datacenterSchema = z
    .object({
        name: label("a datacenter name", 20),
        /** GCP region of the GKE cluster; informative only for existing clusters. */
        region: z
            .string()
            .regex(GCP_REGION, "must be a GCP region such as us-west1 or europe-west4")
            .optional(),
        zones: z.array(z.string().min(1)).min(1, "list at least one zone"),
        size: wholeNumber(1, 1000),
        racks: z.array(rackSchema).min(1).optional(),
        nodeMachineType: z.string().min(1).default("n2-highmem-4"),
        storageGb: wholeNumber(
            10,
            undefined,
            "Cassandra needs at least 10 GiB of storage per node",
        ).default(200),
        maxNodes: wholeNumber(1).optional(),
        namespace: label("a namespace", 63).optional(),
        /**
         * Step 2 of removing this datacenter (README "Removing a datacenter"): cass-operator
         * decommissions its nodes when its CassandraDatacenter is deleted.
         */
        decommission: z.boolean().default(false),
    })
    .strict();

export const explicitRangesSchema = z
    .object({ nodes: cidr, pods: cidr, services: cidr, controlPlane: cidr })
    .strict();

export const networkSchema = z
    .object({
        supernet: cidr.default("10.0.0.0/8"),
        datacenterPrefix: wholeNumber(8, 24).default(16),
        maxPodsPerNode: wholeNumber(8, 256).default(32),
        ranges: byDatacenter(explicitRangesSchema).optional(),
        /** Accept public (not private-use) address space for the clusters' own ranges. */
        allowPublicRanges: z.boolean().optional(),
    })
    .strict();

export const existingClusterSchema = z
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

export const ingressControllerSchema = z
    .object({
        /** The controller (Traefik, Istio gateway, Kong, a Gateway API implementation) already runs in every cluster. */
        preinstalled: z.boolean().default(false),
        /** With a preinstalled controller: its entry point's address or host name, which the DNS records point at. */
        address: z.string().min(1).optional(),
        /** Namespace of the controller. Defaults per layer (traefik, istio-system, kong); Gateway API objects live in the Cassandra namespace. */
        namespace: label("a namespace", 63).optional(),
        /** Gateway API: the GatewayClass of the installed implementation. */
        gatewayClassName: z.string().min(1).default("istio"),
        /**
         * The preinstalled Traefik is k3s's own (k3d): its entry points are set through k3s's
         * `HelmChartConfig` `kube-system/traefik`, which the Traefik layer then writes.
         */
        k3s: z.boolean().default(false),
    })
    .strict();

export const tlsSchema = z
    .object({
        keyAlgorithm: z.enum(KEY_ALGORITHMS).default("ECDSA"),
        rsaBits: z
            .union([z.literal(3072), z.literal(4096)], {
                error: "must be 3072 or 4096: the CA's key uses it too, and the strong-keys policy requires at least 3072 bits for a CA key",
            })
            .default(3072),
        caValidityHours: wholeNumber(24).default(87600),
        certificateValidityHours: wholeNumber(24).default(8760),
        earlyRenewalHours: wholeNumber(0).default(720),
        requireClientAuth: z.boolean().default(false),
        clientCertificates: z.array(label("a client certificate name", 63)).default([]),
        /** The CA that issues the certificates when no rotation is under way (1, then 2, …). */
        caGeneration: wholeNumber(1).default(1),
        /** A CA rotation's phase (README "Rotating the CA"): trust generation+1 too, then issue from it. */
        caRotation: z.enum(CA_ROTATION_STEPS).optional(),
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
        /**
         * How nodes' external names are formed: `per-datacenter` (`<pod>.<dc>.<domain>`, which
         * behind an SNI layer one wildcard record per datacenter serves) or `flat`
         * (`<pod>.<domain>`, one record per node: the names of stacks created before
         * `per-datacenter` existed).
         */
        externalNames: z.enum(EXTERNAL_NAME_SCHEMES).default("per-datacenter"),
        clientCidrs: z.array(cidr).default([]),
        allowPublicClients: z.boolean().default(false),
        allowPlaintextNativeTransport: z.boolean().default(false),
        ingressController: ingressControllerSchema.default({
            preinstalled: false,
            gatewayClassName: "istio",
            k3s: false,
        }),
        maxLoadBalancerAddresses: wholeNumber(1).default(16),
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
            caGeneration: 1,
        }),
        deletionProtection: z.boolean().default(true),
        /**
         * Cassandra 5.0's `storage_compatibility_mode`: NONE (the default) on a new 5.0 cluster;
         * upgrading from 4.1 goes CASSANDRA_4 (with the version bump), UPGRADING, NONE, one
         * `pulumi up` each (README "Upgrading Cassandra").
         */
        storageCompatibilityMode: z.enum(STORAGE_COMPATIBILITY_MODES).optional(),
    })
    .strict();

/** The settings as the schema returns them, before `dns` is resolved (parse.ts). */
export type ParsedSettings = z.infer<typeof settingsSchema>;
/** Settings as written in stack config: optional keys may be left out and take their defaults. */
export type SettingsInput = z.input<typeof settingsSchema>;
export type DatacenterSettings = ParsedSettings["datacenters"][number];
export type ExistingCluster = NonNullable<ParsedSettings["existingClusters"]>[string];
export type ExplicitRanges = z.infer<typeof explicitRangesSchema>;

/** The validated settings; `dns` is resolved to a concrete mode. */
export type Settings = Omit<ParsedSettings, "dns"> & { readonly dns: DnsMode };

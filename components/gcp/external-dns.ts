import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { problem, Problem, throwIfProblems } from "../errors";
import type { Settings } from "../config";
import type { NodeRoute } from "../plan/routes";

type ExternalNameScheme = Settings["externalNames"];

/** One name in the external zone and the address it points at. */
export interface ExternalDnsRecord {
    /** Fully qualified name without the trailing dot, under `externalDomain`. */
    readonly name: string;
    /** IPv4 or IPv6 address (A/AAAA record) or host name (CNAME), e.g. a load balancer's. */
    readonly address: pulumi.Input<string>;
}

/** ExternalDnsArgs describe the public names clients use to reach the nodes. */
export interface ExternalDnsArgs {
    /** GCP project of the zone. */
    readonly project: string;
    /** The domain every external name lives under, e.g. `cassandra.example.com`. */
    readonly externalDomain: string;
    /**
     * Name of an existing Cloud DNS managed zone that serves `externalDomain` (config
     * `externalDnsZone`). Defaults to creating a public zone named after the domain.
     */
    readonly existingZone?: string;
    /** The records: every node's external name and every datacenter entry point (see `ingressDnsRecords`). */
    readonly records: readonly ExternalDnsRecord[];
    /** Record TTL in seconds. Defaults to 300, short enough for a replaced load balancer. */
    readonly ttl?: number;
}

/**
 * Public DNS for external access: a Cloud DNS managed zone for `externalDomain` (or an existing
 * one) with one record per node external name and per datacenter entry point, pointing at the
 * ingress address (SNI layers) or the node's own load balancer (`loadbalancer`). Delegate the
 * domain to `nameServers` at its registrar when the zone is created here.
 */
export class ExternalDns extends pulumi.ComponentResource {
    /** Name of the managed zone holding the records. */
    public readonly zoneName: pulumi.Output<string>;
    /** The zone's name servers, to delegate `externalDomain` to. */
    public readonly nameServers: pulumi.Output<string[]>;

    constructor(name: string, args: ExternalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:gcp:ExternalDns", name, args, opts);
        throwIfProblems(
            `Invalid arguments for ExternalDns "${name}"`,
            validateExternalDnsArgs(args),
        );
        const domain = args.externalDomain;
        if (args.existingZone) {
            this.zoneName = pulumi.output(args.existingZone);
            this.nameServers = gcp.dns
                .getManagedZoneOutput(
                    { name: args.existingZone, project: args.project },
                    { parent: this },
                )
                .apply((z) => z.nameServers);
        } else {
            const zone = new gcp.dns.ManagedZone(
                `${name}-zone`,
                {
                    project: args.project,
                    name: managedZoneName(domain),
                    dnsName: `${domain}.`,
                    visibility: "public",
                    description:
                        "Managed by cassandra-multicluster: external names of Cassandra nodes",
                    dnssecConfig: { state: "on" },
                },
                { parent: this },
            );
            this.zoneName = zone.name;
            this.nameServers = zone.nameServers;
        }
        for (const record of args.records) {
            const target = pulumi.output(record.address).apply(recordTarget);
            new gcp.dns.RecordSet(
                `${name}-${record.name}`,
                {
                    project: args.project,
                    managedZone: this.zoneName,
                    name: `${record.name}.`,
                    type: target.type,
                    ttl: args.ttl ?? 300,
                    rrdatas: target.rrdatas,
                },
                { parent: this },
            );
        }
        this.registerOutputs({ zoneName: this.zoneName, nameServers: this.nameServers });
    }
}

/** The zone's GCP name: the domain with dots as dashes, e.g. `cassandra-example-com`. */
export function managedZoneName(externalDomain: string): string {
    return externalDomain.replace(/\./g, "-");
}

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;

/**
 * Record type and data for an address: A for IPv4, AAAA for IPv6, CNAME (with trailing dot) for a
 * host name. An empty address (only when rendering offline: a deploy waits until the load
 * balancer or Gateway has one) gives an A record without data, which Cloud DNS would refuse.
 */
export function recordTarget(address: string): { type: string; rrdatas: string[] } {
    if (address === "") {
        return { type: "A", rrdatas: [] };
    }
    if (IPV4.test(address)) {
        return { type: "A", rrdatas: [address] };
    }
    if (address.includes(":")) {
        return { type: "AAAA", rrdatas: [address] };
    }
    return { type: "CNAME", rrdatas: [address.endsWith(".") ? address : `${address}.`] };
}

/**
 * Records for an SNI layer, where every node of a datacenter is reached through its one ingress
 * address: the entry point (`<dc>.<domain>`) and, with `per-datacenter` names
 * (`<pod>.<dc>.<domain>`), the wildcard `*.<dc>.<domain>` that answers for all of them (RFC 4592
 * §2.1.1: it matches any name below `<dc>.<domain>` that has no records of its own; Cloud DNS
 * serves wildcard record sets, as Google's own `*.googleapis.com` CNAME for Private Google Access
 * does). With `flat` names every node needs its own record. Pass one datacenter's routes with its
 * layer's address.
 */
export function ingressDnsRecords(
    routes: readonly NodeRoute[],
    address: pulumi.Input<string>,
    scheme: ExternalNameScheme,
): ExternalDnsRecord[] {
    const names = new Set<string>();
    for (const r of routes) {
        names.add(r.entryPoint);
        names.add(scheme === "flat" ? r.sniNames[0] : `*.${r.entryPoint}`);
    }
    return [...names].map((name) => ({ name, address }));
}

/** Records for the `loadbalancer` layer: each node's external name points at its own load balancer. */
export function loadBalancerDnsRecords(
    routes: readonly NodeRoute[],
    nodeAddresses: pulumi.Output<Record<string, string>>,
): ExternalDnsRecord[] {
    return routes.map((r) => ({
        name: r.sniNames[0],
        address: nodeAddresses.apply((a) => a[r.podName] ?? ""),
    }));
}

export function validateExternalDnsArgs(args: ExternalDnsArgs): Problem[] {
    const problems: Problem[] = [];
    const domain = args.externalDomain;
    const seen = new Set<string>();
    args.records.forEach((r, i) => {
        if (r.name !== domain && !r.name.endsWith(`.${domain}`)) {
            problems.push(
                problem(
                    `records[${i}].name`,
                    `"${r.name}" is not under ${domain}; the zone can only hold names in its domain`,
                ),
            );
        }
        if (r.name.slice(r.name.startsWith("*.") ? 2 : 0).includes("*")) {
            problems.push(
                problem(
                    `records[${i}].name`,
                    `"${r.name}" has "*" other than as its whole first label; a wildcard name is "*.<name>" (RFC 4592)`,
                ),
            );
        }
        if (seen.has(r.name)) {
            problems.push(
                problem(
                    `records[${i}].name`,
                    `"${r.name}" is listed twice; give each name one record`,
                ),
            );
        }
        seen.add(r.name);
    });
    const zone = managedZoneName(domain);
    if (!args.existingZone && (zone.length > 63 || !/^[a-z]/.test(zone))) {
        problems.push(
            problem(
                "externalDomain",
                `the zone name "${zone}" derived from ${domain} is not a valid Cloud DNS zone name (a letter first, at most 63 characters); set externalDnsZone to an existing zone`,
            ),
        );
    }
    if (args.ttl !== undefined && (!Number.isInteger(args.ttl) || args.ttl < 1)) {
        problems.push(problem("ttl", `${args.ttl} is not a positive whole number of seconds`));
    }
    return problems;
}

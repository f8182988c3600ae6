import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { DatacenterRanges } from "../plan/network-plan";
import type { FirewallRulePlan } from "../plan/firewall-plan";
import { problem, Problem, throwIfProblems } from "../errors";

/** One datacenter's subnet: where it lives and the ranges the CIDR plan gave it. */
export interface NetworkDatacenter {
    /** Datacenter name; prefixes the subnet and its secondary range names. */
    readonly name: string;
    /** GCP region of the subnet, e.g. `us-west1`. */
    readonly region: string;
    /** Ranges from the CIDR plan; `nodes` becomes the primary range, pods and services the secondary ranges. */
    readonly ranges: DatacenterRanges;
}

/** NetworkArgs describe the shared VPC of every datacenter's GKE cluster. */
export interface NetworkArgs {
    /** GCP project that owns the VPC. */
    readonly project: string;
    /** Prefix of every GCP name, normally the Cassandra cluster name. */
    readonly namePrefix: string;
    /** One subnet per datacenter; its ranges must come from the CIDR plan (`planNetwork`). */
    readonly datacenters: readonly NetworkDatacenter[];
    /** Firewall rules from `planFirewall`. */
    readonly firewall: readonly FirewallRulePlan[];
}

/** The subnet and range names a GKE cluster refers to. */
export interface SubnetRefs {
    readonly subnetworkId: pulumi.Output<string>;
    readonly podsRangeName: string;
    readonly servicesRangeName: string;
}

/**
 * A custom-mode VPC with one subnet per datacenter (pods and services as named secondary
 * ranges), the firewall rules of the plan, and Cloud NAT per region so private nodes can pull
 * images.
 */
export class Network extends pulumi.ComponentResource {
    /** The VPC's ID. */
    public readonly networkId: pulumi.Output<string>;
    /** The VPC's self link, which GKE and Cloud DNS refer to. */
    public readonly networkSelfLink: pulumi.Output<string>;
    /** Per datacenter: its subnet and the names of its secondary ranges. */
    public readonly subnets: Readonly<Record<string, SubnetRefs>>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:gcp:Network", name, args, opts);
        throwIfProblems(`Invalid arguments for Network "${name}"`, validateNetworkArgs(args));
        const vpc = new gcp.compute.Network(
            `${name}-vpc`,
            {
                project: args.project,
                name: `${args.namePrefix}-vpc`,
                autoCreateSubnetworks: false,
                // Cloud Routers in every region learn each other's routes only in GLOBAL mode.
                routingMode: "GLOBAL",
                description: "Managed by cassandra-multicluster",
            },
            { parent: this },
        );

        const subnets: Record<string, SubnetRefs> = {};
        for (const dc of args.datacenters) {
            const podsRangeName = `${dc.name}-pods`;
            const servicesRangeName = `${dc.name}-services`;
            const subnet = new gcp.compute.Subnetwork(
                `${name}-${dc.name}`,
                {
                    project: args.project,
                    name: `${args.namePrefix}-${dc.name}`,
                    network: vpc.id,
                    region: dc.region,
                    ipCidrRange: dc.ranges.nodes as string,
                    secondaryIpRanges: [
                        { rangeName: podsRangeName, ipCidrRange: dc.ranges.pods },
                        { rangeName: servicesRangeName, ipCidrRange: dc.ranges.services },
                    ],
                    privateIpGoogleAccess: true,
                },
                { parent: vpc },
            );
            subnets[dc.name] = { subnetworkId: subnet.id, podsRangeName, servicesRangeName };
        }

        for (const region of [...new Set(args.datacenters.map((d) => d.region))]) {
            const router = new gcp.compute.Router(
                `${name}-${region}-router`,
                {
                    project: args.project,
                    name: `${args.namePrefix}-${region}`,
                    network: vpc.id,
                    region,
                },
                { parent: vpc },
            );
            new gcp.compute.RouterNat(
                `${name}-${region}-nat`,
                {
                    project: args.project,
                    name: `${args.namePrefix}-${region}`,
                    router: router.name,
                    region,
                    natIpAllocateOption: "AUTO_ONLY",
                    sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
                    logConfig: { enable: true, filter: "ERRORS_ONLY" },
                },
                { parent: router },
            );
        }

        for (const rule of args.firewall) {
            const ports = [{ protocol: "tcp", ports: [...rule.ports] }];
            new gcp.compute.Firewall(
                `${name}-${rule.role}`,
                {
                    project: args.project,
                    name: `${args.namePrefix}-${rule.role}`,
                    network: vpc.id,
                    direction: "INGRESS",
                    priority: rule.priority,
                    description: `${rule.description}. Managed by cassandra-multicluster`,
                    sourceRanges: [...rule.sourceRanges],
                    targetTags: [...rule.targetTags],
                    ...(rule.action === "allow" ? { allows: ports } : { denies: ports }),
                },
                { parent: vpc },
            );
        }

        this.networkId = vpc.id;
        this.networkSelfLink = vpc.selfLink;
        this.subnets = subnets;
        this.registerOutputs({
            networkId: this.networkId,
            networkSelfLink: this.networkSelfLink,
            subnets,
        });
    }
}

/** GKE subnets need a primary (nodes) range; ranges of existing clusters may lack one. */
export function validateNetworkArgs(args: NetworkArgs): Problem[] {
    return args.datacenters
        .filter((dc) => !dc.ranges.nodes)
        .map((dc) =>
            problem(
                `datacenters.${dc.name}.ranges.nodes`,
                `a GKE subnet needs a nodes range; plan it with planNetwork or set network.ranges.${dc.name}.nodes`,
            ),
        );
}

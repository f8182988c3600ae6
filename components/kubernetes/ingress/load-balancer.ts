import * as pulumi from "@pulumi/pulumi";
import { problem, Problem, throwIfProblems } from "../../errors";
import { BACKEND_PORT } from "../../plan/routes";
import { POD_NAME_LABEL } from "../node-services";
import {
    clientLoadBalancerService,
    IngressLayerArgs,
    loadBalancerAddress,
    validateIngressArgs,
} from "./types";

/** LoadBalancersArgs: the common layer args plus optional reserved addresses. */
export interface LoadBalancersArgs extends IngressLayerArgs {
    /**
     * Reserved static IPs by pod name (e.g. `gcp.compute.Address` results), set as the Service's
     * `loadBalancerIP` so a node keeps its address when its Service is recreated. Defaults to
     * addresses the cloud assigns.
     */
    readonly staticAddresses?: Readonly<Record<string, pulumi.Input<string>>>;
}

/** Name of a node's own LoadBalancer Service: `<pod>-lb` (distinct from the SNI layers' per-pod ClusterIP Service, so switching layers never collides). */
export function nodeLoadBalancerName(podName: string): string {
    return `${podName}-lb`;
}

/**
 * `ingress: loadbalancer`: one LoadBalancer Service per node selecting only that pod on 9042, no
 * shared proxy, each limited to `clientCidrs`. Every node keeps its own address, so no SNI is
 * needed and any driver works with an address translator (the client bundle maps each node's
 * broadcast address to its load balancer). Costs one address per node (bounded by
 * `maxLoadBalancerAddresses` in config). `controller` is ignored: nothing is installed.
 */
export class LoadBalancers extends pulumi.ComponentResource {
    /** A contact point: the first node's address (there is no shared entry point; see `nodeAddresses`). */
    public readonly address: pulumi.Output<string>;
    /** Each node's load balancer IP or host name, by pod name; empty until the cloud assigns one. */
    public readonly nodeAddresses: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: LoadBalancersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:ingress:LoadBalancers", name, args, opts);
        const base = { ...args, controller: { preinstalled: false } };
        throwIfProblems(`Invalid arguments for LoadBalancers "${name}"`, [
            ...validateIngressArgs(base, { sni: false }),
            ...validateStaticAddresses(args),
        ]);
        const child = { parent: this, provider: args.provider };
        const addresses: Record<string, pulumi.Output<string>> = {};
        for (const r of args.routes) {
            const svc = clientLoadBalancerService(
                `${name}-${r.podName}`,
                args,
                {
                    serviceName: nodeLoadBalancerName(r.podName),
                    namespace: args.namespace,
                    selector: { [POD_NAME_LABEL]: r.podName },
                    ports: [
                        {
                            name: "cql",
                            port: BACKEND_PORT,
                            targetPort: BACKEND_PORT,
                            protocol: "TCP",
                        },
                    ],
                    loadBalancerIP: args.staticAddresses?.[r.podName],
                },
                child,
            );
            addresses[r.podName] = loadBalancerAddress(svc);
        }
        this.nodeAddresses = pulumi.all(addresses);
        const first = args.routes[0].podName;
        this.address = this.nodeAddresses.apply((a) => a[first] ?? "");
        this.registerOutputs({ address: this.address, nodeAddresses: this.nodeAddresses });
    }
}

function validateStaticAddresses(args: LoadBalancersArgs): Problem[] {
    const pods = new Set(args.routes.map((r) => r.podName));
    return Object.keys(args.staticAddresses ?? {})
        .filter((pod) => !pods.has(pod))
        .map((pod) =>
            problem(
                `staticAddresses.${pod}`,
                `"${pod}" is not a node of datacenter "${args.datacenter}"; key static addresses by pod name (${[...pods].join(", ")})`,
            ),
        );
}

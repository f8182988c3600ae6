import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { problem, Problem } from "../../errors";
import { publicClientsAnnotation } from "../../checks/exposure";
import { cidrProblem } from "../../plan/cidr";
import {
    BACKEND_PORT,
    DEDICATED_PORT_ANNOTATION,
    NODE_PORT_BASE,
    NodeRoute,
    SNI_PORT,
} from "../../plan/routes";
import { AWAIT_LOAD_BALANCER_ADDRESS } from "../awaits";

/**
 * What every ingress layer takes and shares: the args shape, the names of ports and entry points,
 * the annotation that marks per-node catch-all routes, validation, and the controller's own
 * LoadBalancer Service (the one public entry of a datacenter).
 */

/** The ingress controller of one cluster: installed by the layer, or already there. */
export interface IngressControllerArgs {
    /**
     * The controller (Traefik, the Istio ingress gateway, Kong, a Gateway API implementation)
     * already runs in the cluster, so the layer installs nothing and creates no Service. Its entry
     * points must match the ones the layer routes on (see each layer). Defaults to `false`.
     */
    readonly preinstalled: boolean;
    /** Entry point address or host name. Required when `preinstalled`; with `gateway-api` it also skips waiting for the Gateway's status. */
    readonly address?: string;
    /** Namespace of the controller. Defaults per layer: `traefik`, `istio-system`, `kong`. */
    readonly namespace?: string;
    /** Gateway API only: the GatewayClass of the installed implementation, e.g. `istio`. */
    readonly gatewayClassName?: string;
    /**
     * Traefik only, with `preinstalled`: the controller is k3s's bundled Traefik (k3d), whose
     * entry points the layer sets through k3s's `HelmChartConfig` `kube-system/traefik`.
     * Defaults to `false`.
     */
    readonly k3s?: boolean;
}

/** IngressLayerArgs describe one datacenter's external access; every layer takes this shape. */
export interface IngressLayerArgs {
    /** Provider of the datacenter's cluster. */
    readonly provider: k8s.Provider;
    /** Namespace of the datacenter's Cassandra pods; routes, per-node Services and Gateways live there. */
    readonly namespace: string;
    /** Datacenter name; every route must belong to it. */
    readonly datacenter: string;
    /** This datacenter's routes from `planRoutes` (one per node). */
    readonly routes: readonly NodeRoute[];
    /**
     * Cassandra host IDs by pod name (cass-operator's `status.nodeStatuses`), added to each SNI
     * route once known (see `withHostId`): DataStax drivers in SNI mode send them. Defaults to none.
     */
    readonly hostIds?: pulumi.Input<Record<string, string>>;
    /**
     * The most nodes the datacenter is planned to grow to (its `maxNodes`). Traefik's entry points
     * and Kong's stream listeners are static configuration: changing them restarts every proxy pod
     * and cuts every client's connections. So the entry point opens a dedicated port for each
     * node up to this many from the start, and scaling within it changes no listener. Defaults
     * to the number of routes.
     */
    readonly nodeCapacity?: number;
    /** Client ranges allowed to reach the entry point (`loadBalancerSourceRanges`); at least one. */
    readonly clientCidrs: readonly string[];
    /** The controller: install it or use an existing one. */
    readonly controller: IngressControllerArgs;
    /** Annotations for the public LoadBalancer Service(s), e.g. a cloud's load balancer type. Defaults to none. */
    readonly loadBalancerAnnotations?: Readonly<Record<string, string>>;
}

/**
 * Marks a route that accepts any SNI (or none) because its port reaches exactly one node: the
 * value is that node's pod name (the plan's `DEDICATED_PORT_ANNOTATION`, which the policy pack
 * reads). Traefik `HostSNI(\`*\`)` routes, Kong port-only TCPIngresses, Istio per-node TCP
 * VirtualServices and Gateway API TCPRoutes carry it. A policy may allow a catch-all match only
 * on objects that carry this annotation, listen on exactly one entry point/port that is not the
 * shared SNI port 9042, and route to exactly one backend whose name is the annotation's pod
 * (per-pod Services are named after their pod).
 */
export const DEDICATED_NODE_PORT_ANNOTATION = DEDICATED_PORT_ANNOTATION;

/** The container/entry point port name of the shared SNI port. */
export const SNI_PORT_NAME = "cql-sni";

/** Name of the port (Traefik entry point, Service port, Gateway listener) that reaches one node: `cql-<port>`, 15 characters at most. */
export function nodePortName(port: number): string {
    return `cql-${port}`;
}

/** Labels on everything a layer creates. */
export function ingressLabels(datacenter: string): Record<string, string> {
    return {
        "app.kubernetes.io/managed-by": "cassandra-multicluster",
        "cassandra-multicluster/datacenter": datacenter,
    };
}

/** Every SNI name of the datacenter, in route order, without duplicates. */
export function allSniNames(routes: readonly NodeRoute[]): string[] {
    return [...new Set(routes.flatMap((r) => r.sniNames))];
}

/**
 * Every dedicated port the entry point listens on: one per node up to `nodeCapacity`, in order
 * (the routes' own ports among them), so a datacenter can grow without a new listener.
 */
export function dedicatedPorts(args: Pick<IngressLayerArgs, "routes" | "nodeCapacity">): number[] {
    const capacity = Math.max(args.nodeCapacity ?? 0, args.routes.length);
    const ports = new Set(args.routes.map((r) => r.nodePort));
    for (let i = 0; i < capacity; i++) {
        ports.add(NODE_PORT_BASE + i);
    }
    return [...ports].sort((a, b) => a - b);
}

/** The Service ports of a shared entry point: the SNI port, then every dedicated port. */
export function entryPointPorts(
    args: Pick<IngressLayerArgs, "routes" | "nodeCapacity">,
): { name: string; port: number }[] {
    return [
        { name: SNI_PORT_NAME, port: SNI_PORT },
        ...dedicatedPorts(args).map((port) => ({ name: nodePortName(port), port })),
    ];
}

export interface ValidateOptions {
    /** The layer routes by SNI through a shared entry point (everything but `loadbalancer`). */
    readonly sni: boolean;
}

/** Every problem with a layer's args, before any resource exists. */
export function validateIngressArgs(args: IngressLayerArgs, opts: ValidateOptions): Problem[] {
    const problems: Problem[] = [];
    if (args.routes.length === 0) {
        problems.push(
            problem(
                "routes",
                `datacenter "${args.datacenter}" has no routes; pass this datacenter's part of planRoutes (ingress must not be "none")`,
            ),
        );
    }
    args.routes.forEach((r, i) => {
        if (r.datacenter !== args.datacenter) {
            problems.push(
                problem(
                    `routes[${i}].datacenter`,
                    `route for ${r.podName} belongs to datacenter "${r.datacenter}", not "${args.datacenter}"; pass one datacenter's routes per layer`,
                ),
            );
        }
        if (r.sniNames.length === 0) {
            problems.push(
                problem(
                    `routes[${i}].sniNames`,
                    `route for ${r.podName} has no SNI names; every node needs at least its external name`,
                ),
            );
        }
        if (r.backend.port !== BACKEND_PORT) {
            problems.push(
                problem(
                    `routes[${i}].backend.port`,
                    `backend port ${r.backend.port} is not the native transport port ${BACKEND_PORT}`,
                ),
            );
        }
        if (r.backend.namespace !== args.namespace) {
            problems.push(
                problem(
                    `routes[${i}].backend.namespace`,
                    `backend of ${r.podName} is in namespace "${r.backend.namespace}", but the layer renders into "${args.namespace}"`,
                ),
            );
        }
        if (opts.sni && (r.nodePort === SNI_PORT || r.nodePort < 1024 || r.nodePort > 65535)) {
            problems.push(
                problem(
                    `routes[${i}].nodePort`,
                    `dedicated port ${r.nodePort} of ${r.podName} must be 1024-65535 and not the shared SNI port ${SNI_PORT}`,
                ),
            );
        }
    });
    problems.push(
        ...duplicates(
            args.routes.map((r) => r.podName),
            "routes",
            "pod",
        ),
    );
    if (opts.sni) {
        problems.push(
            ...duplicates(
                args.routes.map((r) => String(r.nodePort)),
                "routes",
                "dedicated port",
            ),
        );
    }
    if (args.clientCidrs.length === 0) {
        problems.push(
            problem(
                "clientCidrs",
                `the entry point of datacenter "${args.datacenter}" would be open to every address; list the client ranges allowed to reach it, e.g. ["203.0.113.0/24"]`,
            ),
        );
    }
    args.clientCidrs.forEach((c, i) => {
        const reason = cidrProblem(c);
        if (reason) {
            // The reason already quotes the value.
            problems.push(problem(`clientCidrs[${i}]`, reason));
        }
    });
    if (args.controller.preinstalled && !args.controller.address) {
        problems.push(
            problem(
                "controller.address",
                `the controller is declared preinstalled; give its entry point's address or host name so DNS records can point at it`,
            ),
        );
    }
    return problems;
}

function duplicates(values: readonly string[], path: string, what: string): Problem[] {
    const seen = new Map<string, number>();
    const out: Problem[] = [];
    values.forEach((v, i) => {
        const first = seen.get(v);
        if (first !== undefined) {
            out.push(
                problem(
                    `${path}[${i}]`,
                    `duplicate ${what} ${v} (also ${path}[${first}]); each node needs its own`,
                ),
            );
        } else {
            seen.set(v, i);
        }
    });
    return out;
}

/** A LoadBalancer Service's address: its first ingress IP, else host name; empty until assigned. */
export function loadBalancerAddress(svc: k8s.core.v1.Service): pulumi.Output<string> {
    return svc.status.apply((s) => {
        const first = s?.loadBalancer?.ingress?.[0];
        return first?.ip ?? first?.hostname ?? "";
    });
}

/** The controller Service of an installed controller, and where it lives. */
export interface ControllerServiceSpec {
    /** Kubernetes name of the Service. */
    readonly serviceName: string;
    /** Namespace of the controller pods. */
    readonly namespace: string;
    /** Labels of the controller pods, as the chart sets them. */
    readonly selector: Readonly<Record<string, string>>;
}

/**
 * The datacenter's one public entry: a LoadBalancer Service in front of the controller pods with
 * the SNI port and every dedicated node port, limited to `clientCidrs`. The layers create it
 * themselves (and turn the charts' own Services off or to ClusterIP) so its ranges, ports and
 * annotations are in the program, reviewed and tested, and its address is a plain output.
 */
export function controllerService(
    name: string,
    args: IngressLayerArgs,
    spec: ControllerServiceSpec,
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Service {
    return clientLoadBalancerService(
        name,
        args,
        {
            ...spec,
            ports: entryPointPorts(args).map((p) => ({
                name: p.name,
                port: p.port,
                targetPort: p.port,
                protocol: "TCP",
            })),
        },
        opts,
    );
}

/** A public LoadBalancer Service: where it lives, what it selects and exposes. */
export interface ClientLoadBalancerSpec extends ControllerServiceSpec {
    /** Service ports, each exposed on the same number it targets. */
    readonly ports: readonly { name: string; port: number; targetPort: number; protocol: string }[];
    /** Reserved address (`loadBalancerIP`). Defaults to one the cloud assigns. */
    readonly loadBalancerIP?: pulumi.Input<string>;
}

/**
 * A LoadBalancer Service reachable only from `clientCidrs`, with the layer's labels and
 * `loadBalancerAnnotations`: the shape of every public entry, the controller's and the
 * `loadbalancer` layer's per-node ones alike. `externalTrafficPolicy: Local` keeps the client's
 * address, so the source ranges hold at the node too and the proxy or node logs real clients.
 * Client ranges wider than /8 (which stack config accepts only with `allowPublicClients`) are
 * listed in the `cassandra-multicluster/allow-public-clients` annotation, the opt-in the
 * `no-open-cql` policy looks for.
 */
export function clientLoadBalancerService(
    name: string,
    args: IngressLayerArgs,
    spec: ClientLoadBalancerSpec,
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
        name,
        {
            metadata: {
                name: spec.serviceName,
                namespace: spec.namespace,
                labels: ingressLabels(args.datacenter),
                annotations: {
                    ...args.loadBalancerAnnotations,
                    ...AWAIT_LOAD_BALANCER_ADDRESS,
                    ...publicClientsAnnotation(args.clientCidrs),
                },
            },
            spec: {
                type: "LoadBalancer",
                selector: { ...spec.selector },
                ports: [...spec.ports],
                loadBalancerSourceRanges: [...args.clientCidrs],
                externalTrafficPolicy: "Local",
                ...(spec.loadBalancerIP ? { loadBalancerIP: spec.loadBalancerIP } : {}),
            },
        },
        opts,
    );
}

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { problem, Problem } from "../../errors";
import { BACKEND_PORT, NodeRoute, SNI_PORT } from "../../plan/routes";
import { GATEWAY_API } from "../../versions";
import { nodeRoutes, startSniLayer } from "./controller";
import {
    DEDICATED_NODE_PORT_ANNOTATION,
    IngressLayerArgs,
    nodePortName,
    SNI_PORT_NAME,
} from "./types";

/** The Gateway's name in the Cassandra namespace. */
export const GATEWAY_NAME = "cassandra";
/**
 * The Service annotation every cloud provider's service controller reads when
 * `spec.loadBalancerSourceRanges` is empty (k8s.io/api core/v1 `AnnotationLoadBalancerSourceRangesKey`).
 * Gateway API has no source-range field; implementations copy `spec.infrastructure.annotations`
 * onto the Service they generate (GEP-1867), so this is the portable way to restrict it.
 */
export const SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";
/** Gateway API allows at most 16 infrastructure annotations. */
const MAX_INFRASTRUCTURE_ANNOTATIONS = 16;

/**
 * `ingress: gateway-api`, portable across implementations (Istio, Envoy Gateway, Kong, ...):
 *  - Gateway (`gateway.networking.k8s.io/v1`) of `controller.gatewayClassName` with a `TLS`
 *    listener on 9042 in `Passthrough` mode (no hostname: the routes carry them), and one `TCP`
 *    listener per dedicated node port. TLS listeners need SNI to pick a route (a TLSRoute must
 *    list at least one hostname), so clients without SNI get TCP listeners routed by port.
 *  - TLSRoute (`v1`) per node on the 9042 listener, with the node's external name and, once the
 *    datacenter reports it, its host ID (a single-label hostname the CRD accepts).
 *  - TCPRoute (`v1`, standard channel since v1.6) per node on its dedicated listener.
 * The implementation creates the LoadBalancer Service from the Gateway; client ranges and
 * `loadBalancerAnnotations` reach it through `spec.infrastructure.annotations`.
 *
 * Nothing of the implementation is installed: its GatewayClass must exist. Unless
 * `controller.preinstalled`, the Gateway API standard-channel CRDs are installed from the pinned
 * upstream release manifest (Istio, for one, does not install them); a cluster that already has
 * Gateway API (e.g. GKE with it enabled) must say `controller.preinstalled`, so the layer never
 * installs over it. A Gateway holds at most 64 listeners: 9042 and one per node, so a datacenter
 * has at most 63 nodes with this layer (refused in the plan before any resource). Without
 * `controller.address` the layer waits for the Gateway's `status.addresses` and uses the first.
 */
export class GatewayApi extends pulumi.ComponentResource {
    /** The entry point's IP or host name: `controller.address`, else the Gateway's first status address. */
    public readonly address: pulumi.Output<string>;

    constructor(name: string, args: IngressLayerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:ingress:GatewayApi", name, args, opts);
        const { child, labels, backends } = startSniLayer(
            this,
            "GatewayApi",
            name,
            args,
            validateGatewayApiArgs,
        );
        const waitFor: pulumi.Resource[] = [backends];
        if (!args.controller.preinstalled) {
            waitFor.push(
                new k8s.yaml.v2.ConfigFile(
                    `${name}-crds`,
                    { file: GATEWAY_API.standardInstall },
                    child,
                ),
            );
        }
        const inNs = { ...child, dependsOn: waitFor };
        const gateway = new k8s.apiextensions.CustomResource(
            `${name}-gateway`,
            { ...gatewayObject(args, labels), status: undefined },
            inNs,
        );
        if (args.controller.address) {
            this.address = pulumi.output(args.controller.address);
        } else {
            const status = (
                gateway as unknown as {
                    status: pulumi.Output<{ addresses?: { value?: string }[] } | undefined>;
                }
            ).status;
            this.address = status.apply((st) => st?.addresses?.[0]?.value ?? "");
        }
        nodeRoutes(
            name,
            args,
            (r) => tlsRoute(args, r, labels),
            (r) => tcpRoute(args, r, labels),
            { ...inNs, dependsOn: [...waitFor, gateway] },
        );
        this.registerOutputs({ address: this.address });
    }
}

/**
 * A TLSRoute hostname, as the vendored gateway-api v1.6.1 TLSRoute CRD
 * (schemas/crds/gateway.networking.k8s.io_tlsroutes.yaml, `spec.hostnames.items`) allows: pattern
 * `^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`, at most 253
 * characters: a lowercase host ID (one label) is one too.
 */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The SNI names a TLSRoute lists: every name of the route the Hostname pattern accepts. */
export function tlsRouteHostnames(r: NodeRoute): string[] {
    return r.sniNames.filter(
        (n) => n.length <= 253 && n.split(".").every((l) => l.length <= 63) && HOSTNAME.test(n),
    );
}

export function validateGatewayApiArgs(args: IngressLayerArgs): Problem[] {
    const problems: Problem[] = [];
    if (!args.controller.gatewayClassName) {
        problems.push(
            problem(
                "controller.gatewayClassName",
                `the Gateway needs the GatewayClass of an installed implementation, e.g. "istio" or "eg"`,
            ),
        );
    }
    args.routes.forEach((r, i) => {
        if (tlsRouteHostnames(r).length === 0) {
            problems.push(
                problem(
                    `routes[${i}].sniNames`,
                    `${JSON.stringify(r.sniNames)} holds no DNS name for the TLSRoute of ${r.podName}; its external name must be one`,
                ),
            );
        }
    });
    const annotations =
        Object.keys(args.loadBalancerAnnotations ?? {}).filter(
            (k) => k !== SOURCE_RANGES_ANNOTATION,
        ).length + 1;
    if (annotations > MAX_INFRASTRUCTURE_ANNOTATIONS) {
        problems.push(
            problem(
                "loadBalancerAnnotations",
                `${annotations - 1} annotations plus the source ranges exceed the ${MAX_INFRASTRUCTURE_ANNOTATIONS} a Gateway's infrastructure may carry`,
            ),
        );
    }
    return problems;
}

function gatewayObject(args: IngressLayerArgs, labels: Record<string, string>) {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: {
            name: GATEWAY_NAME,
            namespace: args.namespace,
            labels,
            // Without a given address, wait until the implementation has published one.
            ...(args.controller.address
                ? {}
                : {
                      annotations: {
                          "pulumi.com/waitFor": "jsonpath={.status.addresses[0].value}",
                      },
                  }),
        },
        spec: {
            gatewayClassName: args.controller.gatewayClassName as string,
            infrastructure: {
                labels,
                annotations: {
                    ...(args.loadBalancerAnnotations ?? {}),
                    [SOURCE_RANGES_ANNOTATION]: args.clientCidrs.join(","),
                },
            },
            listeners: [
                {
                    name: SNI_PORT_NAME,
                    port: SNI_PORT,
                    protocol: "TLS",
                    tls: { mode: "Passthrough" },
                    allowedRoutes: { namespaces: { from: "Same" }, kinds: [{ kind: "TLSRoute" }] },
                },
                ...args.routes.map((r) => ({
                    name: nodePortName(r.nodePort),
                    port: r.nodePort,
                    protocol: "TCP",
                    allowedRoutes: { namespaces: { from: "Same" }, kinds: [{ kind: "TCPRoute" }] },
                })),
            ],
        },
    };
}

function tlsRoute(args: IngressLayerArgs, r: NodeRoute, labels: Record<string, string>) {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "TLSRoute",
        metadata: { name: `${r.podName}-sni`, namespace: args.namespace, labels },
        spec: {
            parentRefs: [{ name: GATEWAY_NAME, sectionName: SNI_PORT_NAME }],
            hostnames: tlsRouteHostnames(r),
            rules: [{ backendRefs: [{ name: r.backend.service, port: BACKEND_PORT }] }],
        },
    };
}

function tcpRoute(args: IngressLayerArgs, r: NodeRoute, labels: Record<string, string>) {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "TCPRoute",
        metadata: {
            name: `${r.podName}-port`,
            namespace: args.namespace,
            labels,
            annotations: { [DEDICATED_NODE_PORT_ANNOTATION]: r.podName },
        },
        spec: {
            parentRefs: [{ name: GATEWAY_NAME, sectionName: nodePortName(r.nodePort) }],
            rules: [{ backendRefs: [{ name: r.backend.service, port: BACKEND_PORT }] }],
        },
    };
}

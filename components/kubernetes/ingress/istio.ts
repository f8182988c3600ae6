import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BACKEND_PORT, NodeRoute, SNI_PORT } from "../../plan/routes";
import { ISTIO } from "../../versions";
import { controllerEntry, followHostIds, pinnedChart, startSniLayer } from "./controller";
import {
    allSniNames,
    DEDICATED_NODE_PORT_ANNOTATION,
    IngressLayerArgs,
    nodePortName,
    SNI_PORT_NAME,
} from "./types";

/** Helm release of the installed ingress gateway; the chart labels its pods `istio: ingressgateway`. */
export const ISTIO_GATEWAY_RELEASE = "istio-ingressgateway";
/** The pod labels the Gateway selects: the gateway chart's, and the classic ingress gateway's. */
export const ISTIO_GATEWAY_SELECTOR: Readonly<Record<string, string>> = { istio: "ingressgateway" };
/** Istio's service domain suffix (istiod `--domain`); Istio uses it whatever the cluster's DNS domain is. */
export const ISTIO_MESH_DOMAIN = "cluster.local";

/**
 * `ingress: istio`. Installs Istio (`base`, `istiod` and the `gateway` chart, pinned, unless
 * preinstalled) and routes in the Cassandra namespace:
 *  - Gateway: a `TLS` server on 9042 in `PASSTHROUGH` mode for all SNI names, and one `TCP`
 *    server per dedicated node port. TCP, not TLS, because a client on a dedicated port may send
 *    no SNI: an Envoy TLS filter chain is chosen by SNI (and a VirtualService `tls` route must
 *    list `sniHosts`), while a TCP server is chosen by port alone and forwards the client's TLS
 *    bytes untouched, which is exactly passthrough. Its `hosts` (only used to bind a
 *    VirtualService) is the node's external name.
 *  - VirtualService `cassandra-sni`: `tls` routes matching port 9042 and each node's `sniHosts`,
 *    to the node's own Service.
 *  - VirtualService `<pod>-port` per node: one `tcp` route matching the node's dedicated port,
 *    annotated `cassandra-multicluster/dedicated-node-port` (a port-only route is a catch-all,
 *    which the policy pack allows only on a dedicated port).
 *  - DestinationRule `tls.mode: DISABLE` for the namespace's Services: the gateway must not wrap
 *    the client's TLS in Istio mTLS, which the nodes cannot terminate.
 *  - PeerAuthentication `DISABLE` in the Cassandra namespace only (not mesh-wide): Cassandra
 *    speaks TLS itself, and gossip from the other clusters' pods (not in this mesh) must not be
 *    refused by STRICT mesh mTLS.
 * A preinstalled gateway must carry the label `istio: ingressgateway` and expose 9042 and every
 * dedicated port on its Service.
 */
export class Istio extends pulumi.ComponentResource {
    /** The entry point's IP or host name: the gateway Service's load balancer, or `controller.address`. */
    public readonly address: pulumi.Output<string>;

    constructor(name: string, args: IngressLayerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:ingress:Istio", name, args, opts);
        const base = startSniLayer(this, "Istio", name, args);
        const { child, labels } = base;
        const entry = controllerEntry(name, args, base, {
            defaultNamespace: "istio-system",
            serviceName: "istio-cassandra",
            selector: ISTIO_GATEWAY_SELECTOR,
            charts: (namespace, ns) => {
                const chart = (
                    role: string,
                    chartName: string,
                    values: Record<string, unknown>,
                    dependsOn: pulumi.Resource[],
                ) =>
                    pinnedChart(
                        `${name}-${role}`,
                        role === "gateway" ? ISTIO_GATEWAY_RELEASE : `istio-${role}`,
                        { chart: chartName, ...ISTIO },
                        namespace,
                        values,
                        { ...child, dependsOn },
                    );
                const baseChart = chart("base", "base", { defaultRevision: "default" }, [ns]);
                const istiod = chart("istiod", "istiod", {}, [baseChart]);
                const gateway = chart("gateway", "gateway", istioGatewayValues(), [istiod]);
                // base installs the networking and security CRDs; the gateway must run to accept routes.
                return [baseChart, gateway];
            },
        });
        this.address = entry.address;
        const inNs = { ...child, dependsOn: entry.waitFor };
        // The Gateway lists DNS names only: Istio's validation refuses a dot-less host there
        // (istio 1.30.3 pkg/config/validation/agent/validation.go,
        // validateSidecarOrGatewayHostnamePart: "short names (non FQDN) are not allowed"), so host
        // IDs go only into the VirtualService, whose sniHosts become the filter chains'
        // server_names as written (pilot/pkg/networking/core/gateway.go,
        // buildGatewayNetworkFiltersFromTLSRoutes).
        new k8s.apiextensions.CustomResource(
            `${name}-gateway`,
            istioGateway(args, args.routes, labels),
            inNs,
        );
        new k8s.apiextensions.CustomResource(
            `${name}-sni`,
            followHostIds(args, (routes) => sniVirtualService(args, routes, labels)),
            inNs,
        );
        for (const r of args.routes) {
            new k8s.apiextensions.CustomResource(
                `${name}-${r.podName}-port`,
                portVirtualService(args, r, labels),
                inNs,
            );
        }
        new k8s.apiextensions.CustomResource(
            `${name}-no-mesh-tls`,
            {
                apiVersion: "networking.istio.io/v1",
                kind: "DestinationRule",
                metadata: { name: "cassandra-nodes-own-tls", namespace: args.namespace, labels },
                spec: {
                    host: `*.${args.namespace}.svc.${ISTIO_MESH_DOMAIN}`,
                    trafficPolicy: { tls: { mode: "DISABLE" } },
                },
            },
            inNs,
        );
        new k8s.apiextensions.CustomResource(
            `${name}-peer-authentication`,
            {
                apiVersion: "security.istio.io/v1",
                kind: "PeerAuthentication",
                metadata: { name: "cassandra-own-tls", namespace: args.namespace, labels },
                spec: { mtls: { mode: "DISABLE" } },
            },
            inNs,
        );
        this.registerOutputs({ address: this.address });
    }
}

/** Gateway chart values: no Service of its own (ours is the only public entry). */
export function istioGatewayValues(): Record<string, unknown> {
    return { service: { type: "None" } };
}

/** The Gateway object's name in the Cassandra namespace. */
export const ISTIO_GATEWAY_NAME = "cassandra";

function istioGateway(
    args: IngressLayerArgs,
    routes: readonly NodeRoute[],
    labels: Record<string, string>,
) {
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "Gateway",
        metadata: { name: ISTIO_GATEWAY_NAME, namespace: args.namespace, labels },
        spec: {
            selector: { ...ISTIO_GATEWAY_SELECTOR },
            servers: [
                {
                    port: { number: SNI_PORT, name: SNI_PORT_NAME, protocol: "TLS" },
                    hosts: allSniNames(routes),
                    tls: { mode: "PASSTHROUGH" },
                },
                ...routes.map((r) => ({
                    port: { number: r.nodePort, name: nodePortName(r.nodePort), protocol: "TCP" },
                    hosts: [r.sniNames[0]],
                })),
            ],
        },
    };
}

/** The node's Service as Istio names it. */
export function istioDestination(r: NodeRoute): string {
    return `${r.backend.service}.${r.backend.namespace}.svc.${ISTIO_MESH_DOMAIN}`;
}

function destination(r: NodeRoute) {
    return [{ destination: { host: istioDestination(r), port: { number: BACKEND_PORT } } }];
}

function sniVirtualService(
    args: IngressLayerArgs,
    routes: readonly NodeRoute[],
    labels: Record<string, string>,
) {
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata: { name: "cassandra-sni", namespace: args.namespace, labels },
        spec: {
            hosts: allSniNames(routes),
            gateways: [ISTIO_GATEWAY_NAME],
            tls: routes.map((r) => ({
                match: [{ port: SNI_PORT, sniHosts: [...r.sniNames] }],
                route: destination(r),
            })),
        },
    };
}

function portVirtualService(args: IngressLayerArgs, r: NodeRoute, labels: Record<string, string>) {
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata: {
            name: `${r.podName}-port`,
            namespace: args.namespace,
            labels,
            annotations: { [DEDICATED_NODE_PORT_ANNOTATION]: r.podName },
        },
        spec: {
            hosts: [r.sniNames[0]],
            gateways: [ISTIO_GATEWAY_NAME],
            tcp: [{ match: [{ port: r.nodePort }], route: destination(r) }],
        },
    };
}

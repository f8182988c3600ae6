import * as pulumi from "@pulumi/pulumi";
import { BACKEND_PORT, NodeRoute, SNI_PORT } from "../../plan/routes";
import { KONG } from "../../versions";
import { controllerEntry, datacenterSniRoutes, pinnedChart, startSniLayer } from "./controller";
import { DEDICATED_NODE_PORT_ANNOTATION, dedicatedPorts, IngressLayerArgs } from "./types";

/** Helm release of the installed Kong; the gateway pods are labelled with it. */
export const KONG_RELEASE = "kong";
/** The IngressClass KIC watches (chart default); TCPIngress needs it as an annotation. */
export const KONG_INGRESS_CLASS = "kong";
/** Name of our public Service in front of the Kong gateway pods. */
export const KONG_SERVICE = "kong-cassandra";

/**
 * `ingress: kong`: Kong Ingress Controller 3.x with Kong Gateway (the `ingress` umbrella chart,
 * pinned, unless preinstalled). Kong listens with stream listeners: 9042 with `ssl` (needed for
 * SNI routes; Kong reads the SNI from the ClientHello and, for `tls_passthrough` routes, forwards
 * the stream without terminating it) and each node's dedicated port without `ssl` (a `tcp`
 * route by port forwards the client's TLS bytes as they are):
 *  - one TCPIngress `cassandra-sni` with a rule per node and SNI name on 9042 and
 *    `konghq.com/protocols: tls_passthrough` (KIC 3.x translates each rule into a Kong route of
 *    its own, `<namespace>.<name>.<i>` with `snis: [host]` and the rule's port as destination:
 *    internal/dataplane/translator/translate_kong_l4.go `ingressRulesFromTCPIngressV1beta1`);
 *  - per node, a TCPIngress with one port-only rule on the node's port and
 *    `konghq.com/protocols: tcp`, annotated `cassandra-multicluster/dedicated-node-port`.
 *
 * TCPIngress (`configuration.konghq.com/v1beta1`) is deprecated upstream and was removed in
 * Kong/kubernetes-configuration v2.0.0; it works with KIC 3.x (3.0-3.5, whose CRDs come from
 * kubernetes-configuration 1.x) and not with KIC releases built on configuration v2. KIC applies
 * `konghq.com/protocols` to every route it translates, TCPIngress ones included
 * (internal/dataplane/kongstate/route.go, overrideProtocols; `tls_passthrough` is an accepted
 * value in internal/util/protocol.go), but Kong's current docs say TLS passthrough is "not
 * supported using TCPIngress" and point to Gateway API TLSRoute: prefer `ingress: gateway-api`
 * with Kong's GatewayClass for new installations, and prove this layer end to end before relying
 * on it.
 *
 * A preinstalled Kong needs the same stream listeners (9042 `ssl`, each dedicated port plain)
 * and the `kong` IngressClass.
 */
export class Kong extends pulumi.ComponentResource {
    /** The entry point's IP or host name: the proxy Service's load balancer, or `controller.address`. */
    public readonly address: pulumi.Output<string>;

    constructor(name: string, args: IngressLayerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:ingress:Kong", name, args, opts);
        const base = startSniLayer(this, "Kong", name, args);
        const entry = controllerEntry(name, args, base, {
            defaultNamespace: "kong",
            serviceName: KONG_SERVICE,
            // The `gateway` subchart's pod selector (kong chart `kong.selectorLabels`).
            selector: {
                "app.kubernetes.io/name": "gateway",
                "app.kubernetes.io/component": "app",
                "app.kubernetes.io/instance": KONG_RELEASE,
            },
            // The chart installs the TCPIngress CRD.
            charts: (namespace, ns) => [
                pinnedChart(
                    `${name}-chart`,
                    KONG_RELEASE,
                    KONG,
                    namespace,
                    kongValues(dedicatedPorts(args), namespace),
                    { ...base.child, dependsOn: [ns] },
                ),
            ],
        });
        this.address = entry.address;
        datacenterSniRoutes(
            name,
            args,
            (routes) => sniIngress(args, routes, base.labels),
            (r) => portIngress(args, r, base.labels),
            {
                ...base.child,
                dependsOn: entry.waitFor,
            },
        );
        this.registerOutputs({ address: this.address });
    }
}

/** One `proxy.stream` entry of the kong chart. Kong matches routes on `containerPort`, so both ports are equal. */
export function kongStreamListener(port: number, ssl: boolean): Record<string, unknown> {
    return {
        containerPort: port,
        servicePort: port,
        protocol: "TCP",
        parameters: ssl ? ["ssl"] : [],
    };
}

/**
 * Values of the `ingress` chart: the gateway's proxy Service only internal (ClusterIP, no HTTP
 * or HTTPS listener, only our stream listeners), Kong Manager off (the chart makes it a NodePort
 * Service), KIC publishing our Service's address, and the traditional router so KIC emits plain
 * SNI/port routes for TCPIngress.
 */
export function kongValues(
    nodePorts: readonly number[],
    namespace: string,
): Record<string, unknown> {
    return {
        controller: {
            ingressController: {
                ingressClass: KONG_INGRESS_CLASS,
                env: { publish_service: `${namespace}/${KONG_SERVICE}` },
            },
        },
        gateway: {
            env: { router_flavor: "traditional_compatible" },
            proxy: {
                type: "ClusterIP",
                http: { enabled: false },
                tls: { enabled: false },
                stream: [
                    kongStreamListener(SNI_PORT, true),
                    ...nodePorts.map((p) => kongStreamListener(p, false)),
                ],
            },
            manager: { enabled: false },
        },
    };
}

function sniIngress(
    args: IngressLayerArgs,
    routes: readonly NodeRoute[],
    labels: Record<string, string>,
) {
    return {
        apiVersion: "configuration.konghq.com/v1beta1",
        kind: "TCPIngress",
        metadata: {
            name: "cassandra-sni",
            namespace: args.namespace,
            labels,
            annotations: {
                "kubernetes.io/ingress.class": KONG_INGRESS_CLASS,
                "konghq.com/protocols": "tls_passthrough",
            },
        },
        spec: {
            rules: routes.flatMap((r) =>
                r.sniNames.map((host) => ({
                    host,
                    port: SNI_PORT,
                    backend: { serviceName: r.backend.service, servicePort: BACKEND_PORT },
                })),
            ),
        },
    };
}

function portIngress(args: IngressLayerArgs, r: NodeRoute, labels: Record<string, string>) {
    return {
        apiVersion: "configuration.konghq.com/v1beta1",
        kind: "TCPIngress",
        metadata: {
            name: `${r.podName}-port`,
            namespace: args.namespace,
            labels,
            annotations: {
                "kubernetes.io/ingress.class": KONG_INGRESS_CLASS,
                "konghq.com/protocols": "tcp",
                [DEDICATED_NODE_PORT_ANNOTATION]: r.podName,
            },
        },
        spec: {
            rules: [
                {
                    port: r.nodePort,
                    backend: { serviceName: r.backend.service, servicePort: BACKEND_PORT },
                },
            ],
        },
    };
}

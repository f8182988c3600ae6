import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { BACKEND_PORT, NodeRoute, SNI_PORT } from "../../plan/routes";
import { TRAEFIK } from "../../versions";
import { controllerEntry, datacenterSniRoutes, pinnedChart, startSniLayer } from "./controller";
import {
    DEDICATED_NODE_PORT_ANNOTATION,
    dedicatedPorts,
    IngressLayerArgs,
    nodePortName,
} from "./types";

/** Traefik's entry point for SNI routing on 9042. A preinstalled Traefik needs one of this name. */
export const TRAEFIK_SNI_ENTRY_POINT = "cassandra";
/** Helm release name and instance label of an installed Traefik; our Service selects on it. */
export const TRAEFIK_RELEASE = "cassandra-traefik";

/**
 * `ingress: traefik`. Installs Traefik (pinned chart, unless preinstalled) with one entry point
 * per port: `cassandra` on 9042 for SNI routing and `cql-<port>` per node (Traefik needs an entry
 * point per listening port):
 *  - one IngressRouteTCP `cassandra-sni` on `cassandra` with a route per node matching the node's
 *    SNI names, TLS passthrough;
 *  - per node, an IngressRouteTCP on the node's own entry point matching `HostSNI(\`*\`)`, TLS passthrough.
 *    This is the only legitimate catch-all: the port already identifies the node, and clients
 *    that send no SNI (Node.js driver outside cloud mode, cqlsh) need it. Passthrough still makes
 *    Traefik require a TLS ClientHello, so plaintext CQL is refused at the proxy. These routes
 *    carry the `cassandra-multicluster/dedicated-node-port` annotation.
 * A preinstalled Traefik must already have the entry points `cassandra` (9042) and `cql-<port>`
 * for each route's port, exposed on its public Service; nothing is installed then.
 */
export class Traefik extends pulumi.ComponentResource {
    /** The entry point's IP or host name: the controller Service's load balancer, or `controller.address`. */
    public readonly address: pulumi.Output<string>;

    constructor(name: string, args: IngressLayerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:ingress:Traefik", name, args, opts);
        const base = startSniLayer(this, "Traefik", name, args);
        const entry = controllerEntry(name, args, base, {
            defaultNamespace: "traefik",
            serviceName: "traefik-cassandra",
            selector: {
                "app.kubernetes.io/name": "traefik",
                "app.kubernetes.io/instance": TRAEFIK_RELEASE,
            },
            // The chart installs the IngressRouteTCP CRD.
            charts: (namespace, ns) => [
                pinnedChart(
                    `${name}-chart`,
                    TRAEFIK_RELEASE,
                    TRAEFIK,
                    namespace,
                    traefikValues(dedicatedPorts(args)),
                    { ...base.child, dependsOn: [ns] },
                ),
            ],
        });
        this.address = entry.address;
        if (args.controller.preinstalled && args.controller.k3s) {
            entry.waitFor.push(
                new k8s.apiextensions.CustomResource(
                    `${name}-k3s-config`,
                    k3sTraefikConfig(dedicatedPorts(args), base.labels),
                    base.child,
                ),
            );
        }
        datacenterSniRoutes(
            name,
            args,
            (routes) => sniRoutes(args, routes, base.labels),
            (r) => portRoute(args, r, base.labels),
            {
                ...base.child,
                dependsOn: entry.waitFor,
            },
        );
        this.registerOutputs({ address: this.address });
    }
}

/**
 * Chart values (chart 41.x): entry points as `ports` (the pod listens on the same number it is
 * exposed on), one per dedicated port up to the datacenter's capacity, the chart's own Service
 * and dashboard off (our Service is the only public entry), only the CRD provider on.
 * `web`/`websecure` stay as chart defaults but are not exposed. Entry points are static
 * configuration (traefik v3.7 `pkg/config/static`): a new one restarts the pods, which is why
 * every port the datacenter can grow into is opened now.
 */
export function traefikValues(nodePorts: readonly number[]): Record<string, unknown> {
    const port = (p: number) => ({
        port: p,
        expose: { default: true },
        exposedPort: p,
        protocol: "TCP",
    });
    const ports: Record<string, unknown> = {
        web: { expose: { default: false } },
        websecure: { expose: { default: false } },
        [TRAEFIK_SNI_ENTRY_POINT]: port(SNI_PORT),
    };
    for (const p of nodePorts) {
        ports[nodePortName(p)] = port(p);
    }
    return {
        instanceLabelOverride: TRAEFIK_RELEASE,
        deployment: { replicas: 2 },
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        ports,
        service: { enabled: false },
        ingressRoute: { dashboard: { enabled: false } },
        ingressClass: { enabled: false },
        providers: { kubernetesCRD: { enabled: true }, kubernetesIngress: { enabled: false } },
    };
}

/**
 * k3s's own Traefik takes extra chart values from a `HelmChartConfig` named after its chart in
 * `kube-system`, whose `valuesContent` k3s's helm-controller merges over its defaults
 * (k3s-io/helm-controller `HelmChartConfig`; k3s docs "Customizing Packaged Components"). It gets
 * the same entry points as an installed Traefik: `cassandra` on 9042 and every dedicated port,
 * exposed on k3s's load balancer.
 */
export function k3sTraefikConfig(
    nodePorts: readonly number[],
    labels: Record<string, string>,
): k8s.apiextensions.CustomResourceArgs {
    const ports = (traefikValues(nodePorts) as { ports: Record<string, unknown> }).ports;
    return {
        apiVersion: "helm.cattle.io/v1",
        kind: "HelmChartConfig",
        metadata: { name: "traefik", namespace: "kube-system", labels },
        spec: {
            valuesContent: stringify({
                ports: Object.fromEntries(
                    Object.entries(ports).filter(
                        ([name]) => name !== "web" && name !== "websecure",
                    ),
                ),
            }),
        },
    };
}

/** `HostSNI(\`a\`) || HostSNI(\`b\`)`: Traefik v3 rule syntax. */
export function hostSniRule(names: readonly string[]): string {
    return names.map((n) => `HostSNI(\`${n}\`)`).join(" || ");
}

function sniRoutes(
    args: IngressLayerArgs,
    routes: readonly NodeRoute[],
    labels: Record<string, string>,
) {
    return {
        apiVersion: "traefik.io/v1alpha1",
        kind: "IngressRouteTCP",
        metadata: { name: "cassandra-sni", namespace: args.namespace, labels },
        spec: {
            entryPoints: [TRAEFIK_SNI_ENTRY_POINT],
            routes: routes.map((r) => ({
                match: hostSniRule(r.sniNames),
                services: [{ name: r.backend.service, port: BACKEND_PORT }],
            })),
            tls: { passthrough: true },
        },
    };
}

function portRoute(args: IngressLayerArgs, r: NodeRoute, labels: Record<string, string>) {
    return {
        apiVersion: "traefik.io/v1alpha1",
        kind: "IngressRouteTCP",
        metadata: {
            name: `${r.podName}-port`,
            namespace: args.namespace,
            labels,
            annotations: { [DEDICATED_NODE_PORT_ANNOTATION]: r.podName },
        },
        spec: {
            entryPoints: [nodePortName(r.nodePort)],
            routes: [
                {
                    match: "HostSNI(`*`)",
                    services: [{ name: r.backend.service, port: BACKEND_PORT }],
                },
            ],
            tls: { passthrough: true },
        },
    };
}

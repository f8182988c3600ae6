import * as pulumi from "@pulumi/pulumi";
import { BACKEND_PORT, NodeRoute, SNI_PORT } from "../../plan/routes";
import { TRAEFIK } from "../../versions";
import { controllerEntry, nodeRoutes, pinnedChart, startSniLayer } from "./controller";
import { DEDICATED_NODE_PORT_ANNOTATION, IngressLayerArgs, nodePortName } from "./types";

/** Traefik's entry point for SNI routing on 9042. A preinstalled Traefik needs one of this name. */
export const TRAEFIK_SNI_ENTRY_POINT = "cassandra";
/** Helm release name and instance label of an installed Traefik; our Service selects on it. */
export const TRAEFIK_RELEASE = "cassandra-traefik";

/**
 * `ingress: traefik`. Installs Traefik (pinned chart, unless preinstalled) with one entry point
 * per port: `cassandra` on 9042 for SNI routing and `cql-<port>` per node (Traefik needs an entry
 * point per listening port). Per node:
 *  - an IngressRouteTCP on `cassandra` matching the node's SNI names, TLS passthrough;
 *  - an IngressRouteTCP on the node's own entry point matching `HostSNI(\`*\`)`, TLS passthrough.
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
                    traefikValues(args.routes),
                    { ...base.child, dependsOn: [ns] },
                ),
            ],
        });
        this.address = entry.address;
        nodeRoutes(
            name,
            args.routes,
            (r) => sniRoute(args, r, base.labels),
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
 * exposed on), the chart's own Service and dashboard off (our Service is the only public entry),
 * only the CRD provider on. `web`/`websecure` stay as chart defaults but are not exposed.
 */
export function traefikValues(routes: readonly NodeRoute[]): Record<string, unknown> {
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
    for (const r of routes) {
        ports[nodePortName(r.nodePort)] = port(r.nodePort);
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

/** `HostSNI(\`a\`) || HostSNI(\`b\`)`: Traefik v3 rule syntax. */
export function hostSniRule(names: readonly string[]): string {
    return names.map((n) => `HostSNI(\`${n}\`)`).join(" || ");
}

function sniRoute(args: IngressLayerArgs, r: NodeRoute, labels: Record<string, string>) {
    return {
        apiVersion: "traefik.io/v1alpha1",
        kind: "IngressRouteTCP",
        metadata: { name: `${r.podName}-sni`, namespace: args.namespace, labels },
        spec: {
            entryPoints: [TRAEFIK_SNI_ENTRY_POINT],
            routes: [
                {
                    match: hostSniRule(r.sniNames),
                    services: [{ name: r.backend.service, port: BACKEND_PORT }],
                },
            ],
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

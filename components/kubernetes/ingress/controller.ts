import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Problem, throwIfProblems } from "../../errors";
import { NodeRoute, withHostId } from "../../plan/routes";
import { NodeServices } from "../node-services";
import {
    controllerService,
    ingressLabels,
    IngressLayerArgs,
    loadBalancerAddress,
    validateIngressArgs,
} from "./types";

/**
 * The steps the SNI layers (Traefik, Istio, Kong, Gateway API) share: validating their args,
 * the per-node backends, and installing the controller with its public Service unless it is
 * preinstalled. Resource names stay `<name>-backends`, `<name>-ns`, `<name>-service`, ... as the
 * layers always created them: a new name would replace the resource in existing stacks.
 */

/** What an SNI layer starts from once its args are valid. */
export interface SniLayerBase {
    /** Options of resources directly under the layer, on the datacenter's provider. */
    readonly child: { parent: pulumi.Resource; provider: k8s.Provider };
    /** Labels on everything the layer creates. */
    readonly labels: Record<string, string>;
    /** The per-node ClusterIP Services the routes point at. */
    readonly backends: NodeServices;
}

/**
 * Validates an SNI layer's args (the common checks, then `extraProblems`, all reported together)
 * and creates its per-node backends `<name>-backends`. Throws before any resource exists.
 */
export function startSniLayer(
    layer: pulumi.ComponentResource,
    kind: string,
    name: string,
    args: IngressLayerArgs,
    extraProblems: (args: IngressLayerArgs) => Problem[] = () => [],
): SniLayerBase {
    throwIfProblems(`Invalid arguments for ${kind} "${name}"`, [
        ...validateIngressArgs(args, { sni: true }),
        ...extraProblems(args),
    ]);
    const labels = ingressLabels(args.datacenter);
    const backends = new NodeServices(
        `${name}-backends`,
        { provider: args.provider, namespace: args.namespace, routes: args.routes, labels },
        { parent: layer },
    );
    return { child: { parent: layer, provider: args.provider }, labels, backends };
}

/** How a layer installs its controller when `controller.preinstalled` is false. */
export interface ControllerInstall {
    /** Namespace of the controller when `controller.namespace` is not given. */
    readonly defaultNamespace: string;
    /** Kubernetes name of the controller's public LoadBalancer Service. */
    readonly serviceName: string;
    /** Labels of the controller pods, as the chart sets them. */
    readonly selector: Readonly<Record<string, string>>;
    /**
     * Creates the chart(s) in `namespace`, after `ns`, and returns those the routes must wait
     * for (the ones that install the route CRDs or must run before routes are accepted).
     */
    readonly charts: (namespace: string, ns: k8s.core.v1.Namespace) => pulumi.Resource[];
}

/** Where a layer's routes point and what they wait for. */
export interface ControllerEntry {
    /** The entry point's IP or host name: `controller.address` if preinstalled, else the controller Service's load balancer. */
    readonly address: pulumi.Output<string>;
    /** The backends, then whatever `install.charts` returned. */
    readonly waitFor: pulumi.Resource[];
}

/**
 * A preinstalled controller is only addressed (validation made sure `controller.address` is
 * set). Otherwise creates, in this order, the Namespace `<name>-ns`, the charts, and the
 * controller's LoadBalancer Service `<name>-service` (see `controllerService`).
 */
export function controllerEntry(
    name: string,
    args: IngressLayerArgs,
    base: SniLayerBase,
    install: ControllerInstall,
): ControllerEntry {
    const waitFor: pulumi.Resource[] = [base.backends];
    if (args.controller.preinstalled) {
        return { address: pulumi.output(args.controller.address as string), waitFor };
    }
    const namespace = args.controller.namespace ?? install.defaultNamespace;
    const ns = new k8s.core.v1.Namespace(
        `${name}-ns`,
        { metadata: { name: namespace, labels: base.labels } },
        base.child,
    );
    const charts = install.charts(namespace, ns);
    const svc = controllerService(
        `${name}-service`,
        args,
        { serviceName: install.serviceName, namespace, selector: install.selector },
        { ...base.child, dependsOn: [ns] },
    );
    waitFor.push(...charts);
    return { address: loadBalancerAddress(svc), waitFor };
}

/** A chart pinned in versions.ts. */
export interface ChartPin {
    readonly repo: string;
    readonly chart: string;
    readonly chartVersion: string;
}

/** A pinned Helm chart released as `release` in the controller's namespace. */
export function pinnedChart(
    name: string,
    release: string,
    pin: ChartPin,
    namespace: string,
    values: Record<string, unknown>,
    opts: pulumi.ComponentResourceOptions,
): k8s.helm.v4.Chart {
    return new k8s.helm.v4.Chart(
        name,
        {
            name: release,
            chart: pin.chart,
            version: pin.chartVersion,
            repositoryOpts: { repo: pin.repo },
            namespace,
            values,
        },
        opts,
    );
}

/**
 * Every node's SNI route in one object, `<name>-sni`, whose spec follows `hostIds` (see
 * `followHostIds`), then per node the dedicated-port route `<name>-<pod>-port`. For layers whose
 * route object holds many routes on one listener (Traefik's IngressRouteTCP `routes`, Kong's
 * TCPIngress `rules`): one registered resource per datacenter instead of one per node, and a
 * datacenter that scales changes one object. A port route stays per node: its listener is the
 * node's own entry point, and a route object binds its listeners for all its routes.
 */
export function datacenterSniRoutes(
    name: string,
    args: IngressLayerArgs,
    sni: (routes: readonly NodeRoute[]) => k8s.apiextensions.CustomResourceArgs,
    port: (r: NodeRoute) => k8s.apiextensions.CustomResourceArgs,
    opts: pulumi.CustomResourceOptions,
): void {
    new k8s.apiextensions.CustomResource(`${name}-sni`, followHostIds(args, sni), { ...opts });
    for (const r of args.routes) {
        new k8s.apiextensions.CustomResource(`${name}-${r.podName}-port`, port(r), { ...opts });
    }
}

/**
 * Per node, in route order: the SNI route `<name>-<pod>-sni`, then the dedicated-port route
 * `<name>-<pod>-port`. The SNI route's spec follows `hostIds`: it is written with the node's
 * external name, and with its host ID as well once the datacenter reports one.
 */
export function nodeRoutes(
    name: string,
    args: IngressLayerArgs,
    sni: (r: NodeRoute) => k8s.apiextensions.CustomResourceArgs,
    port: (r: NodeRoute) => k8s.apiextensions.CustomResourceArgs,
    opts: pulumi.CustomResourceOptions,
): void {
    const hostIds = pulumi.output(args.hostIds ?? {});
    for (const r of args.routes) {
        new k8s.apiextensions.CustomResource(
            `${name}-${r.podName}-sni`,
            { ...sni(r), spec: hostIds.apply((ids) => sni(withHostId(r, ids)).spec) },
            { ...opts },
        );
        new k8s.apiextensions.CustomResource(`${name}-${r.podName}-port`, port(r), { ...opts });
    }
}

/**
 * An object built from the layer's routes whose `spec` follows `args.hostIds`: written with the
 * planned routes' names at once (`apiVersion`, `kind`, `metadata` never change), and with each
 * node's host ID added once the datacenter reports it.
 */
export function followHostIds(
    args: IngressLayerArgs,
    build: (routes: readonly NodeRoute[]) => k8s.apiextensions.CustomResourceArgs,
): k8s.apiextensions.CustomResourceArgs {
    const withIds = pulumi
        .output(args.hostIds ?? {})
        .apply((ids) => args.routes.map((r) => withHostId(r, ids)));
    return { ...build(args.routes), spec: withIds.apply((routes) => build(routes).spec) };
}

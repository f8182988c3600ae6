import * as pulumi from "@pulumi/pulumi";
import type { IngressKind } from "../../config";
import { GatewayApi } from "./gateway-api";
import { Istio } from "./istio";
import { Kong } from "./kong";
import { LoadBalancers, LoadBalancersArgs } from "./load-balancer";
import { Traefik } from "./traefik";

export * from "./types";
export { GatewayApi, tlsRouteHostnames } from "./gateway-api";
export { Istio } from "./istio";
export { Kong } from "./kong";
export { LoadBalancers, nodeLoadBalancerName } from "./load-balancer";
export type { LoadBalancersArgs } from "./load-balancer";
export { Traefik } from "./traefik";

/** Any ingress layer: each exposes `address`; `LoadBalancers` also `nodeAddresses`. */
export type IngressLayer = Traefik | Istio | Kong | GatewayApi | LoadBalancers;

/**
 * The ingress layer for `kind`, or `undefined` for `none` (no external exposure). The
 * `loadbalancer` layer also reads `staticAddresses` from `args`; the others ignore it.
 */
export function createIngress(
    kind: IngressKind,
    name: string,
    args: LoadBalancersArgs,
    opts?: pulumi.ComponentResourceOptions,
): IngressLayer | undefined {
    switch (kind) {
        case "traefik":
            return new Traefik(name, args, opts);
        case "istio":
            return new Istio(name, args, opts);
        case "kong":
            return new Kong(name, args, opts);
        case "gateway-api":
            return new GatewayApi(name, args, opts);
        case "loadbalancer":
            return new LoadBalancers(name, args, opts);
        case "none":
            return undefined;
    }
}

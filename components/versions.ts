/**
 * Every pinned version the program deploys, in one place; the README's "versions tested" table
 * lists the same values.
 */

/**
 * cass-operator as one chart release whose parts agree: the chart's Deployment, RBAC and CRDs
 * (CassandraDatacenter, CassandraTask, ScheduledTask) are generated from the operator release it
 * names as appVersion (k8ssandra/k8ssandra `charts/cass-operator/Chart.yaml` 0.64.1: appVersion
 * 1.30.0, "generated file from cass-operator/scripts/release-helm-chart.sh"), and the image is
 * that release. 0.64.1 is the newest chart published; no chart ships 1.31 or 1.32, whose
 * operator needs `events.k8s.io` permissions (v1.32.0 `config/rbac/role.yaml`) and CassandraTask
 * CRDs this chart does not carry. The offline plan validates CassandraDatacenters against the
 * vendored v1.32.0 CRD (schemas/crds/SOURCES.md), whose top-level `spec` fields are the 1.30.0
 * chart CRD's, compared field by field.
 */
export const CASS_OPERATOR = {
    repo: "https://helm.k8ssandra.io/stable",
    chart: "cass-operator",
    chartVersion: "0.64.1",
    /** The chart's appVersion: the operator release its RBAC and CRDs were generated from. */
    imageTag: "v1.30.0",
} as const;

/** cert-manager issues the certificate of cass-operator's admission webhook (the chart requires it). */
export const CERT_MANAGER = {
    repo: "https://charts.jetstack.io",
    chart: "cert-manager",
    chartVersion: "v1.16.2",
} as const;

/** The init container that picks a node's own key and certificate out of the datacenter's TLS Secret. */
export const TLS_INIT_IMAGE = "busybox:1.37.0";

/**
 * Traefik Proxy for `ingress: traefik`. Chart 41.1.0 ships Traefik v3.7.9 (traefik/traefik-helm-chart
 * PR #1947, "Support of Traefik v3.7.9"), the same release as the vendored IngressRouteTCP CRD in
 * schemas/crds/traefik.io_ingressroutetcps.yaml.
 */
export const TRAEFIK = {
    repo: "https://traefik.github.io/charts",
    chart: "traefik",
    chartVersion: "41.1.0",
    appVersion: "v3.7.9",
} as const;

/**
 * Istio for `ingress: istio`: the `base`, `istiod` and `gateway` charts, released together under
 * the Istio version. 1.30.3 is the release the vendored networking CRDs come from
 * (schemas/crds/istio-networking.yaml).
 */
export const ISTIO = {
    repo: "https://istio-release.storage.googleapis.com/charts",
    chartVersion: "1.30.3",
} as const;

/**
 * Kong for `ingress: kong`: the `ingress` umbrella chart (Kong Ingress Controller 3.x plus Kong
 * Gateway, DB-less). 0.20.0 pins its `kong` subchart to ==2.49.0 (Kong/charts PR #1325), still on
 * KIC 3.x whose CRDs (kubernetes-configuration 1.x) include the deprecated TCPIngress. Later
 * `ingress` releases (0.22.0+) move to the `kong` 3.x chart; check that they still ship TCPIngress
 * before bumping (kubernetes-configuration v2.0.0 removed it).
 */
export const KONG = {
    repo: "https://charts.konghq.com",
    chart: "ingress",
    chartVersion: "0.20.0",
} as const;

/**
 * Gateway API CRDs for `ingress: gateway-api` when the implementation does not install them: the
 * standard channel of v1.6.1, which serves TLSRoute and TCPRoute at `v1` (kubernetes-sigs/
 * gateway-api v1.6.1 `config/crd/standard/gateway.networking.k8s.io_tcproutes.yaml`: `v1`
 * served and stored, `v1alpha2` not served) and carries the `safe-upgrades` admission policy
 * that refuses the experimental channel over it. The vendored Gateway and TLSRoute schemas
 * (schemas/crds/) are the experimental files of the same release, a superset.
 */
export const GATEWAY_API = {
    version: "v1.6.1",
    standardInstall:
        "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml",
    /** `spec.listeners` of a Gateway holds at most this many (`gateway.networking.k8s.io_gateways.yaml`, `maxItems`). */
    maxListeners: 64,
} as const;

/**
 * Every pinned version the program deploys, in one place; the README's "versions tested" table
 * lists the same values.
 */

/** cass-operator: the Helm chart for its RBAC and Deployment, the operator image, and the CRD we install and validate against. */
export const CASS_OPERATOR = {
    repo: "https://helm.k8ssandra.io/stable",
    chart: "cass-operator",
    /** Newest chart whose source we could verify (k8ssandra/k8ssandra charts/cass-operator, appVersion 1.30.0). */
    chartVersion: "0.64.1",
    /** Operator image tag; matches the CRD in schemas/crds/as-installed (v1.32.0). */
    imageTag: "v1.32.0",
    crdFile: "schemas/crds/as-installed/cassandradatacenters.yaml",
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
 * Gateway API CRDs for `ingress: gateway-api` when the implementation does not install them:
 * the experimental channel, which holds TLSRoute (v1 since v1.5) and TCPRoute (v1alpha2). v1.6.1
 * is the release the vendored Gateway and TLSRoute CRDs come from.
 */
export const GATEWAY_API = {
    version: "v1.6.1",
    experimentalInstall:
        "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/experimental-install.yaml",
} as const;

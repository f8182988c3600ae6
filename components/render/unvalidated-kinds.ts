/**
 * Kinds the program renders whose upstream schema is not vendored in schemas/crds yet. They are
 * reported as "not validated" instead of failing the plan; any other kind without a schema is
 * an error, so a mistyped apiVersion or kind never passes silently.
 */
export const UNVALIDATED_KINDS: Readonly<Record<string, string>> = {
    "security.istio.io/v1 PeerAuthentication":
        "Istio 1.30.3 crd-all.gen.yaml: peerauthentications document not vendored",
    "gateway.networking.k8s.io/v1 TCPRoute":
        "Gateway API v1.6.1 standard tcproutes CRD not vendored",
    "helm.cattle.io/v1 HelmChartConfig": "k3s's helm-controller CRD not vendored",
};

export function isUnvalidatedKind(object: Record<string, unknown>): boolean {
    return `${object.apiVersion} ${object.kind}` in UNVALIDATED_KINDS;
}

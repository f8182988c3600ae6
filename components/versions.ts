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

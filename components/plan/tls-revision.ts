import { createHash } from "node:crypto";

/**
 * The pod-template annotation that carries the revision of a datacenter's TLS material.
 *
 * cass-operator does not roll pods when a Secret changes (it watches only Secrets annotated for
 * it, and the pod template stays the same), and each pod copies its key and certificate once at
 * start, so a renewed certificate would never reach a running node. A change to
 * `spec.podTemplateSpec` does: cass-operator keeps the template's annotations
 * (construct_podtemplatespec.go, v1.30.0), sees that the rack's StatefulSet differs from the one it
 * would build, and — because the CassandraDatacenter's generation changed (`UpdateAllowed`) —
 * updates it, one rack at a time once the previous rack is fully ready
 * (reconcile_racks.go `CheckRackPodTemplateDetails`). The StatefulSet's default RollingUpdate
 * then replaces its pods one at a time, highest ordinal first, each after the last is Ready.
 */
export const TLS_REVISION_ANNOTATION = "cassandra-multicluster/tls-revision";

/**
 * A digest of what the datacenter's nodes load: the CA bundle they trust and every node's
 * certificate. Certificates only (public), so the annotation is not a secret; a renewed
 * certificate always differs (new serial and validity), and a new key always comes with a new
 * certificate.
 */
export function tlsRevision(caPem: string, certPems: readonly string[]): string {
    const h = createHash("sha256");
    for (const pem of [caPem, ...certPems]) {
        h.update(pem.trim()).update("\n");
    }
    return h.digest("hex").slice(0, 16);
}

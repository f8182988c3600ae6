import { X509Certificate } from "node:crypto";
import { nodePemKey, secretNames } from "../../../components/plan/datacenter-spec";
import { plan } from "./cluster";
import type { E2eState } from "./state";
import { tlsProbe } from "./tls-probe";

/**
 * Per pod: the fingerprint of the certificate the node serves now, read through its dedicated
 * port on the router, and the one its Secret holds (`state.secrets`).
 */
export async function servedCertificates(
    state: E2eState,
): Promise<Record<string, { served?: string; inSecret: string }>> {
    const clusterName = plan().settings.clusterName;
    const bundle = state.clientBundles["sni-ip"];
    const out: Record<string, { served?: string; inSecret: string }> = {};
    for (const n of bundle.nodes) {
        const pem = state.secrets[secretNames(clusterName, n.datacenter).tls][nodePemKey(n.pod)];
        const probe = await tlsProbe({
            host: n.externalAddress,
            port: n.port,
            ca: state.caPem,
            verifyName: n.serverName,
        });
        out[n.pod] = {
            served: probe.fingerprint256,
            inSecret: new X509Certificate(pem.slice(pem.indexOf("-----BEGIN CERTIFICATE-----")))
                .fingerprint256,
        };
    }
    return out;
}

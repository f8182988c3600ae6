import { secretNames } from "../../../components/plan/datacenter-spec";
import { Application, driverLog } from "./applications";
import { startAndWait, stopNode, writeNodeConfig } from "./cassandra-node";
import { nodeConfig, plan } from "./cluster";
import { waitFor } from "./exec";
import { progress } from "./log";
import type { DatacenterSpec, Product } from "./product";
import { E2eState, writeState } from "./state";
import type { Variant } from "./topology";

/**
 * What cass-operator does with a CassandraDatacenter whose pod template changed (a new TLS
 * revision, for one): it updates one rack's StatefulSet at a time, the next only once every pod
 * of the previous rack is updated and ready (v1.30.0 reconcile_racks.go
 * `CheckRackPodTemplateDetails`), and the StatefulSet's RollingUpdate replaces its pods one at a
 * time, highest ordinal first, each after the previous one is Ready. Each datacenter has its own
 * operator, so datacenters roll at the same time. A replaced pod starts from the Secrets and
 * spec the program now registers (its init container picks its key again).
 */
export async function rollOut(
    state: E2eState,
    product: Product,
    variant: Variant = "base",
    /** Called once each replaced pod serves again, before the next one goes (its readiness). */
    ready: (podName: string) => Promise<void> = async () => undefined,
): Promise<E2eState> {
    const clusterName = plan().settings.clusterName;
    const next: E2eState = {
        ...state,
        specs: product.specs,
        caPem: product.caPem,
        caKeyPem: product.caKeyPkcs8,
        clientCerts: product.clientCertificates,
        secrets: Object.fromEntries(
            Object.entries(product.nodeSecrets).map(([dc, data]) => [
                secretNames(clusterName, dc).tls,
                data,
            ]),
        ),
    };
    const changed = Object.keys(product.specs[variant]).filter(
        (dc) =>
            JSON.stringify(state.specs[variant][dc]?.podTemplateSpec) !==
            JSON.stringify(product.specs[variant][dc].podTemplateSpec),
    );
    progress(`rolling out ${changed.join(", ") || "nothing"} (pod template changed)`);
    await Promise.all(changed.map((dc) => rollDatacenter(next, dc, variant, ready)));
    writeState(next);
    return next;
}

async function rollDatacenter(
    state: E2eState,
    dc: string,
    variant: Variant,
    ready: (podName: string) => Promise<void>,
): Promise<void> {
    const spec = state.specs[variant][dc] as DatacenterSpec;
    for (const rack of (spec.racks as { name: string }[]).map((r) => r.name)) {
        const pods = state.nodes
            .filter((n) => n.datacenter === dc && n.rack === rack)
            .sort((a, b) => ordinal(b.podName) - ordinal(a.podName));
        for (const pod of pods) {
            await stopNode(pod.podName);
            const c = nodeConfig(state, pod.podName, variant);
            writeNodeConfig(c, state.secrets);
            await startAndWait(c);
            await ready(pod.podName);
        }
    }
}

function ordinal(podName: string): number {
    return Number(podName.slice(podName.lastIndexOf("-") + 1));
}

/**
 * Waits until each application routes requests to `pod` again (up in its driver, a connection
 * open) when the pod is in the applications' local datacenter: the test's stand-in for "the
 * replaced pod is Ready and its clients are back" before the next one goes. A pod in another
 * datacenter gets no request from them (LOCAL_* consistency, remote nodes IGNORED by the
 * drivers' default policies), and their view of it is only what the server's events said
 * (java-driver 4.18.1 NodeStateManager: an IGNORED node changes state on topology events
 * alone), so nothing is awaited for it. On a timeout the error carries the driver's log.
 */
export async function servingAgain(
    apps: readonly Application[],
    state: E2eState,
    pod: string,
    localDatacenter: string,
): Promise<void> {
    if (state.nodes.find((n) => n.podName === pod)?.datacenter !== localDatacenter) {
        return;
    }
    const hostId = state.hostIds[pod];
    for (const a of apps) {
        await waitFor(
            `${a.name} to route requests to ${pod} again`,
            async () =>
                (await a.w.info()).some((n) => n.hostId === hostId && n.up && n.connections > 0),
            60_000,
            200,
        ).catch((err: Error) => {
            throw new Error(`${err.message}\n${driverLog(a)}`);
        });
    }
}

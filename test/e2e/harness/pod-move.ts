import { setTimeout as sleep } from "node:timers/promises";
import { startAndWait, stopNode, writeNodeConfig } from "./cassandra-node";
import { nodeConfig, routerSpec } from "./cluster";
import { reloadHaproxy } from "./haproxy";
import { progress } from "./log";
import { movePodAddress } from "./netns";
import { E2eState, writeState } from "./state";

const READINESS_PROBE_PERIOD_MS = 10_000;

/**
 * What Kubernetes does when a StatefulSet pod is deleted (a node drained, a pod evicted, a
 * rolling update): the pod comes back with its name, its volume and so its Cassandra host ID,
 * but on a new pod IP. Here: the node drains on SIGTERM, its address moves, cass-operator's seed
 * Service and `status.nodeStatuses` report the new IP, the node starts on its old data at the
 * new address, and the per-pod Service (HAProxy's backend for the node's route) follows the pod
 * once it is Ready, as kube-proxy would. The state is written, so later files see the cluster as it now is.
 */
export async function movePod(state: E2eState, podName: string, to: string): Promise<E2eState> {
    const node = state.nodes.find((n) => n.podName === podName);
    if (!node) {
        throw new Error(`no node ${podName}`);
    }
    const from = node.ip;
    const swap = (ip: string) => (ip === from ? to : ip);
    await stopNode(podName);
    movePodAddress(from, to);
    const moved: E2eState = {
        ...state,
        nodes: state.nodes.map((n) => (n.podName === podName ? { ...n, ip: to } : n)),
        seeds: Object.fromEntries(
            Object.entries(state.seeds).map(([dc, seeds]) => [dc, seeds.map(swap)]),
        ),
        statuses: Object.fromEntries(
            Object.entries(state.statuses).map(([dc, status]) => [
                dc,
                {
                    ...status,
                    nodeStatuses: Object.fromEntries(
                        Object.entries(status.nodeStatuses ?? {}).map(([pod, s]) => [
                            pod,
                            pod === podName ? { ...s, ip: to } : s,
                        ]),
                    ),
                },
            ]),
        ),
    };
    const c = nodeConfig(moved, podName);
    writeNodeConfig(c, moved.secrets);
    await startAndWait(c);
    // The per-pod Service's endpoints follow the pod's readiness, and a Ready pod is one whose
    // readiness probe passed: cass-operator's probes every 10 s (construct_podtemplatespec.go
    // `buildContainers`: probe(8080, "/api/v0/probes/readiness", 20, 10)). Until then the route
    // leads nowhere, while the node is already in every peer's system.peers at its new address;
    // the harness takes the worst case, a whole period after the node serves CQL.
    await sleep(READINESS_PROBE_PERIOD_MS);
    await reloadHaproxy(routerSpec(moved, moved.hostIds));
    progress(`${podName} moved from ${from} to ${to}; its route follows it now`);
    writeState(moved);
    return moved;
}

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { run } from "./exec";

/**
 * The e2e network: the test process is the *client*, in namespace e2e-client (the npm script
 * starts it there, see scripts/e2e/in-client-ns.sh). Cassandra runs in e2e-cluster; HAProxy runs
 * in e2e-router, the only namespace with a leg on both sides. The router does not forward IP
 * packets, so the client reaches a node only through an HAProxy frontend:
 *
 *   e2e-client 198.19.0.2 ──veth── 198.19.0.1 e2e-router 198.18.0.1 ──veth── 198.18.0.2 e2e-cluster
 *                                  + entry points 198.19.0.11, .12, …        + pod IPs on lo
 *                                  + per-node load balancers 198.19.0.31, …
 *
 * The benchmark alone adds a direct client↔cluster veth (198.18.9.0/24) to compare latencies.
 */

export const NS = { client: "e2e-client", router: "e2e-router", cluster: "e2e-cluster" } as const;

export const NET = {
    clientLeg: "198.19.0.2",
    routerClientLeg: "198.19.0.1",
    routerClusterLeg: "198.18.0.1",
    clusterRouterLeg: "198.18.0.2",
    directClientLeg: "198.18.9.2",
    directClusterLeg: "198.18.9.1",
} as const;

/** The address the i-th datacenter's entry point (its ingress) listens on. */
export function entryAddress(i: number): string {
    return `198.19.0.${11 + i}`;
}

/** The address the n-th node's own load balancer listens on (`ingress: loadbalancer`). */
export function nodeLoadBalancerAddress(n: number): string {
    return `198.19.0.${31 + n}`;
}

/** Names the client resolves, as DNS would outside the clusters; only ip-netns-exec'd processes see it. */
export const CLIENT_HOSTS_FILE = `/etc/netns/${NS.client}/hosts`;

export interface NetworkSpec {
    /** Datacenter pod ranges, routed by the router into the cluster namespace. */
    readonly podRanges: readonly string[];
    readonly podIps: readonly string[];
    readonly entryPoints: readonly { readonly ip: string; readonly names: readonly string[] }[];
    /** Benchmark only: a route from the client straight to the pods. */
    readonly directPath?: boolean;
}

const ip = (...args: string[]) => run("ip", args);

/** The named namespace this process is in, or "" (ip netns identify compares namespace inodes). */
export function currentNamespace(): string {
    return run("ip", ["netns", "identify", String(process.pid)], { allowFail: true }).trim();
}

export function assertInClientNamespace(): void {
    const ns = currentNamespace();
    if (ns !== NS.client) {
        throw new Error(
            `the e2e harness must run as the client, in network namespace ${NS.client} (this process is in ${ns || "the root namespace"}); ` +
                `start it with "npm run test:e2e" or "bash scripts/e2e/in-client-ns.sh <command>"`,
        );
    }
}

export function createNetwork(spec: NetworkSpec): void {
    assertInClientNamespace();
    for (const ns of [NS.router, NS.cluster]) {
        ip("netns", "add", ns);
        ip("-n", ns, "link", "set", "lo", "up");
    }
    // Explicit, not inherited: with forwarding on, a route via the router would bypass HAProxy.
    run("ip", ["netns", "exec", NS.router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0"]);

    ip("link", "add", "e2e-c0", "type", "veth", "peer", "name", "e2e-r0", "netns", NS.router);
    ip("addr", "add", `${NET.clientLeg}/24`, "dev", "e2e-c0");
    ip("link", "set", "e2e-c0", "up");
    ip("-n", NS.router, "addr", "add", `${NET.routerClientLeg}/24`, "dev", "e2e-r0");
    for (const e of spec.entryPoints) {
        ip("-n", NS.router, "addr", "add", `${e.ip}/24`, "dev", "e2e-r0");
    }
    ip("-n", NS.router, "link", "set", "e2e-r0", "up");

    ip(
        "-n",
        NS.router,
        "link",
        "add",
        "e2e-r1",
        "type",
        "veth",
        "peer",
        "name",
        "e2e-k0",
        "netns",
        NS.cluster,
    );
    ip("-n", NS.router, "addr", "add", `${NET.routerClusterLeg}/24`, "dev", "e2e-r1");
    ip("-n", NS.router, "link", "set", "e2e-r1", "up");
    ip("-n", NS.cluster, "addr", "add", `${NET.clusterRouterLeg}/24`, "dev", "e2e-k0");
    ip("-n", NS.cluster, "link", "set", "e2e-k0", "up");
    for (const pod of spec.podIps) {
        ip("-n", NS.cluster, "addr", "add", `${pod}/32`, "dev", "lo");
    }
    for (const range of spec.podRanges) {
        ip("-n", NS.router, "route", "add", range, "via", NET.clusterRouterLeg);
    }

    if (spec.directPath) {
        ip("link", "add", "e2e-c1", "type", "veth", "peer", "name", "e2e-k1", "netns", NS.cluster);
        ip("addr", "add", `${NET.directClientLeg}/24`, "dev", "e2e-c1");
        ip("link", "set", "e2e-c1", "up");
        ip("-n", NS.cluster, "addr", "add", `${NET.directClusterLeg}/24`, "dev", "e2e-k1");
        ip("-n", NS.cluster, "link", "set", "e2e-k1", "up");
        for (const range of spec.podRanges) {
            ip("route", "add", range, "via", NET.directClusterLeg);
        }
    }

    mkdirSync(`/etc/netns/${NS.client}`, { recursive: true });
    const lines = [
        "127.0.0.1 localhost",
        ...spec.entryPoints.flatMap((e) => e.names.map((n) => `${e.ip} ${n}`)),
    ];
    // Same inode as the /etc/hosts bind mount ip-netns-exec gave this process, so it sees the names at once.
    writeFileSync(CLIENT_HOSTS_FILE, `${lines.join("\n")}\n`);
}

/**
 * A datacenter added to the running network (a new cluster joining the VPC): its pod addresses
 * in the cluster namespace, its pod range routed through the router, its entry point's address
 * on the router's client leg, and the entry point's names in the client's hosts file.
 */
export function extendNetwork(spec: Omit<NetworkSpec, "directPath">): void {
    assertInClientNamespace();
    for (const pod of spec.podIps) {
        ip("-n", NS.cluster, "addr", "add", `${pod}/32`, "dev", "lo");
    }
    for (const range of spec.podRanges) {
        ip("-n", NS.router, "route", "add", range, "via", NET.clusterRouterLeg);
    }
    for (const e of spec.entryPoints) {
        ip("-n", NS.router, "addr", "add", `${e.ip}/24`, "dev", "e2e-r0");
    }
    const hosts = readFileSync(CLIENT_HOSTS_FILE, "utf8");
    const lines = spec.entryPoints.flatMap((e) => e.names.map((n) => `${e.ip} ${n}`));
    // In place: the same inode ip-netns-exec bind-mounted over this process's /etc/hosts.
    writeFileSync(CLIENT_HOSTS_FILE, `${hosts.trimEnd()}\n${lines.join("\n")}\n`);
}

/** A pod recreated on another IP: its old address leaves the cluster namespace, the new one arrives. */
export function movePodAddress(from: string, to: string): void {
    assertInClientNamespace();
    ip("-n", NS.cluster, "addr", "del", `${from}/32`, "dev", "lo");
    ip("-n", NS.cluster, "addr", "add", `${to}/32`, "dev", "lo");
}

/** Deletes the router and cluster namespaces (their veths go with them); processes must be gone first. */
export function destroyNetwork(): void {
    for (const ns of [NS.router, NS.cluster]) {
        run("ip", ["netns", "del", ns], { allowFail: true });
    }
}

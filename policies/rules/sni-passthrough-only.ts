import { CQL_PORTS } from "../../components/checks/exposure";
import { DEDICATED_PORT_ANNOTATION } from "../../components/plan/routes";
import { describe, isKind, PolicyResourceLike, Rule, Violation } from "../resource";

/**
 * Ingress objects that route to Cassandra keep TLS end to end (passthrough: the node's
 * certificate is what the client verifies) and select nodes by explicit SNI names. A catch-all
 * is allowed only on a dedicated per-node port, which identifies the node by itself and is
 * marked with the dedicated-port annotation.
 */
export const sniPassthroughOnly: Rule = {
    name: "sni-passthrough-only",
    description:
        "Traefik IngressRouteTCP, Istio Gateway/VirtualService, Kong TCPIngress and Gateway API Gateway/TLSRoute/TCPRoute that reach Cassandra use TLS passthrough with explicit SNI names; no HostSNI(`*`) or plain TCP on 9042.",
    enforcementLevel: "mandatory",
    severity: "high",
    // Every route object is judged by its own spec: a resource policy sees it at preview.
    scope: "resource",
    appliesTo: (type) => ROUTE_KINDS.some(([group, kind]) => isKind(type, group, kind)),
    remediationSteps:
        "Route each node by its own SNI names with TLS passthrough (the ingress components do); never terminate TLS at the proxy or accept any SNI on the shared port.",
    check(resources) {
        return resources.flatMap((r) => {
            const problems = problemsOf(r);
            return problems.map((p): Violation => ({
                message: `${describe(r)}: ${p}`,
                urn: r.urn,
            }));
        });
    },
};

const ROUTE_KINDS = [
    ["traefik.io", "IngressRouteTCP"],
    ["traefik.containo.us", "IngressRouteTCP"],
    ["networking.istio.io", "Gateway"],
    ["networking.istio.io", "VirtualService"],
    ["configuration.konghq.com", "TCPIngress"],
    ["gateway.networking.k8s.io", "Gateway"],
    ["gateway.networking.k8s.io", "TLSRoute"],
    ["gateway.networking.k8s.io", "TCPRoute"],
] as const;

const isCql = (port: unknown) => (CQL_PORTS as readonly number[]).includes(Number(port));
const dedicated = (r: PolicyResourceLike) =>
    Boolean(r.props.metadata?.annotations?.[DEDICATED_PORT_ANNOTATION]);
const wildcard = (name: string) => name === "*" || name.startsWith("*.");

function problemsOf(r: PolicyResourceLike): string[] {
    const spec = r.props.spec ?? {};
    if (
        isKind(r, "traefik.io", "IngressRouteTCP") ||
        isKind(r, "traefik.containo.us", "IngressRouteTCP")
    ) {
        return traefik(spec, dedicated(r));
    }
    if (isKind(r, "networking.istio.io", "Gateway")) {
        return (spec.servers ?? [])
            .filter((s: { port?: { number?: number } }) => isCql(s.port?.number))
            .flatMap(
                (s: { port: { number: number; protocol?: string }; tls?: { mode?: string } }) =>
                    s.port.protocol === "TLS" && s.tls?.mode === "PASSTHROUGH"
                        ? []
                        : [
                              `server on port ${s.port.number} is ${s.port.protocol ?? "?"}/${s.tls?.mode ?? "no tls"}; use protocol TLS with tls.mode PASSTHROUGH`,
                          ],
            );
    }
    if (isKind(r, "networking.istio.io", "VirtualService")) {
        return istioVirtualService(spec, dedicated(r));
    }
    if (isKind(r, "configuration.konghq.com", "TCPIngress")) {
        return kong(r, spec);
    }
    if (isKind(r, "gateway.networking.k8s.io", "Gateway")) {
        return (spec.listeners ?? [])
            .filter((l: { port?: number }) => isCql(l.port))
            .flatMap(
                (l: { name?: string; port: number; protocol?: string; tls?: { mode?: string } }) =>
                    l.protocol === "TLS" && l.tls?.mode === "Passthrough"
                        ? []
                        : [
                              `listener ${l.name ?? l.port} on port ${l.port} is ${l.protocol ?? "?"}/${l.tls?.mode ?? "no tls"}; use protocol TLS with tls.mode Passthrough`,
                          ],
            );
    }
    if (isKind(r, "gateway.networking.k8s.io", "TLSRoute")) {
        const names: string[] = spec.hostnames ?? [];
        return names.length === 0 || names.some(wildcard)
            ? [`hostnames ${JSON.stringify(names)} must list each node's SNI names explicitly`]
            : [];
    }
    if (isKind(r, "gateway.networking.k8s.io", "TCPRoute")) {
        const toCql = (spec.rules ?? []).some((rule: { backendRefs?: { port?: number }[] }) =>
            (rule.backendRefs ?? []).some((b) => isCql(b.port)),
        );
        return toCql && !dedicated(r)
            ? [
                  "routes plain TCP to Cassandra; use a TLSRoute with the node's SNI names (or mark a per-node port as dedicated)",
              ]
            : [];
    }
    return [];
}

function traefik(
    spec: {
        routes?: { match?: string; services?: { port?: unknown }[] }[];
        tls?: { passthrough?: boolean };
    },
    isDedicated: boolean,
): string[] {
    const routes = (spec.routes ?? []).filter((route) =>
        (route.services ?? []).some((s) => isCql(s.port)),
    );
    if (routes.length === 0) {
        return [];
    }
    const problems: string[] = [];
    if (spec.tls?.passthrough !== true) {
        problems.push(
            "tls.passthrough is not true: Traefik would terminate TLS, so clients never see the node's certificate",
        );
    }
    for (const route of routes) {
        const match = route.match ?? "";
        if (/HostSNIRegexp/.test(match)) {
            problems.push(`match ${match} uses a pattern; list each node's SNI names with HostSNI`);
            continue;
        }
        const names = [...match.matchAll(/HostSNI\(([^)]*)\)/g)].flatMap((m) =>
            m[1].split(",").map((n) => n.trim().replace(/^[`"']|[`"']$/g, "")),
        );
        if (names.length === 0 || (names.some(wildcard) && !isDedicated)) {
            problems.push(
                `match ${match || "(none)"} does not select a node by explicit SNI names`,
            );
        }
    }
    return problems;
}

function istioVirtualService(
    spec: {
        tls?: {
            match?: { sniHosts?: string[] }[];
            route?: { destination?: { port?: { number?: number } } }[];
        }[];
        tcp?: { route?: { destination?: { port?: { number?: number } } }[] }[];
    },
    isDedicated: boolean,
): string[] {
    const problems: string[] = [];
    for (const t of spec.tls ?? []) {
        if (!(t.route ?? []).some((d) => isCql(d.destination?.port?.number))) {
            continue;
        }
        const hosts = (t.match ?? []).flatMap((m) => m.sniHosts ?? []);
        if (hosts.length === 0 || hosts.some(wildcard)) {
            problems.push(
                `tls route with sniHosts ${JSON.stringify(hosts)} must match each node's SNI names explicitly`,
            );
        }
    }
    if (
        !isDedicated &&
        (spec.tcp ?? []).some((t) =>
            (t.route ?? []).some((d) => isCql(d.destination?.port?.number)),
        )
    ) {
        problems.push(
            "tcp route forwards Cassandra traffic without SNI; use tls routes with sniHosts (or mark a per-node port as dedicated)",
        );
    }
    return problems;
}

function kong(
    r: PolicyResourceLike,
    spec: { rules?: { host?: string; port?: number; backend?: { servicePort?: number } }[] },
): string[] {
    const rules = (spec.rules ?? []).filter((rule) => isCql(rule.backend?.servicePort));
    if (rules.length === 0) {
        return [];
    }
    if (dedicated(r)) {
        // A dedicated port identifies the node by itself: port-only rules, never on the shared CQL ports.
        return rules
            .filter((rule) => rule.host || isCql(rule.port))
            .map(
                (rule) =>
                    `dedicated-port rule ${JSON.stringify(rule)} must be port-only on the node's own port, not 9042/9142`,
            );
    }
    const problems: string[] = [];
    const protocols = String(r.props.metadata?.annotations?.["konghq.com/protocols"] ?? "");
    if (
        !protocols
            .split(",")
            .map((p) => p.trim())
            .includes("tls_passthrough")
    ) {
        problems.push(
            `annotation konghq.com/protocols is "${protocols}"; set "tls_passthrough" so Kong forwards TLS untouched`,
        );
    }
    for (const rule of rules) {
        if (!rule.host || (wildcard(rule.host) && !dedicated(r))) {
            problems.push(
                `rule host ${JSON.stringify(rule.host ?? null)} must be a node's SNI name`,
            );
        }
    }
    return problems;
}

import { clientBundle, planRoutes, Plan, routesBySni, SEEDS_PER_DATACENTER } from "../plan";
import type { Expansion, RenderedObject } from "./manifests";

/** A markdown table; cells are escaped so names with pipes cannot break the layout. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
    const cell = (c: string) => c.replace(/\|/g, "\\|");
    const lines = [
        `| ${header.map(cell).join(" | ")} |`,
        `|${header.map(() => "---").join("|")}|`,
        ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
    ];
    return lines.join("\n");
}

/** The reviewer's view of a stack: ranges, names, DNS, firewall and what each cluster receives. */
export function planReport(
    stack: string,
    plan: Plan,
    objects: readonly RenderedObject[],
    expansions: readonly Expansion[],
): string {
    const s = plan.settings;
    const out: string[] = [];
    out.push(`# Deployment plan: stack \`${stack}\``, "");
    out.push(
        table(
            ["setting", "value"],
            [
                ["Cassandra cluster", s.clusterName],
                ["Cassandra version", s.serverVersion],
                [
                    "clusters",
                    s.existingClusters
                        ? "existing (existingClusters)"
                        : "GKE, created by this stack",
                ],
                ["supernet", plan.network.supernet ?? "(ranges given explicitly)"],
                ["DNS mode", plan.dns.mode],
                ["ingress", s.ingress],
                ["external domain", s.externalDomain ?? "(none)"],
                ["client ranges (9042)", s.clientCidrs.join(", ") || "(none)"],
            ],
        ),
        "",
    );

    out.push("## Network ranges", "");
    const region = Object.fromEntries(
        plan.topology.datacenters.map((d) => [d.name, d.region ?? "-"]),
    );
    out.push(
        table(
            ["datacenter", "region", "nodes", "pods", "services", "control plane", "source"],
            plan.network.datacenters.map((r) => [
                r.datacenter,
                region[r.datacenter],
                r.nodes ?? "-",
                r.pods,
                r.services,
                r.controlPlane ?? "-",
                r.source,
            ]),
        ),
        "",
    );

    out.push("## DNS and seeds", "");
    out.push(
        table(
            [
                "datacenter",
                "namespace",
                "cluster domain",
                "seed service",
                "starts",
                "forwards (stub)",
            ],
            plan.topology.datacenters.map((d, i) => [
                d.name,
                d.namespace,
                d.clusterDomain,
                d.seedFqdn,
                i === 0
                    ? "first: seeds a new ring"
                    : `after ${earlier(plan, i)} ${i > 1 ? "are" : "is"} Ready, joining through the pod IPs of up to ${SEEDS_PER_DATACENTER} nodes of each (read from their status)`,
                plan.dns.forwards[d.name].map((f) => `${f.domain} → ${f.target}`).join(", ") || "-",
            ]),
        ),
        "",
    );

    out.push("## Nodes and certificates", "");
    const sans = Object.fromEntries(plan.pki.nodes.map((c) => [c.id, c.dnsNames.join(", ")]));
    out.push(
        table(
            [
                "node",
                "datacenter",
                "rack",
                "zone",
                "internal FQDN",
                "external name",
                "certificate SANs",
            ],
            plan.topology.datacenters.flatMap((d) =>
                d.nodes.map((n) => [
                    n.podName,
                    n.datacenter,
                    n.rack,
                    n.zone,
                    n.fqdn,
                    n.externalName ?? "-",
                    sans[n.podName],
                ]),
            ),
        ),
        "",
        `Keys: ${plan.pki.key.algorithm === "ECDSA" ? `ECDSA ${plan.pki.key.ecdsaCurve}` : `RSA ${plan.pki.key.rsaBits}`}; ` +
            `node certificates valid ${plan.pki.nodes[0]?.validityHours ?? "-"} h, CA ${plan.pki.ca.validityHours} h; ` +
            `client certificates: ${plan.pki.clients.map((c) => c.commonName).join(", ") || "none"} (mutual TLS ${plan.pki.requireClientAuth ? "on" : "off"}).`,
        "",
        `CA: ${
            plan.pki.rotation
                ? `rotation phase \`${plan.pki.rotation}\`: nodes and clients trust generations ${plan.pki.trusted.map((c) => c.generation).join(" and ")}; certificates come from generation ${plan.pki.ca.generation}`
                : `generation ${plan.pki.ca.generation}, no rotation under way`
        } ("${plan.pki.ca.commonName}").`,
        "",
    );

    const routes = planRoutes(s, plan.topology);
    if (routes.length > 0) {
        out.push(`## Routes (${s.ingress})`, "");
        out.push(
            table(
                ["node", "entry point", "SNI names", "dedicated port", "backend"],
                routes.map((r) => [
                    r.podName,
                    r.entryPoint,
                    (routesBySni(s)
                        ? [...r.sniNames, `its host ID (once ${r.datacenter} is Ready)`]
                        : r.sniNames
                    ).join(", "),
                    String(r.nodePort),
                    `${r.backend.namespace}/${r.backend.service}:${r.backend.port}`,
                ]),
            ),
            "",
            s.ingress === "loadbalancer"
                ? "Each node has its own load balancer: no SNI routing is needed, so host IDs are only carried in the client bundle."
                : "Host-ID SNI routes wait for their datacenter: `pulumi up` writes them as soon as cass-operator reports the host IDs (`status.nodeStatuses`), and `pulumi up --refresh` follows a replaced node's new one.",
            "",
            "## Client endpoints",
            "",
        );
        out.push(
            table(
                ["datacenter", "local_dc", "verify server name", "contact points"],
                plan.topology.datacenters.map((d) => {
                    const b = clientBundle(d.name, routes);
                    return [d.name, b.localDataCenter, b.serverName, b.contactPoints.join(", ")];
                }),
            ),
            "",
        );
    }

    if (plan.firewall.length > 0 && !s.existingClusters) {
        out.push("## Firewall rules (ingress)", "");
        out.push(
            table(
                ["rule", "action", "priority", "tcp ports", "sources", "targets"],
                plan.firewall.map((f) => [
                    f.role,
                    f.action,
                    String(f.priority),
                    f.ports.join(", "),
                    f.sourceRanges.join(", "),
                    f.targetTags.join(", "),
                ]),
            ),
            "",
        );
    }

    if (expansions.length > 0) {
        out.push("## Expanded at deploy time", "");
        out.push(
            table(
                ["datacenter", "what", "source"],
                expansions.map((e) => [e.datacenter, e.name, describeExpansion(e)]),
            ),
            "",
        );
    }

    out.push("## Kubernetes objects", "");
    out.push(
        table(
            ["datacenter", "objects"],
            plan.topology.datacenters.map((d) => {
                const mine = objects.filter((o) => o.datacenter === d.name);
                return [
                    d.name,
                    mine
                        .map(
                            (o) =>
                                `${o.object.kind}/${(o.object.metadata as { name?: string } | undefined)?.name ?? "?"}`,
                        )
                        .join(", ") || "-",
                ];
            }),
        ),
        "",
    );
    return out.join("\n");
}

function describeExpansion(e: Expansion): string {
    const i = e.inputs as {
        chart?: string;
        version?: string;
        repositoryOpts?: { repo?: string };
        file?: string;
    };
    if (i.chart) {
        return `Helm chart ${i.chart} ${i.version ?? "(unpinned)"} from ${i.repositoryOpts?.repo ?? "?"}`;
    }
    return i.file ? `file ${i.file}` : e.type;
}

/** "dc1", "dc1 and dc2", "dc1, dc2 and dc3": the datacenters before index `i`. */
function earlier(plan: Plan, i: number): string {
    const names = plan.topology.datacenters.slice(0, i).map((d) => d.name);
    return names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

import type { Plan } from "../plan";
import type { RenderedObject } from "./manifests";

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
export function planReport(stack: string, plan: Plan, objects: readonly RenderedObject[]): string {
    const s = plan.settings;
    const out: string[] = [];
    out.push(`# Deployment plan: stack \`${stack}\``, "");
    out.push(
        table(
            ["setting", "value"],
            [
                ["Cassandra cluster", s.clusterName],
                ["Cassandra version", s.serverVersion],
                ["clusters", s.existingClusters ? "existing (existingClusters)" : "GKE, created by this stack"],
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
    const region = Object.fromEntries(plan.topology.datacenters.map((d) => [d.name, d.region ?? "-"]));
    out.push(
        table(
            ["datacenter", "region", "nodes", "pods", "services", "control plane", "source"],
            plan.network.datacenters.map((r) => [r.datacenter, region[r.datacenter], r.nodes ?? "-", r.pods, r.services, r.controlPlane ?? "-", r.source]),
        ),
        "",
    );

    out.push("## DNS and seeds", "");
    out.push(
        table(
            ["datacenter", "namespace", "cluster domain", "seed service", "additional seeds", "forwards (stub)"],
            plan.topology.datacenters.map((d) => [
                d.name,
                d.namespace,
                d.clusterDomain,
                d.seedFqdn,
                d.additionalSeeds.join(", ") || "-",
                plan.dns.forwards[d.name].map((f) => `${f.domain} → ${f.target}`).join(", ") || "-",
            ]),
        ),
        "",
    );

    out.push("## Nodes", "");
    out.push(
        table(
            ["node", "datacenter", "rack", "zone", "internal FQDN", "external name"],
            plan.topology.datacenters.flatMap((d) => d.nodes.map((n) => [n.podName, n.datacenter, n.rack, n.zone, n.fqdn, n.externalName ?? "-"])),
        ),
        "",
    );

    if (plan.firewall.length > 0 && !s.existingClusters) {
        out.push("## Firewall rules (ingress)", "");
        out.push(
            table(
                ["rule", "action", "priority", "tcp ports", "sources", "targets"],
                plan.firewall.map((f) => [f.role, f.action, String(f.priority), f.ports.join(", "), f.sourceRanges.join(", "), f.targetTags.join(", ")]),
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
                return [d.name, mine.map((o) => `${o.object.kind}/${(o.object.metadata as { name?: string } | undefined)?.name ?? "?"}`).join(", ") || "-"];
            }),
        ),
        "",
    );
    return out.join("\n");
}

import { describe, isKind, PolicyResourceLike, Rule, Violation } from "../resource";

const EXACT_VERSION = /^v?\d+\.\d+\.\d+$/;

/** Operators, charts and images are pinned, so a preview shows exactly what an upgrade changes. */
export const versionsPinned: Rule = {
    name: "versions-pinned",
    description:
        "Helm charts have an exact version, CassandraDatacenters an exact serverVersion, and container images a tag other than latest.",
    enforcementLevel: "advisory",
    severity: "low",
    // Each chart, datacenter and workload carries its own versions.
    scope: "resource",
    appliesTo: (type) =>
        type.startsWith("kubernetes:helm.sh/") ||
        isKind(type, "cassandra.datastax.com", "CassandraDatacenter"),
    remediationSteps:
        "Pin chart versions and image tags to exact releases (see components/versions.ts).",
    check(resources) {
        const violations: Violation[] = [];
        for (const r of resources) {
            const add = (message: string) =>
                violations.push({ message: `${describe(r)}: ${message}`, urn: r.urn });
            if (r.type.startsWith("kubernetes:helm.sh/")) {
                const version = String(r.props.version ?? "");
                if (!EXACT_VERSION.test(version)) {
                    add(`chart ${r.props.chart} version "${version}" is not an exact release`);
                }
                const tag = r.props.values?.image?.tag;
                if (tag !== undefined && !EXACT_VERSION.test(String(tag))) {
                    add(`image tag "${tag}" is not an exact release`);
                }
            }
            if (isKind(r, "cassandra.datastax.com", "CassandraDatacenter")) {
                const v = String(r.props.spec?.serverVersion ?? "");
                if (!EXACT_VERSION.test(v)) {
                    add(`serverVersion "${v}" is not an exact release`);
                }
                imagesOf(r)
                    .filter(unpinned)
                    .forEach((i) => add(`image ${i} is not pinned to a tag`));
            }
        }
        return violations;
    },
};

function imagesOf(r: PolicyResourceLike): string[] {
    const spec = r.props.spec ?? {};
    const pod = spec.podTemplateSpec?.spec ?? {};
    const containers = [...(pod.containers ?? []), ...(pod.initContainers ?? [])] as {
        image?: string;
    }[];
    return [spec.serverImage, ...containers.map((c) => c.image)].filter(
        (i): i is string => typeof i === "string",
    );
}

function unpinned(image: string): boolean {
    const tag = image.includes("@") ? "digest" : image.split("/").pop()?.split(":")[1];
    return !tag || tag === "latest";
}

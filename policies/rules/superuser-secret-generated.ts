import { describe, isKind, Rule } from "../resource";

/**
 * The superuser password comes from a generator (e.g. random.RandomPassword), not from text
 * typed into config, where it would sit in plain sight in Pulumi.<stack>.yaml and history.
 */
export const superuserSecretGenerated: Rule = {
    name: "superuser-secret-generated",
    description:
        "The Secret named by a CassandraDatacenter's superuserSecretName gets its password from another resource, not from hand-written config.",
    enforcementLevel: "advisory",
    severity: "medium",
    // Needs the datacenter's superuserSecretName and the Secret's property dependencies together.
    scope: "stack",
    appliesTo: (type) =>
        isKind(type, "cassandra.datastax.com", "CassandraDatacenter") ||
        isKind(type, "core", "Secret"),
    remediationSteps:
        "Let the component generate the password (random.RandomPassword), or read it from a secret store; never put it in plain stack config.",
    check(resources) {
        const names = new Set(
            resources
                .filter((r) => isKind(r, "cassandra.datastax.com", "CassandraDatacenter"))
                .map(
                    (r) =>
                        `${r.props.metadata?.namespace ?? ""}/${r.props.spec?.superuserSecretName ?? `${r.props.spec?.clusterName}-superuser`}`,
                ),
        );
        return resources
            .filter(
                (r) =>
                    isKind(r, "core", "Secret") &&
                    names.has(`${r.props.metadata?.namespace ?? ""}/${r.props.metadata?.name}`),
            )
            .filter(
                (r) =>
                    (r.propertyDependencies?.stringData ?? []).length === 0 &&
                    (r.propertyDependencies?.data ?? []).length === 0,
            )
            .map((r) => ({
                message: `${describe(r)}: the superuser password is written by hand rather than generated`,
                urn: r.urn,
            }));
    },
};

import { cassandraTlsProblems } from "../../components/checks/tls-settings";
import { describe, isKind, Rule } from "../resource";

/** Every CassandraDatacenter, however declared (typed, CustomResource, YAML), encrypts clients and internode traffic. */
export const nativeTransportEncrypted: Rule = {
    name: "native-transport-encrypted",
    description:
        "CassandraDatacenters must require TLS on the native transport (enabled, not optional) and encrypt all internode traffic.",
    enforcementLevel: "mandatory",
    severity: "critical",
    // A datacenter's own spec decides it, and the engine shows a resource's inputs at preview
    // even behind a cluster that does not exist yet.
    scope: "resource",
    appliesTo: (type) => isKind(type, "cassandra.datastax.com", "CassandraDatacenter"),
    remediationSteps:
        "In spec.config.cassandra-yaml set client_encryption_options {enabled: true, optional: false} and server_encryption_options.internode_encryption: all (the component does this unless allowPlaintextNativeTransport is set).",
    check(resources) {
        return resources
            .filter((r) => isKind(r, "cassandra.datastax.com", "CassandraDatacenter"))
            .flatMap((r) =>
                cassandraTlsProblems(r.props.spec).map((p) => ({
                    message: `${describe(r)}: ${p}`,
                    urn: r.urn,
                })),
            );
    },
};

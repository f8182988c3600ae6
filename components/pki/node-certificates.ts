import * as pulumi from "@pulumi/pulumi";
import type { CertificatePlan, KeySpec, NodeCertificatePlan } from "../plan/pki-plan";
import { CertificateSet, CertificateSpec } from "./certificate-set";

/** NodeCertificatesArgs list the certificates to issue, straight from the PKI plan. */
export interface NodeCertificatesArgs {
    readonly key: KeySpec;
    /** Node certificates from `planPki`, each naming its datacenter. */
    readonly nodes: readonly NodeCertificatePlan[];
    /** Client certificates from `planPki`. */
    readonly clients: readonly CertificatePlan[];
    readonly caCertPem: pulumi.Input<string>;
    /** The CA private key. Secret. */
    readonly caKeyPem: pulumi.Input<string>;
}

/** A group's certificates and keys, by plan id (the pod name, or `client-<name>`). */
export interface IssuedCertificates {
    readonly certPems: pulumi.Output<Record<string, string>>;
    /**
     * PKCS#8 PEM ("BEGIN PRIVATE KEY"). Secret. Cassandra's `PEMReader` (apache/cassandra 5.0.5
     * `org.apache.cassandra.security.PEMReader.extractPrivateKey`) reads only PKCS#8.
     */
    readonly keyPems: pulumi.Output<Record<string, string>>;
}

/** Every certificate's subject organization. */
const ORGANIZATION = "cassandra-multicluster";

/**
 * A key of its own and a CA-signed certificate for every node and client, never a shared one:
 * one `CertificateSet` per datacenter (`<name>-<dc>-nodes`) and one for the clients, if any
 * (`<name>-clients`, a name no datacenter's set can take), so a node's certificate changes with
 * its own datacenter's resource only.
 */
export class NodeCertificates extends pulumi.ComponentResource {
    /** By datacenter name. */
    public readonly datacenters: Readonly<Record<string, IssuedCertificates>>;
    public readonly clients: IssuedCertificates;

    constructor(name: string, args: NodeCertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:pki:NodeCertificates", name, args, opts);
        const set = (group: string, plans: readonly CertificatePlan[]): IssuedCertificates => {
            const certificates: Record<string, CertificateSpec> = {};
            for (const p of plans) {
                certificates[p.id] = {
                    commonName: p.commonName,
                    dnsNames: [...p.dnsNames],
                    usages: [...p.usages],
                    validityHours: p.validityHours,
                    earlyRenewalHours: p.earlyRenewalHours,
                };
            }
            const issued = new CertificateSet(
                `${name}-${group}`,
                {
                    key: args.key,
                    organization: ORGANIZATION,
                    certificates,
                    caCertPem: args.caCertPem,
                    caKeyPem: args.caKeyPem,
                },
                { parent: this },
            );
            return {
                certPems: issued.issued.apply((byId) =>
                    Object.fromEntries(Object.entries(byId).map(([id, c]) => [id, c.certPem])),
                ),
                keyPems: issued.keys,
            };
        };
        const byDatacenter = new Map<string, NodeCertificatePlan[]>();
        for (const n of args.nodes) {
            const plans = byDatacenter.get(n.datacenter) ?? [];
            plans.push(n);
            byDatacenter.set(n.datacenter, plans);
        }
        this.datacenters = Object.fromEntries(
            [...byDatacenter].map(([dc, plans]) => [dc, set(`${dc}-nodes`, plans)]),
        );
        this.clients =
            args.clients.length > 0
                ? set("clients", args.clients)
                : {
                      certPems: pulumi.output<Record<string, string>>({}),
                      keyPems: pulumi.secret<Record<string, string>>({}),
                  };
        this.registerOutputs({});
    }
}

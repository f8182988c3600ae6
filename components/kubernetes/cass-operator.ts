import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CASS_OPERATOR, CERT_MANAGER } from "../versions";

/** CassOperatorArgs describe where and which cass-operator to install in one cluster. */
export interface CassOperatorArgs {
    /** Provider of the target cluster. */
    readonly provider: k8s.Provider;
    /** Namespace of the operator. Defaults to `cass-operator`. */
    readonly namespace?: string;
    /** Install cert-manager for the operator's webhook. Defaults to `true`; set `false` when the cluster already runs it. */
    readonly installCertManager?: boolean;
}

/**
 * cass-operator, cluster-scoped (it watches the Cassandra namespace from its own), with its
 * admission webhook served through cert-manager, from one chart release: Deployment, RBAC and
 * CRDs of the same operator version (see `CASS_OPERATOR`).
 */
export class CassOperator extends pulumi.ComponentResource {
    public readonly namespace: string;
    /** The operator's installation, for `dependsOn`. */
    public readonly dependencies: pulumi.Resource[];

    constructor(name: string, args: CassOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:kubernetes:CassOperator", name, args, opts);
        const child = { parent: this, provider: args.provider };
        this.namespace = args.namespace ?? "cass-operator";
        const ns = new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: this.namespace } },
            child,
        );

        const dependsOn: pulumi.Resource[] = [ns];
        if (args.installCertManager ?? true) {
            const cmNs = new k8s.core.v1.Namespace(
                `${name}-cert-manager-ns`,
                { metadata: { name: "cert-manager" } },
                child,
            );
            dependsOn.push(
                new k8s.helm.v4.Chart(
                    `${name}-cert-manager`,
                    {
                        chart: CERT_MANAGER.chart,
                        version: CERT_MANAGER.chartVersion,
                        repositoryOpts: { repo: CERT_MANAGER.repo },
                        namespace: "cert-manager",
                        values: { crds: { enabled: true } },
                    },
                    { ...child, dependsOn: [cmNs] },
                ),
            );
        }

        const operator = new k8s.helm.v4.Chart(
            `${name}-chart`,
            {
                chart: CASS_OPERATOR.chart,
                version: CASS_OPERATOR.chartVersion,
                repositoryOpts: { repo: CASS_OPERATOR.repo },
                namespace: this.namespace,
                values: {
                    global: { clusterScoped: true },
                    image: { tag: CASS_OPERATOR.imageTag },
                    admissionWebhooks: { enabled: true },
                    // The chart refuses to render unless the cluster already serves
                    // cert-manager.io/v1 (templates/deployment.yaml: `.Capabilities.APIVersions.Has`),
                    // which a first preview or a fresh cluster cannot: cert-manager is installed
                    // above and this chart applies after it (`dependsOn`).
                    disableCertManagerCheck: true,
                },
            },
            { ...child, dependsOn },
        );
        this.dependencies = [operator];
        this.registerOutputs({ namespace: this.namespace, dependencies: this.dependencies });
    }
}

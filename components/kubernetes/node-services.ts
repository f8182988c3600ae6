import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { throwIfProblems, problem, Problem } from "../errors";
import { BACKEND_PORT, NodeRoute } from "../plan/routes";
import { SKIP_AWAIT } from "./awaits";

/** NodeServicesArgs describe the per-node backends of one datacenter. */
export interface NodeServicesArgs {
    /** Provider of the datacenter's cluster. */
    readonly provider: k8s.Provider;
    /** Namespace of the Cassandra pods; the Services are created there. */
    readonly namespace: string;
    /** The datacenter's routes; each names its backend Service (`route.backend.service`). */
    readonly routes: readonly NodeRoute[];
    /** Extra labels on every Service. Defaults to none. */
    readonly labels?: Readonly<Record<string, string>>;
}

/** The label the StatefulSet controller puts on each pod: the pod's own name. */
export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

/**
 * One ClusterIP Service per Cassandra node, selecting exactly that pod by
 * `statefulset.kubernetes.io/pod-name`, port 9042 → 9042. Every SNI layer routes to these, so a
 * route always reaches one node, never "any node of the datacenter" (which would break token
 * awareness and certificate verification).
 */
export class NodeServices extends pulumi.ComponentResource {
    /** Service name by pod name. */
    public readonly serviceNames: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: NodeServicesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cassandra-multicluster:kubernetes:NodeServices", name, args, opts);
        throwIfProblems(
            `Invalid arguments for NodeServices "${name}"`,
            validateNodeServicesArgs(args),
        );
        const child = { parent: this, provider: args.provider };
        const names: Record<string, pulumi.Output<string>> = {};
        for (const r of args.routes) {
            const svc = new k8s.core.v1.Service(
                `${name}-${r.podName}`,
                {
                    metadata: {
                        name: r.backend.service,
                        namespace: args.namespace,
                        // Its pod appears only when cass-operator starts that node; routes need
                        // the Service itself, not its endpoints.
                        annotations: { ...SKIP_AWAIT },
                        labels: {
                            "app.kubernetes.io/managed-by": "cassandra-multicluster",
                            ...(args.labels ?? {}),
                        },
                    },
                    spec: {
                        type: "ClusterIP",
                        selector: { [POD_NAME_LABEL]: r.podName },
                        ports: [
                            {
                                name: "cql",
                                port: BACKEND_PORT,
                                targetPort: BACKEND_PORT,
                                protocol: "TCP",
                            },
                        ],
                    },
                },
                child,
            );
            names[r.podName] = svc.metadata.name;
        }
        this.serviceNames = pulumi.output(names);
        this.registerOutputs({ serviceNames: this.serviceNames });
    }
}

export function validateNodeServicesArgs(args: NodeServicesArgs): Problem[] {
    const problems: Problem[] = [];
    const seen = new Set<string>();
    args.routes.forEach((r, i) => {
        if (seen.has(r.backend.service)) {
            problems.push(
                problem(
                    `routes[${i}].backend.service`,
                    `Service name "${r.backend.service}" is used by two routes; each node needs its own Service`,
                ),
            );
        }
        seen.add(r.backend.service);
        if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(r.backend.service)) {
            problems.push(
                problem(
                    `routes[${i}].backend.service`,
                    `"${r.backend.service}" is not a valid Service name (a DNS-1035 label of at most 63 characters)`,
                ),
            );
        }
        if (r.backend.namespace !== args.namespace) {
            problems.push(
                problem(
                    `routes[${i}].backend.namespace`,
                    `backend of ${r.podName} is in "${r.backend.namespace}", not "${args.namespace}"`,
                ),
            );
        }
    });
    return problems;
}

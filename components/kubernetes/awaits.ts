/**
 * How long `pulumi up` waits on what this program creates in a cluster, through the Kubernetes
 * provider's await annotations (pulumi-kubernetes v4.32.0 `provider/pkg/metadata/overrides.go`,
 * `ReadyCondition`; the newest tag of the provider whose source is readable here, below the
 * pinned 4.34.2). Without them a Service is awaited until it has ready endpoints and, for a
 * LoadBalancer, an ingress address (`provider/pkg/await/service.go`, `serviceInitAwaiter`), for
 * up to 10 minutes. Our per-node Services select Cassandra pods that cass-operator starts one at
 * a time, long after the Service exists, so that wait would stall every update.
 */

/** Don't wait at all: the object is usable as soon as the API server has it. */
export const SKIP_AWAIT: Readonly<Record<string, string>> = { "pulumi.com/skipAwait": "true" };

/**
 * Wait only for the cloud to assign the load balancer's address (which DNS records and the
 * client bundle need), not for the pods behind it. `waitFor` replaces the provider's own Service
 * await; the default timeout (10 minutes) applies.
 */
export const AWAIT_LOAD_BALANCER_ADDRESS: Readonly<Record<string, string>> = {
    "pulumi.com/waitFor": "jsonpath={.status.loadBalancer.ingress}",
};

/**
 * Wait until cass-operator reports the datacenter ready (condition `Ready` true and progress
 * `Ready`, see `isDatacenterReady`): the next datacenter joins through its nodes, and the
 * routes need their host IDs. `waitFor` takes a JSON list whose entries must all hold; the
 * timeout comes from `readyTimeoutSeconds`.
 */
export function datacenterReadyAwait(timeoutSeconds: number): Record<string, string> {
    return {
        "pulumi.com/waitFor": JSON.stringify([
            "condition=Ready",
            "jsonpath={.status.cassandraOperatorProgress}=Ready",
        ]),
        "pulumi.com/timeoutSeconds": String(timeoutSeconds),
    };
}

import type { RecordedResource } from "./mocks";

/** A Kubernetes object as it would be applied, with the datacenter whose cluster receives it. */
export interface RenderedObject {
    readonly datacenter: string;
    readonly object: Record<string, unknown>;
}

/** Helm's install order for built-in kinds; custom resources follow, after their CRDs and operators. */
const APPLY_ORDER = [
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleBinding",
    "Role",
    "RoleBinding",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "Ingress",
    "APIService",
];

export const REDACTED = "<redacted>";

/**
 * Kubernetes components the provider expands at deploy time (Helm charts, YAML files,
 * kustomizations). The mock runtime cannot expand them, so the plan lists them instead.
 */
const DEPLOY_TIME_EXPANSIONS = ["kubernetes:helm.sh/", "kubernetes:yaml/", "kubernetes:kustomize/"];

export function isDeployTimeExpansion(type: string): boolean {
    return DEPLOY_TIME_EXPANSIONS.some((prefix) => type.startsWith(prefix));
}

/** A chart or file expanded at deploy time, with the datacenter it goes to. */
export interface Expansion {
    readonly datacenter: string;
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
}

export function deployTimeExpansions(
    resources: readonly RecordedResource[],
    datacenters: readonly string[],
): Expansion[] {
    return resources
        .filter((r) => isDeployTimeExpansion(r.type))
        .map((r) => ({
            datacenter: datacenterOf(r, datacenters),
            type: r.type,
            name: r.name,
            inputs: r.inputs,
        }));
}

/**
 * Turns recorded `kubernetes:*` resources into plain objects grouped by the datacenter whose
 * provider they use. Providers are named `<component>-<datacenter>-k8s`, which is how a
 * resource's provider reference maps to a datacenter.
 */
export function kubernetesObjects(
    resources: readonly RecordedResource[],
    datacenters: readonly string[],
): RenderedObject[] {
    const out: { datacenter: string; object: Record<string, unknown>; index: number }[] = [];
    resources.forEach((r, index) => {
        if (!r.type.startsWith("kubernetes:") || isDeployTimeExpansion(r.type)) {
            return;
        }
        out.push({
            datacenter: datacenterOf(r, datacenters),
            object: redact(toObject(r), r.secretPaths),
            index,
        });
    });
    out.sort((a, b) => rank(a.object) - rank(b.object) || a.index - b.index);
    return out.map(({ datacenter, object }) => ({ datacenter, object }));
}

function datacenterOf(r: RecordedResource, datacenters: readonly string[]): string {
    const providerName = r.provider?.split("::")[3] ?? "";
    const datacenter = datacenters.find((dc) => providerName.endsWith(`-${dc}-k8s`));
    if (!datacenter) {
        throw new Error(
            `${r.type} "${r.name}" uses provider "${providerName || "(default)"}", which belongs to no datacenter`,
        );
    }
    return datacenter;
}

/** `kubernetes:core/v1:Service` → `{ apiVersion: "v1", kind: "Service", ...inputs }`. */
function toObject(r: RecordedResource): Record<string, unknown> {
    const [, groupVersion, kind] = r.type.split(":");
    const apiVersion = groupVersion.startsWith("core/")
        ? groupVersion.slice("core/".length)
        : groupVersion;
    const { apiVersion: givenVersion, kind: givenKind, ...rest } = r.inputs;
    return {
        apiVersion: givenVersion ?? apiVersion,
        kind: givenKind ?? kind,
        ...withoutUndefined(rest),
    };
}

function rank(o: Record<string, unknown>): number {
    const i = APPLY_ORDER.indexOf(String(o.kind));
    return i === -1 ? APPLY_ORDER.length : i;
}

/**
 * Every value the program marked secret, and every value of a Secret, is replaced; maps keep
 * their keys so reviewers still see what is stored.
 */
function redact(
    o: Record<string, unknown>,
    secretPaths: readonly string[],
): Record<string, unknown> {
    const paths = [...secretPaths, ...(o.kind === "Secret" ? ["data", "stringData"] : [])];
    const out = structuredClone(o);
    for (const path of paths) {
        const keys = path.match(/[^.[\]]+/g) ?? [];
        let parent: Record<string, unknown> | undefined = out;
        for (const k of keys.slice(0, -1)) {
            parent = parent?.[k] as Record<string, unknown> | undefined;
        }
        const last = keys[keys.length - 1];
        if (parent && last !== undefined && parent[last] !== undefined) {
            const value = parent[last];
            parent[last] =
                value !== null && typeof value === "object"
                    ? Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]))
                    : REDACTED;
        }
    }
    return out;
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
    return JSON.parse(JSON.stringify(o)) as Record<string, unknown>;
}

import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DatacenterSpec } from "./product";

/**
 * What the kubelet does for a Cassandra pod before the server starts, for the volumes and init
 * containers the program puts into `spec.podTemplateSpec`: Secret volumes become files,
 * `emptyDir` volumes empty folders, and each init container's own command runs with its mounts
 * mapped to those folders and `POD_NAME` set, as its `fieldRef` asks. cass-operator runs user
 * init containers before its own (v1.30.0 `construct_podtemplatespec.go` `buildInitContainers`)
 * and merges volumes and mounts by name, so these are exactly what the pod gets.
 */

interface Volume {
    readonly name: string;
    readonly emptyDir?: unknown;
    readonly secret?: { readonly secretName: string; readonly defaultMode?: number };
}
interface Mount {
    readonly name: string;
    readonly mountPath: string;
}
interface Container {
    readonly name: string;
    readonly command?: readonly string[];
    readonly volumeMounts?: readonly Mount[];
    readonly env?: readonly { name: string; valueFrom?: { fieldRef?: { fieldPath?: string } } }[];
}

/**
 * Lays the pod's volumes out under `root` and runs its init containers. `secrets` holds the data
 * of the Secrets the volumes name (as the program registered them).
 */
export function preparePod(
    spec: DatacenterSpec,
    podName: string,
    secrets: Readonly<Record<string, Readonly<Record<string, string>>>>,
    root: string,
): void {
    const pod = spec.podTemplateSpec?.spec ?? {};
    const volumes = (pod.volumes ?? []) as Volume[];
    rmSync(join(root, "volumes"), { recursive: true, force: true });
    for (const v of volumes) {
        const dir = volumeDir(root, v.name);
        mkdirSync(dir, { recursive: true });
        if (v.secret) {
            const data = secrets[v.secret.secretName];
            if (!data) {
                throw new Error(
                    `pod ${podName} mounts Secret ${v.secret.secretName}, which the program does not create`,
                );
            }
            for (const [key, value] of Object.entries(data)) {
                writeFileSync(join(dir, key), value);
                chmodSync(join(dir, key), v.secret.defaultMode ?? 0o644);
            }
        } else if (!v.emptyDir) {
            throw new Error(
                `volume ${v.name} of ${podName}: only secret and emptyDir volumes are laid out here`,
            );
        }
    }
    for (const init of (pod.initContainers ?? []) as Container[]) {
        const [shell, flags, script] = init.command ?? [];
        if (shell !== "sh" || !script) {
            throw new Error(`init container ${init.name}: only "sh -c <script>" commands run here`);
        }
        // Each mount path in the script becomes its folder here, longest first.
        let local = script;
        for (const m of [...(init.volumeMounts ?? [])].sort(
            (a, b) => b.mountPath.length - a.mountPath.length,
        )) {
            local = local.replaceAll(m.mountPath, onHost(init.volumeMounts, root, m.mountPath));
        }
        const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
        for (const e of init.env ?? []) {
            if (e.valueFrom?.fieldRef?.fieldPath === "metadata.name") {
                env[e.name] = podName;
            }
        }
        execFileSync(shell, [flags, local], { env, stdio: "pipe" });
    }
}

/** Where a path inside the pod's `cassandra` container lives on this machine. */
export function cassandraPathOnHost(spec: DatacenterSpec, root: string, path: string): string {
    const containers = (spec.podTemplateSpec?.spec?.containers ?? []) as Container[];
    return onHost(containers.find((c) => c.name === "cassandra")?.volumeMounts, root, path);
}

function volumeDir(root: string, volume: string): string {
    return join(root, "volumes", volume);
}

function onHost(mounts: readonly Mount[] = [], root: string, path: string): string {
    const m = mounts.find((x) => path === x.mountPath || path.startsWith(`${x.mountPath}/`));
    if (!m) {
        throw new Error(`${path} is on no volume mounted in the container`);
    }
    return volumeDir(root, m.name) + path.slice(m.mountPath.length);
}

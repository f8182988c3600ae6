/**
 * Which changes between two `pulumi up`s a running cluster survives. Pure and self-contained
 * (no imports): the lifecycle guard's dynamic provider carries this code, serialized, into the
 * engine's provider process, where it compares the previous deployment's inputs with the new.
 */

/** What of a stack's settings its next changes are judged against. */
export interface LifecycleState {
    readonly serverVersion: string;
    /** Cassandra 5.0's `storage_compatibility_mode` as the nodes run it; null before 5.0. */
    readonly storageCompatibilityMode: string | null;
    readonly datacenters: Readonly<
        Record<
            string,
            {
                readonly index: number;
                readonly size: number;
                readonly storageGb: number;
                readonly racks: readonly { readonly name: string; readonly zone: string }[];
                readonly decommission: boolean;
            }
        >
    >;
    readonly ca: { readonly generation: number; readonly rotation: string | null };
    /**
     * The scheme of the nodes' external names (`EXTERNAL_NAME_SCHEMES`), null when the stack
     * publishes none. Absent from states recorded before it existed: those stacks' names were
     * `flat`.
     */
    readonly externalNames?: string | null;
}

export interface TransitionProblem {
    readonly property: string;
    readonly reason: string;
}

/** Cassandra 5.0's storage compatibility modes, in the order an upgrade from 4.x goes through them. */
export const STORAGE_COMPATIBILITY_MODES = ["CASSANDRA_4", "UPGRADING", "NONE"] as const;

/**
 * How nodes' external names are formed (config `externalNames`): `<pod>.<dc>.<domain>` or the
 * older `<pod>.<domain>`. Clients hold these names, so a stack keeps the scheme it started with.
 */
export const EXTERNAL_NAME_SCHEMES = ["per-datacenter", "flat"] as const;

/** The CA rotation phases, in order; see README "Rotating the CA". */
export const CA_ROTATION_STEPS = ["add-new-ca", "issue-from-new-ca"] as const;

export function transitionProblems(
    before: LifecycleState,
    after: LifecycleState,
): TransitionProblem[] {
    const problems: TransitionProblem[] = [];
    const add = (property: string, reason: string) => problems.push({ property, reason });

    for (const [name, old] of Object.entries(before.datacenters)) {
        const now = after.datacenters[name];
        const at = `datacenters[${now ? now.index : old.index}]`;
        if (!now) {
            if (!old.decommission) {
                add(
                    "datacenters",
                    `datacenter "${name}" is gone from the stack but was not decommissioned: its nodes would be deleted with their data and stay in the ring as dead nodes. ` +
                        `First move every keyspace's replication off it (ALTER KEYSPACE <ks> WITH replication = {'class': 'NetworkTopologyStrategy', …} without '${name}', system_auth, system_distributed and system_traces included), ` +
                        `then set datacenters[${old.index}].decommission: true and run pulumi up (cass-operator decommissions its nodes when it is deleted), then remove it (README "Removing a datacenter").`,
                );
            }
            continue;
        }
        if (now.storageGb < old.storageGb) {
            add(
                `${at}.storageGb`,
                `${old.storageGb} → ${now.storageGb}: volumes cannot shrink (cass-operator refuses "shrinking PVC is not supported"); keep ${old.storageGb} or more`,
            );
        }
        const kept = now.racks.slice(0, old.racks.length);
        if (now.racks.length < old.racks.length) {
            add(
                `${at}.racks`,
                `racks cannot be removed from a running datacenter (cass-operator's webhook refuses "remove rack"); it has ${old.racks.map((r) => r.name).join(", ")}`,
            );
        }
        old.racks.forEach((r, i) => {
            const n = kept[i];
            if (n && (n.name !== r.name || n.zone !== r.zone)) {
                add(
                    `${at}.racks[${i}]`,
                    `rack ${r.name} in ${r.zone} cannot become ${n.name} in ${n.zone} (cass-operator's webhook refuses renaming, moving or reordering racks; new racks go at the end)`,
                );
            }
        });
        const added = now.racks.length - old.racks.length;
        if (added > 0) {
            // cass-operator's webhook: new racks need at least the old racks' smallest share each.
            const smallest = Math.floor(old.size / old.racks.length);
            const needed = smallest * added;
            if (now.size - old.size < Math.max(needed, 1)) {
                add(
                    `${at}.size`,
                    `adding ${added} rack(s) needs the size to grow by at least ${Math.max(needed, 1)} (cass-operator's webhook keeps existing nodes from moving to new racks); it grows by ${now.size - old.size}`,
                );
            }
        }
    }

    const [oldMajor, oldMinor, oldPatch] = before.serverVersion.split(".").map(Number);
    const [newMajor, newMinor, newPatch] = after.serverVersion.split(".").map(Number);
    const older = newMajor - oldMajor || newMinor - oldMinor || newPatch - oldPatch;
    if (older < 0) {
        add(
            "serverVersion",
            `${before.serverVersion} → ${after.serverVersion}: Cassandra cannot be downgraded in place (sstables and system tables written by the newer version)`,
        );
    }

    const mode = storageModeProblem(before, after);
    if (mode) {
        add("storageCompatibilityMode", mode);
    }

    const problem = caTransitionProblem(before.ca, after.ca);
    if (problem) {
        add("tls", problem);
    }

    const names = externalNamesProblem(before, after);
    if (names) {
        add("externalNames", names);
    }
    return problems;
}

/**
 * Clients hold the nodes' external names (their bundles, their SNI names, the names their TLS
 * checks expect), so a running stack keeps its naming scheme; publishing names for the first
 * time, or no longer publishing them, renames nothing.
 */
function externalNamesProblem(before: LifecycleState, after: LifecycleState): string | undefined {
    const from = before.externalNames === undefined ? "flat" : before.externalNames;
    const to = after.externalNames ?? null;
    if (from === null || to === null || from === to) {
        return undefined;
    }
    const shape = (scheme: string) =>
        scheme === "flat" ? "<pod>.<domain>" : "<pod>.<datacenter>.<domain>";
    return (
        `${from} → ${to} would rename every node (${shape(from)} → ${shape(to)}): clients configured with the old names would fail to resolve them, to be routed by them, and to verify the nodes' certificates against them. ` +
        `Keep externalNames: ${from}${before.externalNames === undefined ? " (this stack was created before externalNames existed, with flat names)" : ""} (README "External names")`
    );
}

/** The CA settings one safe step away from `ca`: every node restarts between two of them. */
export function nextCaSteps(ca: LifecycleState["ca"]): LifecycleState["ca"][] {
    const g = ca.generation;
    switch (ca.rotation) {
        case null:
            return [{ generation: g, rotation: "add-new-ca" }];
        case "add-new-ca":
            return [
                { generation: g, rotation: "issue-from-new-ca" },
                { generation: g, rotation: null },
            ];
        case "issue-from-new-ca":
            return [
                { generation: g + 1, rotation: null },
                { generation: g, rotation: "add-new-ca" },
            ];
        default:
            return [];
    }
}

const describeCa = (ca: LifecycleState["ca"]) =>
    `caGeneration ${ca.generation}${ca.rotation ? `, caRotation ${ca.rotation}` : ""}`;

function caTransitionProblem(
    before: LifecycleState["ca"],
    after: LifecycleState["ca"],
): string | undefined {
    if (before.generation === after.generation && before.rotation === after.rotation) {
        return undefined;
    }
    const next = nextCaSteps(before);
    if (next.some((s) => s.generation === after.generation && s.rotation === after.rotation)) {
        return undefined;
    }
    return (
        `${describeCa(before)} → ${describeCa(after)} skips a CA rotation phase: nodes restarted onto the new settings would not trust, or not be trusted by, the nodes still on the old ones. ` +
        `From ${describeCa(before)} the next step is ${next.map(describeCa).join(" or ")} (README "Rotating the CA")`
    );
}

/**
 * Cassandra 5.0 upgrades from 4.x in three rolling steps: onto 5.0 in CASSANDRA_4 (still
 * compatible with, and able to roll back to, 4.x), then UPGRADING, then NONE (NEWS.txt 5.0,
 * CASSANDRA-14092). cass-operator's config builder starts 5.0 from cassandra_latest.yaml, whose
 * mode is NONE, so the version bump must carry CASSANDRA_4 explicitly.
 */
function storageModeProblem(before: LifecycleState, after: LifecycleState): string | undefined {
    const from = before.storageCompatibilityMode;
    const to = after.storageCompatibilityMode;
    if (to === null || from === to) {
        return undefined;
    }
    if (from === null) {
        return to === "CASSANDRA_4"
            ? undefined
            : `${before.serverVersion} → ${after.serverVersion} in storage compatibility mode ${to}: 5.0 nodes would write formats the 4.x nodes still running cannot read, and no rollback would remain. Upgrade with storageCompatibilityMode: CASSANDRA_4, then set UPGRADING, then NONE, one pulumi up each (README "Upgrading Cassandra")`;
    }
    const order: readonly string[] = STORAGE_COMPATIBILITY_MODES;
    if (order.indexOf(to) === order.indexOf(from) + 1) {
        return undefined;
    }
    return `${from} → ${to}: the storage compatibility mode moves one step per rolling restart, CASSANDRA_4 → UPGRADING → NONE, and never back (UPGRADING already writes 5.0 formats); from ${from} the next step is ${order[order.indexOf(from) + 1] ?? "none: NONE is final"}`;
}

import type { Settings } from "../config";
import type { Topology } from "../plan/topology";
import type { LifecycleState } from "./transitions";

/** The part of a stack's settings the lifecycle guard judges the next change against. */
export function lifecycleState(s: Settings, t: Topology): LifecycleState {
    return {
        serverVersion: s.serverVersion,
        storageCompatibilityMode: s.serverVersion.startsWith("4.")
            ? null
            : (s.storageCompatibilityMode ?? "NONE"),
        datacenters: Object.fromEntries(
            t.datacenters.map((dc, index) => [
                dc.name,
                {
                    index,
                    size: dc.size,
                    storageGb: dc.storageGb,
                    racks: dc.racks.map((r) => ({ name: r.name, zone: r.zone })),
                    decommission: s.datacenters[index].decommission,
                },
            ]),
        ),
        ca: { generation: s.tls.caGeneration, rotation: s.tls.caRotation ?? null },
        externalNames: s.ingress !== "none" && s.externalDomain ? s.externalNames : null,
    };
}

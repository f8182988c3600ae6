import { sizeForMachine } from "../plan/cassandra-config";
import { problem, Problem } from "../errors";
import type { Intact } from "./broken-values";
import type { DatacenterSettings } from "./schema";

/** One datacenter's own rules: zones, region, racks and the machine its nodes run on. */
export function validateDatacenter(
    dc: DatacenterSettings,
    path: string,
    onGke: boolean,
    ok: Intact,
): Problem[] {
    const problems: Problem[] = [];
    const zones = new Set(ok("zones") ? dc.zones : []);
    if (ok("zones") && zones.size !== dc.zones.length) {
        problems.push(
            problem(
                `${path}.zones`,
                `zones ${JSON.stringify(dc.zones)} list a zone twice; list each zone once`,
            ),
        );
    }
    if (onGke && ok("region", "name")) {
        if (!dc.region) {
            problems.push(
                problem(
                    `${path}.region`,
                    `datacenter "${dc.name}" runs on a GKE cluster this stack creates; set its GCP region, e.g. us-west1`,
                ),
            );
        } else {
            (ok("zones") ? dc.zones : []).forEach((z, j) => {
                if (!new RegExp(`^${dc.region}-[a-z]$`).test(z)) {
                    problems.push(
                        problem(
                            `${path}.zones[${j}]`,
                            `zone "${z}" is not in region ${dc.region}; use zones such as ${dc.region}-a, ${dc.region}-b`,
                        ),
                    );
                }
            });
        }
    }
    if (!ok("racks", "zones", "size")) {
        return [...problems, ...validateMachine(dc, path, ok)];
    }
    const racks = dc.racks ?? [];
    const rackNames = new Set<string>();
    racks.forEach((r, j) => {
        if (rackNames.has(r.name)) {
            problems.push(
                problem(
                    `${path}.racks[${j}].name`,
                    `duplicate rack name "${r.name}"; rack names must be unique within a datacenter`,
                ),
            );
        }
        rackNames.add(r.name);
        if (!zones.has(r.zone)) {
            problems.push(
                problem(
                    `${path}.racks[${j}].zone`,
                    `rack "${r.name}" is placed in zone "${r.zone}", which is not one of the datacenter's zones ${JSON.stringify(dc.zones)}`,
                ),
            );
        }
    });
    const rackCount = racks.length > 0 ? racks.length : dc.zones.length;
    if (dc.size % rackCount !== 0) {
        problems.push(
            problem(
                `${path}.size`,
                `size ${dc.size} cannot be split evenly across ${rackCount} racks; use a multiple of ${rackCount} (e.g. ${Math.max(rackCount, Math.round(dc.size / rackCount) * rackCount)})`,
            ),
        );
    }
    return [...problems, ...validateMachine(dc, path, ok)];
}

function validateMachine(dc: DatacenterSettings, path: string, ok: Intact): Problem[] {
    const problems: Problem[] = [];
    if (!ok("nodeMachineType")) {
        return problems;
    }
    const sizing = sizeForMachine(dc.nodeMachineType);
    if (!sizing) {
        problems.push(
            problem(
                `${path}.nodeMachineType`,
                `"${dc.nodeMachineType}" is not a machine type Cassandra can be sized for; use a GCE type such as n2-highmem-4 or custom-<vCPUs>-<MiB> (for existing clusters, describe the worker size, e.g. custom-2-4096)`,
            ),
        );
    } else if (sizing.heap === "0G") {
        problems.push(
            problem(
                `${path}.nodeMachineType`,
                `"${dc.nodeMachineType}" leaves less than 1 GiB of heap for Cassandra; use at least 4 GiB of memory per node, e.g. custom-2-4096`,
            ),
        );
    }
    if (dc.maxNodes !== undefined && dc.maxNodes < dc.size && ok("maxNodes", "size")) {
        problems.push(
            problem(
                `${path}.maxNodes`,
                `maxNodes ${dc.maxNodes} is below size ${dc.size}; the network ranges must hold at least every node`,
            ),
        );
    }
    return problems;
}

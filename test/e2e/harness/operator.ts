import { isIP } from "node:net";

/**
 * The part of cass-operator the harness must reproduce to start nodes from a CassandraDatacenter
 * spec: which node it starts first, which nodes it labels as seeds, and which seed addresses
 * Cassandra then resolves. Read from k8ssandra/cass-operator v1.30.0 (the release the pinned
 * chart installs), cited per rule; nothing else of the operator is modelled.
 */

/** The spec fields the operator's seed handling reads. */
export interface SeedSpec {
    readonly size: number;
    readonly racks: readonly { readonly name: string }[];
    readonly additionalSeeds?: readonly string[];
}

/**
 * `pkg/reconciliation/reconcile_racks.go` `startOneNodePerRack`: a node is labelled a seed before
 * it starts only while the datacenter has no ready seed and no additional seeds
 * (`hasAdditionalSeeds`: `spec.additionalSeeds` non-empty). A datacenter that lists other
 * datacenters' nodes therefore starts by joining them; one that lists none seeds a new ring.
 */
export function labelsSeedBeforeStart(spec: SeedSpec, readySeeds: number): boolean {
    return readySeeds === 0 && (spec.additionalSeeds ?? []).length === 0;
}

/**
 * Seeds per rack (`CalculateRackInformation`: 3 per datacenter, fewer nodes → that many, more
 * than 3 racks → one per rack; `SplitRacks` gives earlier racks the remainder). `labelSeedPods`
 * then labels ready pods of each rack, in name order, up to its count.
 */
export function seedCountPerRack(spec: SeedSpec): number[] {
    const racks = spec.racks.length;
    const seeds = spec.size < 3 ? spec.size : racks > 3 ? racks : 3;
    return spec.racks.map((_, i) => Math.floor(seeds / racks) + (i < seeds % racks ? 1 : 0));
}

/**
 * The seed list a node starts with. cass-operator gives Cassandra two names
 * (`pkg/serverconfig/configgen.go` `GetConfigAsJSON`): `<cluster>-seed-service`, a headless
 * Service over the seed-labelled pods of this Kubernetes cluster that publishes not-ready
 * addresses (`construct_service.go` `newSeedServiceForCassandraDatacenter`), and
 * `<cluster>-<dc>-additional-seed-service`, whose EndpointSlices hold `spec.additionalSeeds`
 * (`newEndpointSlicesForAdditionalSeeds`: IPs in IPv4/IPv6 slices, host names in an FQDN slice,
 * which kube-dns does not answer — see ../shared/UPSTREAM.md). Cassandra resolves both names.
 */
export function seedAddresses(
    labelledSeedIps: readonly string[],
    spec: SeedSpec,
): { seeds: string[]; unresolvable: string[] } {
    const additional = spec.additionalSeeds ?? [];
    return {
        seeds: [...labelledSeedIps, ...additional.filter((a) => isIP(a) !== 0)],
        unresolvable: additional.filter((a) => isIP(a) === 0),
    };
}

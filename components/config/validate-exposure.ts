import { isPrivateRange } from "../plan/cidr";
import { isOpenRange, PUBLIC_CLIENTS_ANNOTATION, PUBLIC_PREFIX_LIMIT } from "../checks/exposure";
import { problem, Problem } from "../errors";
import type { Intact } from "./broken-values";
import type { Settings } from "./schema";

/** "the whole internet" or "N addresses, a large part of the internet,". */
function exposure(cidr: string): string {
    const prefix = Number(cidr.split("/")[1]);
    return prefix === 0
        ? "the whole internet"
        : `${2 ** (32 - prefix)} addresses, a large part of the internet,`;
}

/** Internet-wide client and control-plane ranges: refused unless deliberately accepted. */
export function validateExposure(s: Settings, ok: Intact): Problem[] {
    const problems: Problem[] = [];
    s.clientCidrs.forEach((c, i) => {
        if (
            ok(`clientCidrs[${i}]`, "allowPublicClients") &&
            isOpenRange(c) &&
            !s.allowPublicClients
        ) {
            problems.push(
                problem(
                    `clientCidrs[${i}]`,
                    `${c} admits ${exposure(c)} to port 9042; list your client ranges (/${PUBLIC_PREFIX_LIMIT} or narrower), or set allowPublicClients: true to accept that exposure (the entry points' LoadBalancer Services then carry the ${PUBLIC_CLIENTS_ANNOTATION} annotation, the opt-in the no-open-cql policy accepts)`,
                ),
            );
        }
    });
    if (!s.existingClusters) {
        s.controlPlaneAuthorizedCidrs.forEach((c, i) => {
            if (ok(`controlPlaneAuthorizedCidrs[${i}]`) && isOpenRange(c)) {
                problems.push(
                    problem(
                        `controlPlaneAuthorizedCidrs[${i}]`,
                        `${c} admits ${exposure(c)} to the Kubernetes API of every GKE cluster, which restricts nothing though it reads as a restriction; list your administrators' ranges (/${PUBLIC_PREFIX_LIMIT} or narrower), or leave controlPlaneAuthorizedCidrs empty for GKE's default (any address, authenticated)`,
                    ),
                );
            }
        });
    }
    return problems;
}

/**
 * The clusters' own ranges (the supernet they are carved from, or the ranges given) must be
 * private address space, unless `network.allowPublicRanges` says the public addresses are used
 * privately on purpose.
 */
export function validatePrivateRanges(s: Settings, ok: Intact): Problem[] {
    if (s.network.allowPublicRanges || !ok("network.allowPublicRanges")) {
        return [];
    }
    const used: { path: string; cidr: string | undefined }[] = [];
    if (s.existingClusters) {
        for (const [dc, c] of Object.entries(s.existingClusters)) {
            for (const key of ["podCidr", "serviceCidr", "nodeCidr"] as const) {
                used.push({ path: `existingClusters.${dc}.${key}`, cidr: c[key] });
            }
        }
    } else if (s.network.ranges) {
        for (const [dc, r] of Object.entries(s.network.ranges)) {
            for (const key of ["nodes", "pods", "services", "controlPlane"] as const) {
                used.push({ path: `network.ranges.${dc}.${key}`, cidr: r[key] });
            }
        }
    } else {
        used.push({ path: "network.supernet", cidr: s.network.supernet });
    }
    return used
        .filter((u): u is { path: string; cidr: string } => u.cidr !== undefined && ok(u.path))
        .filter((u) => !isPrivateRange(u.cidr))
        .map((u) =>
            problem(
                u.path,
                `${u.cidr} is public address space: the clusters would take addresses that belong to hosts on the internet and could no longer reach them; use a private range such as 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (GKE also accepts 100.64.0.0/10, 198.18.0.0/15 and 240.0.0.0/4), or set network.allowPublicRanges: true if you use these public addresses privately on purpose`,
            ),
        );
}

import { expect } from "vitest";
import { serverTrouble } from "./cassandra-node";
import { clientConfig, Driver, Route, startDriver } from "./drivers";
import { progress } from "./log";
import { recordDriverFigures } from "./report";
import type { E2eState } from "./state";
import type { PhaseReport, Phases, Workload } from "./workload";

/** An application the e2e runs: a driver on one route model, from the generated files. */
export interface Application {
    readonly name: string;
    readonly w: Workload;
}

/** Java, Python and Node.js, each on a route model it serves from the generated files. */
export const EVERY_DRIVER: readonly { readonly driver: Driver; readonly route: Route }[] = [
    { driver: "java", route: "node" },
    { driver: "python", route: "sni" },
    { driver: "node", route: "node" },
];

/**
 * Starts each application in `dc` from what `npm run client-config` writes for the stack's
 * client bundle (load balancers reporting IPs). `suffix` tells apart a later round of them.
 */
export async function startApplications(
    state: E2eState,
    specs: readonly { readonly driver: Driver; readonly route: Route }[] = EVERY_DRIVER,
    dc = "dc1",
    suffix = "",
): Promise<Application[]> {
    const dir = clientConfig(state, { bundle: "sni-ip", dc });
    const started: Application[] = [];
    for (const a of specs) {
        started.push({
            name: `${a.driver} (${a.route} route)${suffix}`,
            w: await startDriver(a.driver, dir, dc, { route: a.route }),
        });
    }
    return started;
}

/**
 * Shows an application's per-phase figures and records them for the report under
 * `${name} ${what}`; `extra` adds figures of a phase (e.g. requests a given node coordinated).
 */
export function reportPhases(
    name: string,
    phases: Phases,
    what: string,
    extra: (p: PhaseReport) => Record<string, number> = () => ({}),
): void {
    const figures = Object.fromEntries(
        Object.entries(phases).map(([p, r]) => [
            p,
            { ok: r.ok, failed: r.failed, slowestMs: r.slowestMs, ...extra(r) },
        ]),
    );
    progress(`${name}: ${JSON.stringify(figures)}`);
    recordDriverFigures(`${name} ${what}`, figures);
}

/** The end of an application's driver log, for failure messages. */
export function driverLog(a: Application): string {
    return `${a.name}'s driver log:\n${a.w.log(120)}`;
}

/**
 * No request of the application failed, in any phase; the message holds its errors, its
 * driver's log and what the nodes logged meanwhile (a server-side timeout shows its cause
 * there: a GC pause, dropped mutations). Returns how many writes it had acknowledged.
 */
export function expectNoFailedRequest(a: Application, phases: Phases): number {
    const all = Object.values(phases);
    const failed = all.reduce((n, p) => n + p.failed, 0);
    expect(
        failed,
        failed === 0
            ? ""
            : `${a.name}: ${all.flatMap((p) => p.errors).join("; ")}\n${driverLog(a)}\n` +
                  `The nodes' warnings, GC pauses and dropped messages since it started:\n` +
                  serverTrouble(a.w.startedAt),
    ).toBe(0);
    return all.reduce((n, p) => n + p.ok, 0);
}

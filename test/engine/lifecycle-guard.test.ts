import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIFECYCLE_GUARD_TYPE } from "../../components/lifecycle/lifecycle-guard";
import type { LifecycleState } from "../../components/lifecycle/transitions";
import { deploy } from "./harness/deployment";
import { DynamicProviderProcess } from "./harness/dynamic-provider";
import type { Registration } from "./harness/fake-engine";

/**
 * The lifecycle guard as the engine runs it: the program, run through `cmd/run`, registers the
 * guard with its serialized provider; the engine's dynamic provider process deserializes it and
 * answers `Check` with the previous deployment's inputs (`olds`) and the new ones — which is
 * where an unsafe change stops `pulumi preview` and `pulumi up`.
 */
const root = join(__dirname, "..", "..");
let guard: Registration;
let provider: DynamicProviderProcess;

beforeAll(async () => {
    const dev = await deploy({ root, stack: "dev", preview: true });
    const found = dev.registrations.find((r) => r.type === LIFECYCLE_GUARD_TYPE);
    expect(found, "the lifecycle guard").toBeDefined();
    guard = found as Registration;
    provider = await DynamicProviderProcess.start(root);
}, 300_000);
afterAll(() => provider?.stop());

const state = () => guard.inputs.state as LifecycleState;
const withState = (s: LifecycleState) => ({ ...guard.inputs, state: s });
const check = (after: LifecycleState, before: LifecycleState = state()) =>
    provider.check(guard.urn, withState(before), withState(after));

describe("the lifecycle guard under the engine's dynamic provider", () => {
    it("carries its checks and the settings they judge", () => {
        expect(guard.inputs.__provider).toEqual(expect.stringContaining("transitionProblems"));
        expect(state().datacenters.dc1).toMatchObject({ index: 0, decommission: false });
    });

    it("accepts the first deployment, an unchanged stack and safe changes", async () => {
        expect(await provider.check(guard.urn, {}, withState(state()))).toEqual([]);
        expect(await check(state())).toEqual([]);
        const s = state();
        const grown: LifecycleState = {
            ...s,
            datacenters: { ...s.datacenters, dc1: { ...s.datacenters.dc1, storageGb: 500 } },
            ca: { generation: 1, rotation: "add-new-ca" },
        };
        expect(await check(grown)).toEqual([]);
    });

    it("refuses shrinking volumes, a datacenter removed without decommissioning and a skipped CA phase, in one report", async () => {
        const s = state();
        const { dc2, ...rest } = s.datacenters;
        expect(dc2).toBeDefined();
        const failures = await check({
            ...s,
            datacenters: { ...rest, dc1: { ...s.datacenters.dc1, storageGb: 50 } },
            ca: { generation: 1, rotation: "issue-from-new-ca" },
        });
        expect(failures.map((f) => f.property)).toEqual([
            "datacenters[0].storageGb",
            "datacenters",
            "tls",
        ]);
        expect(failures[0].reason).toContain("200 → 50: volumes cannot shrink");
        expect(failures[1].reason).toContain(
            'datacenter "dc2" is gone from the stack but was not decommissioned',
        );
        expect(failures[1].reason).toContain("set datacenters[1].decommission: true");
        expect(failures[2].reason).toContain(
            "From caGeneration 1 the next step is caGeneration 1, caRotation add-new-ca",
        );
    });

    it("lets a decommissioned datacenter go", async () => {
        const s = state();
        const before: LifecycleState = {
            ...s,
            datacenters: { ...s.datacenters, dc2: { ...s.datacenters.dc2, decommission: true } },
        };
        const { dc2: _gone, ...rest } = s.datacenters;
        expect(await check({ ...s, datacenters: rest }, before)).toEqual([]);
    });
});

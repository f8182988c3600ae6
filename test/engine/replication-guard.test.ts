import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPLICATION_GUARD_TYPE } from "../../components/lifecycle/replication-guard";
import type { ExternalClientBundle } from "../../components/plan/client-bundle";
import { deploy } from "./harness/deployment";
import { DynamicProviderProcess } from "./harness/dynamic-provider";
import type { Registration } from "./harness/fake-engine";

/**
 * The replication guard as the engine runs it: registered by the program through `cmd/run`,
 * its serialized provider loaded by the engine's dynamic provider process and sent `Update`
 * (which only `pulumi up` does). With no datacenter leaving it never touches the cluster; with
 * one leaving it must read the cluster, and says what to do when it cannot. (Its verdicts on a
 * real cluster: test/e2e/datacenter-lifecycle.test.ts.)
 */
const root = join(__dirname, "..", "..");
let guard: Registration;
let provider: DynamicProviderProcess;

/** A bundle whose only node listens nowhere (port 1 on loopback refuses at once). */
const unreachable: ExternalClientBundle = {
    clusterName: "cassandra",
    caCertificate: "",
    datacenters: ["dc1"],
    nodes: [
        {
            datacenter: "dc1",
            rack: "rack1",
            pod: "cassandra-dc1-rack1-sts-0",
            externalName: "cassandra-dc1-rack1-sts-0.cassandra.example.com",
            externalAddress: "127.0.0.1",
            port: 1,
            serverName: "dc1.cassandra.example.com",
        },
    ],
};
const contact = {
    bundle: unreachable,
    localDataCenter: "dc1",
    username: "cassandra-superuser",
    password: "not-used",
};

beforeAll(async () => {
    const dev = await deploy({ root, stack: "dev", preview: true });
    const found = dev.registrations.find((r) => r.type === REPLICATION_GUARD_TYPE);
    expect(found, "the replication guard").toBeDefined();
    guard = found as Registration;
    provider = await DynamicProviderProcess.start(root);
}, 300_000);
afterAll(() => provider?.stop());

const update = (before: string[], after: string[]) =>
    provider.update(
        guard.urn,
        "replication",
        { datacenters: before },
        { __provider: guard.inputs.__provider, datacenters: after, contact },
    );

describe("the replication guard under the engine's dynamic provider", () => {
    it("is registered with the stack's datacenters and its provider", () => {
        expect(guard.inputs.datacenters).toEqual(["dc1", "dc2"]);
        expect(guard.inputs.__provider).toEqual(expect.stringContaining("replicationProblems"));
    });

    it("lets an update through without reading the cluster when no datacenter leaves", async () => {
        expect(await update(["dc1", "dc2"], ["dc1", "dc2"])).toMatchObject({
            datacenters: ["dc1", "dc2"],
        });
        expect(await update(["dc1"], ["dc1", "dc2"])).toMatchObject({
            datacenters: ["dc1", "dc2"],
        });
    });

    it("fails the update when a datacenter leaves and the cluster cannot be read, saying where to run it", async () => {
        await expect(update(["dc1", "dc2", "dc3"], ["dc1", "dc2"])).rejects.toThrow(
            /cannot check that no keyspace still replicates to dc3 before removing it: reading system_schema.keyspaces through datacenter dc1.s external routes failed \(.*127\.0\.0\.1:1.*ECONNREFUSED.*\)\. Run `pulumi up` from an address in clientCidrs/s,
        );
    });
});

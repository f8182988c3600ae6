import { setTimeout as sleep } from "node:timers/promises";
import { types } from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lifecycleState } from "../../components/lifecycle/state";
import { transitionProblems } from "../../components/lifecycle/transitions";
import { secretNames } from "../../components/plan/datacenter-spec";
import { entryPointName } from "../../components/plan/pki-plan";
import { expectNoFailedRequest, reportPhases } from "./harness/applications";
import { killNode, nodetool, stopNode } from "./harness/cassandra-node";
import { nodeConfig, plan, routerSpec, startDatacenter } from "./harness/cluster";
import { connectBundle } from "./harness/clients";
import { clientConfig, startDriver } from "./harness/drivers";
import { countAtAll, createKeyspace, Fixture, fixture, waitUntilHealthy } from "./harness/fixture";
import { reloadHaproxy } from "./harness/haproxy";
import { progress } from "./harness/log";
import { entryAddress, extendNetwork } from "./harness/netns";
import { PROGRAM_FILE, PROJECT_DIR } from "./harness/paths";
import { Program } from "./harness/product";
import { DynamicProviderProcess } from "../engine/harness/dynamic-provider";
import { E2eState, readState, writeState } from "./harness/state";
import { placeNodes } from "./harness/topology";
import { Workload } from "./harness/workload";

const KEYSPACE = "e2e_dc3";
/** Where an application in dc1 keeps writing while dc3 comes and goes. */
const APP_KEYSPACE = "e2e_dc3_app";
const ROWS = 300;
const SYSTEM = ["system_auth", "system_distributed", "system_traces"];
const TWO_DCS = "{'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 2}";

/** dc3: a third existing cluster, two nodes on two racks, like the others. */
const DC3 = {
    name: "dc3",
    zones: ["dc3-zone-a", "dc3-zone-b"],
    size: 2,
    racks: [
        { name: "rack1", zone: "dc3-zone-a" },
        { name: "rack2", zone: "dc3-zone-b" },
    ],
    nodeMachineType: "custom-2-4096",
};
const DC3_CLUSTER = {
    podCidr: "198.18.3.0/24",
    serviceCidr: "198.18.103.0/24",
    clusterDomain: "dc3.local",
};

/**
 * A datacenter added to the running cluster and removed again, by the steps README "Living with
 * a stack" gives: appended to the stack (the program seeds it from the others' status), then
 * replicated to (system keyspaces and the user's) and rebuilt from dc1 — the CassandraTask
 * `rebuild` job's operation, here through nodetool — so every row written before is read from
 * dc3 alone; then replication moved off it, `decommission: true`, and removed: its nodes
 * decommission (forced, as cass-operator does) and leave the ring with no dead node behind.
 */
describe("adding a datacenter, rebuilding it, and removing it", () => {
    let f: Fixture;
    let program: Program;
    let before: E2eState;
    let app: Workload;

    beforeAll(async () => {
        f = fixture();
        before = readState();
        program = Program.load(PROGRAM_FILE);
        const admin = await f.connect("dc1");
        await createKeyspace(admin, KEYSPACE, { dc1: 2, dc2: 2 });
        await createKeyspace(admin, APP_KEYSPACE, { dc1: 2, dc2: 2 });
        for (let i = 0; i < ROWS; i++) {
            await admin.execute(
                `INSERT INTO ${KEYSPACE}.kv (k, v) VALUES (?, ?)`,
                [`k${i}`, `v${i}`],
                {
                    prepare: true,
                    consistency: types.consistencies.eachQuorum,
                },
            );
        }
    });
    afterAll(async () => {
        await app?.kill();
        await f.closeAll();
        const now = readState();
        for (const n of now.nodes.filter((x) => x.datacenter === "dc3")) {
            await killNode(n.podName);
        }
        writeState({ ...before, specs: now.specs, secrets: now.secrets });
        await reloadHaproxy(routerSpec(before, before.hostIds));
        await waitUntilHealthy(fixture());
    });

    it("joins dc3, rebuilds it from dc1, reads every earlier row there, then decommissions it cleanly", async () => {
        const base = program.overrides;
        const three = {
            ...base,
            datacenters: [...plan().settings.datacenters, DC3],
            existingClusters: { ...plan().settings.existingClusters, dc3: DC3_CLUSTER },
        };
        app = await startDriver(
            "node",
            clientConfig(f.state, { bundle: "sni-ip", dc: "dc1" }),
            "dc1",
            { route: "node" },
        );
        await app.command(`load ${APP_KEYSPACE} w`);
        await app.command("phase adding");
        // 1. Appended: the program registers dc3 with the others' pod IPs as additional seeds.
        let product = await program.deploy(f.state.statuses, three);
        const p3 = plan({ overrides: three });
        const dc3Nodes = placeNodes(p3).filter((n) => n.datacenter === "dc3");
        const entry = {
            ip: entryAddress(2),
            names: [
                entryPointName("dc3", p3.settings.externalDomain as string),
                ...p3.topology.datacenters[2].nodes.map((n) => n.externalName as string),
            ],
        };
        extendNetwork({
            podRanges: [DC3_CLUSTER.podCidr],
            podIps: dc3Nodes.map((n) => n.ip),
            entryPoints: [entry],
        });
        let state: E2eState = {
            ...f.state,
            overrides: three,
            nodes: [...f.state.nodes, ...dc3Nodes],
            entryAddresses: { ...f.state.entryAddresses, [entry.names[0]]: entry.ip },
            specs: product.specs,
            secrets: {
                ...f.state.secrets,
                [secretNames(p3.settings.clusterName, "dc3").tls]: product.nodeSecrets.dc3,
            },
        };
        expect(product.specs.base.dc3.additionalSeeds).toEqual(
            expect.arrayContaining(f.state.nodes.map((n) => n.ip).slice(0, 2)),
        );
        writeState(state);
        await reloadHaproxy(routerSpec(state, state.hostIds));
        state = await startDatacenter(state, p3, 2);
        product = await program.deploy(state.statuses, three);
        state = { ...state, specs: product.specs };
        writeState(state);
        await reloadHaproxy(routerSpec(state, state.hostIds));
        progress(`dc3 joined: ${JSON.stringify(state.statuses.dc3.nodeStatuses)}`);

        // 2. Replicated to: system keyspaces, then the user's.
        const admin = await connectBundle(fixture().bundles.dc1, { ca: state.caPem });
        try {
            for (const ks of [...SYSTEM, KEYSPACE]) {
                await admin.execute(
                    `ALTER KEYSPACE ${ks} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 2, 'dc3': 2}`,
                );
            }
        } finally {
            await admin.shutdown();
        }
        // 3. Rebuilt from dc1, node by node, as the CassandraTask's rebuild job does.
        await app.command("phase rebuilding");
        for (const n of dc3Nodes) {
            nodetool(nodeConfig(state, n.podName), ["rebuild", "--", "dc1"]);
        }
        const dc3Client = await connectBundle(fixture().bundles.dc3, { ca: state.caPem });
        try {
            const local = dc3Client.hosts.values().filter((h) => h.datacenter === "dc3");
            expect(local).toHaveLength(2);
            for (const host of local) {
                const rs = await dc3Client.execute(`SELECT k, v FROM ${KEYSPACE}.kv`, [], {
                    consistency: types.consistencies.localOne,
                    host,
                    fetchSize: 1000,
                });
                expect(rs.rowLength, `rows on ${host.address}`).toBe(ROWS);
            }
        } finally {
            await dc3Client.shutdown();
        }

        // 4. Removed: replication off dc3 (system_auth last: Cassandra refuses to drop a
        // datacenter that still has nodes from it — NetworkTopologyStrategy.validateExpectedOptions),
        // decommission: true, then gone from the stack.
        await app.command("phase removing");
        // What `pulumi up` runs when dc3 is gone from the stack: the replication guard, through
        // the engine's dynamic provider process, reading this cluster through the stack's routes.
        const guard = await DynamicProviderProcess.start(PROJECT_DIR);
        const leave = () =>
            guard.update(
                `urn:pulumi:e2e::cassandra-multicluster::${product.replicationGuard.type}::${product.replicationGuard.name}`,
                "replication",
                { datacenters: ["dc1", "dc2", "dc3"] },
                {
                    __provider: product.replicationGuard.inputs.__provider,
                    datacenters: ["dc1", "dc2"],
                    // The stack's clientBundle output without dc3 (rendered with the addresses the
                    // router reports). Credentials are not asked: the nodes here run without the
                    // authenticator (harness/cassandra-node.ts SPEC_SETTINGS says why).
                    contact: {
                        bundle: before.clientBundles["sni-ip"],
                        localDataCenter: "dc1",
                        username: "cassandra",
                        password: "not-asked-here",
                    },
                },
            );
        try {
            const refused = await leave().then(
                () => "",
                (err: Error) => err.message,
            );
            expect(refused).toMatch(
                /refusing to remove datacenter\(s\) dc3: \d+ keyspace\(s\) still replicate there/,
            );
            for (const ks of ["system_distributed", "system_traces", KEYSPACE]) {
                expect(refused).toContain(
                    `ALTER KEYSPACE ${ks} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 2};`,
                );
            }
            progress(`replication guard refused: ${refused}`);
        } catch (err) {
            guard.stop();
            throw err;
        }
        const admin2 = await connectBundle(fixture().bundles.dc1, { ca: state.caPem });
        try {
            await expect(
                admin2.execute(`ALTER KEYSPACE system_auth WITH replication = ${TWO_DCS}`),
            ).rejects.toThrow(/have active nodes and must be present.*\[dc3\]/);
            for (const ks of [...SYSTEM.filter((k) => k !== "system_auth"), KEYSPACE]) {
                await admin2.execute(`ALTER KEYSPACE ${ks} WITH replication = ${TWO_DCS}`);
            }
        } finally {
            await admin2.shutdown();
        }
        try {
            // Every keyspace but system_auth has left dc3: the guard lets the removal through.
            expect(await leave()).toMatchObject({ datacenters: ["dc1", "dc2"] });
        } finally {
            guard.stop();
        }
        const marked = {
            ...three,
            datacenters: three.datacenters.map((d) =>
                d.name === "dc3" ? { ...d, decommission: true } : d,
            ),
        };
        const pMarked = plan({ overrides: marked });
        const pGone = plan({ overrides: base });
        // The guard: removing dc3 is refused straight away, accepted after the decommission step.
        expect(
            transitionProblems(
                lifecycleState(p3.settings, p3.topology),
                lifecycleState(pGone.settings, pGone.topology),
            ).map((x) => x.property),
        ).toEqual(["datacenters"]);
        expect(
            transitionProblems(
                lifecycleState(pMarked.settings, pMarked.topology),
                lifecycleState(pGone.settings, pGone.topology),
            ),
        ).toEqual([]);
        await program.deploy(state.statuses, marked);
        // cass-operator deletes a decommission-on-delete datacenter node by node, forced.
        for (const n of [...dc3Nodes].reverse()) {
            nodetool(nodeConfig(state, n.podName), ["decommission", "--force"]);
            await stopNode(n.podName);
        }
        const { dc3: _dc3, ...statuses } = state.statuses;
        product = await program.deploy(statuses, base);
        program.save(PROGRAM_FILE);

        const after = await connectBundle(fixture().bundles.dc1, { ca: state.caPem });
        try {
            await after.execute(`ALTER KEYSPACE system_auth WITH replication = ${TWO_DCS}`);
            const peers = (await after.execute("SELECT peer, data_center FROM system.peers_v2"))
                .rows;
            expect(peers.map((r) => r["data_center"]).sort()).toEqual(["dc1", "dc2", "dc2"]);
            expect(await countAtAll(after, KEYSPACE)).toBe(ROWS);
            // The application in dc1 never noticed: no failed request, every write readable.
            await app.command("phase after");
            await sleep(1000);
            const phases = await app.stop();
            const application = { name: "node (node route)", w: app };
            reportPhases(application.name, phases, "adding and removing dc3");
            expectNoFailedRequest(application, phases);
            expect(phases.removing.ok).toBeGreaterThan(100);
            expect(await countAtAll(after, APP_KEYSPACE)).toBe(
                Object.values(phases).reduce((n, p) => n + p.ok, 0),
            );
        } finally {
            await after.shutdown();
        }
        writeState({ ...before, specs: product.specs, secrets: readState().secrets });
    }, 600_000);
});

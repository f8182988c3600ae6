import { createPrivateKey } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ClientCertificate } from "../../../components/cassandra-multicluster";
import { REPLICATION_GUARD_TYPE } from "../../../components/lifecycle/replication-guard";
import type { ExternalClientBundle } from "../../../components/plan/client-bundle";
import type { DatacenterStatus } from "../../../components/plan/datacenter-status";
import { secretNames } from "../../../components/plan/datacenter-spec";
import { LoadBalancerIngress, RecordedResource } from "../../../components/render/mocks";
import { renderStack, RenderedStack } from "../../../components/render/render-stack";
import { PROJECT_DIR } from "./paths";
import { E2E_STACK, E2E_STACK_FILE, Variant, withMutualTls } from "./topology";

/**
 * What the program itself produces for the e2e stack, read from the objects it registers when
 * `index.ts` runs under the mock runtime — whose `tls` resources return real keys and
 * certificates in the provider's own formats (components/render/tls-provider.ts). The harness
 * starts Cassandra from these bytes and specs, not from a PKI or config of its own.
 */

const CASSDC = "kubernetes:cassandra.datastax.com/v1beta1:CassandraDatacenter";
const SECRET = "kubernetes:core/v1:Secret";
const SERVICE = "kubernetes:core/v1:Service";
const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

/**
 * The stack's `clientBundle` output for each way a deployed stack can report its load balancers:
 *  - `sni-ip`: the e2e stack (Traefik: one entry point per datacenter), whose load balancers
 *    report IP addresses, as on GKE;
 *  - `sni-names`: the same, whose load balancers report host names (as some clouds do);
 *  - `lb-ip`: the stack with `ingress: loadbalancer` (one load balancer per node), reporting IPs.
 */
export type BundleVariant = "sni-ip" | "sni-names" | "lb-ip";

/** Where the harness, playing the cloud, puts each load balancer. */
export interface LoadBalancerPlacement {
    /** Per datacenter: its entry point's address and the name the cloud reports for it. */
    readonly entries: Readonly<Record<string, { readonly ip: string; readonly hostname: string }>>;
    /** Per pod: its own load balancer's address (`ingress: loadbalancer`). */
    readonly nodes: Readonly<Record<string, string>>;
}

/** A CassandraDatacenter's spec, as registered (JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DatacenterSpec = Record<string, any>;

export interface Product {
    /** Per variant and datacenter: the CassandraDatacenter spec the program registered. */
    readonly specs: Readonly<Record<Variant, Readonly<Record<string, DatacenterSpec>>>>;
    /** Per datacenter: the node TLS Secret's data (`ca.pem`, `<pod>.pem`). Secret. */
    readonly nodeSecrets: Readonly<Record<string, Readonly<Record<string, string>>>>;
    /** The CA certificate the stack outputs (`caCertificate`). */
    readonly caPem: string;
    /** The issuing CA's private key (the provider stores SEC1 for ECDSA), PKCS#8 for the tests' own issuing. */
    readonly caKeyPkcs8: string;
    /** The mutual-TLS variant's `clientCertificates` output. Secret. */
    readonly clientCertificates: Readonly<Record<string, ClientCertificate>>;
    /** The replication guard as registered: its serialized provider and its inputs. */
    readonly replicationGuard: RecordedResource;
}

function specsOf(r: RenderedStack): Record<string, DatacenterSpec> {
    return Object.fromEntries(
        r.resources
            .filter((x) => x.type === CASSDC)
            .map((x) => [
                (x.inputs.metadata as { name: string }).name,
                x.inputs.spec as DatacenterSpec,
            ]),
    );
}

function only(r: RenderedStack, pick: (x: RecordedResource) => boolean, what: string) {
    const found = r.resources.filter(pick);
    if (found.length !== 1) {
        throw new Error(`the program registered ${found.length} ${what}, expected one`);
    }
    return found[0];
}

/**
 * The e2e stack's program, run again each time the harness has something new to tell it, as a
 * user's successive `pulumi up`s would: the first with nothing running, the next ones with the
 * status cass-operator reports for the datacenters that now run (the real nodes'), which the
 * program reads to seed the next datacenter and to route by host ID. Resources whose inputs did
 * not change keep their outputs between runs (keys, certificates, the CA), and the mutual-TLS
 * variant is the same stack after a user turns it on, so it shares them too.
 */
export class Program {
    private last: RenderedStack | undefined;
    private lastOverrides: Readonly<Record<string, unknown>> = {};

    /**
     * The client bundles the stack outputs once its load balancers have addresses: the program
     * runs again with the addresses the cloud (here, the harness's router) reports for every
     * CQL LoadBalancer Service it registered, as the next `pulumi up` or `--refresh` reads them.
     */
    async clientBundles(
        statuses: Readonly<Record<string, DatacenterStatus>>,
        placement: LoadBalancerPlacement,
    ): Promise<Record<BundleVariant, ExternalClientBundle>> {
        const base = this.last;
        if (!base) {
            throw new Error("deploy the program before asking for its client bundles");
        }
        const render = (
            overrides: Readonly<Record<string, unknown>>,
            loadBalancers: Record<string, LoadBalancerIngress>,
            previous: RenderedStack,
        ) =>
            renderStack({
                projectDir: PROJECT_DIR,
                stack: E2E_STACK,
                stackFile: E2E_STACK_FILE,
                overrides,
                previous,
                observed: { datacenterStatuses: statuses, loadBalancers },
                load: () => import(join(PROJECT_DIR, "index.ts")),
            });
        const bundleOf = (r: RenderedStack) => r.outputs.clientBundle as ExternalClientBundle;
        // The stack as last deployed (e.g. mid CA rotation), with its load balancers' addresses.
        const current = this.lastOverrides;
        const perNode = { ...current, ingress: "loadbalancer" };
        const lb = await render(perNode, {}, base);
        return {
            "sni-ip": bundleOf(await render(current, assign(base, placement, "ip"), base)),
            "sni-names": bundleOf(await render(current, assign(base, placement, "hostname"), base)),
            "lb-ip": bundleOf(await render(perNode, assign(lb, placement, "ip"), lb)),
        };
    }

    /**
     * Runs the program for the e2e stack with `overrides` (settings a user changes, e.g. to renew
     * certificates or rotate the CA) on top of the stack file.
     */
    async deploy(
        statuses: Readonly<Record<string, DatacenterStatus>> = {},
        overrides: Readonly<Record<string, unknown>> = {},
    ): Promise<Product> {
        const render = (variant: Variant, previous?: RenderedStack) =>
            renderStack({
                projectDir: PROJECT_DIR,
                stack: E2E_STACK,
                stackFile: E2E_STACK_FILE,
                overrides: variant === "mtls" ? withMutualTls(overrides) : overrides,
                previous,
                observed: { datacenterStatuses: statuses },
                load: () => import(join(PROJECT_DIR, "index.ts")),
            });
        const base = await render("base", this.last);
        const mtls = await render("mtls", base);
        const before = this.last;
        const sameInputs = JSON.stringify(overrides) === JSON.stringify(this.lastOverrides);
        this.last = base;
        this.lastOverrides = overrides;
        const product = productOf(base, mtls);
        if (before && sameInputs) {
            const earlier = productOf(before, mtls);
            if (JSON.stringify(earlier.nodeSecrets) !== JSON.stringify(product.nodeSecrets)) {
                throw new Error("the node Secrets changed between two runs of an unchanged stack");
            }
        }
        return product;
    }

    /** The settings the last run replaced (what the stack file has become). */
    get overrides(): Readonly<Record<string, unknown>> {
        return this.lastOverrides;
    }

    /** Keeps the last run's resources (keys, certificates, the CA) for a later process, as Pulumi's state does. */
    save(file: string): void {
        writeFileSync(
            file,
            JSON.stringify({
                overrides: this.lastOverrides,
                resources: this.last?.resources ?? [],
            }),
            { mode: 0o600 },
        );
    }

    /** The program as `save` left it: the next run keeps the outputs of unchanged resources. */
    static load(file: string): Program {
        const saved = JSON.parse(readFileSync(file, "utf8")) as {
            overrides: Record<string, unknown>;
            resources: RecordedResource[];
        };
        const p = new Program();
        p.last = { resources: saved.resources } as unknown as RenderedStack;
        p.lastOverrides = saved.overrides;
        return p;
    }
}

function productOf(base: RenderedStack, mtls: RenderedStack): Product {
    const clusterName = base.plan.settings.clusterName;
    const nodeSecrets = Object.fromEntries(
        base.plan.topology.datacenters.map((dc) => {
            const name = secretNames(clusterName, dc.name).tls;
            const secret = only(
                base,
                (x) => x.type === SECRET && (x.inputs.metadata as { name: string }).name === name,
                `Secret ${name}`,
            );
            return [dc.name, secret.inputs.stringData as Record<string, string>];
        }),
    );
    const issuing = base.plan.pki.ca.generation;
    const caKey = only(
        base,
        // The issuing generation's key: `-ca-key` for the first, `-ca-g<N>-key` after a rotation.
        (x) =>
            x.type === "tls:index/privateKey:PrivateKey" &&
            x.name.endsWith(issuing === 1 ? "-ca-key" : `-ca-g${issuing}-key`),
        "CA key",
    );
    return {
        specs: { base: specsOf(base), mtls: specsOf(mtls) },
        nodeSecrets,
        caPem: base.outputs.caCertificate as string,
        caKeyPkcs8: createPrivateKey(String(caKey.outputs.privateKeyPem))
            .export({ type: "pkcs8", format: "pem" })
            .toString(),
        clientCertificates: mtls.outputs.clientCertificates as Record<string, ClientCertificate>,
        replicationGuard: only(base, (x) => x.type === REPLICATION_GUARD_TYPE, "replication guard"),
    };
}

/**
 * The address the cloud gives each CQL LoadBalancer Service the program registered: a Service
 * selecting one pod is that node's own load balancer; any other one is the entry point of the
 * datacenter whose cluster it is in (the provider it shares with that CassandraDatacenter).
 */
function assign(
    r: RenderedStack,
    placement: LoadBalancerPlacement,
    kind: "ip" | "hostname",
): Record<string, LoadBalancerIngress> {
    const dcByProvider = new Map(
        r.resources
            .filter((x) => x.type === CASSDC)
            .map((x) => [x.provider, (x.inputs.metadata as { name: string }).name]),
    );
    const out: Record<string, LoadBalancerIngress> = {};
    for (const svc of r.resources.filter((x) => x.type === SERVICE)) {
        const spec = svc.inputs.spec as {
            type?: string;
            selector?: Record<string, string>;
            ports?: { port: number }[];
        };
        if (spec?.type !== "LoadBalancer" || !spec.ports?.some((p) => p.port === 9042)) {
            continue;
        }
        const pod = spec.selector?.[POD_NAME_LABEL];
        const dc = dcByProvider.get(svc.provider);
        if (pod) {
            out[svc.name] = { ip: placement.nodes[pod] };
        } else if (dc) {
            const entry = placement.entries[dc];
            out[svc.name] = kind === "ip" ? { ip: entry.ip } : { hostname: entry.hostname };
        } else {
            throw new Error(`LoadBalancer Service ${svc.name} is in no datacenter's cluster`);
        }
    }
    return out;
}

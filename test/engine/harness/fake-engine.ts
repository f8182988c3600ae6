import * as grpc from "@grpc/grpc-js";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import * as resourceRpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/**
 * The engine's side of a program run, over the real gRPC protocol (`@pulumi/pulumi/proto`):
 * a ResourceMonitor and an Engine service that record every registration the way the Pulumi
 * engine receives it, and answer the way the engine answers during a preview or an update.
 * It stands in for the CLI, which this machine cannot build with its Node language host; what
 * it answers follows pulumi/pulumi v3.248.0, cited per rule.
 */

/** The engine's marker for a value not known during preview (`plugin.UnknownStringValue`). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Registration {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly remote: boolean;
    readonly parent: string;
    /** `urn::id` of the provider, empty for a default provider. */
    readonly provider: string;
    /** The inputs the program sent, as the engine holds them (secrets as `{4dabf1…: 1b4706…, value}`). */
    readonly inputs: Record<string, unknown>;
    /** The state the engine answered with, then any outputs the program registered. */
    outputs: Record<string, unknown>;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    /** The `protect` option: the engine refuses to delete the resource while it is set. */
    readonly protect: boolean;
    /** Outputs the engine stores as secrets whatever the provider returns. */
    readonly additionalSecretOutputs: readonly string[];
}

/** What a provider computes when a resource is created, for `up`-shaped runs. */
export type ComputeOutputs = (reg: {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}) => Promise<Record<string, unknown>>;

export class FakeEngine {
    readonly registrations: Registration[] = [];
    readonly logs: { severity: number; message: string }[] = [];
    rootUrn = "";
    private readonly server = new grpc.Server();
    private nextId = 0;

    private constructor(
        readonly project: string,
        readonly stack: string,
        private readonly preview: boolean,
        private readonly compute: ComputeOutputs,
    ) {}

    /** Starts both services on 127.0.0.1; `address` is what `--monitor` and `--engine` take. */
    static async start(opts: {
        project: string;
        stack: string;
        preview: boolean;
        compute?: ComputeOutputs;
    }): Promise<{ engine: FakeEngine; address: string }> {
        const engine = new FakeEngine(
            opts.project,
            opts.stack,
            opts.preview,
            opts.compute ?? (async () => ({})),
        );
        engine.server.addService(resourceRpc.ResourceMonitorService, engine.monitorService());
        engine.server.addService(engineRpc.EngineService, engine.engineService());
        const port = await new Promise<number>((resolve, reject) =>
            engine.server.bindAsync(
                "127.0.0.1:0",
                grpc.ServerCredentials.createInsecure(),
                (err, p) => (err ? reject(err) : resolve(p)),
            ),
        );
        return { engine, address: `127.0.0.1:${port}` };
    }

    stop(): Promise<void> {
        return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
    }

    byUrn(urn: string): Registration | undefined {
        return this.registrations.find((r) => r.urn === urn);
    }

    /**
     * Whether a resource's provider is configured: explicit providers are, unless one of their
     * inputs is unknown (`sdk/go/common/resource/plugin/provider_plugin.go` `Configure`: "If any
     * are unknown, do not configure the underlying plugin"); default providers take their config
     * from the stack, which is known.
     */
    providerKnown(reg: Registration): boolean {
        if (!reg.provider) {
            return true;
        }
        const providerUrn = reg.provider.slice(0, reg.provider.lastIndexOf("::"));
        const provider = this.byUrn(providerUrn);
        return provider !== undefined && !containsUnknown(provider.inputs);
    }

    private monitorService(): resourceRpc.IResourceMonitorServer {
        const unimplemented =
            (name: string) =>
            (_call: unknown, cb: grpc.sendUnaryData<never>): void =>
                cb({
                    code: grpc.status.UNIMPLEMENTED,
                    details: `${name} is not part of this test`,
                });
        const service: Partial<resourceRpc.IResourceMonitorServer> = {
            // Only secrets: the engine hands analyzers plain values either way (resource references
            // become IDs/URNs and output values their contents: `analyzer_plugin.go` marshals with
            // KeepResources unset), and this keeps the recorded inputs in that shape.
            supportsFeature: (call, cb) => {
                const res = new resourceProto.SupportsFeatureResponse();
                res.setHassupport(call.request.getId() === "secrets");
                cb(null, res);
            },
            registerResource: (call, cb) => {
                this.register(call.request).then(
                    (res) => cb(null, res),
                    (e) => cb({ code: grpc.status.INTERNAL, details: String(e) }),
                );
            },
            registerResourceOutputs: (call, cb) => {
                const reg = this.byUrn(call.request.getUrn());
                if (reg) {
                    reg.outputs = (call.request.getOutputs()?.toJavaScript() ?? {}) as Record<
                        string,
                        unknown
                    >;
                }
                cb(null, new Empty());
            },
            signalAndWaitForShutdown: (_call, cb) => cb(null, new Empty()),
            invoke: (call, cb) =>
                cb({
                    code: grpc.status.UNIMPLEMENTED,
                    details: `Mock not implemented: ${call.request.getTok()}`,
                }),
            getDeploymentInfo: unimplemented("GetDeploymentInfo"),
            call: unimplemented("Call"),
            readResource: unimplemented("ReadResource"),
            registerStackTransform: unimplemented("RegisterStackTransform"),
            registerStackInvokeTransform: unimplemented("RegisterStackInvokeTransform"),
            registerResourceHook: unimplemented("RegisterResourceHook"),
            registerErrorHook: unimplemented("RegisterErrorHook"),
            registerPackage: unimplemented("RegisterPackage"),
        };
        return service as resourceRpc.IResourceMonitorServer;
    }

    private engineService(): engineRpc.IEngineServer {
        const service: Partial<engineRpc.IEngineServer> = {
            log: (call, cb) => {
                this.logs.push({
                    severity: call.request.getSeverity(),
                    message: call.request.getMessage(),
                });
                cb(null, new Empty());
            },
            getRootResource: (_call, cb) => {
                const res = new engineProto.GetRootResourceResponse();
                res.setUrn(this.rootUrn);
                cb(null, res);
            },
            setRootResource: (call, cb) => {
                this.rootUrn = call.request.getUrn();
                cb(null, new engineProto.SetRootResourceResponse());
            },
            startDebugging: (_call, cb) => cb(null, new Empty()),
            requirePulumiVersion: (_call, cb) => cb(null, new Empty()),
        };
        return service as engineRpc.IEngineServer;
    }

    /** `resource.NewURN`: the type part holds the parent's type chain, below the stack. */
    private urnOf(type: string, name: string, parent: string): string {
        const parentType = parent ? parent.split("::")[2] : "";
        const qualified =
            !parentType || parentType === "pulumi:pulumi:Stack" ? type : `${parentType}$${type}`;
        return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
    }

    private async register(req: resourceProto.RegisterResourceRequest) {
        const type = req.getType();
        const urn = this.urnOf(type, req.getName(), req.getParent());
        const sent = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v, k) => {
            propertyDependencies[k] = v.getUrnsList();
        });
        const remote = req.getRemote();
        const reg: Registration = {
            urn,
            type,
            name: req.getName(),
            custom: req.getCustom(),
            remote,
            parent: req.getParent(),
            provider: req.getProvider(),
            // A remote component's inputs go to the provider's Construct, which registers the
            // component itself without them (pulumi-kubernetes v4.32.0
            // provider/pkg/provider/helm/v4/chart.go `Construct`; with an unknown provider the
            // engine registers Type/Name/Parent only: provider_plugin.go `Construct`).
            inputs: remote ? {} : sent,
            outputs: {},
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            protect: req.getProtect() ?? false,
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        };
        this.registrations.push(reg);
        const res = new resourceProto.RegisterResourceResponse();
        res.setUrn(urn);
        if (reg.custom) {
            reg.outputs = await this.createOutputs(reg, sent);
            // Providers created in a preview get the unknown ID
            // (pkg/resource/deploy/providers/registry.go `UnknownID`); other resources none yet.
            const isProvider = type.startsWith("pulumi:providers:");
            res.setId(this.preview ? (isProvider ? UNKNOWN_VALUE : "") : `${type}::${reg.name}-id`);
            res.setObject(Struct.fromJavaScript(reg.outputs as never));
        }
        return res;
    }

    /**
     * The state a create returns: during a preview, nothing from a provider whose config is
     * unknown (`provider_plugin.go` `Create`: "hand back an empty property map") and the inputs
     * from one that is known; after an update, the inputs plus what the provider computed.
     */
    private async createOutputs(reg: Registration, sent: Record<string, unknown>) {
        if (this.preview) {
            return this.providerKnown(reg) ? { ...sent } : {};
        }
        const plain = unwrapSecrets(sent) as Record<string, unknown>;
        return {
            ...sent,
            ...(await this.compute({ type: reg.type, name: reg.name, inputs: plain })),
            ...(reg.type.startsWith("pulumi:providers:") ? { id: `${++this.nextId}` } : {}),
        };
    }
}

/** Whether a value holds the engine's unknown marker anywhere. */
export function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN_VALUE) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).some(containsUnknown);
    }
    return false;
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** The value inside every secret envelope. */
export function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (value !== null && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) {
            return unwrapSecrets(o.value);
        }
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

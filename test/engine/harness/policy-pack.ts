import * as grpc from "@grpc/grpc-js";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { FakeEngine, Registration } from "./fake-engine";
import { servedPort } from "./plugin-port";
import { locateModule } from "./run-program";

/**
 * A policy pack started the way the engine starts it and driven over the Analyzer gRPC protocol
 * with what the engine sends (pulumi/pulumi v3.248.0, cited per step).
 */

export interface Diagnostic {
    readonly policy: string;
    readonly message: string;
    readonly urn: string;
    readonly level: "advisory" | "mandatory" | "disabled" | "remediate";
}

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;

export class PolicyPackProcess {
    private constructor(
        private readonly child: ChildProcessWithoutNullStreams,
        private readonly client: analyzerRpc.AnalyzerClient,
        readonly stderr: () => string,
    ) {}

    /**
     * `sdk/nodejs/cmd/pulumi-language-nodejs/main.go` `RunPlugin` for an analyzer: node runs
     * `<pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine address> <pack dir>` in the
     * pack's directory, with `PULUMI_NODEJS_TYPESCRIPT` and the stack's project, stack, dry-run
     * flag and config in the environment; the pack prints its port on stdout.
     */
    static async start(opts: {
        packDir: string;
        engineAddress: string;
        project: string;
        stack: string;
        dryRun: boolean;
        config?: Readonly<Record<string, string>>;
    }): Promise<PolicyPackProcess> {
        const runPath = locateModule("@pulumi/pulumi/cmd/run-policy-pack", opts.packDir);
        const child = spawn(process.execPath, [runPath, opts.engineAddress, opts.packDir], {
            cwd: opts.packDir,
            env: {
                ...process.env,
                PULUMI_NODEJS_TYPESCRIPT: "true",
                PULUMI_NODEJS_ORGANIZATION: "organization",
                PULUMI_NODEJS_PROJECT: opts.project,
                PULUMI_NODEJS_STACK: opts.stack,
                PULUMI_NODEJS_DRY_RUN: String(opts.dryRun),
                PULUMI_CONFIG: JSON.stringify(opts.config ?? {}),
            },
        });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        const port = await servedPort(child, () => stderr, 120_000, "policy pack");
        const client = new analyzerRpc.AnalyzerClient(
            `127.0.0.1:${port}`,
            grpc.credentials.createInsecure(),
            { "grpc.max_receive_message_length": 400 * 1024 * 1024 },
        );
        return new PolicyPackProcess(child, client, () => stderr);
    }

    stop(): void {
        this.client.close();
        this.child.kill();
    }

    info(): Promise<analyzerProto.AnalyzerInfo> {
        return unary((cb) => this.client.getAnalyzerInfo(new Empty(), cb));
    }

    /** `ConfigureStack` then `Configure` (`pkg/resource/plugin/analyzer_plugin.go`), as the engine does before analysing. */
    async configure(opts: {
        project: string;
        stack: string;
        dryRun: boolean;
        policyConfig?: Readonly<Record<string, Record<string, unknown>>>;
    }): Promise<void> {
        const stack = new analyzerProto.AnalyzerStackConfigureRequest();
        stack.setProject(opts.project);
        stack.setStack(opts.stack);
        stack.setOrganization("organization");
        stack.setDryRun(opts.dryRun);
        await unary((cb) => this.client.configureStack(stack, cb));
        const req = new analyzerProto.ConfigureAnalyzerRequest();
        for (const [name, settings] of Object.entries(opts.policyConfig ?? {})) {
            const { enforcementLevel, ...properties } = settings;
            const pc = new analyzerProto.PolicyConfig();
            pc.setEnforcementlevel(
                LEVELS.indexOf((enforcementLevel as (typeof LEVELS)[number]) ?? "mandatory"),
            );
            pc.setProperties(Struct.fromJavaScript(properties as never));
            req.getPolicyconfigMap().set(name, pc);
        }
        await unary((cb) => this.client.configure(req, cb));
    }

    /**
     * What the engine sends for one deployment: `Analyze` for every registered resource with its
     * inputs, in registration order (`step_generator.go` `analyzeAll`), then one `AnalyzeStack`
     * with every resource's outputs (`AnalyzeResources`, after all steps). Returns every
     * diagnostic.
     */
    async analyzeDeployment(engine: FakeEngine): Promise<Diagnostic[]> {
        const diagnostics: Diagnostic[] = [];
        for (const reg of engine.registrations) {
            const req = new analyzerProto.AnalyzeRequest();
            req.setType(reg.type);
            req.setName(reg.name);
            req.setUrn(reg.urn);
            req.setProperties(struct(reg.inputs));
            req.setOptions(options(reg));
            const provider = providerOf(engine, reg);
            if (provider) {
                req.setProvider(provider);
            }
            const res = await unary<analyzerProto.AnalyzeResponse>((cb) =>
                this.client.analyze(req, cb),
            );
            diagnostics.push(...res.getDiagnosticsList().map(diagnostic));
        }
        const stack = new analyzerProto.AnalyzeStackRequest();
        stack.setResourcesList(
            engine.registrations.map((reg) => {
                const r = new analyzerProto.AnalyzerResource();
                r.setType(reg.type);
                r.setName(reg.name);
                r.setUrn(reg.urn);
                r.setProperties(struct(reg.outputs));
                r.setOptions(options(reg));
                r.setParent(reg.parent);
                r.setDependenciesList([...reg.dependencies]);
                for (const [k, urns] of Object.entries(reg.propertyDependencies)) {
                    const deps = new analyzerProto.AnalyzerPropertyDependencies();
                    deps.setUrnsList([...urns]);
                    r.getPropertydependenciesMap().set(k, deps);
                }
                const provider = providerOf(engine, reg);
                if (provider) {
                    r.setProvider(provider);
                }
                return r;
            }),
        );
        const res = await unary<analyzerProto.AnalyzeResponse>((cb) =>
            this.client.analyzeStack(stack, cb),
        );
        diagnostics.push(...res.getDiagnosticsList().map(diagnostic));
        return diagnostics;
    }
}

function diagnostic(d: analyzerProto.AnalyzeDiagnostic): Diagnostic {
    return {
        policy: d.getPolicyname(),
        message: d.getMessage(),
        urn: d.getUrn(),
        level: LEVELS[d.getEnforcementlevel()],
    };
}

/** `analyzer_plugin.go` marshals properties with `SkipInternalKeys`: keys starting "__" are dropped. */
function struct(props: Record<string, unknown>): Struct {
    const visible = Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")));
    return Struct.fromJavaScript(visible as never);
}

function options(reg: Registration): analyzerProto.AnalyzerResourceOptions {
    const o = new analyzerProto.AnalyzerResourceOptions();
    o.setParent(reg.parent);
    return o;
}

/** The provider resource with its inputs (`marshalProvider`), for resources with an explicit one. */
function providerOf(
    engine: FakeEngine,
    reg: Registration,
): analyzerProto.AnalyzerProviderResource | undefined {
    if (!reg.provider) {
        return undefined;
    }
    const provider = engine.byUrn(reg.provider.slice(0, reg.provider.lastIndexOf("::")));
    if (!provider) {
        return undefined;
    }
    const p = new analyzerProto.AnalyzerProviderResource();
    p.setType(provider.type);
    p.setName(provider.name);
    p.setUrn(provider.urn);
    p.setProperties(struct(provider.inputs));
    return p;
}

function unary<T>(call: (cb: (err: grpc.ServiceError | null, res: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => call((err, res) => (err ? reject(err) : resolve(res))));
}

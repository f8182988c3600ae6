import * as grpc from "@grpc/grpc-js";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { servedPort } from "./plugin-port";
import { locateModule } from "./run-program";

/**
 * The engine's provider for dynamic resources, started the way the CLI starts
 * `pulumi-resource-pulumi-nodejs` (node on `@pulumi/pulumi/cmd/dynamic-provider` with the
 * engine's address, in the program's directory; it prints its port) and driven over the
 * ResourceProvider gRPC protocol.
 */
export class DynamicProviderProcess {
    private constructor(
        private readonly child: ChildProcessWithoutNullStreams,
        private readonly client: providerRpc.ResourceProviderClient,
        readonly stderr: () => string,
    ) {}

    /** `cwd`: the program's directory where it differs from the one `@pulumi/pulumi` is found from. */
    static async start(programDir: string, cwd = programDir): Promise<DynamicProviderProcess> {
        const main = locateModule("@pulumi/pulumi/cmd/dynamic-provider", programDir);
        const child = spawn(process.execPath, [main, "127.0.0.1:1"], { cwd });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        const port = await servedPort(child, () => stderr, 60_000, "dynamic provider");
        const client = new providerRpc.ResourceProviderClient(
            `127.0.0.1:${port}`,
            grpc.credentials.createInsecure(),
        );
        return new DynamicProviderProcess(child, client, () => stderr);
    }

    /** `Check` as the engine sends it on an update: the resource's previous inputs and its new ones. */
    check(
        urn: string,
        olds: Record<string, unknown>,
        news: Record<string, unknown>,
    ): Promise<{ property: string; reason: string }[]> {
        const req = new providerProto.CheckRequest();
        req.setUrn(urn);
        req.setOlds(Struct.fromJavaScript(olds as never));
        req.setNews(Struct.fromJavaScript(news as never));
        return new Promise((resolve, reject) =>
            this.client.check(req, (err, res) =>
                err
                    ? reject(new Error(`${err.message}\n${this.stderr()}`))
                    : resolve(
                          (res as providerProto.CheckResponse)
                              .getFailuresList()
                              .map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
                      ),
            ),
        );
    }

    /** `Create` as `pulumi up` sends it for a new resource: its inputs. Resolves to its ID and state. */
    create(
        urn: string,
        inputs: Record<string, unknown>,
    ): Promise<{ id: string; outputs: Record<string, unknown> }> {
        const req = new providerProto.CreateRequest();
        req.setUrn(urn);
        req.setProperties(Struct.fromJavaScript(inputs as never));
        return new Promise((resolve, reject) =>
            this.client.create(req, (err, res) => {
                if (err) {
                    reject(new Error(`${err.details || err.message}\n${this.stderr()}`));
                    return;
                }
                const r = res as providerProto.CreateResponse;
                resolve({
                    id: r.getId(),
                    outputs: (r.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
                });
            }),
        );
    }

    /**
     * `Diff` as `pulumi preview` and `pulumi up` send it for a resource registered again: its
     * state from the last deployment (`olds`) and its new inputs.
     */
    diff(
        urn: string,
        id: string,
        olds: Record<string, unknown>,
        news: Record<string, unknown>,
    ): Promise<{ changes: "none" | "some" | "unknown"; replaces: string[] }> {
        const req = new providerProto.DiffRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setOlds(Struct.fromJavaScript(olds as never));
        req.setNews(Struct.fromJavaScript(news as never));
        const changes = {
            [providerProto.DiffResponse.DiffChanges.DIFF_NONE]: "none",
            [providerProto.DiffResponse.DiffChanges.DIFF_SOME]: "some",
            [providerProto.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown",
        } as const;
        return new Promise((resolve, reject) =>
            this.client.diff(req, (err, res) => {
                if (err) {
                    reject(new Error(`${err.details || err.message}\n${this.stderr()}`));
                    return;
                }
                const r = res as providerProto.DiffResponse;
                resolve({ changes: changes[r.getChanges()], replaces: r.getReplacesList() });
            }),
        );
    }

    /**
     * `Update` as the engine sends it in `pulumi up` when `Diff` found changes: the resource's
     * previous outputs and its new inputs. Resolves to the new outputs, or rejects with the
     * provider's error (what the engine prints as the step's failure).
     */
    update(
        urn: string,
        id: string,
        olds: Record<string, unknown>,
        news: Record<string, unknown>,
    ): Promise<Record<string, unknown>> {
        const req = new providerProto.UpdateRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setOlds(Struct.fromJavaScript(olds as never));
        req.setNews(Struct.fromJavaScript(news as never));
        return new Promise((resolve, reject) =>
            this.client.update(req, (err, res) =>
                err
                    ? reject(new Error(err.details || err.message))
                    : resolve(
                          ((res as providerProto.UpdateResponse).getProperties()?.toJavaScript() ??
                              {}) as Record<string, unknown>,
                      ),
            ),
        );
    }

    stop(): void {
        this.client.close();
        this.child.kill();
    }
}

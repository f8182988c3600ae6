import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { computedOutputs } from "../../../components/render/mocks";
import { readStackConfig } from "../../../components/render/stack-config";
import { FakeEngine } from "../../engine/harness/fake-engine";
import {
    buildPackage,
    EXAMPLE_DIR,
    provproto,
    runPythonExample,
    startComponentProvider,
    unary,
} from "../harness";

/**
 * Writes what the real-SDK check needs into the folder given: schema.json, as the package's
 * provider serves it over GetSchema, and state.json, its answer to Construct of what the
 * Python example registers (the same steps as construct.test.ts).
 */
async function main(out: string): Promise<void> {
    buildPackage();
    const { project, config } = readStackConfig(EXAMPLE_DIR, "dev");
    let address = 0;
    const { engine, address: monitor } = await FakeEngine.start({
        project,
        stack: "dev",
        preview: false,
        compute: (r) => computedOutputs(r, () => ++address),
    });
    const provider = await startComponentProvider({ engineAddress: monitor, cwd: EXAMPLE_DIR });
    try {
        const res = await unary<provproto.GetSchemaResponse>((cb) =>
            provider.client.getSchema(new provproto.GetSchemaRequest(), cb),
        );
        const schema = JSON.parse(res.getSchema());
        writeFileSync(join(out, "schema.json"), JSON.stringify(schema, null, 2));
        const [example] = runPythonExample(schema).registered;
        const req = new provproto.ConstructRequest();
        req.setProject(project);
        req.setStack("dev");
        req.setMonitorendpoint(monitor);
        req.setType(example.type);
        req.setName(example.name);
        req.setParent(`urn:pulumi:dev::${project}::pulumi:pulumi:Stack::${project}-dev`);
        for (const [k, v] of Object.entries(config)) {
            req.getConfigMap().set(k, v);
        }
        req.setInputs(Struct.fromJavaScript(example.inputs as never));
        const constructed = await unary<provproto.ConstructResponse>((cb) =>
            provider.client.construct(req, cb),
        );
        const state = constructed.getState()?.toJavaScript();
        writeFileSync(join(out, "state.json"), JSON.stringify(state, null, 2));
        writeFileSync(join(out, "inputs.json"), JSON.stringify(example.inputs, null, 2));
    } finally {
        await provider.stop();
        await engine.stop();
    }
}

main(process.argv[2]).catch((err) => {
    console.error(err);
    process.exit(1);
});

import { computedOutputs } from "../../../components/render/mocks";
import { readProjectFile, readStackConfig } from "../../../components/render/stack-config";
import { FakeEngine } from "./fake-engine";
import { runProgram } from "./run-program";

/**
 * One `pulumi preview` (`preview: true`) or `pulumi up` of the project in `root` for `stack`, as
 * far as the program and the engine's monitor go: the program runs through `cmd/run`, the fake
 * engine records what it registers. Throws with the program's output when it fails.
 */
export async function deploy(opts: {
    root: string;
    stack: string;
    preview: boolean;
}): Promise<FakeEngine> {
    const project = readProjectFile(opts.root).name;
    const { config } = readStackConfig(opts.root, opts.stack);
    let address = 0;
    const { engine, address: monitor } = await FakeEngine.start({
        project,
        stack: opts.stack,
        preview: opts.preview,
        compute: (r) => computedOutputs(r, () => ++address),
    });
    try {
        const run = await runProgram({
            root: opts.root,
            stack: opts.stack,
            address: monitor,
            config,
            dryRun: opts.preview,
        });
        if (run.code !== 0) {
            const errors = engine.logs.filter((l) => l.severity >= 3).map((l) => l.message);
            throw new Error(
                `program exited with ${run.code}:\n${run.stderr}\n${run.stdout}\n${errors.join("\n")}`,
            );
        }
        return engine;
    } finally {
        await engine.stop();
    }
}

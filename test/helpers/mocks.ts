import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, recordingMocks } from "../../components/render/mocks";

export type { RecordedResource };

/** Installs recording mocks (not a preview, so `apply` callbacks run) and returns the record. */
export async function setupMocks(): Promise<RecordedResource[]> {
    const { mocks, resources } = recordingMocks();
    await pulumi.runtime.setMocks(mocks, "cassandra-multicluster", "test", false);
    return resources;
}

/** The value of an output, once resolved. */
export function outputOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

export { settle as settled } from "../../components/render/render-stack";

export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

export function named(
    resources: readonly RecordedResource[],
    type: string,
    name: string,
): RecordedResource {
    const found = resources.find((r) => r.type === type && r.name === name);
    if (!found) {
        const names = ofType(resources, type).map((r) => r.name);
        throw new Error(`no ${type} named ${name}; have ${JSON.stringify(names)}`);
    }
    return found;
}

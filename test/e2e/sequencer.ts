import { basename } from "node:path";
import { BaseSequencer, TestSpecification } from "vitest/node";

/**
 * Files that change the shared cluster for good — a pod's IP, its certificates, its CA, its
 * datacenters — in the order they run, after every other file. Each leaves the cluster working,
 * but on a moved pod, new keys, a new CA or a changed ring; a file that reads the cluster must
 * not depend on which of them ran before it. Vitest's own order (larger or slower files first, on a clean clone) put
 * the CA rotation first and every later file on the rotated cluster.
 */
export const CLUSTER_CHANGING_FILES: readonly string[] = [
    "pod-address-change.test.ts",
    "certificate-renewal.test.ts",
    "ca-rotation.test.ts",
    "datacenter-lifecycle.test.ts",
];

/** Every other file by name, then CLUSTER_CHANGING_FILES in their order: the same on every run. */
export class ClusterChangingLast extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
        const rank = (f: TestSpecification) => CLUSTER_CHANGING_FILES.indexOf(basename(f.moduleId));
        return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
    }
}

import type { Rule } from "../resource";
import { nativeTransportEncrypted } from "./native-transport-encrypted";
import { noOpenCql } from "./no-open-cql";
import { noOverlappingRanges } from "./no-overlapping-ranges";
import { sniPassthroughOnly } from "./sni-passthrough-only";
import { strongKeys } from "./strong-keys";
import { superuserSecretGenerated } from "./superuser-secret-generated";
import { versionsPinned } from "./versions-pinned";

/** Every rule of the pack, mandatory ones first. */
export const rules: readonly Rule[] = [
    noOverlappingRanges,
    nativeTransportEncrypted,
    noOpenCql,
    sniPassthroughOnly,
    strongKeys,
    superuserSecretGenerated,
    versionsPinned,
];

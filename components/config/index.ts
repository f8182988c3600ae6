/**
 * Stack settings: the schema of every config key, parsed once into a typed object. Only the
 * stack entry point (`index.ts`) and the offline renderer call {@link parseSettings}; the
 * components take plain typed args and never read config.
 *
 * This file is the folder's public API, the same names `components/config.ts` exported before
 * it became a folder; the helpers the modules share stay inside it.
 */

export type { BrokenValues } from "./broken-values";
export { settingsFromConfigMap } from "./config-map";
export { CONFIG_ERROR, configProblems, parseSettings } from "./parse";
export {
    DEFAULT_SERVER_VERSION,
    DNS_MODES,
    INGRESS_KINDS,
    KEY_ALGORITHMS,
    settingsSchema,
} from "./schema";
export type {
    DatacenterSettings,
    DnsMode,
    ExistingCluster,
    ExplicitRanges,
    IngressKind,
    KeyAlgorithm,
    Settings,
    SettingsInput,
} from "./schema";
export { validateSettings } from "./validate";

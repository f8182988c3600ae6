export * from "./exposure";
export * from "./tls-settings";

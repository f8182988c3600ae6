/**
 * `npm run client-config -- --bundle <bundle.json> --dc <datacenter> [--out <dir>]`: writes
 * ca.pem, a Java application.conf, a Python snippet, a cqlshrc and a Node.js snippet.
 * Get the bundle with `pulumi stack output clientBundle --json > bundle.json`.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { clientConfigFiles } from "../components/client/client-config";
import type { ExternalClientBundle } from "../components/plan/client-bundle";

const { values } = parseArgs({
    options: { bundle: { type: "string" }, dc: { type: "string" }, out: { type: "string" } },
});
if (!values.bundle || !values.dc) {
    console.error(
        "usage: npm run client-config -- --bundle <bundle.json> --dc <datacenter> [--out <dir>]",
    );
    process.exit(2);
}
const bundle = JSON.parse(readFileSync(values.bundle, "utf8")) as ExternalClientBundle;
const out = resolve(values.out ?? join("out", "client", values.dc));
mkdirSync(out, { recursive: true });
for (const [file, text] of Object.entries(clientConfigFiles(bundle, values.dc))) {
    writeFileSync(join(out, file), text);
    console.log(`wrote ${join(out, file)}`);
}

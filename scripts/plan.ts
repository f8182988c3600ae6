/** Offline plan: `npm run plan -- --stack <name> [--out <dir>] [--stack-file <file>]`; see plan-command.ts. */
import { resolve } from "node:path";
import { planCommand } from "./plan-command";

planCommand(process.argv.slice(2), resolve(__dirname, "..")).then(
    (code) => process.exit(code),
    (err) => {
        console.error(err);
        process.exit(1);
    },
);

import { run } from "./exec";
import { NS } from "./netns";

/**
 * Sends, in plaintext, the first message of Cassandra 4.0+'s internode handshake (Initiate:
 * magic, flags with messaging version 12 and CRC framing, the sender's address, CRC32) to a
 * node's storage port from inside the cluster network, and reports how many bytes the node
 * answered. A node that accepts only TLS fails the TLS record check and answers nothing; a node
 * that also accepts plaintext (internode `optional`) parses it and sends its Accept.
 */
export function plaintextInternodeReply(
    ip: string,
    port = 7000,
): { replyBytes: number; closed: boolean } {
    const script = `
const s = require("net").connect({ host: ${JSON.stringify(ip)}, port: ${port} }, () => {
    const v = 12, b = Buffer.alloc(19);
    b.writeUInt32BE(0xca552dfa, 0);
    b.writeUInt32BE((1 | (1 << 2) | (v << 8) | (v << 16) | (v << 24)) >>> 0, 4);
    b.writeUInt8(6, 8); Buffer.from([198, 18, 0, 2]).copy(b, 9); b.writeUInt16BE(7000, 13);
    const zlib = require("zlib"); b.writeUInt32BE(zlib.crc32(b.subarray(0, 15), zlib.crc32(Buffer.from([0xfa, 0x2d, 0x55, 0xca]))), 15);
    s.write(b);
});
let n = 0, closed = false;
s.on("data", (d) => (n += d.length));
s.on("close", () => { closed = true; finish(); });
s.on("error", () => {});
const t = setTimeout(() => { s.destroy(); }, 5000);
function finish() { clearTimeout(t); process.stdout.write(JSON.stringify({ replyBytes: n, closed })); }`;
    const out = run("ip", ["netns", "exec", NS.cluster, process.execPath, "-e", script]);
    return JSON.parse(out) as { replyBytes: number; closed: boolean };
}

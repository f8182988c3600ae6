import { beforeAll, describe, expect, it } from "vitest";
import { logSince, logSize } from "./harness/cassandra-node";
import { waitFor } from "./harness/exec";
import { Fixture, fixture } from "./harness/fixture";
import { plaintextInternodeReply } from "./harness/internode-probe";

/**
 * Internode traffic is TLS with certificates on both sides (server_encryption_options from
 * encryptionOptions): the nodes' own connections are encrypted, and a peer speaking the
 * internode handshake in plaintext, from inside the cluster network, is refused.
 */
describe("internode encryption", () => {
    let f: Fixture;
    beforeAll(() => {
        f = fixture();
    });

    it("every node's internode connections to its peers are TLS", () => {
        for (const n of f.state.nodes) {
            const log = logSince(n.podName, 0);
            const established = log
                .split("\n")
                .filter((l) =>
                    /messaging connection established|successfully connected, version/.test(l),
                );
            expect(established.length, n.podName).toBeGreaterThan(0);
            for (const line of established) {
                expect(line).toMatch(
                    /encryption = encrypted\(factory=openssl;protocol=TLSv1\.[23]/,
                );
            }
        }
    });

    it("refuses a plaintext internode handshake on every node", async () => {
        for (const n of f.state.nodes) {
            const from = logSize(n.podName);
            const r = plaintextInternodeReply(n.ip);
            expect(r, n.podName).toEqual({ replyBytes: 0, closed: true });
            // The refusal must be Cassandra's verdict on encryption, not a malformed probe: either the
            // TLS layer rejects the bytes, or the handshake parses and is refused as unencrypted.
            await waitFor(
                `${n.podName} to log why it refused`,
                () =>
                    /attempted to establish an unencrypted connection|NotSslRecordException/.test(
                        logSince(n.podName, from),
                    ),
                3000,
            );
        }
    });
});

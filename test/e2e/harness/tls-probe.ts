import { checkServerIdentity, connect, PeerCertificate } from "node:tls";

export interface TlsProbeResult {
    /** Peer certificate subject CN when the handshake completed and verified. */
    readonly cn?: string;
    readonly dnsNames?: readonly string[];
    /** SHA-256 fingerprint of the peer certificate, as `X509Certificate.fingerprint256` gives it. */
    readonly fingerprint256?: string;
    /** Error code (e.g. ERR_TLS_CERT_ALTNAME_INVALID, ECONNRESET) when it did not. */
    readonly error?: string;
}

export interface TlsProbe {
    readonly host: string;
    readonly port: number;
    readonly ca: string;
    /** SNI sent; undefined sends none. */
    readonly servername?: string;
    /** Name the certificate must carry; defaults to `servername`. */
    readonly verifyName?: string;
    readonly cert?: string;
    readonly key?: string;
}

/** One TLS handshake with full verification, as a driver would do it; resolves with what happened. */
export function tlsProbe(p: TlsProbe): Promise<TlsProbeResult> {
    return new Promise((resolve) => {
        const verifyName = p.verifyName ?? p.servername;
        const socket = connect({
            host: p.host,
            port: p.port,
            ca: [p.ca],
            servername: p.servername,
            cert: p.cert,
            key: p.key,
            rejectUnauthorized: true,
            checkServerIdentity: (_host: string, cert: PeerCertificate) =>
                checkServerIdentity(verifyName ?? "", cert),
        });
        const finish = (r: TlsProbeResult) => {
            socket.destroy();
            resolve(r);
        };
        socket.setTimeout(8000, () => finish({ error: "TIMEOUT" }));
        socket.on("secureConnect", () => {
            const c = socket.getPeerCertificate();
            const dnsNames = (c.subjectaltname ?? "")
                .split(", ")
                .map((s) => s.replace(/^DNS:/, ""));
            finish({ cn: c.subject.CN as string, dnsNames, fingerprint256: c.fingerprint256 });
        });
        socket.on("error", (e: NodeJS.ErrnoException) => finish({ error: e.code ?? e.message }));
    });
}

/**
 * IPv4 range arithmetic on plain strings. Addresses are held as unsigned 32-bit integers so
 * every operation is exact; nothing here creates resources or reads config.
 */

/** A parsed IPv4 range. `base` is the network address as an unsigned 32-bit integer. */
export interface Ipv4Range {
    readonly base: number;
    readonly prefix: number;
}

/** A range with the name of whatever owns it, so overlap reports can name both sides. */
export interface OwnedRange {
    readonly owner: string;
    readonly cidr: string;
}

/** Two owned ranges that share at least one address. */
export interface Overlap {
    readonly a: OwnedRange;
    readonly b: OwnedRange;
}

/** Decimal without leading zeros: "010" reads as octal to some tools and is rejected by GCP. */
const OCTET = "(0|[1-9]\\d{0,2})";
const CIDR_PATTERN = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}\\/(0|[1-9]\\d?)$`);
/** The same shape with any digits, to explain leading zeros and bare addresses. */
const LOOSE_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** Why `cidr` is not a usable IPv4 range, or undefined when it is one. */
export function cidrProblem(cidr: string): string | undefined {
    const m = CIDR_PATTERN.exec(cidr);
    if (!m) {
        return (
            looseProblem(cidr) ??
            `"${cidr}" is not an IPv4 CIDR range; write it as a.b.c.d/n, e.g. 10.0.0.0/16`
        );
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return `"${cidr}" is not an IPv4 CIDR range: octets must be 0-255 and the prefix 0-32`;
    }
    const base = toInt(octets);
    const aligned = (base & maskOf(prefix)) >>> 0;
    if (aligned !== base) {
        return `"${cidr}" is not aligned to its /${prefix} boundary; did you mean ${format({ base: aligned, prefix })}?`;
    }
    return undefined;
}

/** A bare address (no "/n") or leading zeros, with the range the user most likely meant. */
function looseProblem(cidr: string): string | undefined {
    const m = LOOSE_CIDR.exec(cidr);
    if (!m) {
        return undefined;
    }
    const parts = m.slice(1, 5);
    const octets = parts.map(Number);
    const prefix = m[5] === undefined ? undefined : Number(m[5]);
    if (octets.some((o) => o > 255) || (prefix !== undefined && prefix > 32)) {
        return undefined;
    }
    const meant = (p: number) => format({ base: (toInt(octets) & maskOf(p)) >>> 0, prefix: p });
    if (prefix === undefined) {
        const address = octets.join(".");
        return `"${cidr}" is a single address, not a range; write ${address}/32 for that address alone, or the network it belongs to, e.g. ${meant(24)}`;
    }
    const zeros = [
        ...parts.filter((p) => /^0\d/.test(p)),
        ...(/^0\d/.test(m[5]) ? [`/${m[5]}`] : []),
    ];
    return `"${cidr}" has a leading zero in ${zeros.map((z) => `"${z}"`).join(", ")}: some tools read such numbers as octal and GCP rejects them; write ${meant(prefix)}`;
}

/** Parses an aligned IPv4 CIDR range; throws with the reason from {@link cidrProblem}. */
export function parseCidr(cidr: string): Ipv4Range {
    const problem = cidrProblem(cidr);
    if (problem) {
        throw new Error(problem);
    }
    const [address, prefix] = cidr.split("/");
    return { base: toInt(address.split(".").map(Number)), prefix: Number(prefix) };
}

export function format(range: Ipv4Range): string {
    const b = range.base;
    return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${range.prefix}`;
}

export function size(range: Ipv4Range): number {
    return 2 ** (32 - range.prefix);
}

/** The last address of the range, as an unsigned integer. */
export function last(range: Ipv4Range): number {
    return range.base + size(range) - 1;
}

export function overlaps(a: Ipv4Range, b: Ipv4Range): boolean {
    return a.base <= last(b) && b.base <= last(a);
}

export function contains(outer: Ipv4Range, inner: Ipv4Range): boolean {
    return outer.base <= inner.base && last(inner) <= last(outer);
}

/** The smallest prefix length whose range holds at least `addresses` addresses. */
export function prefixFor(addresses: number): number {
    if (addresses <= 1) {
        return 32;
    }
    return 32 - Math.ceil(Math.log2(addresses));
}

/** The /`prefix` range that contains `range` (`prefix` no longer than the range's own). */
export function enclosing(range: Ipv4Range, prefix: number): Ipv4Range {
    return { base: (range.base & maskOf(prefix)) >>> 0, prefix };
}

/** The `index`-th subrange of length `prefix` inside `parent` (0-based). */
export function subrange(parent: Ipv4Range, prefix: number, index: number): Ipv4Range {
    if (prefix < parent.prefix) {
        throw new Error(`a /${prefix} does not fit inside ${format(parent)}`);
    }
    const count = 2 ** (prefix - parent.prefix);
    if (index < 0 || index >= count) {
        throw new Error(
            `${format(parent)} holds ${count} /${prefix} ranges; index ${index} is outside it`,
        );
    }
    return { base: parent.base + index * 2 ** (32 - prefix), prefix };
}

/** "10.0.0.0–10.0.255.255", for messages that tell the user where a range ends. */
export function span(range: Ipv4Range): string {
    const start = format(range).split("/")[0];
    const end = format({ base: last(range), prefix: 32 }).split("/")[0];
    return `${start}–${end}`;
}

/**
 * Every pair of owned ranges that share an address, in input order. Malformed ranges are
 * skipped: reporting them is the caller's job, and an overlap with garbage means nothing.
 */
export function findOverlaps(ranges: readonly OwnedRange[]): Overlap[] {
    const parsed = ranges
        .filter((r) => cidrProblem(r.cidr) === undefined)
        .map((r) => ({ owned: r, range: parseCidr(r.cidr) }));
    const found: Overlap[] = [];
    for (let i = 0; i < parsed.length; i++) {
        for (let j = i + 1; j < parsed.length; j++) {
            if (overlaps(parsed[i].range, parsed[j].range)) {
                found.push({ a: parsed[i].owned, b: parsed[j].owned });
            }
        }
    }
    return found;
}

/** One sentence naming both ranges and both owners; the single wording used everywhere. */
export function describeOverlap(o: Overlap): string {
    return `${o.a.owner} ${o.a.cidr} overlaps ${o.b.owner} ${o.b.cidr}`;
}

/**
 * Address space a cluster may give its own nodes, pods and services without taking addresses
 * that belong to someone on the internet: RFC 1918, and the other reserved ranges GKE accepts
 * for VPC-native clusters (GKE "Valid IPv4 ranges": shared address space, IETF protocol
 * assignments, the documentation and benchmarking ranges, the 6to4 relay range and class E).
 */
export const PRIVATE_RANGES: readonly string[] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.88.99.0/24",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "240.0.0.0/4",
];

/** Whether a well-formed range lies entirely inside one of the {@link PRIVATE_RANGES}. */
export function isPrivateRange(cidr: string): boolean {
    const range = parseCidr(cidr);
    return PRIVATE_RANGES.some((p) => contains(parseCidr(p), range));
}

function toInt(octets: number[]): number {
    return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

function maskOf(prefix: number): number {
    return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

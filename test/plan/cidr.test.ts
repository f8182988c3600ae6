import { describe, it, expect } from "vitest";
import * as fc from "fast-check";
import {
    cidrProblem,
    contains,
    describeOverlap,
    findOverlaps,
    format,
    Ipv4Range,
    isPrivateRange,
    last,
    overlaps,
    OwnedRange,
    parseCidr,
    prefixFor,
    size,
    span,
    subrange,
} from "../../components/plan/cidr";

const NUM_RUNS = 200;

/** An aligned range: a random address with the host bits cleared. */
const alignedRange = (minPrefix = 0, maxPrefix = 32): fc.Arbitrary<Ipv4Range> =>
    fc
        .record({
            address: fc.integer({ min: 0, max: 0xffffffff }),
            prefix: fc.integer({ min: minPrefix, max: maxPrefix }),
        })
        .map(({ address, prefix }) => {
            const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
            return { base: (address & mask) >>> 0, prefix };
        });

/** Ranges clustered in 10.0.0.0/16 so that random lists actually overlap. */
const nearbyRange: fc.Arbitrary<Ipv4Range> = fc
    .record({
        offset: fc.integer({ min: 0, max: 0xffff }),
        prefix: fc.integer({ min: 16, max: 28 }),
    })
    .map(({ offset, prefix }) => {
        const address = (0x0a000000 + offset) >>> 0;
        const mask = (0xffffffff << (32 - prefix)) >>> 0;
        return { base: (address & mask) >>> 0, prefix };
    });

describe("cidrProblem", () => {
    it.each([
        "0.0.0.0/0",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.1.128/25",
        "10.0.32.128/28",
        "255.255.255.255/32",
        "1.2.3.4/32",
    ])("accepts the aligned range %s", (cidr) => {
        expect(cidrProblem(cidr)).toBeUndefined();
    });

    it.each([
        "",
        "10.0.0/8",
        "10.0.0.0.0/8",
        "10.0.0.0/",
        "/8",
        "a.b.c.d/8",
        "10.0.0.0/8 ",
        " 10.0.0.0/8",
        "10.0.0.0/123",
        "1000.0.0.0/8",
        "10.0.0.0/-1",
        "10.0.0.0/8/8",
        "::1/128",
        "fd00::/8",
        "10.0.0.0\\8",
    ])("rejects the malformed %j with the a.b.c.d/n hint", (cidr) => {
        expect(cidrProblem(cidr)).toBe(
            `"${cidr}" is not an IPv4 CIDR range; write it as a.b.c.d/n, e.g. 10.0.0.0/16`,
        );
    });

    it.each(["256.0.0.0/8", "10.0.0.300/32", "10.999.0.0/16", "10.0.0.0/33", "10.0.0.0/99"])(
        "rejects %s: octets must be 0-255 and the prefix 0-32",
        (cidr) => {
            expect(cidrProblem(cidr)).toBe(
                `"${cidr}" is not an IPv4 CIDR range: octets must be 0-255 and the prefix 0-32`,
            );
        },
    );

    it.each([
        ["10.0.0.1/8", 8, "10.0.0.0/8"],
        ["10.1.2.3/16", 16, "10.1.0.0/16"],
        ["192.168.1.129/25", 25, "192.168.1.128/25"],
        ["10.0.0.8/28", 28, "10.0.0.0/28"],
        ["255.255.255.255/0", 0, "0.0.0.0/0"],
        ["172.31.255.255/12", 12, "172.16.0.0/12"],
        ["203.0.113.7/24", 24, "203.0.113.0/24"],
    ])("rejects the unaligned %s and suggests the /%i boundary %s", (cidr, prefix, suggestion) => {
        expect(cidrProblem(cidr)).toBe(
            `"${cidr}" is not aligned to its /${prefix} boundary; did you mean ${suggestion}?`,
        );
        // The suggestion itself is valid.
        expect(cidrProblem(suggestion)).toBeUndefined();
    });

    // Leading zeros read as octal to some tools ("010" is 8) and GCP rejects them: the message
    // says so and gives the decimal range the user most likely meant.
    it.each([
        ["010.0.0.0/8", '"010"', "10.0.0.0/8"],
        ["10.0.0.0/08", '"/08"', "10.0.0.0/8"],
        ["10.00.0.0/16", '"00"', "10.0.0.0/16"],
        ["010.001.0.0/16", '"010", "001"', "10.1.0.0/16"],
    ])("rejects leading zeros in %s, naming them and the decimal range", (cidr, zeros, meant) => {
        expect(cidrProblem(cidr)).toBe(
            `"${cidr}" has a leading zero in ${zeros}: some tools read such numbers as octal and GCP rejects them; write ${meant}`,
        );
        expect(cidrProblem(meant)).toBeUndefined();
    });

    it.each([
        ["10.0.0.0", "10.0.0.0/32", "10.0.0.0/24"],
        ["203.0.113.7", "203.0.113.7/32", "203.0.113.0/24"],
    ])("rejects the bare address %s with the /32 hint", (cidr, single, network) => {
        expect(cidrProblem(cidr)).toBe(
            `"${cidr}" is a single address, not a range; write ${single} for that address alone, or the network it belongs to, e.g. ${network}`,
        );
    });

    it("suggests an aligned range containing the address for any unaligned input", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 0xffffffff }),
                fc.integer({ min: 0, max: 31 }),
                (address, prefix) => {
                    const cidr = format({ base: address, prefix });
                    const reason = cidrProblem(cidr);
                    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
                    if ((address & mask) >>> 0 === address) {
                        expect(reason).toBeUndefined();
                        return;
                    }
                    const suggestion = /did you mean (\S+)\?$/.exec(reason ?? "")?.[1];
                    expect(suggestion).toBeDefined();
                    const suggested = parseCidr(suggestion as string);
                    expect(suggested.prefix).toBe(prefix);
                    expect(contains(suggested, { base: address, prefix: 32 })).toBe(true);
                },
            ),
            { numRuns: NUM_RUNS },
        );
    });
});

describe("isPrivateRange", () => {
    it.each([
        "10.0.0.0/8",
        "10.4.0.0/14",
        "172.16.0.0/12",
        "192.168.10.0/24",
        "100.64.0.0/10",
        // The e2e stack's pod and service ranges (RFC 2544 benchmarking).
        "198.18.0.0/15",
        "198.18.1.0/24",
        "203.0.113.0/24",
        "240.0.0.0/4",
    ])("accepts %s, which GKE takes as private address space", (cidr) => {
        expect(isPrivateRange(cidr)).toBe(true);
    });

    it.each([
        "8.0.0.0/8",
        "0.0.0.0/0",
        "10.0.0.0/7",
        "172.32.0.0/16",
        "198.16.0.0/14",
        "1.2.3.4/32",
    ])("refuses %s: public, or wider than any private range", (cidr) => {
        expect(isPrivateRange(cidr)).toBe(false);
    });
});

describe("parseCidr and format", () => {
    it.each([
        ["0.0.0.0/0", 0, 0],
        ["10.0.0.0/8", 0x0a000000, 8],
        ["10.1.32.128/28", 0x0a012080, 28],
        ["192.168.0.0/16", 0xc0a80000, 16],
        ["255.255.255.255/32", 0xffffffff, 32],
        ["128.0.0.0/1", 0x80000000, 1],
    ])("%s parses to base %i /%i and formats back", (cidr, base, prefix) => {
        const range = parseCidr(cidr);
        expect(range).toEqual({ base, prefix });
        expect(range.base).toBeGreaterThanOrEqual(0); // unsigned, even with the top bit set
        expect(format(range)).toBe(cidr);
    });

    it.each(["10.0.0.1/8", "300.0.0.0/8", "nope"])(
        "throws the cidrProblem reason for %j",
        (cidr) => {
            expect(() => parseCidr(cidr)).toThrow(cidrProblem(cidr) as string);
        },
    );

    it("round-trips every aligned range: format(parseCidr(x)) === x", () => {
        fc.assert(
            fc.property(alignedRange(), (range) => {
                const cidr = format(range);
                expect(cidrProblem(cidr)).toBeUndefined();
                expect(parseCidr(cidr)).toEqual(range);
                expect(format(parseCidr(cidr))).toBe(cidr);
            }),
            { numRuns: NUM_RUNS },
        );
    });
});

describe("size, last and span", () => {
    it.each([
        ["10.0.0.0/8", 16777216, "10.0.0.0–10.255.255.255"],
        ["10.0.0.0/16", 65536, "10.0.0.0–10.0.255.255"],
        ["10.0.32.128/28", 16, "10.0.32.128–10.0.32.143"],
        ["1.2.3.4/32", 1, "1.2.3.4–1.2.3.4"],
        ["0.0.0.0/0", 4294967296, "0.0.0.0–255.255.255.255"],
    ])("%s holds %i addresses and spans %s", (cidr, addresses, expected) => {
        const range = parseCidr(cidr);
        expect(size(range)).toBe(addresses);
        expect(last(range)).toBe(range.base + addresses - 1);
        expect(span(range)).toBe(expected);
    });
});

describe("prefixFor", () => {
    it.each([
        [0, 32],
        [1, 32],
        [2, 31],
        [3, 30],
        [4, 30],
        [5, 29],
        [16, 28],
        [17, 27],
        [64, 26],
        [68, 25],
        [192, 24],
        [4096, 20],
        [4097, 19],
        [65536, 16],
        [2 ** 31 + 1, 0],
        [2 ** 32, 0],
    ])("%i addresses need a /%i", (addresses, prefix) => {
        expect(prefixFor(addresses)).toBe(prefix);
    });

    it("returns the smallest range that holds the addresses", () => {
        fc.assert(
            fc.property(fc.integer({ min: 2, max: 2 ** 32 }), (addresses) => {
                const prefix = prefixFor(addresses);
                expect(Number.isInteger(prefix)).toBe(true);
                expect(2 ** (32 - prefix)).toBeGreaterThanOrEqual(addresses);
                expect(2 ** (32 - prefix - 1)).toBeLessThan(addresses);
            }),
            { numRuns: NUM_RUNS },
        );
    });
});

describe("subrange", () => {
    const parent = parseCidr("10.0.0.0/16");

    it.each([
        [16, 0, "10.0.0.0/16"],
        [18, 0, "10.0.0.0/18"],
        [18, 3, "10.0.192.0/18"],
        [20, 1, "10.0.16.0/20"],
        [24, 255, "10.0.255.0/24"],
        [32, 65535, "10.0.255.255/32"],
    ])("the /%i with index %i is %s", (prefix, index, expected) => {
        expect(format(subrange(parent, prefix, index))).toBe(expected);
    });

    it("rejects a prefix shorter than the parent's", () => {
        expect(() => subrange(parent, 15, 0)).toThrow("a /15 does not fit inside 10.0.0.0/16");
    });

    it.each([
        [18, 4, "10.0.0.0/16 holds 4 /18 ranges; index 4 is outside it"],
        [18, -1, "10.0.0.0/16 holds 4 /18 ranges; index -1 is outside it"],
        [16, 1, "10.0.0.0/16 holds 1 /16 ranges; index 1 is outside it"],
    ])("rejects /%i index %i", (prefix, index, message) => {
        expect(() => subrange(parent, prefix, index)).toThrow(message);
    });

    it("yields aligned, contained, pairwise disjoint subranges", () => {
        fc.assert(
            fc.property(
                alignedRange(0, 28),
                fc.integer({ min: 0, max: 6 }),
                fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
                (outer, extra, picks) => {
                    const prefix = Math.min(32, outer.prefix + extra);
                    const count = 2 ** (prefix - outer.prefix);
                    const indices = [...new Set(picks.map((p) => p % count))];
                    const subs = indices.map((i) => subrange(outer, prefix, i));
                    for (const s of subs) {
                        expect(cidrProblem(format(s))).toBeUndefined();
                        expect(s.prefix).toBe(prefix);
                        expect(contains(outer, s)).toBe(true);
                    }
                    for (let i = 0; i < subs.length; i++) {
                        for (let j = i + 1; j < subs.length; j++) {
                            expect(overlaps(subs[i], subs[j])).toBe(false);
                        }
                    }
                    expect(() => subrange(outer, prefix, count)).toThrow();
                },
            ),
            { numRuns: NUM_RUNS },
        );
    });

    it("tiles the parent exactly: the last subrange ends where the parent ends", () => {
        fc.assert(
            fc.property(alignedRange(0, 30), fc.integer({ min: 0, max: 2 }), (outer, extra) => {
                const prefix = outer.prefix + extra;
                const count = 2 ** extra;
                expect(subrange(outer, prefix, 0).base).toBe(outer.base);
                expect(last(subrange(outer, prefix, count - 1))).toBe(last(outer));
            }),
            { numRuns: NUM_RUNS },
        );
    });
});

describe("overlaps and contains", () => {
    it.each([
        ["10.0.0.0/8", "10.1.0.0/16", true, true, false],
        ["10.0.0.0/16", "10.1.0.0/16", false, false, false],
        ["10.0.0.0/16", "10.0.0.0/16", true, true, true],
        ["10.0.0.0/24", "10.0.1.0/24", false, false, false],
        ["10.0.0.0/23", "10.0.1.0/24", true, true, false],
        ["0.0.0.0/0", "203.0.113.0/24", true, true, false],
        ["10.0.255.255/32", "10.1.0.0/32", false, false, false],
        ["10.0.32.128/28", "10.0.32.0/25", false, false, false],
        ["10.0.32.128/28", "10.0.32.0/24", true, false, true],
    ])(
        "%s vs %s: overlaps %s, first contains second %s, second contains first %s",
        (a, b, both, aHasB, bHasA) => {
            const ra = parseCidr(a);
            const rb = parseCidr(b);
            expect(overlaps(ra, rb)).toBe(both);
            expect(overlaps(rb, ra)).toBe(both);
            expect(contains(ra, rb)).toBe(aHasB);
            expect(contains(rb, ra)).toBe(bHasA);
        },
    );

    it("overlaps is symmetric and reflexive", () => {
        fc.assert(
            fc.property(alignedRange(), alignedRange(), (a, b) => {
                expect(overlaps(a, b)).toBe(overlaps(b, a));
                expect(overlaps(a, a)).toBe(true);
                expect(contains(a, a)).toBe(true);
            }),
            { numRuns: NUM_RUNS },
        );
    });

    it("aligned ranges either nest or are disjoint", () => {
        fc.assert(
            fc.property(
                fc.oneof(alignedRange(), nearbyRange),
                fc.oneof(alignedRange(), nearbyRange),
                (a, b) => {
                    expect(overlaps(a, b)).toBe(contains(a, b) || contains(b, a));
                },
            ),
            { numRuns: NUM_RUNS },
        );
    });

    it("agrees with address-by-address membership at the range edges", () => {
        fc.assert(
            fc.property(nearbyRange, nearbyRange, (a, b) => {
                const inside = (r: Ipv4Range, address: number) =>
                    address >= r.base && address <= last(r);
                const edges = [a.base, last(a), b.base, last(b)];
                const shared = edges.some((x) => inside(a, x) && inside(b, x));
                expect(overlaps(a, b)).toBe(shared);
            }),
            { numRuns: NUM_RUNS },
        );
    });
});

describe("findOverlaps", () => {
    const owned = (owner: string, cidr: string): OwnedRange => ({ owner, cidr });

    it("returns nothing for disjoint ranges", () => {
        expect(
            findOverlaps([
                owned("a", "10.0.0.0/16"),
                owned("b", "10.1.0.0/16"),
                owned("c", "10.2.0.0/24"),
            ]),
        ).toEqual([]);
    });

    it("returns every conflicting pair in input order", () => {
        const a = owned("a", "10.0.0.0/8");
        const b = owned("b", "10.1.0.0/16");
        const c = owned("c", "192.168.0.0/16");
        const d = owned("d", "10.1.2.0/24");
        const e = owned("e", "192.168.3.0/24");
        expect(findOverlaps([a, b, c, d, e])).toEqual([
            { a, b },
            { a, b: d },
            { a: b, b: d },
            { a: c, b: e },
        ]);
    });

    it("reports identical ranges with both owners", () => {
        const x = owned("datacenter dc1 pods", "10.0.0.0/20");
        const y = owned("datacenter dc2 pods", "10.0.0.0/20");
        const found = findOverlaps([x, y]);
        expect(found).toEqual([{ a: x, b: y }]);
        expect(describeOverlap(found[0])).toBe(
            "datacenter dc1 pods 10.0.0.0/20 overlaps datacenter dc2 pods 10.0.0.0/20",
        );
    });

    it("skips malformed and unaligned ranges instead of throwing", () => {
        const good = owned("good", "10.0.0.0/16");
        expect(
            findOverlaps([
                owned("bad", "10.0.0.1/8"),
                good,
                owned("worse", "nonsense"),
                owned("big", "300.0.0.0/8"),
            ]),
        ).toEqual([]);
        expect(
            findOverlaps([owned("bad", "10.0.0.1/8"), good, owned("dup", "10.0.0.0/16")]),
        ).toEqual([{ a: good, b: owned("dup", "10.0.0.0/16") }]);
    });

    it("equals the brute-force list of overlapping pairs", () => {
        fc.assert(
            fc.property(
                fc.array(fc.oneof(nearbyRange, alignedRange(8, 32)), { maxLength: 12 }),
                (ranges) => {
                    const list = ranges.map((r, i) => owned(`r${i}`, format(r)));
                    const expected: { a: OwnedRange; b: OwnedRange }[] = [];
                    for (let i = 0; i < ranges.length; i++) {
                        for (let j = i + 1; j < ranges.length; j++) {
                            if (overlaps(ranges[i], ranges[j])) {
                                expected.push({ a: list[i], b: list[j] });
                            }
                        }
                    }
                    expect(findOverlaps(list)).toEqual(expected);
                },
            ),
            { numRuns: NUM_RUNS },
        );
    });
});

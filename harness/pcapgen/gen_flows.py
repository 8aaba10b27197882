#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Write the conformance capture of the dataplane harnesses: a pcap of
Ethernet frames carrying many IPv4 and IPv6, UDP and TCP flows from many
distinct sources, edge addresses included, with correct checksums.

    /usr/bin/python3 harness/pcapgen/gen_flows.py --out flows.pcap
        [--flows 10240] [--sources 2560] [--seed 0x5a7cf10e] [--no-extra]

Deterministic: the same arguments give the same bytes (Python's
random.Random with a fixed seed, fixed timestamps).  Standard library only;
the pcap is written with struct.

What is in it:
  * --sources distinct sources, 3/5 IPv4 and 2/5 IPv6, starting with the
    edges (0.0.0.0, 255.255.255.255, ::, ffff:...:ffff, ::1, IPv4-mapped
    ::ffff:a.b.c.d, loopback, multicast, addresses inside the test pools),
    then adjacent runs (10.0.0.1, 10.0.0.2, ...; 2001:db8:1000::fff0, ...,
    which carry between groups), then seeded random ones;
  * --flows distinct 5-tuples: every source opens at least one flow; half
    UDP, half TCP; a quarter of the flows send a second packet later on
    (TCP: SYN, then ACK+PSH with data); IPv4 UDP flows with checksum 0
    (none, which must stay 0), IPv4 headers with an option (IHL 6);
  * unless --no-extra, 8 frames no harness translates (ARP, ICMP, ICMPv6)
    at fixed places: they must come out unchanged and be counted as errors.

Ethernet addresses: source 02:53:4e:50:00:01, destination 02:53:4e:50:00:02
(locally administered); a harness that replays the frames on a link gives
its receiving interface the destination address.

A summary goes to stderr:
  flows=N sources=N sources4=N sources6=N packets=N extra=N
"""

import argparse
import ipaddress
import random
import struct
import sys

SRC_MAC = bytes.fromhex("02534e500001")
DST_MAC = bytes.fromhex("02534e500002")
TS0 = 1767225600            # 2026-01-01T00:00:00Z
UDP, TCP, ICMP, ICMP6 = 17, 6, 1, 58


# ---------------------------------------------------------------------------
# Checksums
# ---------------------------------------------------------------------------

def csum(data):
    """The Internet checksum (RFC 1071) of @data, as an int."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def pseudo(src, dst, proto, length):
    if len(src) == 4:
        return src + dst + struct.pack("!BBH", 0, proto, length)
    return src + dst + struct.pack("!IxxxB", length, proto)


# ---------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------

def l4_udp(src, dst, sport, dport, payload, zero_csum=False):
    length = 8 + len(payload)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    if zero_csum:
        return hdr + payload
    c = csum(pseudo(src, dst, UDP, length) + hdr + payload)
    if c == 0:
        c = 0xFFFF          # RFC 768: a computed zero is sent as all ones
    return hdr[:6] + struct.pack("!H", c) + payload


def l4_tcp(src, dst, sport, dport, seq, ack, flags, payload, mss=False):
    opts = struct.pack("!BBH", 2, 4, 1460) if mss else b""
    off = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags,
                      65535, 0, 0) + opts
    c = csum(pseudo(src, dst, TCP, len(hdr) + len(payload)) + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def ipv4(src, dst, proto, l4, ident, ttl, df, option=False):
    opts = bytes([0x94, 0x04, 0x00, 0x00]) if option else b""   # Router Alert
    ihl = (20 + len(opts)) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(opts) + len(l4),
                      ident, 0x4000 if df else 0, ttl, proto, 0, src, dst) + opts
    c = csum(hdr)
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + l4


def ipv6(src, dst, proto, l4, flow, hlim):
    return struct.pack("!IHBB16s16s", 0x60000000 | flow, len(l4), proto, hlim,
                       src, dst) + l4


def eth(ethertype, payload):
    return DST_MAC + SRC_MAC + struct.pack("!H", ethertype) + payload


# ---------------------------------------------------------------------------
# Sources and flows
# ---------------------------------------------------------------------------

EDGE4 = ["0.0.0.0", "255.255.255.255", "0.0.0.1", "1.0.0.0", "127.0.0.1",
         "10.0.0.0", "10.255.255.255", "128.0.0.0", "0.0.0.128",
         "172.16.0.1", "192.168.0.255", "100.64.0.1", "224.0.0.1",
         "169.254.1.1", "198.51.100.10", "198.18.1.0", "203.0.113.250",
         "255.255.255.254"]
EDGE6 = ["::", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "8000::",
         "::ffff:0.0.0.0", "::ffff:255.255.255.255", "::ffff:10.0.0.1",
         "::ffff:192.168.1.1", "::ffff:198.51.100.10", "::ffff:127.0.0.1",
         "::10.0.1.100", "64:ff9b::a00:164", "fe80::1", "fd00::1",
         "ff02::1", "2001:db8::1", "2001:db8:7::ff80", "2001:db8:1::1:0",
         "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe"]


def make_sources(total, rng):
    n6 = total * 2 // 5
    n4 = total - n6
    v4 = [ipaddress.IPv4Address(a) for a in EDGE4]
    v6 = [ipaddress.IPv6Address(a) for a in EDGE6]
    seen = set(v4) | set(v6)

    def add(lst, a, limit):
        if len(lst) < limit and a not in seen:
            seen.add(a)
            lst.append(a)

    base = int(ipaddress.IPv4Address("10.0.0.1"))
    for i in range(n4 // 4):                        # adjacent run
        add(v4, ipaddress.IPv4Address(base + i), n4)
    base = int(ipaddress.IPv4Address("192.168.0.250"))
    for i in range(64):                             # crosses an octet
        add(v4, ipaddress.IPv4Address(base + i), n4)
    while len(v4) < n4:
        add(v4, ipaddress.IPv4Address(rng.getrandbits(32)), n4)

    base = int(ipaddress.IPv6Address("2001:db8:1000::fff0"))
    for i in range(n6 // 4):                        # carries a group
        add(v6, ipaddress.IPv6Address(base + i), n6)
    base = int(ipaddress.IPv6Address("::ffff:10.0.1.0"))
    for i in range(64):                             # IPv4-mapped run
        add(v6, ipaddress.IPv6Address(base + i), n6)
    db8 = int(ipaddress.IPv6Address("2001:db8::"))
    for i in range(n6 // 8):
        add(v6, ipaddress.IPv6Address(db8 | rng.getrandbits(96)), n6)
    while len(v6) < n6:
        add(v6, ipaddress.IPv6Address(rng.getrandbits(128)), n6)
    return v4[:n4], v6[:n6]


def make_flows(count, srcs, rng):
    """Distinct 5-tuples; the first len(srcs) flows use each source once."""
    flows, seen = [], set()
    dports = [53, 80, 123, 443, 443, 443, 8080, 5060]
    i = 0
    while len(flows) < count:
        src = srcs[i] if i < len(srcs) else rng.choice(srcs)
        i += 1
        if src.version == 4:
            dst = ipaddress.IPv4Address("203.0.113.0") + rng.randrange(1, 200) \
                if rng.random() < 0.5 else ipaddress.IPv4Address(rng.getrandbits(32))
        else:
            dst = ipaddress.IPv6Address("2001:db8:ffff::") + rng.randrange(1, 1 << 16) \
                if rng.random() < 0.5 else ipaddress.IPv6Address(rng.getrandbits(128))
        proto = UDP if rng.random() < 0.5 else TCP
        sport = rng.randrange(1024, 65536)
        dport = rng.choice(dports) if rng.random() < 0.7 else rng.randrange(1, 65536)
        key = (src, dst, proto, sport, dport)
        if key in seen:
            continue
        seen.add(key)
        flows.append({
            "src": src, "dst": dst, "proto": proto, "sport": sport,
            "dport": dport,
            "zero_csum": proto == UDP and src.version == 4 and rng.random() < 1 / 16,
            "option": src.version == 4 and rng.random() < 1 / 50,
            "seq": rng.getrandbits(32), "ident": rng.getrandbits(16),
            "ttl": rng.choice([64, 128, 255, 1]), "flow": rng.getrandbits(20),
            "pkts": 2 if rng.random() < 0.25 else 1,
        })
    return flows


def flow_frame(f, n, rng):
    """Frame @n (0 or 1) of flow @f."""
    src, dst = f["src"].packed, f["dst"].packed
    if f["proto"] == UDP:
        payload = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 49)))
        l4 = l4_udp(src, dst, f["sport"], f["dport"], payload, f["zero_csum"])
    elif n == 0:
        l4 = l4_tcp(src, dst, f["sport"], f["dport"], f["seq"], 0, 0x02, b"",
                    mss=True)
    else:
        payload = bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 65)))
        l4 = l4_tcp(src, dst, f["sport"], f["dport"], (f["seq"] + 1) & 0xFFFFFFFF,
                    rng.getrandbits(32), 0x18, payload)
    if f["src"].version == 4:
        ip = ipv4(src, dst, f["proto"], l4, (f["ident"] + n) & 0xFFFF, f["ttl"],
                  f["proto"] == TCP, f["option"])
        return eth(0x0800, ip)
    return eth(0x86DD, ipv6(src, dst, f["proto"], l4, f["flow"], f["ttl"]))


def extra_frames():
    """Frames that are not IPv4/IPv6 UDP/TCP: passed unchanged by contract."""
    out = []
    for i in range(2):
        arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, SRC_MAC,
                          bytes([192, 0, 2, 1 + i]), bytes(6), bytes([192, 0, 2, 254]))
        out.append(b"\xff" * 6 + SRC_MAC + b"\x08\x06" + arp)
        icmp = struct.pack("!BBHHH", 8, 0, 0, 0x5a7c, i) + b"snatpool"
        icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
        out.append(eth(0x0800, ipv4(bytes([10, 0, 0, 1]), bytes([192, 0, 2, 1]),
                                    ICMP, icmp, 0x1000 + i, 64, True)))
        s6 = ipaddress.IPv6Address("2001:db8::1").packed
        d6 = ipaddress.IPv6Address("2001:db8::2").packed
        icmp6 = struct.pack("!BBHHH", 128, 0, 0, 0x5a7c, i) + b"snatpool"
        c = csum(pseudo(s6, d6, ICMP6, len(icmp6)) + icmp6)
        icmp6 = icmp6[:2] + struct.pack("!H", c) + icmp6[4:]
        out.append(eth(0x86DD, ipv6(s6, d6, ICMP6, icmp6, 0, 64)))
    out.append(eth(0x88CC, bytes(46)))                      # LLDP-ish
    out.append(eth(0x0800, bytes([0x45]) + bytes(9)))       # IPv4, cut short
    return out


NAT64_PREFIX = int(ipaddress.IPv6Address("64:ff9b::"))   # RFC 6052 well-known prefix


def make_nat64_flows(v6, rng):
    """Flows from IPv6 sources to IPv4 hosts behind the NAT64 well-known
    prefix 64:ff9b::/96: a quarter of the IPv6 sources, the edge sources
    and a run of one /32 (where xpf-legacy-v0's NAT64 rule collapses)."""
    picked = [a for a in v6 if str(a) in EDGE6] + v6[::4]
    base = int(ipaddress.IPv6Address("2001:db8:6464::"))
    picked += [ipaddress.IPv6Address(base + (i << 40) + i) for i in range(32)]
    flows, seen = [], set()
    for src in picked:
        dst = ipaddress.IPv6Address(NAT64_PREFIX | int(ipaddress.IPv4Address("192.0.2.0"))
                                    + rng.randrange(1, 255))
        proto = UDP if rng.random() < 0.5 else TCP
        key = (src, dst, proto)
        if key in seen:
            continue
        seen.add(key)
        flows.append({
            "src": src, "dst": dst, "proto": proto,
            "sport": rng.randrange(1024, 65536), "dport": rng.choice([53, 80, 443]),
            "zero_csum": False, "option": False, "seq": rng.getrandbits(32),
            "ident": 0, "ttl": 64, "flow": rng.getrandbits(20), "pkts": 1,
        })
    return flows


def write_pcap(out, frames):
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        usec = i * 10
        out.write(struct.pack("<IIII", TS0 + usec // 1000000, usec % 1000000,
                              len(fr), len(fr)))
        out.write(fr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="pcap to write ('-': stdout)")
    ap.add_argument("--flows", type=int, default=10240)
    ap.add_argument("--sources", type=int, default=2560)
    ap.add_argument("--seed", type=lambda s: int(s, 0), default=0x5A7CF10E)
    ap.add_argument("--no-extra", action="store_true",
                    help="leave out the frames no harness translates")
    ap.add_argument("--no-nat64", action="store_true",
                    help="leave out the IPv6 frames to 64:ff9b::/96 (NAT64)")
    args = ap.parse_args()
    if args.sources < len(EDGE4) + len(EDGE6) or args.flows < args.sources:
        ap.error("need --sources >= %d and --flows >= --sources"
                 % (len(EDGE4) + len(EDGE6)))

    rng = random.Random(args.seed)
    v4, v6 = make_sources(args.sources, rng)
    srcs = v4 + v6
    rng.shuffle(srcs)
    flows = make_flows(args.flows, srcs, rng)

    # First packets in flow order; second packets land at seeded places
    # after their first one.
    order = [(i, 0) for i in range(len(flows))]
    for i, f in enumerate(flows):
        if f["pkts"] == 2:
            order.insert(rng.randrange(i + 1, len(order) + 1), (i, 1))
    seen_first = set()
    fixed = []
    for i, n in order:                  # keep each flow's packets in order
        if n == 1 and i not in seen_first:
            n = 0
        elif n == 0 and i in seen_first:
            n = 1
        seen_first.add(i)
        fixed.append((i, n))
    frames = [flow_frame(flows[i], n, rng) for i, n in fixed]

    # NAT64 frames from their own generator, so the others stay as they were.
    nat64 = [] if args.no_nat64 else make_nat64_flows(v6, random.Random(args.seed ^ 0x64))
    nrng = random.Random(args.seed ^ 0x6464)
    for f in nat64:
        frames.insert(nrng.randrange(0, len(frames) + 1), flow_frame(f, 0, nrng))

    extra = [] if args.no_extra else extra_frames()
    step = max(1, len(frames) // (len(extra) + 1))
    for k, fr in enumerate(extra):
        frames.insert((k + 1) * step + k, fr)

    if args.out == "-":
        write_pcap(sys.stdout.buffer, frames)
    else:
        with open(args.out, "wb") as out:
            write_pcap(out, frames)
    print("flows=%d sources=%d sources4=%d sources6=%d packets=%d extra=%d nat64=%d"
          % (len(flows), len(set(f["src"] for f in flows)), len(v4), len(v6),
             len(frames), len(extra), len(nat64)), file=sys.stderr)


if __name__ == "__main__":
    main()

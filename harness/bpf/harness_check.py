#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""harness_check.py - frames for the dataplane harnesses, and an independent
check of what they wrote.  Needs Debian's python3-scapy; never loads the
library: the expected pool address of each source comes from the CLI
(`snatpool select`), the checksums from scapy and from one's-complement
arithmetic written here.

  harness_check.py gen OUT.pcap [--count N] [--seed N]
  harness_check.py verify --cli SNATPOOL --algo NAME --pool SPEC [--seed N]
                   [--passthrough] [--stdout FILE] IN.pcap OUT.pcap

verify exits 0 when every frame of OUT.pcap is its IN.pcap frame with the
source rewritten to the CLI's choice and valid checksums (or unchanged, for
the frames the rules leave alone), and, with --stdout, when the harness's
"packets= translated= errors=" line agrees.  It prints one line per failure.
"""
import argparse
import ipaddress
import random
import struct
import subprocess
import sys

import logging
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1Q, Ether, IPv6,  # noqa: E402
                       IPv6ExtHdrHopByHop, PcapReader, PcapWriter, Raw)


def gen(path, count, seed):
    r = random.Random(seed)
    mac = dict(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    frames = []

    def v4():
        return str(ipaddress.IPv4Address(r.getrandbits(32)))

    def v6():
        return str(ipaddress.IPv6Address(r.getrandbits(128)))

    def l4(i):
        if i % 2:
            return UDP(sport=r.randrange(1, 65536), dport=r.randrange(1, 65536))
        return TCP(sport=r.randrange(1, 65536), dport=r.randrange(1, 65536),
                   seq=r.getrandbits(32), flags="S")

    def payload():
        return Raw(bytes(r.getrandbits(8) for _ in range(r.randrange(0, 64))))

    edge4 = ["0.0.0.0", "255.255.255.255", "10.0.0.1", "10.0.0.2",
             "192.168.1.1", "198.51.100.1"]
    edge6 = ["::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:10.0.0.1",
             "::ffff:192.168.1.1", "2001:db8::1", "fe80::1"]
    for i, a in enumerate(edge4):
        frames.append(Ether(**mac) / IP(src=a, dst="203.0.113.7") / l4(i) / payload())
    for i, a in enumerate(edge6):
        frames.append(Ether(**mac) / IPv6(src=a, dst="2001:db8:ffff::7") / l4(i) / payload())
    for i in range(count):
        if i % 2:
            frames.append(Ether(**mac) / IP(src=v4(), dst=v4()) / l4(i // 2) / payload())
        else:
            frames.append(Ether(**mac) / IPv6(src=v6(), dst=v6()) / l4(i // 2) / payload())
    # Edge frames: what is translated and what is left alone.
    frames.append(Ether(**mac) / IP(src="10.9.8.7", dst="203.0.113.7") /
                  UDP(sport=1, dport=2, chksum=0) / Raw(b"no checksum"))
    frames.append(Ether(**mac) / IP(src="10.9.8.6", dst="203.0.113.7",
                                    options=b"\x01\x01\x01\x00") /
                  TCP(sport=3, dport=4) / Raw(b"with options"))
    frames.append(Ether(**mac) / IP(src="10.9.8.5", dst="203.0.113.7", flags="MF",
                                    frag=0) / UDP(sport=5, dport=6) / Raw(b"first fragment"))
    frames.append(Ether(**mac) / IP(src="10.9.8.4", dst="203.0.113.7", frag=10,
                                    proto=17) / Raw(b"later fragment: IP header only"))
    frames.append(Ether(**mac) / IP(src="10.9.8.3", dst="203.0.113.7") / ICMP())
    frames.append(Ether(**mac) / ARP(psrc="10.9.8.2", pdst="10.9.8.1"))
    frames.append(Ether(**mac) / Dot1Q(vlan=5) / IP(src="10.9.8.1", dst="203.0.113.7") /
                  UDP(sport=7, dport=8))
    frames.append(Ether(**mac) / IPv6(src="2001:db8:9::1", dst="2001:db8::7") /
                  IPv6ExtHdrHopByHop() / UDP(sport=9, dport=10))
    frames.append(Ether(bytes(Ether(**mac) / IP(src="10.9.8.0", dst="203.0.113.7") /
                              TCP(sport=11, dport=12))[:14 + 20 + 10]))
    frames.append(Ether(**mac) / IPv6(src="2001:db8:9::2", dst="2001:db8::7") /
                  UDP(sport=13, dport=14) / Raw(bytes(range(256)) * 12))  # 3134 octets
    frames.append(Raw(b"\x02\x00\x00\x00\x00\x02\x02\x00"))  # a runt
    w = PcapWriter(path, linktype=1, sync=False)
    for i, f in enumerate(frames):
        f.time = 1700000000 + i / 1000
        w.write(f)
    w.close()


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def translatable(b):
    """(fam, src octets, saddr offset, ipcsum offset, l4csum offset or None,
    udp, mf) for a frame the harness rules translate, else None.  The rules
    are those of harness/pkt/snp_pkt.h, written again here from its text."""
    if len(b) < 14:
        return None
    ip, et = 14, struct.unpack("!H", b[12:14])[0]
    if et in (0x8100, 0x88a8):
        if len(b) < 18:
            return None
        ip, et = 18, struct.unpack("!H", b[16:18])[0]
    if et == 0x0800:
        if len(b) < ip + 20 or b[ip] >> 4 != 4:
            return None
        ihl, tot = (b[ip] & 15) * 4, struct.unpack("!H", b[ip + 2:ip + 4])[0]
        proto = b[ip + 9]
        if ihl < 20 or tot < ihl or ip + tot > len(b) or proto not in (6, 17):
            return None
        mf = bool(b[ip + 6] & 0x20)
        if struct.unpack("!H", b[ip + 6:ip + 8])[0] & 0x1fff:
            return 4, b[ip + 12:ip + 16], ip + 12, ip + 10, None, proto == 17, True
        need = 8 if proto == 17 else 20
        if ip + ihl + need > len(b) or ihl + need > tot:
            return None
        co = ip + ihl + (6 if proto == 17 else 16)
        return 4, b[ip + 12:ip + 16], ip + 12, ip + 10, co, proto == 17, mf
    if et == 0x86dd:
        if len(b) < ip + 40 or b[ip] >> 4 != 6:
            return None
        tot, proto = struct.unpack("!H", b[ip + 4:ip + 6])[0], b[ip + 6]
        if ip + 40 + tot > len(b) or proto not in (6, 17):
            return None
        need = 8 if proto == 17 else 20
        if ip + 40 + need > len(b) or tot < need:
            return None
        co = ip + 40 + (6 if proto == 17 else 16)
        return 6, b[ip + 8:ip + 24], ip + 8, None, co, proto == 17, False
    return None


def cli_choices(cli, algo, pool, seed, srcs):
    """{source text: pool address text} from `snatpool select`."""
    p = subprocess.run([cli, "select", "--algo", algo, "--pool", pool, "--seed",
                        str(seed)], input="".join(s + "\n" for s in srcs),
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("snatpool select failed (%d): %s" % (p.returncode, p.stderr.strip()))
    out = {}
    for line in p.stdout.splitlines():
        src, addr, _ = line.split()
        out[src] = addr
    return out


def verify(a):
    fails = []
    ins = [bytes(p) for p in PcapReader(a.inp)]
    outs = [bytes(p) for p in PcapReader(a.out)]
    if len(ins) != len(outs):
        print("FAIL: %d frames in, %d out" % (len(ins), len(outs)))
        return 1
    info = [translatable(b) for b in ins]
    text = {}
    for t in info:
        if t:
            fam = t[0]
            text[t[1]] = str(ipaddress.ip_address(t[1]) if fam == 4
                             else ipaddress.IPv6Address(t[1]))
    choice = {} if a.passthrough else cli_choices(a.cli, a.algo, a.pool, a.seed,
                                                  sorted(set(text.values())))
    translated = 0
    for i, (b, o, t) in enumerate(zip(ins, outs, info), 1):
        want = None
        if t and not a.passthrough:
            addr = choice.get(text[t[1]])
            if addr is not None:
                want = ipaddress.ip_address(addr).packed
        if want is None:
            if o != b:
                fails.append("frame %d: changed, but should be left alone" % i)
            continue
        translated += 1
        fam, old, so, ipc, co, udp, mf = t
        if len(o) != len(b):
            fails.append("frame %d: length %d -> %d" % (i, len(b), len(o)))
            continue
        if o[so:so + len(old)] != want:
            fails.append("frame %d: source %s, want %s" % (
                i, ipaddress.ip_address(o[so:so + len(old)]),
                ipaddress.ip_address(want)))
        # Nothing but the source and the checksums may change.
        mask = set(range(so, so + len(old)))
        if co is not None:
            mask |= {co, co + 1}
        if ipc is not None:
            mask |= {ipc, ipc + 1}
        if any(o[k] != b[k] for k in range(len(b)) if k not in mask):
            fails.append("frame %d: octets other than source/checksums changed" % i)
        if fam == 4:
            ip = ipc - 10
            if csum16(o[ip:ip + (o[ip] & 15) * 4]) != 0xffff:
                fails.append("frame %d: bad IPv4 header checksum" % i)
        if co is None:		# a later fragment: no L4 header
            continue
        ci, cn = struct.unpack("!H", b[co:co + 2])[0], struct.unpack("!H", o[co:co + 2])[0]
        if udp and fam == 4 and ci == 0:
            if cn != 0:
                fails.append("frame %d: UDP checksum 0 became %#x" % (i, cn))
            continue
        if udp and cn == 0:
            fails.append("frame %d: UDP checksum computed as 0, not 0xffff" % i)
        # The sum over the pseudo-header and the segment does not change:
        # ~cn + old address == ~ci + new address (one's complement).
        lhs = csum16(struct.pack("!H", cn ^ 0xffff) + old)
        rhs = csum16(struct.pack("!H", ci ^ 0xffff) + want)
        if lhs % 0xffff != rhs % 0xffff:
            fails.append("frame %d: L4 checksum not updated consistently" % i)
        if not mf:	# a whole segment: check it outright
            ip = so - (12 if fam == 4 else 8)
            if fam == 4:
                end = ip + struct.unpack("!H", o[ip + 2:ip + 4])[0]
                l4 = ip + (o[ip] & 15) * 4
                seg = o[l4:end]
                ph = o[ip + 12:ip + 20] + struct.pack("!BBH", 0, 17 if udp else 6, len(seg))
            else:
                end = ip + 40 + struct.unpack("!H", o[ip + 4:ip + 6])[0]
                seg = o[ip + 40:end]
                ph = o[ip + 8:ip + 40] + struct.pack("!IxxxB", len(seg), 17 if udp else 6)
            if csum16(ph + seg) != 0xffff:
                fails.append("frame %d: bad %s checksum" % (i, "UDP" if udp else "TCP"))
    if a.stdout:
        last = [l for l in open(a.stdout).read().splitlines() if l.startswith("packets=")]
        want = "packets=%d translated=%d errors=%d" % (
            len(ins), translated, 0 if a.passthrough else len(ins) - translated)
        if not last or last[-1] != want:
            fails.append("summary line %r, want %r" % (last[-1] if last else None, want))
    for f in fails[:20]:
        print("FAIL:", f)
    print("%s: %d frames, %d translated, %d failures" % (
        a.out, len(ins), translated, len(fails)))
    return 1 if fails else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("out")
    g.add_argument("--count", type=int, default=200)
    g.add_argument("--seed", type=int, default=1)
    v = sub.add_parser("verify")
    v.add_argument("--cli", required=True)
    v.add_argument("--algo", required=True)
    v.add_argument("--pool", required=True)
    v.add_argument("--seed", default="0")
    v.add_argument("--passthrough", action="store_true")
    v.add_argument("--stdout")
    v.add_argument("inp")
    v.add_argument("out")
    a = ap.parse_args()
    if a.cmd == "gen":
        gen(a.out, a.count, a.seed)
        return 0
    return verify(a)


if __name__ == "__main__":
    sys.exit(main())

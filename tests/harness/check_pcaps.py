#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Judge the harness outputs of one (algorithm, pool) case of the dataplane
conformance test (tests/harness/conformance.sh).

    check_pcaps.py --in IN.pcap --algo NAME --pool SPEC --seed N
                   --snatpool PATH  [--run NAME=OUT.pcap,STDOUT.txt ...]

Prints one line per check, `PASS ...` or `FAIL ... reason`:

  golden  the Python models of tests/vectors/gen/ and `snatpool select`
          give the same address for every source of the capture;
  NAME    (each --run) the output has the input's frames in order; every
          frame that is IPv4/IPv6 UDP/TCP has as source the golden address
          of its input source, valid IPv4 and UDP/TCP checksums (an IPv4 UDP
          checksum of 0 stays 0) and every other octet unchanged; every
          other frame is unchanged; the harness printed
          `packets=N translated=N errors=N` with the right numbers;
  agree   all runs give the same source address, frame by frame.

NAT64: an IPv6 frame to 64:ff9b::/96 takes an IPv4 pool address by the
algorithm's NAT64 rule (docs/algorithms.md); the harness writes it into
the source as 64:ff9b::A.B.C.D (RFC 6052), checksums updated, length kept.
For an algorithm without a NAT64 rule, or a pool without IPv4 addresses,
such frames must pass unchanged (and count as errors): never a guess.

Exit status: 0 if every line is PASS, 1 otherwise.
"""

import argparse
import ipaddress
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import expect  # noqa: E402

MAX_SHOWN = 3
NAT64_WKP = bytes.fromhex("0064ff9b0000000000000000")   # 64:ff9b::/96


def nat64_frame(fr, info):
    """True for an IPv6 UDP/TCP frame whose destination is in 64:ff9b::/96."""
    return info is not None and info[0] == 6 and \
        fr[info[2] + 16:info[2] + 28] == NAT64_WKP


def nat64_source(addr4):
    """The translated source as the harnesses write it: 64:ff9b::A.B.C.D."""
    return ipaddress.IPv6Address(NAT64_WKP + addr4.packed)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("%s: not a pcap file (%d octets)" % (path, len(data)))
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        end = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        end = ">"
    else:
        raise ValueError("%s: not a pcap file (magic %08x)" % (path, magic))
    link = struct.unpack(end + "I", data[20:24])[0]
    if link != 1:
        raise ValueError("%s: link type %d, not Ethernet" % (path, link))
    frames, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        off += 16
        if off + incl > len(data):
            raise ValueError("%s: record %d cut short" % (path, len(frames)))
        frames.append(data[off:off + incl])
        off += incl
    if off != len(data):
        raise ValueError("%s: %d stray octets at the end" % (path, len(data) - off))
    return frames


def parse(fr):
    """What harness/pkt/snp_pkt.h makes of a frame: None (not translated)
    or (fam, ip, saddr, alen, l4, l4len, csum, udp4)."""
    if len(fr) < 14:
        return None
    ip = 14
    et = struct.unpack("!H", fr[12:14])[0]
    if et in (0x8100, 0x88A8):
        if len(fr) < 18:
            return None
        et = struct.unpack("!H", fr[16:18])[0]
        ip = 18
    if et == 0x0800:
        if len(fr) < ip + 20 or fr[ip] >> 4 != 4:
            return None
        ihl = (fr[ip] & 15) * 4
        tot = struct.unpack("!H", fr[ip + 2:ip + 4])[0]
        proto = fr[ip + 9]
        if ihl < 20 or tot < ihl or ip + tot > len(fr) or proto not in (6, 17):
            return None
        frag = struct.unpack("!H", fr[ip + 6:ip + 8])[0] & 0x1FFF
        l4, l4len = ip + ihl, tot - ihl
        if frag:
            return (4, ip, ip + 12, 4, None, 0, None, proto == 17)
        need = 8 if proto == 17 else 20
        if l4len < need:
            return None
        return (4, ip, ip + 12, 4, l4, l4len, l4 + (6 if proto == 17 else 16),
                proto == 17)
    if et == 0x86DD:
        if len(fr) < ip + 40 or fr[ip] >> 4 != 6:
            return None
        plen = struct.unpack("!H", fr[ip + 4:ip + 6])[0]
        proto = fr[ip + 6]
        if ip + 40 + plen > len(fr) or proto not in (6, 17):
            return None
        need = 8 if proto == 17 else 20
        if plen < need:
            return None
        l4 = ip + 40
        return (6, ip, ip + 8, 16, l4, plen, l4 + (6 if proto == 17 else 16),
                False)
    return None


def sum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def frame_fault(fin, fout, info, want):
    """Why @fout is not @fin translated to source @want; None if it is."""
    if len(fout) != len(fin):
        return "length %d, input %d" % (len(fout), len(fin))
    if info is None:
        return None if fout == fin else "untranslatable frame changed"
    fam, ip, sa, alen, l4, l4len, cs, udp4 = info
    got = fout[sa:sa + alen]
    if got != want.packed:
        return "source %s, want %s (input %s)" % (
            ipaddress.ip_address(got), want, ipaddress.ip_address(fin[sa:sa + alen]))
    masked = bytearray(fout)
    masked[sa:sa + alen] = fin[sa:sa + alen]
    if fam == 4:
        masked[ip + 10:ip + 12] = fin[ip + 10:ip + 12]
    if cs is not None:
        masked[cs:cs + 2] = fin[cs:cs + 2]
    if bytes(masked) != fin:
        return "octets other than source and checksums changed"
    return checksum_fault(fin, fout, info)


def checksum_fault(fin, fout, info):
    """What is wrong with the checksums of translated frame FOUT (parsed
    INFO of input FIN), or None: computed from scratch, not updated."""
    fam, ip, sa, alen, l4, l4len, cs, udp4 = info
    if fam == 4:
        ihl = (fout[ip] & 15) * 4
        if sum16(fout[ip:ip + ihl]) != 0xFFFF:
            return "bad IPv4 header checksum"
    if cs is None:
        return None
    c = fout[cs:cs + 2]
    if udp4 and fin[cs:cs + 2] == b"\0\0":
        return None if c == b"\0\0" else "IPv4 UDP checksum 0 was changed"
    proto = 17 if cs - l4 == 6 else 6
    if proto == 17 and c == b"\0\0":
        return "UDP checksum 0 after translation"
    src, dst = fout[sa:sa + alen], fout[sa + alen:sa + 2 * alen]
    if fam == 4:
        ph = src + dst + struct.pack("!BBH", 0, proto, l4len)
    else:
        ph = src + dst + struct.pack("!IxxxB", l4len, proto)
    if sum16(ph + fout[l4:l4 + l4len]) != 0xFFFF:
        return "bad %s checksum" % ("UDP" if proto == 17 else "TCP")
    return None


def counts(path, keys=("packets", "translated", "errors")):
    """The KEYS of the harness's last `packets=N ...` line, or None."""
    last = None
    with open(path, errors="replace") as f:
        for ln in f:
            if ln.startswith("packets="):
                last = ln
    if last is None:
        return None
    try:
        kv = dict(w.split("=", 1) for w in last.split())
        return tuple(int(kv[k]) for k in keys)
    except (KeyError, ValueError):
        return None


def golden(args, srcs, nat64, faults):
    """The models' pool address for each of SRCS (the IPv4 one, for NAT64),
    each checked against `snatpool select` [--nat64], whose disagreements go
    to FAULTS; {} (and a fault) if either cannot compute them."""
    if nat64:
        models, cli, what, opt = expect.models_nat64, expect.cli_nat64, "NAT64 ", " --nat64"
    else:
        models, cli, what, opt = expect.models, expect.cli, "", ""
    try:
        gold = models(args.algo, args.pool, args.seed, srcs)
        lib = cli(args.snatpool, args.algo, args.pool, args.seed, srcs)
    except Exception as e:          # a broken model or CLI fails the case
        faults.append("cannot compute golden %saddresses: %s" % (what, e))
        return {}
    for s in srcs:
        if gold.get(s) != lib.get(s):
            faults.append("%s%s: models %s, snatpool select%s %s"
                          % (what, s, gold.get(s), opt, lib.get(s)))
    return gold


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--in", dest="inp", required=True)
    ap.add_argument("--algo", required=True)
    ap.add_argument("--pool", required=True)
    ap.add_argument("--seed", type=lambda s: int(s, 0), default=0)
    ap.add_argument("--snatpool", required=True)
    ap.add_argument("--label", default="")
    ap.add_argument("--run", action="append", default=[])
    args = ap.parse_args()
    label = args.label or "%s pool=%s" % (args.algo, args.pool)
    ok = True

    def report(name, faults):
        nonlocal ok
        if faults:
            ok = False
            print("FAIL %s %s: %s" % (name, label, "; ".join(faults[:MAX_SHOWN])
                                       + ("; ... %d in all" % len(faults)
                                          if len(faults) > MAX_SHOWN else "")))
        else:
            print("PASS %s %s" % (name, label))

    fin = read_pcap(args.inp)
    infos = [parse(fr) for fr in fin]
    n64 = [nat64_frame(fr, info) for fr, info in zip(fin, infos)]
    srcs, srcs64 = [], []
    seen, seen64 = set(), set()
    for fr, info, x in zip(fin, infos, n64):
        if info is None:
            continue
        a = ipaddress.ip_address(fr[info[2]:info[2] + info[3]])
        lst, st = (srcs64, seen64) if x else (srcs, seen)
        if a not in st:
            st.add(a)
            lst.append(a)

    # Golden: the models and the library's CLI agree on every source.
    faults = []
    gold = golden(args, srcs, False, faults)
    gold64 = {}
    if srcs64:
        gold64 = {s: nat64_source(a)
                  for s, a in golden(args, srcs64, True, faults).items()}
    # A NAT64 frame without a NAT64 choice passes unchanged.
    infos = [None if x and not gold64 else i for i, x in zip(infos, n64)]
    ntrans = sum(1 for i in infos if i is not None)
    report("golden%s" % (" (NAT64: %d sources, %s)" % (
        len(srcs64), "translated" if gold64 else "refused") if srcs64 else ""), faults)

    outs = {}
    for run in args.run:
        name, _, paths = run.partition("=")
        opath, _, spath = paths.partition(",")
        faults = []
        try:
            fout = read_pcap(opath)
        except (OSError, ValueError) as e:
            report(name, [str(e)])
            continue
        if len(fout) != len(fin):
            faults.append("%d frames, input has %d" % (len(fout), len(fin)))
        for i, (a, b, info) in enumerate(zip(fin, fout, infos)):
            want = None
            if info is not None:
                want = (gold64 if n64[i] else gold).get(
                    ipaddress.ip_address(a[info[2]:info[2] + info[3]]))
                if want is None:
                    faults.append("frame %d: no golden address" % i)
                    continue
            why = frame_fault(a, b, info, want)
            if why:
                faults.append("frame %d: %s" % (i, why))
        c = counts(spath) if spath else None
        want_c = (len(fin), ntrans, len(fin) - ntrans)
        if c != want_c:
            faults.append("printed packets/translated/errors %s, want %s"
                          % (c, want_c))
        outs[name] = fout
        report(name, faults)

    # Agreement between the runs, frame by frame, golden or not.
    if len(outs) > 1:
        faults = []
        names = sorted(outs)
        for i, info in enumerate(infos):
            if info is None:
                continue
            sa, alen = info[2], info[3]
            got = {n: outs[n][i][sa:sa + alen] for n in names if i < len(outs[n])}
            if len(set(got.values())) > 1:
                faults.append("frame %d: %s" % (i, ", ".join(
                    "%s %s" % (n, ipaddress.ip_address(v) if len(v) in (4, 16) else v)
                    for n, v in got.items())))
        report("agree(%s)" % ",".join(names), faults)
    print("# done")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

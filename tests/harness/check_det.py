#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Judge the harness outputs of one deterministic-NAT (port-block) case of
the dataplane conformance test (tests/harness/conformance.sh).

    check_det.py --in IN.pcap --pbalgo NAME --pool SPEC --subscribers PREFIX
                 [--block-size N] [--strict] [--run NAME=OUT.pcap,STDOUT.txt ...]

The answers come from the independent models of tests/vectors/gen/
(xpf_det_v0.py, vpp_det44_v0.py, snatpool_spread_v1.py), which never load
the library.  For every input frame, in order:

  * a UDP/TCP frame of the subscribers' family whose source the model gives
    a block: translated, its source address the block's address (IPv6
    subscribers, xpf's NAT64 mode: 64:ff9b::A.B.C.D, as the NAT64 selection
    of the harnesses writes it, so the
    frame stays IPv6 and checkable), its source port inside the block
    (the harnesses take lo + sport mod size, VPP's first candidate, so all
    of them agree), reverse lookup of (address, port) naming the frame's
    subscriber, valid checksums, every other octet unchanged;
  * a frame of the subscribers' family with no block (out of range, or a
    fragment without ports): dropped, never sent out untranslated;
  * any other frame: passed unchanged;
  * the harness printed `packets=N translated=N dropped=N errors=N`.

`agree` then checks that every run wrote the same bytes.
Exit status: 0 if every line is PASS, 1 otherwise.
"""

import argparse
import ipaddress
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "vectors", "gen"))
import check_pcaps as cp  # noqa: E402
import snatpool_spread_v1  # noqa: E402
import vpp_det44_v0  # noqa: E402
import xpf_det_v0  # noqa: E402

MODELS = {"xpf-det-v0": xpf_det_v0, "vpp-det44-v0": vpp_det44_v0,
          "snatpool-spread-v1": snatpool_spread_v1}
MAX_SHOWN = 3


def plan_of(args):
    net = ipaddress.ip_network(args.subscribers)
    cfg = {"algo": args.pbalgo, "pool": args.pool, "subscribers": args.subscribers,
           "block_size": args.block_size, "ports": (1024, 65535),
           "flags": 1 if args.strict else 0}
    if args.pbalgo == "snatpool-spread-v1":
        w = 32 if net.version == 4 else 64
        cfg["count"] = 1 << (w - net.prefixlen)
        cfg["subscribers"] = "%s/%d" % (net.network_address, w)
    return MODELS[args.pbalgo].Model.compile(cfg), net.version


def expected(plan, fam_subs, fin):
    """('keep',) | ('drop',) | ('xlat', addr, lo, hi, sub, info)."""
    info = cp.parse(fin)
    if info is None or info[0] != fam_subs:
        return ("keep", info)
    src = ipaddress.ip_address(fin[info[2]:info[2] + info[3]])
    res = plan.forward(src)
    if res is None or info[4] is None:
        return ("drop", info)
    addr, lo, hi, sub = res
    return ("xlat", addr, lo, hi, sub, info)


def fault(fin, fout, exp, owners):
    if len(fout) != len(fin):
        return "length %d, input %d" % (len(fout), len(fin))
    if exp[0] == "keep":
        return None if fout == fin else "frame not to translate changed"
    _, addr, lo, hi, sub, info = exp
    fam, ip, sa, alen, l4, l4len, cs, udp4 = info
    want = addr.packed if alen == 4 else ipaddress.IPv6Address("64:ff9b::%s" % addr).packed
    if fout[sa:sa + alen] != want:
        return "source %s, want %s" % (ipaddress.ip_address(fout[sa:sa + alen]),
                                       ipaddress.ip_address(want))
    sport_in = struct.unpack("!H", fin[l4:l4 + 2])[0]
    sport = struct.unpack("!H", fout[l4:l4 + 2])[0]
    if not lo <= sport <= hi:
        return "port %d outside the block %d-%d" % (sport, lo, hi)
    if sport != lo + sport_in % (hi - lo + 1):
        return "port %d, want %d (lo + sport mod size)" % (sport, lo + sport_in % (hi - lo + 1))
    if owners.get((addr, lo)) != sub:
        return "reverse of %s:%d names subscriber %r, want %d" % (addr, sport,
                                                                owners.get((addr, lo)), sub)
    masked = bytearray(fout)
    masked[sa:sa + alen] = fin[sa:sa + alen]
    masked[l4:l4 + 2] = fin[l4:l4 + 2]
    if fam == 4:
        masked[ip + 10:ip + 12] = fin[ip + 10:ip + 12]
    masked[cs:cs + 2] = fin[cs:cs + 2]
    if bytes(masked) != fin:
        return "octets other than source, port and checksums changed"
    return cp.checksum_fault(fin, fout, info)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--in", dest="inp", required=True)
    ap.add_argument("--pbalgo", required=True, choices=sorted(MODELS))
    ap.add_argument("--pool", required=True)
    ap.add_argument("--subscribers", required=True)
    ap.add_argument("--block-size", type=int, default=0)
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--run", action="append", default=[])
    args = ap.parse_args()
    case = "%s %s %s" % (args.pbalgo, args.pool, args.subscribers)
    plan, fam = plan_of(args)
    owners = {}
    for sub, src, _ in plan.subscribers():
        a, lo, hi, s = plan.forward(src)
        owners[(a, lo)] = s
    frames = cp.read_pcap(args.inp)
    exps = [expected(plan, fam, f) for f in frames]
    nx = sum(e[0] == "xlat" for e in exps)
    nd = sum(e[0] == "drop" for e in exps)
    nk = len(exps) - nx - nd
    ok = True
    if nx < 100 or nd < 10:
        print("FAIL det-capture %s: %d frames to translate, %d to drop (too few to judge)"
              % (case, nx, nd))
        ok = False
    else:
        print("PASS det-capture %s: %d frames to translate, %d to drop, %d to pass"
              % (case, nx, nd, nk))
    outs = {}
    for spec in args.run:
        name, rest = spec.split("=", 1)
        out, log = rest.split(",", 1)
        try:
            fout = cp.read_pcap(out)
        except (OSError, ValueError) as e:
            print("FAIL det-%s %s: %s" % (name, case, e))
            ok = False
            continue
        outs[name] = fout
        bad, j = [], 0
        for i, (fin, e) in enumerate(zip(frames, exps)):
            if e[0] == "drop":
                continue
            if j >= len(fout):
                bad.append("frame %d: missing from the output" % i)
                break
            why = fault(fin, fout[j], e, owners)
            if why:
                bad.append("frame %d: %s" % (i, why))
            j += 1
        if j < len(fout):
            bad.append("%d frames more than expected (a dropped frame sent out?)"
                       % (len(fout) - j))
        c = cp.counts(log, ("packets", "translated", "dropped", "errors"))
        if c != (len(frames), nx, nd, nk):
            bad.append("counts %r, want packets=%d translated=%d dropped=%d errors=%d"
                       % (c, len(frames), nx, nd, nk))
        if bad:
            ok = False
            print("FAIL det-%s %s: %s" % (name, case, "; ".join(bad[:MAX_SHOWN])))
        else:
            print("PASS det-%s %s: %d translated in their blocks, %d dropped, %d passed"
                  % (name, case, nx, nd, nk))
    if len(outs) > 1:
        names = sorted(outs)
        differ = [n for n in names[1:] if outs[n] != outs[names[0]]]
        if differ:
            ok = False
            print("FAIL det-agree %s: %s differ from %s" % (case, " ".join(differ), names[0]))
        else:
            print("PASS det-agree %s: %s wrote the same frames" % (case, " ".join(names)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

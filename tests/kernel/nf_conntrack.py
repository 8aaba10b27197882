#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Helper of tests/kernel/nf_persistent.sh; never loads libsnatpool.

Subcommands:
  plan                      the rounds: "ROUND FAM A B" lines (one pool of
                            each family per round)
  ipbatch                   `ip -batch` lines adding every source to c0
  send FAM DST PORT         (in the client netns) one UDP datagram from each
                            source of FAM to DST:PORT, fire and forget
  parse FAM A B             conntrack -L -o extended on stdin -> vector lines
                            (algo linux-nf-persistent) in source order; exits
                            1 if a source is missing, untranslated or outside
                            A-B
  check OBSERVED [--committed FILE]
                            compares the observed lines with the Python jhash
                            model (tests/vectors/gen/linux_nf_persistent.py)
                            and with the committed kernel vectors; prints
                            "N passed, N failed", exits 1 on any failure

Sources and pools avoid each other: the kernel leaves a source that lies in
the NAT range untranslated.
"""

import functools
import ipaddress
import json
import os
import random
import re
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "vectors", "gen"))
import common  # noqa: E402
import linux_nf_persistent as model  # noqa: E402

ALGO = "linux-nf-persistent"

# One IPv4 and one IPv6 range per round; the IPv6 ones differ in the last
# 32 bits only, as the kernel's walk over the words needs for a plain offset.
ROUNDS = [
    ("198.51.100.1", "198.51.100.2", "2001:db8:5a7::a", "2001:db8:5a7::b"),
    ("198.51.100.10", "198.51.100.12",
     "2001:db8:5a7:1::fffe", "2001:db8:5a7:1::1:0"),
    ("198.51.100.20", "198.51.100.24",
     "2001:db8:5a7:2::10", "2001:db8:5a7:2::14"),
    ("198.51.100.30", "198.51.100.36",
     "2001:db8:5a7:3::ffff:fff8", "2001:db8:5a7:3::ffff:fffe"),
    ("198.51.100.64", "198.51.100.127",
     "2001:db8:5a7:4::", "2001:db8:5a7:4::3f"),
    ("198.51.100.1", "198.51.100.255",
     "2001:db8:5a7:5::1", "2001:db8:5a7:5::ff"),
    ("198.51.100.0", "198.51.100.255",
     "2001:db8:5a7:6::", "2001:db8:5a7:6::ff"),
    ("198.18.0.255", "198.18.1.255",
     "2001:db8:5a7:7::ff80", "2001:db8:5a7:7::1:80"),
    ("198.18.0.0", "198.18.3.255",
     "2001:db8:5a7:8::", "2001:db8:5a7:8::3ff"),
    ("100.64.0.0", "100.64.255.255",
     "2001:db8:5a7:9::", "2001:db8:5a7:9::ffff"),
    ("198.18.255.254", "198.19.0.2",
     "2001:db8:5a7:a::ffff:ffff:fffd", "2001:db8:5a7:a::ffff:ffff:ffff"),
]

# Where the sources live (client side only) and what they must avoid.
AVOID = [ipaddress.ip_network(p) for p in (
    "192.0.2.0/24", "203.0.113.0/24", "198.51.100.0/24", "198.18.0.0/15",
    "100.64.0.0/10", "2001:db8:c::/64", "2001:db8:5e::/64",
    "2001:db8:5a7::/48")]


def _ok(a):
    return not any(a in net for net in AVOID)


@functools.lru_cache(maxsize=None)
def sources(fam):
    """Deterministic client sources: runs of adjacent addresses, edges of
    the private ranges, and seeded random ones.  320 per family."""
    out = []
    if fam == 4:
        v4 = ipaddress.IPv4Address
        base = int(v4("10.0.1.64"))
        out += [v4(base + i) for i in range(64)]
        base = int(v4("192.168.0.248"))
        out += [v4(base + i) for i in range(16)]
        out += [v4(a) for a in ("10.0.0.1", "10.255.255.254", "172.16.0.1",
                                "172.31.255.254", "192.168.255.254",
                                "10.128.0.0", "10.0.128.0", "10.0.0.128")]
        rng = random.Random(0x4E460401)
        nets = [(int(v4("10.0.0.0")), 24), (int(v4("172.16.0.0")), 20),
                (int(v4("192.168.0.0")), 16)]
        while len(out) < 320:
            base, bits = nets[rng.randrange(len(nets))]
            a = v4(base | rng.getrandbits(bits))
            if a not in out and _ok(a):
                out.append(a)
    else:
        v6 = ipaddress.IPv6Address
        base = int(v6("2001:db8:1000::fff0"))
        out += [v6(base + i) for i in range(32)]
        base = int(v6("2001:db8:1000:1::ffff:fff8"))
        out += [v6(base + i) for i in range(16)]     # carries into word 2
        out += [v6(a) for a in ("2001:db8:1000::1",
                                "2001:db8:1fff:ffff:ffff:ffff:ffff:fffe",
                                "fd00::1", "fdff:ffff:ffff:ffff::1",
                                "2001:db8:1000:0:8000::", "fd00::ffff:a00:1")]
        rng = random.Random(0x4E460601)
        nets = [(int(v6("2001:db8:1000::")), 92), (int(v6("fd00::")), 120)]
        while len(out) < 320:
            base, bits = nets[rng.randrange(len(nets))]
            a = v6(base | rng.getrandbits(bits))
            if a not in out and _ok(a):
                out.append(a)
    assert len(set(out)) == len(out) and all(_ok(a) for a in out)
    return tuple(out)


def pool_text(a, b):
    return "%s-%s" % (a, b)


def cmd_plan():
    for r, (a4, b4, a6, b6) in enumerate(ROUNDS):
        for fam, a, b in ((4, a4, b4), (6, a6, b6)):
            lo, hi = ipaddress.ip_address(a), ipaddress.ip_address(b)
            addrs = common.parse_spec(pool_text(lo, hi))[fam]
            assert common.nf_range(addrs), (a, b)
            assert not any(lo <= s <= hi for s in sources(fam))
            print(r, fam, lo, hi)


def cmd_ipbatch():
    for a in sources(4):
        print("address add %s/32 dev c0" % a)
    for a in sources(6):
        print("address add %s/128 dev c0 nodad" % a)


def cmd_send(fam, dst, port):
    af = socket.AF_INET if fam == 4 else socket.AF_INET6
    for src in sources(fam):
        with socket.socket(af, socket.SOCK_DGRAM) as s:
            s.bind((str(src), 0))
            s.sendto(b"snatpool nf_persistent", (dst, port))


# conntrack -L -o extended:
#   ipv4 2 udp 17 29 src=S dst=D sport=.. dport=.. [UNREPLIED] src=D dst=T ...
CT_RE = re.compile(r"\bsrc=(\S+) dst=\S+ sport=\d+ dport=\d+ .*?"
                   r"\bsrc=\S+ dst=(\S+) sport=\d+ dport=\d+")


def cmd_parse(fam, a, b):
    lo, hi = ipaddress.ip_address(a), ipaddress.ip_address(b)
    pool = pool_text(lo, hi)
    n = int(hi) - int(lo) + 1
    seen = {}
    for text in sys.stdin:
        if " udp " not in text:
            continue
        m = CT_RE.search(text)
        if not m:
            sys.exit("nf_persistent: cannot parse conntrack line: %s" % text)
        orig, xlat = ipaddress.ip_address(m.group(1)), ipaddress.ip_address(m.group(2))
        if orig.version != fam:
            continue
        if orig in seen and seen[orig] != xlat:
            sys.exit("nf_persistent: %s has two mappings" % orig)
        seen[orig] = xlat
    bad = 0
    for src in sources(fam):
        x = seen.get(src)
        if x is None:
            print("nf_persistent: %s: no conntrack entry for %s" % (pool, src),
                  file=sys.stderr)
            bad += 1
            continue
        i = int(x) - int(lo)
        if x == src or not 0 <= i < n:
            print("nf_persistent: %s: %s went out as %s (not in the range)"
                  % (pool, src, x), file=sys.stderr)
            bad += 1
            continue
        print(common.line(ALGO, pool, 0, src, i, x))
    sys.exit(1 if bad else 0)


def _key(v):
    return (v["pool"], ipaddress.ip_address(v["src"]))


def _load(path):
    out = {}
    with open(path) as f:
        for text in f:
            if text.strip():
                v = json.loads(text)
                out[_key(v)] = v
    return out


def cmd_check(observed, committed):
    obs = _load(observed)
    com = _load(committed) if committed else None
    passed = failed = 0
    model_ok = model_bad = com_ok = com_bad = 0
    for k, v in obs.items():
        src = ipaddress.ip_address(v["src"])
        lo = ipaddress.ip_address(v["pool"].split("-")[0])
        n = int(ipaddress.ip_address(v["pool"].split("-")[1])) - int(lo) + 1
        want = model.index(src.packed, n)
        good = True
        if want == v["index"]:
            model_ok += 1
        else:
            model_bad += 1
            good = False
            print("MODEL MISMATCH %s src %s: kernel %d (%s), model %d"
                  % (v["pool"], src, v["index"], v["address"], want))
        if com is not None:
            c = com.get(k)
            if c is not None and c["index"] == v["index"] and \
                    ipaddress.ip_address(c["address"]) == \
                    ipaddress.ip_address(v["address"]):
                com_ok += 1
            else:
                com_bad += 1
                good = False
                print("COMMITTED MISMATCH %s src %s: kernel %d, committed %s"
                      % (v["pool"], src, v["index"],
                         c["index"] if c else "none"))
        if good:
            passed += 1
        else:
            failed += 1
    if com is not None:
        for k in com.keys() - obs.keys():
            print("NOT OBSERVED %s src %s (in %s)" % (k[0], k[1], committed))
            failed += 1
            com_bad += 1
    print("kernel vs model: %d agree, %d disagree" % (model_ok, model_bad))
    if com is not None:
        print("kernel vs %s: %d agree, %d disagree"
              % (os.path.relpath(committed), com_ok, com_bad))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or not passed else 0)


def main(argv):
    if not argv:
        sys.exit(__doc__)
    cmd, args = argv[0], argv[1:]
    if cmd == "plan":
        cmd_plan()
    elif cmd == "ipbatch":
        cmd_ipbatch()
    elif cmd == "send":
        cmd_send(int(args[0]), args[1], int(args[2]))
    elif cmd == "parse":
        cmd_parse(int(args[0]), args[1], args[2])
    elif cmd == "check":
        committed = None
        if len(args) == 3 and args[1] == "--committed":
            committed = args[2]
        elif len(args) != 1:
            sys.exit(__doc__)
        cmd_check(args[0], committed)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])

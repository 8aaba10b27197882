#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Self-check of the vector generators; run it before trusting their output.

  * SHA-256 (hashlib) and XXH3-64 (python3-xxhash) against published
    known answers: FIPS 180-2 examples, xxHash's own sanity vectors;
  * the legacy, userspace and jhash models on hand-worked values;
  * the jhash model against every line the real kernel produced
    (tests/vectors/linux-nf-persistent-kernel.jsonl);
  * the Maglev model's table sizes and the properties docs/algorithms.md
    promises (full table, even shares, order independence, little churn);
  * the spec parser on good and bad specs;
  * every committed tests/vectors/*.jsonl line: the frozen key order, ids,
    families, and address == the pool's address at index.

  --full also regenerates every committed file in memory and compares it
  byte for byte (about two minutes, most of it Maglev).

Usage: /usr/bin/python3 tests/vectors/gen/check_gen.py [--full]
Prints "N passed, N failed"; exit 1 on any failure.  Never loads libsnatpool.
"""

import functools
import hashlib
import ipaddress
import json
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import common  # noqa: E402
import linux_nf_persistent as nf  # noqa: E402
import snatpool_maglev_v1 as maglev  # noqa: E402
import snatpool_xxh3_v1 as xxh3v1  # noqa: E402
import xpf_legacy_v0 as legacy  # noqa: E402
import xpf_userspace_v1 as userspace  # noqa: E402
from common import check  # noqa: E402


# --- SHA-256: FIPS 180-2 appendix B, and the empty message -----------------
check("sha256('abc')", hashlib.sha256(b"abc").hexdigest(),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
check("sha256('')", hashlib.sha256(b"").hexdigest(),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
check("sha256(448-bit msg)", hashlib.sha256(
      b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hexdigest(),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")

# --- XXH3-64: xxHash tests/sanity_test_vectors.h (XSUM_XXH3_testdata) ------
# The sanity buffer: byteGen = PRIME32; buffer[i] = byteGen >> 56;
# byteGen *= PRIME64 (mod 2^64).  Lengths 4..8 and 17..32 hold our keys
# (5 and 17 octets).
PRIME32, PRIME64 = 2654435761, 11400714785074694797
buf, g = bytearray(), PRIME32
for _ in range(64):
    buf.append(g >> 56)
    g = (g * PRIME64) & common.U64
XXH3_KAT = [
    (0, 0, 0x2D06800538D394C2), (0, PRIME64, 0xA8A6B918B2F0364A),
    (1, 0, 0xC44BDFF4074EECDB), (1, PRIME64, 0x032BE332DD766EF8),
    (4, 0, 0xE5DC74BC51848A51), (4, PRIME64, 0xAA2E7ECCB0C8F747),
    (8, 0, 0x24CCC9ACAA9F65E4), (8, PRIME64, 0x8F973410999B8F6B),
    (16, 0, 0x981B17D36C7498C9), (16, PRIME64, 0x663F29333B4DB6B1),
    (17, 0, 0x796F5ACD3A60F862), (17, PRIME64, 0xF3EC5067F4306DB3),
    (32, 0, 0x9FEADDBDBF57EED3), (32, PRIME64, 0x2199FAB1534893D9),
]
for n, seed, want in XXH3_KAT:
    check("xxh3_64(sanity[:%d], %#x)" % (n, seed),
          xxh3v1.xxh3(bytes(buf[:n]), seed), want)
check("xxh3_64(b'', 0)", xxh3v1.xxh3(b"", 0), 0x2D06800538D394C2)
try:
    xxh3v1.xxh3(b"", 1 << 64)      # python-xxhash would silently wrap it
    check("xxh3 seed 2^64 refused", "accepted", "refused")
except ValueError:
    check("xxh3 seed 2^64 refused", "refused", "refused")
check("xxh3 seed 2^64-1 is 64-bit", xxh3v1.xxh3(b"k", common.U64) !=
      xxh3v1.xxh3(b"k", 0xFFFFFFFF), True)

# --- xpf-legacy-v0, worked by hand ------------------------------------------
# 10.0.1.100 = 0a 00 01 64: LE32 = 0x6401000a = 1677787146
check("legacy 10.0.1.100 n=4", legacy.index(4, bytes([10, 0, 1, 100]), 4), 2)
check("legacy 10.0.1.100 n=7", legacy.index(4, bytes([10, 0, 1, 100]), 7),
      1677787146 % 7)
# 2001:db8::1: words 0xb80d0120 ^ 0 ^ 0 ^ 0x01000000 = 0xb90d0120
check("legacy 2001:db8::1 n=1000",
      legacy.index(6, ipaddress.ip_address("2001:db8::1").packed, 1000),
      0xB90D0120 % 1000)
check("legacy 255.255.255.255 n=3", legacy.index(4, b"\xff" * 4, 3),
      0xFFFFFFFF % 3)

# --- xpf-userspace-v1 -------------------------------------------------------
msg = b"xpf-userspace-snat-address-persistent-v1\x04\x0a\x00\x01\x64"
d = hashlib.sha256(msg).digest()
check("userspace 10.0.1.100 n=4", userspace.index(4, bytes([10, 0, 1, 100]), 4),
      int.from_bytes(d[:8], "big") % 4)
check("userspace 10.0.1.100 n=4 (the brief's example)",
      userspace.index(4, bytes([10, 0, 1, 100]), 4), 3)

# --- snatpool-xxh3-v1 -------------------------------------------------------
check("xxh3v1 n=1 is 0", xxh3v1.index(4, b"\xff" * 4, 1, common.U64), 0)
h = xxh3v1.xxh3(b"\x06" + bytes(16), 0)
check("xxh3v1 :: n=65536", xxh3v1.index(6, bytes(16), 65536, 0), h >> 48)

# --- jhash2 (linux-nf-persistent) -------------------------------------------
check("jhash2([], 0)", nf.jhash2([], 0), 0xDEADBEEF)   # lookup3 hashword
# lookup3: on little-endian, hashword over words == hashlittle over their
# octets; hashlittle("", 0) = 0xdeadbeef and with initval 0xdeadbeef
# 0xbd5b7dde (lookup3.c driver5), i.e. jhash2 of nothing returns c as is:
check("jhash2([], 0xdeadbeef)", nf.jhash2([], 0xDEADBEEF),
      (0xDEADBEEF + 0xDEADBEEF) & 0xFFFFFFFF)
kernel_file = os.path.join(VECTORS, "linux-nf-persistent-kernel.jsonl")
if os.path.exists(kernel_file):
    agree = total = 0
    with open(kernel_file) as f:
        for text in f:
            v = json.loads(text)
            lo, hi = (ipaddress.ip_address(x) for x in v["pool"].split("-"))
            src = ipaddress.ip_address(v["src"]).packed
            total += 1
            agree += nf.index(src, int(hi) - int(lo) + 1) == v["index"]
    check("jhash model vs %d kernel observations" % total, agree, total)
else:
    check("kernel observations present", False, True)

# --- Maglev model -----------------------------------------------------------
M = maglev.DEFAULT_SIZE
check("maglev default M = 262139", M, 262139)
check("maglev default M is the largest prime below 2^18",
      [m for m in range(M, 1 << 18) if maglev.is_prime(m)], [M])
for bad_m in (1000, 7):
    try:
        maglev.build(4, common.parse_spec("198.51.100.0/29")[4], 0, bad_m)
        check("maglev M=%d refused for n=8" % bad_m, "accepted", "refused")
    except ValueError:
        check("maglev M=%d refused for n=8" % bad_m, "refused", "refused")

pool7 = common.parse_spec("198.51.100.20-198.51.100.26")[4]
t7 = maglev.build(4, pool7, 0)
c7 = Counter(t7)
check("maglev n=7 table full", -1 in c7, False)
check("maglev n=7 floor/ceil shares", sorted(set(c7.values())),
      sorted({M // 7, -(-M // 7)}))
shuffled = [pool7[i] for i in (3, 6, 0, 5, 1, 4, 2)]
ts = maglev.build(4, shuffled, 0)
check("maglev order independence",
      all(pool7[a] == shuffled[b] for a, b in zip(t7, ts)), True)
# Removing one address (same M) moves its own slots and <= 1% of the rest.
pool64 = common.parse_spec("198.51.100.64/26")[4]
t64 = maglev.build(4, pool64, 0xDEADBEEF)
minus = pool64[:17] + pool64[18:]
t63 = maglev.build(4, minus, 0xDEADBEEF)
moved = sum(1 for a, b in zip(t64, t63)
            if a != 17 and pool64[a] != minus[b])
check("maglev churn of other addresses <= 1%", moved <= M // 100, True)
# The population exactly as docs/algorithms.md writes it (next[a] and
# perm(a, j) recomputed), against the model's incremental walk.


def maglev_literal(fam, addrs, seed, m):
    canon = sorted(range(len(addrs)), key=lambda i: addrs[i].packed)
    keys = {i: bytes([fam]) + addrs[i].packed for i in canon}
    off = {i: xxh3v1.xxh3(keys[i], seed) % m for i in canon}
    skip = {i: xxh3v1.xxh3(keys[i], seed ^ 0x9E3779B97F4A7C15) % (m - 1) + 1
            for i in canon}
    nxt, entry, filled = {i: 0 for i in canon}, [None] * m, 0
    while True:
        for a in canon:
            c = (off[a] + nxt[a] * skip[a]) % m
            while entry[c] is not None:
                nxt[a] += 1
                c = (off[a] + nxt[a] * skip[a]) % m
            entry[c] = a
            nxt[a] += 1
            filled += 1
            if filled == m:
                return entry


for spec, fam, seed, m in (("2001:db8::1-2001:db8::2", 6, 0, 5),
                           ("198.51.100.9,198.51.100.3,198.51.100.5", 4, 1, 7),
                           ("198.51.100.20-198.51.100.26", 4, common.U64, 1031),
                           ("2001:db8:4::20/123,2001:db8:4::/123", 6, 0, 4099)):
    addrs = common.parse_spec(spec)[fam]
    check("maglev %s M=%d as written" % (spec, m),
          maglev.build(fam, addrs, seed, m), maglev_literal(fam, addrs, seed, m))

# --- spec parser -------------------------------------------------------------
fams = common.parse_spec(" 2001:db8::/127 ,198.51.100.2,198.51.100.0-198.51.100.1")
check("spec v4 order", [str(a) for a in fams[4]],
      ["198.51.100.2", "198.51.100.0", "198.51.100.1"])
check("spec v6", [str(a) for a in fams[6]], ["2001:db8::", "2001:db8::1"])
check("spec A-A", len(common.parse_spec("10.0.0.1-10.0.0.1")[4]), 1)
check("spec /16", len(common.parse_spec("100.64.0.0/16")[4]), 65536)
for bad in ("10.0.0.2-10.0.0.1", "10.0.0.1-2001:db8::1", "10.0.0.1/24",
            "10.0.0.1,10.0.0.1", "", "10.0.0.0/15", "10.0.0.256",
            "100.64.0.0/16,10.0.0.1"):
    try:
        common.parse_spec(bad)
        check("spec %r rejected" % bad, "accepted", "rejected")
    except common.SpecError:
        check("spec %r rejected" % bad, "rejected", "rejected")
check("nf_range carry past 32 bits",
      common.nf_range(common.parse_spec("2001:db8::ffff:ffff-2001:db8::1:0:0")[6]),
      False)
check("nf_range list", common.nf_range(common.parse_spec("10.0.0.1,10.0.0.0")[4]),
      False)

# --- NAT64 models ------------------------------------------------------------
# The legacy model reads xpf's union with ctypes; it must equal LE32 of the
# first four octets, and every source of one /32 must share its address.
src6 = ipaddress.ip_address("2001:db8::1").packed
check("legacy nat64 2001:db8::1 n=7", legacy.nat64_index(src6, 7),
      0xB80D0120 % 7)
check("legacy nat64 == le32 mod n", all(
      legacy.nat64_index(a.packed, n) == common.le32(a.packed) % n
      for a in common.nat64_sources() for n in (1, 2, 3, 7, 256, 257, 65536)),
      True)
check("legacy nat64 /32 collapse", len({
      legacy.nat64_index(ipaddress.ip_address("2001:db8:%x::%x" % (i, i * 7)).packed,
                         257) for i in range(64)}), 1)
check("xxh3 nat64 key octet", xxh3v1.NAT64_KEY, 64)
check("xxh3 nat64 differs from the IPv6 key",
      xxh3v1.hash_nat64(src6, 0) != xxh3v1.hash_src(6, src6, 0), True)
t4 = common.parse_spec("198.51.100.1-198.51.100.8")[4]
t4r = list(reversed(t4))
check("maglev nat64 order independence", all(
      t4[maglev.pick_nat64(t4, 0, a)] == t4r[maglev.pick_nat64(t4r, 0, a)]
      for a in common.nat64_sources()), True)

# --- committed files: format ---------------------------------------------
KEYS = ["schema", "algo", "algo_id", "family", "pool", "seed", "src", "index",
        "address"]
FILES = {
    "xpf-legacy-v0.jsonl": ("xpf-legacy-v0", legacy),
    "xpf-userspace-v1.jsonl": ("xpf-userspace-v1", userspace),
    "linux-nf-persistent.jsonl": ("linux-nf-persistent", nf),
    "linux-nf-persistent-kernel.jsonl": ("linux-nf-persistent", None),
    "snatpool-xxh3-v1.jsonl": ("snatpool-xxh3-v1", xxh3v1),
    "snatpool-maglev-v1.jsonl": ("snatpool-maglev-v1", maglev),
}
KEYS_X = ["schema", "algo", "algo_id", "family", "xfamily", "pool", "seed",
          "src", "index", "address"]
FILES_X = {             # cross-family (NAT64) lines, schema /2
    "xpf-legacy-v0.nat64.jsonl": ("xpf-legacy-v0", legacy),
    "snatpool-xxh3-v1.nat64.jsonl": ("snatpool-xxh3-v1", xxh3v1),
    "snatpool-maglev-v1.nat64.jsonl": ("snatpool-maglev-v1", maglev),
}


def check_file(name, algo, ok):
    """Check every line of the committed file @name with ok(algo, text, v),
    v the parsed line; print the first three bad ones."""
    path = os.path.join(VECTORS, name)
    if not os.path.exists(path):
        check("%s present" % name, False, True)
        return
    bad = lines = 0
    with open(path) as f:
        for text in f:
            lines += 1
            if not ok(algo, text, json.loads(text)):
                bad += 1
                if bad <= 3:
                    print("FAIL %s:%d: %s" % (name, lines, text.rstrip()))
    check("%s: %d lines well-formed" % (name, lines), bad, 0)
    check("%s: < 2 MB" % name, os.path.getsize(path) < 2_000_000, True)


@functools.lru_cache(maxsize=None)
def pool(spec):
    return common.parse_spec(spec)


def xfamily_ok(algo, text, v):
    src = ipaddress.ip_address(v["src"])
    address = ipaddress.ip_address(v["address"])
    ok = (list(v) == KEYS_X and v["schema"] == common.SCHEMA_XFAMILY and
          v["algo"] == algo and v["algo_id"] == common.ALGO_IDS[algo] and
          v["family"] == 6 and v["xfamily"] == 4 and
          src.version == 6 and address.version == 4 and
          text == common.line_xfamily(algo, v["pool"], v["seed"], src,
                                      v["index"], address) + "\n")
    addrs = pool(v["pool"])[4] if ok else []
    return ok and 0 <= v["index"] < len(addrs) and addrs[v["index"]] == address


def single_ok(algo, text, v):
    src = ipaddress.ip_address(v["src"])
    address = ipaddress.ip_address(v["address"])
    ok = (list(v) == KEYS and v["schema"] == common.SCHEMA and
          v["algo"] == algo and v["algo_id"] == common.ALGO_IDS[algo] and
          v["family"] == src.version and
          text == common.line(algo, v["pool"], v["seed"], src, v["index"],
                              address) + "\n")
    addrs = pool(v["pool"])[src.version]
    return ok and 0 <= v["index"] < len(addrs) and addrs[v["index"]] == address


for name, (algo, _) in FILES_X.items():
    check_file(name, algo, xfamily_ok)
for name, (algo, _) in FILES.items():
    check_file(name, algo, single_ok)

# --- --full: regenerate and compare --------------------------------------
if "--full" in sys.argv[1:]:
    for files, args in ((FILES, []), (FILES_X, ["--nat64"])):
        for name, (algo, mod) in files.items():
            if mod is None:
                continue
            with open(os.path.join(VECTORS, name)) as f:
                check("%s regenerates identically" % name,
                      common.run_main(mod.main, args) == f.read(), True)

common.check_done()

#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Vectors of snatpool-maglev-v1 (algorithm 5): python3-xxhash plus a
plain-Python Maglev table written from docs/algorithms.md alone.

    M      = the pool's table size: 262139 (the largest prime below 2^18)
             unless the pool sets maglev_size; vectors carry no size, so
             they all use the default
    offset = XXH3(fam || a, s) mod M
    skip   = XXH3(fam || a, s ^ 0x9e3779b97f4a7c15) mod (M - 1) + 1
    table  = Maglev population over the addresses in canonical (octet)
             order; each entry holds the configured-order index
    index  = table[mulhi(XXH3(fam || src, s), M)]

NAT64 (--nat64): an IPv6 source looks up the pool's IPv4 table (built as
above, fam 4) at mulhi(XXH3(64 || src6, s), M).

Usage: /usr/bin/python3 tests/vectors/gen/snatpool_maglev_v1.py \\
           > tests/vectors/snatpool-maglev-v1.jsonl
       /usr/bin/python3 tests/vectors/gen/snatpool_maglev_v1.py --nat64 \\
           > tests/vectors/snatpool-maglev-v1.nat64.jsonl
Depends on: python3-xxhash (check_gen.py proves it first).

Cost: the population is pure Python, a fraction of a second per table of
262139 slots; every pool (n = 1 to 65536) is covered with every seed.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import snatpool_xxh3_v1 as xxh3v1  # noqa: E402

ALGO = "snatpool-maglev-v1"
SKIP_SEED = 0x9E3779B97F4A7C15
DEFAULT_SIZE = 262139   # SNATPOOL_MAGLEV_SIZE: the largest prime below 2^18


def is_prime(m):
    if m < 2:
        return False
    if m % 2 == 0:
        return m == 2
    d = 3
    while d * d <= m:
        if m % d == 0:
            return False
        d += 2
    return True


def build(fam, addrs, seed, m=DEFAULT_SIZE):
    """The table of one family: @m entries, each a configured-order index."""
    n = len(addrs)
    if not is_prime(m) or m < n:
        raise ValueError("table size %d: not a prime >= %d" % (m, n))
    # Canonical order: by octets, unsigned, memcmp; equal to numeric order
    # for fixed-length network-order octets.
    canon = sorted(range(n), key=lambda i: addrs[i].packed)
    pos = []            # current candidate slot of each address
    skips = []
    for i in canon:
        key = bytes([fam]) + addrs[i].packed
        offset = xxh3v1.xxh3(key, seed) % m
        skip = xxh3v1.xxh3(key, seed ^ SKIP_SEED) % (m - 1) + 1
        pos.append(offset)
        skips.append(skip)
    entry = [-1] * m
    filled = 0
    while True:
        for k in range(n):
            c = pos[k]
            skip = skips[k]
            # perm(a, next[a]), advanced one step at a time: offset + j*skip
            while entry[c] >= 0:
                c += skip
                if c >= m:
                    c -= m
            entry[c] = canon[k]
            c += skip
            pos[k] = c - m if c >= m else c
            filled += 1
            if filled == m:
                return entry


_tables = {}


def table(fam, addrs, seed):
    # Keyed by the list's identity; the cache holds the list, so its id
    # cannot be reused while the entry lives.  One table at a time.
    key = (fam, id(addrs), seed)
    if key not in _tables:
        _tables.clear()
        _tables[key] = (addrs, build(fam, addrs, seed))
    return _tables[key][1]


def index(fam, src, addrs, seed):
    t = table(fam, addrs, seed)
    return t[common.mulhi(xxh3v1.hash_src(fam, src, seed), len(t))]


def pick(fam, addrs, seed, src):
    return index(fam, src.packed, addrs, seed)


def pick_nat64(addrs4, seed, src):
    t = table(4, addrs4, seed)
    return t[common.mulhi(xxh3v1.hash_nat64(src.packed, seed), len(t))]


def main():
    common.main(ALGO, pick, pick_nat64, few_seeds=common.SEEDS[1:])


if __name__ == "__main__":
    main()

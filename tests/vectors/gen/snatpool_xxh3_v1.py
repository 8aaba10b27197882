#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Vectors of snatpool-xxh3-v1 (algorithm 4), with Debian's python3-xxhash.

    h     = XXH3_64bits_withSeed(fam || src, seed)
    index = mulhi(h, n)                 (high 64 bits of the 128-bit product)

NAT64 (--nat64): an IPv6 source among the pool's IPv4 addresses,

    h     = XXH3_64bits_withSeed(64 || src6, seed)   (key octet 64, 17 octets)
    index = mulhi(h, n4)

Usage: /usr/bin/python3 tests/vectors/gen/snatpool_xxh3_v1.py \\
           > tests/vectors/snatpool-xxh3-v1.jsonl
       /usr/bin/python3 tests/vectors/gen/snatpool_xxh3_v1.py --nat64 \\
           > tests/vectors/snatpool-xxh3-v1.nat64.jsonl
Depends on: python3-xxhash (apt; it links the system libxxhash).  Run
check_gen.py first: it proves that module against xxHash's own vectors.
"""

import os
import sys

import xxhash

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

ALGO = "snatpool-xxh3-v1"


def xxh3(data, seed):
    # python-xxhash silently reduces seeds modulo 2^64; refuse instead.
    if not 0 <= seed <= common.U64:
        raise ValueError("seed out of u64 range")
    return xxhash.xxh3_64_intdigest(data, seed=seed)


NAT64_KEY = 64          # key octet of an IPv6 source choosing an IPv4 address


def hash_src(fam, src, seed):
    key = bytes([fam]) + src
    assert len(key) == (5 if fam == 4 else 17)
    return xxh3(key, seed)


def hash_nat64(src6, seed):
    key = bytes([NAT64_KEY]) + src6
    assert len(key) == 17
    return xxh3(key, seed)


def index(fam, src, n, seed):
    return common.mulhi(hash_src(fam, src, seed), n)


def pick(fam, addrs, seed, src):
    return index(fam, src.packed, len(addrs), seed)


def pick_nat64(addrs4, seed, src):
    return common.mulhi(hash_nat64(src.packed, seed), len(addrs4))


def main():
    common.main(ALGO, pick, pick_nat64, few_seeds=common.SEEDS[1:])


if __name__ == "__main__":
    main()

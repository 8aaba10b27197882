#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Vectors of xpf-legacy-v0 (algorithm 1), in plain Python.

    IPv4: index = LE32(src[0..3]) mod n
    IPv6: index = (LE32(src[0..3]) ^ LE32(src[4..7]) ^ LE32(src[8..11])
                   ^ LE32(src[12..15])) mod n

Usage: /usr/bin/python3 tests/vectors/gen/xpf_legacy_v0.py \\
           > tests/vectors/xpf-legacy-v0.jsonl
Depends on: nothing but the Python standard library.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

ALGO = "xpf-legacy-v0"


def index(fam, src, n):
    """@src: 4 or 16 network-order octets."""
    if fam == 4:
        return common.le32(src) % n
    x = 0
    for off in (0, 4, 8, 12):
        x ^= common.le32(src, off)
    return x % n


def pick(fam, addrs, seed, src):
    return index(fam, src.packed, len(addrs))


def main():
    common.emit(common.generate(ALGO, pick))


if __name__ == "__main__":
    main()

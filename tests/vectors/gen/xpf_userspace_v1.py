#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Vectors of xpf-userspace-v1 (algorithm 2), with Python's hashlib.

    d     = SHA-256("xpf-userspace-snat-address-persistent-v1" || fam || src)
    index = BE64(d[0..7]) mod n

Usage: /usr/bin/python3 tests/vectors/gen/xpf_userspace_v1.py \\
           > tests/vectors/xpf-userspace-v1.jsonl
Depends on: Python's hashlib (OpenSSL's SHA-256 under CPython).
"""

import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

ALGO = "xpf-userspace-v1"
TAG = b"xpf-userspace-snat-address-persistent-v1"
assert len(TAG) == 40


def index(fam, src, n):
    msg = TAG + bytes([fam]) + src
    assert len(msg) == (45 if fam == 4 else 57)
    d = hashlib.sha256(msg).digest()
    return int.from_bytes(d[:8], "big") % n


def pick(fam, addrs, seed, src):
    return index(fam, src.packed, len(addrs))


def main():
    common.emit(common.generate(ALGO, pick))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Vectors of linux-nf-persistent (algorithm 3) from a plain-Python model of
the kernel's choice for `snat ip to A-B persistent` (find_best_ips_proto()
in net/netfilter/nf_nat_core.c with NF_NAT_RANGE_PERSISTENT):

    k[0..3] = the source in a 16-octet union nf_inet_addr (IPv4 in octets
              0..3, zeros after), read as four host-order words; x86 is
              little-endian, so k[i] = LE32(u[4i .. 4i+3])
    j       = jhash2(k, 4, initval 0)          (lookup3, <linux/jhash.h>)
    index   = (j * n) >> 32                    (reciprocal_scale)

Only pools whose every family is one ascending contiguous range (IPv6: the
last 32 bits count) are generated; anything else is not defined.

This model is checked against the real kernel by tests/kernel/nf_persistent.sh
(which imports index() from here), whose observations are committed as
tests/vectors/linux-nf-persistent-kernel.jsonl.

Usage: /usr/bin/python3 tests/vectors/gen/linux_nf_persistent.py \\
           > tests/vectors/linux-nf-persistent.jsonl
Depends on: nothing but the Python standard library.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

ALGO = "linux-nf-persistent"
M32 = 0xFFFFFFFF
JHASH_INITVAL = 0xDEADBEEF


def rol32(x, s):
    return ((x << s) | (x >> (32 - s))) & M32


def _mix(a, b, c):
    a = (a - c) & M32; a ^= rol32(c, 4);  c = (c + b) & M32
    b = (b - a) & M32; b ^= rol32(a, 6);  a = (a + c) & M32
    c = (c - b) & M32; c ^= rol32(b, 8);  b = (b + a) & M32
    a = (a - c) & M32; a ^= rol32(c, 16); c = (c + b) & M32
    b = (b - a) & M32; b ^= rol32(a, 19); a = (a + c) & M32
    c = (c - b) & M32; c ^= rol32(b, 4);  b = (b + a) & M32
    return a, b, c


def _final(a, b, c):
    c ^= b; c = (c - rol32(b, 14)) & M32
    a ^= c; a = (a - rol32(c, 11)) & M32
    b ^= a; b = (b - rol32(a, 25)) & M32
    c ^= b; c = (c - rol32(b, 16)) & M32
    a ^= c; a = (a - rol32(c, 4)) & M32
    b ^= a; b = (b - rol32(a, 14)) & M32
    c ^= b; c = (c - rol32(b, 24)) & M32
    return a, b, c


def jhash2(k, initval):
    """The kernel's jhash2() over a list of 32-bit words (any length)."""
    a = b = c = (JHASH_INITVAL + (len(k) << 2) + initval) & M32
    i, left = 0, len(k)
    while left > 3:
        a = (a + k[i]) & M32
        b = (b + k[i + 1]) & M32
        c = (c + k[i + 2]) & M32
        a, b, c = _mix(a, b, c)
        i += 3
        left -= 3
    if left == 0:
        return c
    if left >= 3:
        c = (c + k[i + 2]) & M32
    if left >= 2:
        b = (b + k[i + 1]) & M32
    a = (a + k[i]) & M32
    a, b, c = _final(a, b, c)
    return c


def words(src):
    """@src (4 or 16 octets) as the kernel's union nf_inet_addr, x86 words."""
    u = bytes(src) + bytes(16 - len(src))
    return [common.le32(u, off) for off in (0, 4, 8, 12)]


def index(src, n):
    return (jhash2(words(src), 0) * n) >> 32


def pick(fam, addrs, seed, src):
    return index(src.packed, len(addrs))


def main():
    common.emit(common.generate(ALGO, pick, nf_only=True))


if __name__ == "__main__":
    main()

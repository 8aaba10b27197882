#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Vectors of xpf-legacy-v0 (algorithm 1), in plain Python.

    IPv4: index = LE32(src[0..3]) mod n
    IPv6: index = (LE32(src[0..3]) ^ LE32(src[4..7]) ^ LE32(src[8..11])
                   ^ LE32(src[12..15])) mod n

NAT64 (--nat64): a model of xpf's eBPF C (bpf/xdp/xdp_policy.c at
c0a047ea): the NAT64 branch hands nat_pool_alloc_v4() `meta->src_ip.v4`,
the __be32 member of a union { __be32 v4; __u8 v6[16]; } holding the IPv6
source, and address-persistent pools take `((__u32)src_ip) % num_ips` over
the pool's IPv4 addresses.  The model builds that union with ctypes on an
x86-like (little-endian) host, so the load is the C program's own.

Usage: /usr/bin/python3 tests/vectors/gen/xpf_legacy_v0.py \\
           > tests/vectors/xpf-legacy-v0.jsonl
       /usr/bin/python3 tests/vectors/gen/xpf_legacy_v0.py --nat64 \\
           > tests/vectors/xpf-legacy-v0.nat64.jsonl
Depends on: nothing but the Python standard library.
"""

import ctypes
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


class IpAddr(ctypes.Union):
    """xpf's struct ip_addr (bpf/headers/xpf_common.h)."""
    _fields_ = [("v4", ctypes.c_uint32), ("v6", ctypes.c_uint8 * 16)]


def nat64_index(src6, num_ips):
    """nat_pool_alloc_v4(pool, meta->src_ip.v4, ...) with addr_persistent."""
    if sys.byteorder != "little":
        raise SystemExit("the model needs a little-endian host (xpf runs on x86)")
    u = IpAddr()
    ctypes.memmove(u.v6, src6, 16)
    src_ip = u.v4                       # __be32, as the program reads it
    return (src_ip & 0xFFFFFFFF) % num_ips


def pick_nat64(addrs4, seed, src):
    return nat64_index(src.packed, len(addrs4))


def main():
    common.main(ALGO, pick, pick_nat64)


if __name__ == "__main__":
    main()

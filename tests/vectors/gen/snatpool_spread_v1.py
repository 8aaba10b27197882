#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Vectors of snatpool-spread-v1 (port-block algorithm 1), in plain Python,
written from its definition in docs/algorithms.md ("Port blocks"):

    v = IPv4: the address; IPv6: the first 64 bits >> (64 - prefix_len)
    i = v - base (a subscriber iff 0 <= i < count)
    address index = i mod n, block = i div n,
    ports = port_lo + block * size .. port_lo + (block + 1) * size - 1

Usage: /usr/bin/python3 tests/vectors/gen/snatpool_spread_v1.py \\
           > tests/vectors/portblock/snatpool-spread-v1.jsonl
Depends on: nothing but the Python standard library.  Never loads libsnatpool.
"""

import ipaddress
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import portblock_common as pc  # noqa: E402

ALGO = "snatpool-spread-v1"


class Plan:
    def __init__(self, cfg):
        base_text, plen = cfg["subscribers"].split("/")
        self.base_addr = ipaddress.ip_address(base_text)
        self.plen = int(plen)
        self.v6 = self.base_addr.version == 6
        self.count = cfg["count"]
        self.size = cfg["block_size"]
        self.lo, self.hi = cfg["ports"]
        self.addrs = common.parse_spec(cfg["pool"])[cfg.get("xfamily", 4)]
        self.n = len(self.addrs)
        self.blocks = (self.hi - self.lo + 1) // self.size
        if not self.count or not self.size or not self.blocks or \
                -(-self.count // self.n) > self.blocks:
            raise pc.ConfigError("geometry")
        self.base = self.value(self.base_addr)

    def value(self, a):
        if not self.v6:
            return int(a)
        return (int(a) >> 64) >> (64 - self.plen)

    def forward(self, src):
        if src.version != self.base_addr.version:
            return None
        i = self.value(src) - self.base
        if not 0 <= i < self.count:
            return None
        block = i // self.n
        lo = self.lo + block * self.size
        return self.addrs[i % self.n], lo, lo + self.size - 1, i

    def ident(self, i):
        if not self.v6:
            return ipaddress.IPv4Address(self.base + i)
        return ipaddress.IPv6Address(((self.base + i) << (64 - self.plen)) << 64)

    def subscribers(self):
        for i in range(self.count):
            yield i, self.ident(i), self.ident(i)

    def sources(self, rng):
        subs = {0, 1, self.count // 2, self.count - 1} | \
            {rng.randrange(self.count) for _ in range(5)}
        out = [self.ident(i) for i in sorted(subs)]
        if self.v6:
            out.append(ipaddress.IPv6Address(int(self.ident(self.count - 1)) | 0x1234))
            out.append(ipaddress.IPv6Address((int(self.ident(self.count - 1)) +
                                              (1 << (128 - self.plen)))))
        else:
            out.append(ipaddress.IPv4Address(min(self.base + self.count, 2**32 - 1)))
        if self.base:
            out.append(ipaddress.ip_address(int(self.ident(0)) - 1))
        return out

    def addresses(self):
        return self.addrs

    def foreign(self):
        return [ipaddress.IPv4Address("192.0.2.250")]


class Model:
    @staticmethod
    def compile(cfg):
        return Plan(cfg)


CONFIGS = [
    {"pool": "198.51.100.1-198.51.100.4", "ports": (1024, 65535),
     "subscribers": "10.0.0.0/32", "count": 1000, "block_size": 256},
    {"pool": "198.51.100.9,198.51.100.3,198.51.100.200", "ports": (2000, 2999),
     "subscribers": "172.16.5.3/32", "count": 29, "block_size": 100},
    {"pool": "203.0.113.0/30", "ports": (1024, 65535),
     "subscribers": "2001:db8:1::/48", "count": 100, "block_size": 2000},
    {"pool": "203.0.113.5", "ports": (1, 65535),
     "subscribers": "2001:db8:0:100::/56", "count": 7, "block_size": 9000},
]


def main():
    for c in CONFIGS:
        c["algo"] = ALGO
    pc.emit(pc.generate(Model, CONFIGS, 0x5b))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Vectors of vpp-det44-v0 (port-block algorithm 3): a model of FD.io VPP's
det44 plugin written from VPP's code at commit
b575ec2c56d7da5da54ab34ccdd3c019ac8cb642 (github.com/FDio/vpp):

  * src/plugins/nat/det44/det44.c snat_det_add_map: in and out addresses
    masked to their prefixes, sharing_ratio = (1 << (32 - in_plen)) /
    (1 << (32 - out_plen)) (u32), ports_per_host = (65535 - 1023) /
    sharing_ratio (u16);
  * src/plugins/nat/det44/det44.h snat_det_map_by_user (is_addr_in_net on
    the inside prefix) and snat_det_forward: in_offset = src - in_addr,
    out = out_addr + in_offset / sharing_ratio, lo_port = 1024 +
    ports_per_host * (in_offset % sharing_ratio) (u16);
  * src/plugins/nat/det44/det44_in2out.c: the session port is lo_port +
    (sport + i) % ports_per_host, so the block is lo_port ..
    lo_port + ports_per_host - 1.

The pool is the outside prefix, written PREFIX/LEN.  A configuration where
the ratio is 0 (inside prefix longer than the outside one: VPP divides by
zero) is refused, as libsnatpool refuses it.  Reverse answers are the
brute-force inverse of forward, not VPP's snat_det_reverse (which names a
subscriber for ports in the tail past 1024 + ratio * ports_per_host).

Usage: /usr/bin/python3 tests/vectors/gen/vpp_det44_v0.py \\
           > tests/vectors/portblock/vpp-det44-v0.jsonl
Depends on: nothing but the Python standard library.  Never loads libsnatpool.
"""

import ipaddress
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import portblock_common as pc  # noqa: E402

ALGO = "vpp-det44-v0"
U32 = 0xffffffff


def u32(a):
    return int.from_bytes(a.packed, "big")


class Plan:
    def __init__(self, cfg):
        inside = pc.net(cfg["subscribers"])
        out = pc.net(cfg["pool"])
        if cfg["ports"] != (1024, 65535):
            raise pc.ConfigError("det44 uses ports 1024-65535")
        self.in_addr, self.in_plen = u32(inside.network_address), inside.prefixlen
        self.out_addr, self.out_plen = u32(out.network_address), out.prefixlen
        ratio = ((1 << (32 - self.in_plen)) // (1 << (32 - self.out_plen))) & U32
        if ratio == 0:
            raise pc.ConfigError("VPP divides by zero")
        self.sharing_ratio = ratio
        self.ports_per_host = ((65535 - 1023) // ratio) & 0xffff
        if self.ports_per_host == 0:
            raise pc.ConfigError("no port per host")
        bs = cfg.get("block_size", 0)
        if bs and bs != self.ports_per_host:
            raise pc.ConfigError("block size disagrees")

    def in_net(self, a):
        mask = (U32 << (32 - self.in_plen)) & U32
        return (a & mask) == self.in_addr

    def forward(self, src):
        a = u32(src)
        if not self.in_net(a):          # snat_det_map_by_user
            return None
        in_offset = (a - self.in_addr) & U32
        out_offset = in_offset // self.sharing_ratio
        out = ipaddress.IPv4Address((self.out_addr + out_offset) & U32)
        lo = (1024 + self.ports_per_host * (in_offset % self.sharing_ratio)) & 0xffff
        ports = {(lo + (sport + 0) % self.ports_per_host) & 0xffff
                 for sport in range(self.ports_per_host)}   # i = 0, every sport
        assert len(ports) == self.ports_per_host
        return out, min(ports), max(ports), in_offset

    def subscribers(self):
        for off in range(1 << (32 - self.in_plen)):
            a = ipaddress.IPv4Address(self.in_addr + off)
            yield off, a, a

    def sources(self, rng):
        n = 1 << (32 - self.in_plen)
        subs = {0, 1, n // 2, n - 1} | {rng.randrange(n) for _ in range(6)}
        out = [ipaddress.IPv4Address(self.in_addr + s) for s in sorted(subs)]
        for v in (self.in_addr - 1, self.in_addr + n, 0, U32):
            if 0 <= v <= U32 and not self.in_net(v):
                out.append(ipaddress.IPv4Address(v))
        return out

    def addresses(self):
        return [ipaddress.IPv4Address(self.out_addr + i)
                for i in range(1 << (32 - self.out_plen))]

    def foreign(self):
        n = 1 << (32 - self.out_plen)
        return [ipaddress.IPv4Address(v) for v in (self.out_addr - 1, self.out_addr + n)
                if 0 <= v <= U32]


class Model:
    @staticmethod
    def compile(cfg):
        return Plan(cfg)


CONFIGS = [
    # VPP's documented example: 10.0.0.0/21 inside, 1.1.1.0/28 outside (ratio 128)
    {"pool": "1.1.1.0/28", "subscribers": "10.0.0.0/21"},
    {"pool": "198.51.100.0/30", "subscribers": "100.64.0.0/24"},
    {"pool": "198.51.100.8/29", "subscribers": "100.64.0.0/26", "block_size": 8064},
    {"pool": "203.0.113.0/24", "subscribers": "10.1.0.0/24"},          # ratio 1
    {"pool": "203.0.113.7/32", "subscribers": "10.2.0.0/21"},           # ratio 2048: tail
    {"pool": "192.0.2.0/31", "subscribers": "10.3.0.0/17"},             # ratio 32768
]


def main():
    for c in CONFIGS:
        c["algo"] = ALGO
        c["ports"] = (1024, 65535)
    pc.emit(pc.generate(Model, CONFIGS, 0x44))


if __name__ == "__main__":
    main()

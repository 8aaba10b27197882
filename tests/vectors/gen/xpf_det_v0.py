#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Vectors of xpf-det-v0 (port-block algorithm 2): a model of xpf's
deterministic CGNAT written from xpf's code at commit
c0a047ea5e2ba7a6e5fe68ede86e8d85d76e56e4 (github.com/psaab/xpf):

  * pkg/config/compiler_nat.go, "Validate deterministic NAT pools":
    block-size > 0, port range defaults 1024-65535, block-size <= range,
    blocksPerIP = range / block-size, IPv6 host prefix /32 or /64 only,
    IPv4 pools need len(addresses) * blocksPerIP >= 2^(32 - ones);
  * pkg/dataplane/compiler_nat.go: BlockSize, BlocksPerIP (uint16),
    HostBase (the masked network), HostCount = 1 << (32 - ones) for IPv4,
    len(v4IPs) * BlocksPerIP for IPv6, HostBaseV6 words;
  * bpf/xdp/xdp_policy.c nat_pool_alloc_deterministic_v4 / _v6 (and the
    same steps inline in dpdk_worker/policy.c and nat64.c):
    sub_idx = ntohl(src) - ntohl(host_base) (src >= base, < host_count),
    ip_idx = sub_idx / bpi, block_idx = sub_idx % bpi, ip_idx < num_ips,
    nonzero pool IP, port_start = port_low + block_idx * block_size,
    port = (u16)(port_start + counter % block_size), port <= port_high.
    IPv6: the 32-bit word at octets 4-7 (/32) or 8-11 (/64) of src and
    base; no other octet is compared.

The block a subscriber gets is every port the per-pool counter can give
it: the model enumerates them and requires one contiguous run.  Flag 1
(SNATPOOL_PB_F_STRICT, libsnatpool's, not xpf's) also requires the prefix
octets of an IPv6 source to equal the base's.

Usage: /usr/bin/python3 tests/vectors/gen/xpf_det_v0.py \\
           > tests/vectors/portblock/xpf-det-v0.jsonl
Depends on: nothing but the Python standard library.  Never loads libsnatpool.
"""

import ipaddress
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import portblock_common as pc  # noqa: E402

ALGO = "xpf-det-v0"
MAX_NAT_POOL_IPS_PER_POOL = 256
U32 = 0xffffffff


def ntohl(octets):
    return int.from_bytes(octets, "big")


class Plan:
    def __init__(self, cfg):
        self.cfg = cfg
        # pkg/config/compiler_nat.go
        bs = cfg["block_size"]
        if bs <= 0:
            raise pc.ConfigError("block-size must be > 0")
        host = pc.net(cfg["subscribers"])
        ones = host.prefixlen
        port_low, port_high = cfg["ports"]
        if port_low == 0:
            port_low = 1024
        if port_high == 0:
            port_high = 65535
        port_range = port_high - port_low + 1
        if bs > port_range:
            raise pc.ConfigError("block-size exceeds port range")
        bpi_cfg = port_range // bs
        v4ips = common.parse_spec(cfg["pool"])[4]
        total = len(v4ips) * bpi_cfg
        if host.version == 6:
            if ones not in (32, 64):
                raise pc.ConfigError("IPv6 host prefix must be /32 or /64")
            if total == 0:
                raise pc.ConfigError("insufficient capacity (0 blocks)")
        else:
            if total < (1 << (32 - ones)):
                raise pc.ConfigError("insufficient capacity")
        # pkg/dataplane/compiler_nat.go
        self.block_size = bs & 0xffff
        self.bpi = (port_range // bs) & 0xffff
        self.port_low, self.port_high = port_low & 0xffff, port_high & 0xffff
        self.v6 = host.version == 6
        if self.v6:
            self.prefix_len = ones
            self.host_count = (len(v4ips) * self.bpi) & U32
            self.host_base_v6 = host.network_address.packed
        else:
            self.host_base = ntohl(host.network_address.packed)
            self.host_count = (1 << (32 - ones)) & U32   # Go: uint32(1) << 32 == 0
        self.num_ips = len(v4ips) & 0xffff
        self.ips = {i: ip for i, ip in enumerate(v4ips) if i < MAX_NAT_POOL_IPS_PER_POOL}
        self.host = host
        self.strict = bool(cfg.get("flags", 0) & 1)

    # bpf/xdp/xdp_policy.c nat_pool_alloc_deterministic_v4/_v6
    def sub_idx(self, src):
        if not self.v6:
            src_h, base_h = ntohl(src.packed), self.host_base
        else:
            w = 8 if self.prefix_len == 64 else 4
            src_h = ntohl(src.packed[w:w + 4])
            base_h = ntohl(self.host_base_v6[w:w + 4])
            if self.strict and src.packed[:w] != self.host_base_v6[:w]:
                return None
        if src_h < base_h:
            return None
        sub = (src_h - base_h) & U32
        if sub >= self.host_count:
            return None
        return sub

    def forward(self, src):
        if not self.num_ips or not self.block_size or not self.bpi:
            return None
        sub = self.sub_idx(src)
        if sub is None:
            return None
        ip_idx, block_idx = sub // self.bpi, sub % self.bpi
        if ip_idx >= self.num_ips:
            return None
        ip = self.ips.get(ip_idx)
        if ip is None or int(ip) == 0:
            return None
        port_start = (self.port_low + block_idx * self.block_size) & U32
        ports = set()
        for counter in range(self.block_size):     # every value of the counter
            offset = (counter & U32) % self.block_size
            port = (port_start + offset) & 0xffff
            if port <= self.port_high:
                ports.add(port)
        if not ports:
            return None
        lo, hi = min(ports), max(ports)
        assert len(ports) == hi - lo + 1 == self.block_size, "partial block"
        return ip, lo, hi, sub

    def ident(self, sub):
        """The subscriber's address: IPv4 base + sub; IPv6 the base's prefix
        octets with the word base + sub, every other octet zero."""
        if not self.v6:
            return ipaddress.IPv4Address(self.host_base + sub)
        w = 8 if self.prefix_len == 64 else 4
        word = (ntohl(self.host_base_v6[w:w + 4]) + sub) & U32
        b = self.host_base_v6[:w] + word.to_bytes(4, "big")
        return ipaddress.IPv6Address(b + bytes(16 - len(b)))

    def subscribers(self):
        for sub in range(self.host_count):
            yield sub, self.ident(sub), self.ident(sub)

    def sources(self, rng):
        n = self.host_count
        out = []
        for sub in sorted({0, 1, n // 2, n - 1} | {rng.randrange(n) for _ in range(6)}):
            out.append(self.ident(sub))
        if not self.v6:
            base = self.host_base
            for v in (base - 1, base + n, base + n + 1, 0, U32):
                if 0 <= v <= U32:
                    out.append(ipaddress.IPv4Address(v))
            return out
        w = 8 if self.prefix_len == 64 else 4
        for sub in (0, n - 1, n, rng.randrange(n)):
            a = bytearray(self.ident(min(sub, n - 1)).packed)
            if sub == n:        # one past the last word
                a[w:w + 4] = ((ntohl(self.host_base_v6[w:w + 4]) + n) & U32).to_bytes(4, "big")
            out.append(ipaddress.IPv6Address(bytes(a)))
            b = bytearray(a)    # host octets after the word: the same subscriber
            b[15] ^= 0x5a
            b[w + 4 if w + 4 < 16 else 15] ^= 0x81
            out.append(ipaddress.IPv6Address(bytes(b)))
            c = bytearray(a)    # another prefix, same word: xpf does not compare it
            c[0] ^= 0x20
            c[w - 1] ^= 0x01
            out.append(ipaddress.IPv6Address(bytes(c)))
        return out

    def addresses(self):
        return [self.ips[i] for i in sorted(self.ips)]

    def foreign(self):
        ips = set(self.ips.values())
        out = [ipaddress.IPv4Address("192.0.2.77")]
        last = max(ips)
        if int(last) < U32 and last + 1 not in ips:
            out.append(last + 1)
        return [a for a in out if a not in ips]


class Model:
    @staticmethod
    def compile(cfg):
        return Plan(cfg)


CONFIGS = [
    # xpf's own documented example with the capacity its validation needs:
    # 32 addresses x 32 blocks of 2016 for a /22
    {"pool": "203.0.113.0/27", "ports": (1024, 65535), "subscribers": "100.64.0.0/22",
     "block_size": 2016},
    {"pool": "198.51.100.1-198.51.100.4", "ports": (1024, 65535),
     "subscribers": "10.20.0.0/24", "block_size": 1000},
    {"pool": "198.51.100.9,198.51.100.3,198.51.100.200", "ports": (2000, 2999),
     "subscribers": "172.16.5.0/28", "block_size": 100},
    {"pool": "192.0.2.1", "ports": (1, 65535), "subscribers": "10.0.0.7/32",
     "block_size": 65535},
    {"pool": "192.0.2.10-192.0.2.11", "ports": (1024, 65535), "subscribers": "10.9.0.0/20",
     "block_size": 31},
    {"pool": "192.0.2.1-192.0.2.2", "ports": (1024, 1030), "subscribers": "10.0.0.0/30",
     "block_size": 3},
    # IPv6 subscribers (NAT64 mode 2)
    {"pool": "203.0.113.1-203.0.113.8", "ports": (1024, 65535),
     "subscribers": "2001:db8::/32", "block_size": 4096},
    {"pool": "203.0.113.1-203.0.113.8", "ports": (1024, 65535),
     "subscribers": "2001:db8::/32", "block_size": 4096, "flags": 1},
    {"pool": "198.51.100.5,198.51.100.1", "ports": (10000, 20000),
     "subscribers": "2001:db8:aa:bb::/64", "block_size": 500},
    {"pool": "198.51.100.5,198.51.100.1", "ports": (10000, 20000),
     "subscribers": "2001:db8:aa:bb::/64", "block_size": 500, "flags": 1},
]


def main():
    for c in CONFIGS:
        c["algo"] = ALGO
    pc.emit(pc.generate(Model, CONFIGS, 0x7422))


if __name__ == "__main__":
    main()

# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Shared helpers of the port-block vector generators (tests/vectors/gen/).

Like every generator here they never load libsnatpool.  Each port-block
generator is a model written from another system's C (xpf, FD.io VPP) or
from docs/algorithms.md; this module only holds the line format and the
case selection, which say nothing of any algorithm:

  {"schema":"snatpool-portblock-vectors/1","algo":NAME,"algo_id":ID,
   "pool":SPEC,"ports":"LO-HI","subscribers":"BASE/PLEN","count":N,
   "block_size":N,"flags":N,"op":"map","src":ADDR,
   "result":"block","address":ADDR,"port_lo":N,"port_hi":N,"subscriber":N}
  ... "op":"map","src":ADDR,"result":"none"}
  ... "op":"reverse","address":ADDR,"port":N,
      "result":"subscriber","subscriber":N,"subscriber_address":ADDR}
  ... "op":"reverse","address":ADDR,"port":N,"result":"none"}

BASE/PLEN, count, block_size and flags are the fields of
struct snatpool_portblock_opts (count and block_size 0: derived).  Reverse
answers are the brute-force inverse of the model's forward mapping: the one
subscriber whose block holds (address, port), or none.
"""

import ipaddress
import json
import random

import common

SCHEMA = "snatpool-portblock-vectors/1"
PBALGO_IDS = {          # frozen, docs/algorithms.md
    "snatpool-spread-v1": 1,
    "xpf-det-v0": 2,
    "vpp-det44-v0": 3,
}


class ConfigError(ValueError):
    """The modelled system refuses (or would misbehave on) the configuration."""


def head(cfg):
    return {
        "schema": SCHEMA,
        "algo": cfg["algo"],
        "algo_id": PBALGO_IDS[cfg["algo"]],
        "pool": cfg["pool"],
        "ports": "%d-%d" % cfg["ports"],
        "subscribers": cfg["subscribers"],
        "count": cfg.get("count", 0),
        "block_size": cfg.get("block_size", 0),
        "flags": cfg.get("flags", 0),
    }


def dumps(d):
    return json.dumps(d, separators=(",", ":"))


def map_line(cfg, src, res):
    d = head(cfg)
    d["op"] = "map"
    d["src"] = str(src)
    if res is None:
        d["result"] = "none"
    else:
        addr, lo, hi, sub = res
        d.update(result="block", address=str(addr), port_lo=lo, port_hi=hi,
                 subscriber=sub)
    return dumps(d)


def reverse_line(cfg, addr, port, res):
    d = head(cfg)
    d["op"] = "reverse"
    d["address"] = str(addr)
    d["port"] = port
    if res is None:
        d["result"] = "none"
    else:
        sub, subaddr = res
        d.update(result="subscriber", subscriber=sub,
                 subscriber_address=str(subaddr))
    return dumps(d)


def generate(model, cfgs, seed):
    """Yield the lines of every configuration of @cfgs.

    @model has compile(cfg) -> plan (raising ConfigError), and the plan has
    forward(src) -> (address, port_lo, port_hi, subscriber) or None,
    subscribers() -> iterable of (subscriber, source address, its identity
    address), sources(rng) -> interesting sources, and addresses() -> the
    pool addresses it hands out.
    """
    rng = random.Random(seed)
    for cfg in cfgs:
        plan = model.compile(cfg)
        blocks = {}
        for sub, src, ident in plan.subscribers():
            res = plan.forward(src)
            assert res is not None and res[3] == sub, (cfg, src, res)
            addr, lo, hi, _ = res
            for p in (lo, hi):
                key = (addr, p)
                assert key not in blocks, ("two subscribers share", cfg, key)
            blocks[(addr, lo)] = (sub, ident, hi)
        for src in plan.sources(rng):
            yield map_line(cfg, src, plan.forward(src))
        # reverse: edges of blocks, the tail, outside the range, foreign addresses
        by_addr = {}
        for (addr, lo), (sub, ident, hi) in blocks.items():
            by_addr.setdefault(addr, []).append((lo, hi, sub, ident))
        for addr in plan.addresses():
            spans = sorted(by_addr.get(addr, []))
            cand = {0, 1, 1023, 1024, 65535, cfg["ports"][0], cfg["ports"][1],
                    max(cfg["ports"][0] - 1, 0)}
            for lo, hi, _, _ in spans[:3] + spans[-3:]:
                cand |= {lo, hi, min(hi + 1, 65535), max(lo - 1, 0)}
            for _ in range(4):
                cand.add(rng.randrange(0, 65536))
            for p in sorted(cand):
                yield reverse_line(cfg, addr, p, lookup(spans, p))
        for addr in plan.foreign():
            for p in (cfg["ports"][0], 40000):
                yield reverse_line(cfg, addr, p, None)


def lookup(spans, port):
    for lo, hi, sub, ident in spans:
        if lo <= port <= hi:
            return sub, ident
    return None


emit = common.emit      # plain output, shared with the selection generators


def parse_ports(text):
    lo, hi = text.split("-")
    return int(lo), int(hi)


def net(text):
    return ipaddress.ip_network(text, strict=True)

#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Self-check of the port-block generators; never loads libsnatpool.

  * the models on values worked by hand from xpf's documentation and
    VPP's (det44: 10.0.0.0/21 inside, 1.1.1.0/28 outside: ratio 128,
    504 ports per host) and on the configurations both systems refuse;
  * every committed tests/vectors/portblock/*.jsonl regenerated in memory
    and compared byte for byte (the output is deterministic: a difference
    means a generator changed, and frozen algorithms never change).

Usage: /usr/bin/python3 tests/vectors/gen/check_portblock_gen.py
Prints "N passed, N failed"; exit 1 on any failure.
"""

import ipaddress
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import common  # noqa: E402
import portblock_common as pc  # noqa: E402
import snatpool_spread_v1 as spread  # noqa: E402
import vpp_det44_v0 as vpp  # noqa: E402
import xpf_det_v0 as xpf  # noqa: E402
from common import check  # noqa: E402


def refused(model, cfg):
    try:
        model.Model.compile(cfg)
    except pc.ConfigError:
        return True
    return False


A = ipaddress.ip_address
# det44's documented example
p = vpp.Model.compile({"pool": "1.1.1.0/28", "subscribers": "10.0.0.0/21",
                       "ports": (1024, 65535)})
check("det44 ratio", (p.sharing_ratio, p.ports_per_host), (128, 504))
check("det44 10.0.0.0", p.forward(A("10.0.0.0")), (A("1.1.1.0"), 1024, 1527, 0))
check("det44 10.0.0.129", p.forward(A("10.0.0.129")), (A("1.1.1.1"), 1528, 2031, 129))
check("det44 outside", p.forward(A("10.0.8.0")), None)
check("det44 divides by zero", refused(vpp, {"pool": "1.1.1.0/28", "subscribers": "10.0.0.0/29",
                                             "ports": (1024, 65535)}), True)
# xpf: its own documented example lacks capacity; with 32 addresses it fits
doc = {"pool": "203.0.113.1-203.0.113.4", "subscribers": "100.64.0.0/22",
       "block_size": 2016, "ports": (1024, 65535)}
check("xpf doc example refused", refused(xpf, doc), True)
p = xpf.Model.compile(dict(doc, pool="203.0.113.0/27"))
check("xpf bpi", p.bpi, 32)
check("xpf sub 33", p.forward(A("100.64.0.33")), (A("203.0.113.1"), 3040, 5055, 33))
check("xpf below", p.forward(A("100.63.255.255")), None)
p = xpf.Model.compile({"pool": "203.0.113.1-203.0.113.8", "subscribers": "2001:db8::/32",
                       "block_size": 4096, "ports": (1024, 65535)})
check("xpf v6 count", p.host_count, 120)
check("xpf v6 word", p.forward(A("2001:db8:0:10::1"))[3], 16)
check("xpf v6 prefix not compared", p.forward(A("3fff:1:0:10::"))[3], 16)
check("xpf v6 /48 refused", refused(xpf, {"pool": "203.0.113.1", "subscribers": "2001:db8::/48",
                                          "block_size": 100, "ports": (1024, 65535)}), True)
p = spread.Model.compile({"pool": "198.51.100.1-198.51.100.4", "subscribers": "10.0.0.0/32",
                          "count": 1000, "block_size": 256, "ports": (1024, 65535)})
check("spread 5", p.forward(A("10.0.0.5")), (A("198.51.100.2"), 1280, 1535, 5))

for mod, name in ((spread, "snatpool-spread-v1"), (xpf, "xpf-det-v0"), (vpp, "vpp-det44-v0")):
    path = os.path.join(os.path.dirname(HERE), "portblock", name + ".jsonl")
    with open(path) as f:
        committed = f.read()
    check("%s regenerates byte for byte" % name, common.run_main(mod.main) == committed,
          True)

common.check_done()

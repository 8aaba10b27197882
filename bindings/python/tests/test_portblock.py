# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Port-block algorithms through the Python binding: the registry, each
algorithm against the committed golden vectors (written by independent
models of xpf and VPP), the quirks and the refusals."""

import ipaddress
import json
import os
import unittest

import snatpool
from snatpool import Pool

VECTORS = os.path.join(os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__),
                                                                   "..", "..", "..")),
                       "tests", "vectors", "portblock")


def V4(text):
    return ipaddress.IPv4Address(text)


class TestPortBlockAlgos(unittest.TestCase):
    def test_registry(self):
        self.assertEqual(snatpool.port_block_algos(),
                         [(1, "snatpool-spread-v1"), (2, "xpf-det-v0"), (3, "vpp-det44-v0")])
        self.assertEqual(snatpool.port_block_algo("vpp-det44-v0"), 3)
        with self.assertRaises(snatpool.Error):
            snatpool.port_block_algo("xpf-legacy-v0")
        with self.assertRaises(ValueError):
            snatpool.port_block_algo(9)

    def test_xpf(self):
        with Pool("203.0.113.0/27") as pool, \
                snatpool.PortBlock(pool, "100.64.0.0", 0, 2016, prefix_len=22,
                                   algo="xpf-det-v0") as pb:
            self.assertEqual(pb.algo, "xpf-det-v0")
            info = pb.info()
            self.assertEqual((info["count"], info["blocks"], info["block_size"]), (1024, 32, 2016))
            self.assertEqual(len(info["fingerprint"]), 32)
            self.assertEqual(pb.map("100.64.0.33"), (33, 1, V4("203.0.113.1"), (3040, 5055)))
            self.assertEqual(pb.reverse("203.0.113.1", 5055), (33, V4("100.64.0.33")))
            self.assertIsNone(pb.map("100.64.4.0"))

    def test_xpf_v6_strict(self):
        with Pool("203.0.113.1-203.0.113.8") as pool:
            loose = snatpool.PortBlock(pool, "2001:db8::", 0, 4096, prefix_len=32,
                                       algo="xpf-det-v0")
            strict = snatpool.PortBlock(pool, "2001:db8::", 0, 4096, prefix_len=32,
                                        algo="xpf-det-v0", flags=snatpool.PORTBLOCK_STRICT)
            self.assertEqual(loose.map("3fff:0:0:10::1")[0], 16)	# xpf: prefix not compared
            self.assertIsNone(strict.map("3fff:0:0:10::1"))
            self.assertEqual(strict.map("2001:db8:0:10::1")[0], 16)
            loose.close()
            strict.close()

    def test_vpp_refusals(self):
        with Pool("1.1.1.0/28") as pool:
            with snatpool.PortBlock(pool, "10.0.0.0", 0, 0, prefix_len=21,
                                    algo="vpp-det44-v0") as pb:
                self.assertEqual(pb.info()["block_size"], 504)
            with self.assertRaises(snatpool.Error) as cm:
                snatpool.PortBlock(pool, "10.0.0.0", 0, 0, prefix_len=29, algo="vpp-det44-v0")
            self.assertIn("inside /29 longer than outside /28", str(cm.exception))
            with self.assertRaises(snatpool.Error) as cm:
                snatpool.PortBlock(pool, "10.0.0.0", 0, 500, prefix_len=21, algo="vpp-det44-v0")
            self.assertIn("block_size=500", str(cm.exception))

    def test_vectors(self):
        """Every committed port-block vector through PortBlock.map/reverse."""
        plans = {}
        n = 0
        for name in ("snatpool-spread-v1", "xpf-det-v0", "vpp-det44-v0"):
            with open(os.path.join(VECTORS, name + ".jsonl")) as f:
                for line in f:
                    v = json.loads(line)
                    key = (v["algo"], v["pool"], v["ports"], v["subscribers"], v["count"],
                           v["block_size"], v["flags"])
                    if key not in plans:
                        lo, hi = (int(x) for x in v["ports"].split("-"))
                        pool = Pool(v["pool"], ports=(lo, hi))
                        base, plen = v["subscribers"].split("/")
                        xf = 6 if ":" in v["pool"] else 4
                        plans[key] = (pool, snatpool.PortBlock(
                            pool, base, v["count"], v["block_size"], prefix_len=int(plen),
                            xfamily=xf, algo=v["algo"], flags=v["flags"]))
                    pb = plans[key][1]
                    if v["op"] == "map":
                        src = ipaddress.ip_address(v["src"])
                        got = pb.map(src) if (src.version == 4) == ("." in v["subscribers"]) \
                            else None
                        want = None if v["result"] == "none" else \
                            (v["subscriber"], ipaddress.ip_address(v["address"]),
                             (v["port_lo"], v["port_hi"]))
                        if got is not None:
                            got = (got[0], got[2], got[3])
                    else:
                        got = pb.reverse(v["address"], v["port"])
                        want = None if v["result"] == "none" else \
                            (v["subscriber"], ipaddress.ip_address(v["subscriber_address"]))
                    self.assertEqual(got, want, line)
                    n += 1
        for pool, pb in plans.values():
            pb.close()
            pool.close()
        self.assertGreater(n, 4000)


if __name__ == "__main__":
    unittest.main()

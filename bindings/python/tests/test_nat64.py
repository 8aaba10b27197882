# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""NAT64 selection of the snatpool package: Pool.select_nat64() and
Pool.select_many_nat64() against the committed NAT64 vectors (computed by
tests/vectors/gen/, never by the library), and their errors."""

import glob
import ipaddress
import json
import os
import unittest

import snatpool
from snatpool import Algo, Code, InvalidInput, Pool

TOP = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..", "..", "..")


class TestNAT64(unittest.TestCase):
    def test_vectors(self):
        files = sorted(glob.glob(os.path.join(TOP, "tests", "vectors", "*.nat64.jsonl")))
        self.assertEqual(len(files), 3, files)
        checked = 0
        for path in files:
            pool, key = None, None
            batch = []
            with open(path) as f:
                for line in f:
                    v = json.loads(line)
                    self.assertEqual((v["schema"], v["family"], v["xfamily"]),
                                     (snatpool.capi.SNATPOOL_VECTORS_SCHEMA_XFAMILY, 6, 4))
                    if (v["pool"], v["seed"]) != key:
                        if pool:
                            pool.close()
                        key = (v["pool"], v["seed"])
                        pool = Pool(v["pool"], seed=v["seed"])
                    sel = pool.select_nat64(v["src"], v["algo"])
                    self.assertEqual(sel.index, v["index"], line)
                    self.assertEqual(sel.address, ipaddress.IPv4Address(v["address"]), line)
                    self.assertEqual(pool.select_many_nat64([v["src"]] * 3, v["algo"]),
                                     [v["index"]] * 3)
                    checked += 1
            pool.close()
        self.assertGreater(checked, 10000)

    def test_errors(self):
        with Pool("198.51.100.1-198.51.100.4,2001:db8::/126") as pool:
            for algo in (Algo.XPF_USERSPACE_V1, Algo.LINUX_NF_PERSIST):
                with self.assertRaises(InvalidInput) as cm:
                    pool.select_nat64("2001:db8::1", algo)
                self.assertEqual(cm.exception.code, Code.ENONAT64)
                self.assertEqual(cm.exception.name, "SNATPOOL_ENONAT64")
                with self.assertRaises(InvalidInput) as cm:
                    pool.select_many_nat64(["2001:db8::1"], algo)
                self.assertEqual(cm.exception.code, Code.ENONAT64)
            with self.assertRaises(InvalidInput) as cm:
                pool.select_nat64("10.0.0.1")
            self.assertEqual(cm.exception.code, Code.EFAMILY)
            with self.assertRaises(InvalidInput):
                pool.select_many_nat64(["2001:db8::1", "10.0.0.1"])
            self.assertEqual(pool.select_many_nat64([]), [])
        with Pool("2001:db8::/126") as pool:
            with self.assertRaises(InvalidInput) as cm:
                pool.select_nat64("2001:db8::1", Algo.XXH3_V1)
            self.assertEqual(cm.exception.code, Code.ENOFAMILY)


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Golden vectors through the package: export, check, verify, and the
committed files through Pool.select (not only the C checker)."""

import glob
import json
import os
import tempfile
import unittest

import snatpool
from snatpool import Algo

TOP = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..", "..", "..")


class TestVectors(unittest.TestCase):
    def test_export_and_check(self):
        for algo in Algo:
            lines = snatpool.vectors(algo)
            self.assertGreater(len(lines), 100, algo)
            first = json.loads(lines[0])
            self.assertEqual(first["schema"], snatpool.SCHEMA)
            self.assertEqual(first["algo"], algo.tag)
            self.assertTrue(snatpool.check_vector(lines[0]).ok)
            self.assertTrue(snatpool.check_vector(lines[-1].encode()).ok)

    def test_check_failures(self):
        line = snatpool.vectors(Algo.XPF_LEGACY_V0)[0]
        obj = json.loads(line)
        obj["index"] += 1
        res = snatpool.check_vector(json.dumps(obj))
        self.assertEqual(res.status, 1)
        self.assertIn("mismatch", res.msg)
        res = snatpool.check_vector("{")
        self.assertLess(res.status, 0)
        self.assertTrue(res.msg)
        self.assertLess(snatpool.check_vector("").status, 0)
        self.assertLess(snatpool.check_vector("\0\xff").status, 0)

    def test_write_and_verify(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "v.jsonl")
            n = snatpool.write_vectors("snatpool-xxh3-v1", path)
            with open(path) as f:
                lines = f.read().splitlines()
            self.assertEqual(n, len(lines))
            res = snatpool.verify(path)
            self.assertEqual((res.passed, res.failed, res.malformed), (n, 0, 0))
            bad = json.loads(lines[5])
            bad["address"] = "0.0.0.0" if bad["family"] == 4 else "::"
            with open(path, "a") as f:
                f.write("\n" + json.dumps(bad) + "\nnot json\n")
            res = snatpool.verify(path)
            self.assertEqual((res.passed, res.failed, res.malformed), (n, 2, 1))
            self.assertEqual([r.lineno for r in res.failures], [n + 2, n + 3])
            with open(path, "rb") as f:
                self.assertEqual(snatpool.verify(f).failed, 2)
        with self.assertRaises(ValueError):
            snatpool.write_vectors(99, os.devnull)
        with self.assertRaises(snatpool.Error):
            snatpool.verify(-1)

    def test_committed_vectors_through_select(self):
        files = sorted(glob.glob(os.path.join(TOP, "tests", "vectors", "*.jsonl")))
        self.assertTrue(files, "no committed vectors under %s" % TOP)
        pools = {}
        checked = 0
        for path in files:
            with open(path) as f:
                for line in f:
                    if not line.strip():
                        continue
                    v = json.loads(line)
                    key = (v["pool"], v["seed"], v.get("maglev_size", 0))
                    if key not in pools:
                        for p in pools.values():
                            p.close()
                        pools = {key: snatpool.Pool(v["pool"], seed=v["seed"],
                                                    maglev_size=key[2])}
                    if v.get("xfamily", v["family"]) != v["family"]:
                        sel = pools[key].select_nat64(v["src"], v["algo"])
                    else:
                        sel = pools[key].select(v["src"], v["algo"])
                    self.assertEqual(sel.index, v["index"], line)
                    self.assertEqual(sel.address, snatpool.parse_address(v["address"]), line)
                    checked += 1
        for p in pools.values():
            p.close()
        self.assertGreater(checked, 1000)


if __name__ == "__main__":
    unittest.main()

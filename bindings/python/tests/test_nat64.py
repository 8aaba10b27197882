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


class TestTableNAT64(unittest.TestCase):
    """NAT64 mappings in a table: Nat64Flow keys, IPv4 tuples, paired
    selection, lookup_xlat, permit, snapshot and delta stream."""

    SPEC = "198.51.100.1-198.51.100.4,2001:db8::/126"

    def test_claim_lookup_xlat(self):
        from snatpool import Flow, Nat64Flow, Permit, Table, TableFlag
        with Pool(self.SPEC) as pool, \
                Table(pool, flags=TableFlag.PAIRED, algo="snatpool-xxh3-v1",
                      permit=Permit.TARGET_HOST, inactivity_timeout=30) as t:
            f = Nat64Flow(17, "2001:db8:1::5", 4000, "192.0.2.1", 53)
            want = pool.select_nat64("2001:db8:1::5", "snatpool-xxh3-v1")
            m = t.claim(f, 100)
            self.assertTrue(m.nat64)
            self.assertEqual(m.src, ipaddress.IPv6Address("2001:db8:1::5"))
            self.assertEqual((m.xindex, m.xaddr), (want.index, want.address))
            for sport in (4001, 4002):  # paired: the same IPv4 address
                self.assertEqual(t.claim(f._replace(sport=sport), 100).xaddr, want.address)
            # the native IPv6 key of the same source and port is another one
            self.assertIsNone(t.lookup(Flow.udp("2001:db8:1::5", 4000, "2001:db8::9", 53), 100))
            self.assertEqual(t.lookup(f, 100), m._replace(flags=m.flags & ~1))
            x = t.lookup_xlat(17, m.xaddr, m.xport, 100)
            self.assertEqual((x.src, x.sport, x.nat64), (m.src, 4000, True))
            self.assertTrue(t.permit(17, m.xaddr, m.xport, "192.0.2.1", 9, 100))
            self.assertFalse(t.permit(17, m.xaddr, m.xport, "192.0.2.2", 9, 100))
            t.release(f, 101)
            self.assertEqual(t.lookup(f, 101).expires, 131)
            self.assertEqual(sum(1 for mm in t.mappings(101) if mm.nat64), 3)
            with self.assertRaises(InvalidInput):
                Nat64Flow(17, "10.0.0.1", 1, "192.0.2.1", 53)
            with self.assertRaises(InvalidInput):
                Nat64Flow(17, "2001:db8::1", 1, "2001:db8::2", 53)

    def test_enonat64(self):
        from snatpool import Nat64Flow, Table, TableFlag
        with Pool(self.SPEC) as pool, \
                Table(pool, flags=TableFlag.PAIRED, algo="xpf-userspace-v1") as t:
            with self.assertRaises(snatpool.Error) as cm:
                t.claim(Nat64Flow(6, "2001:db8:1::5", 4000, "192.0.2.1", 80), 1)
            self.assertEqual(cm.exception.code, Code.ENONAT64)

    def test_snapshot_delta(self):
        from snatpool import Nat64Flow, Table
        with Pool(self.SPEC) as pool, Table(pool, delta_capacity=64) as a, \
                Table(pool) as b, Table(pool) as c:
            f = Nat64Flow(6, "2001:db8:1::5", 4000, "192.0.2.1", 80)
            m = a.claim(f, 10)
            self.assertEqual(b.load(a.snapshot(10), 10), 1)
            self.assertEqual(b.lookup(f, 10).xaddr, m.xaddr)
            c.import_delta(a.export_delta(), 10)
            self.assertTrue(c.lookup_xlat(6, m.xaddr, m.xport, 10).nat64)


if __name__ == "__main__":
    unittest.main()

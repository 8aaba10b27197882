# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Pools, selection, algorithms and errors of the snatpool package."""

import gc
import ipaddress
import threading
import unittest

import snatpool
from snatpool import Algo, InvalidInput, Pool

SPEC = "198.51.100.1-198.51.100.4,2001:db8::/126"
V4 = ipaddress.IPv4Address
V6 = ipaddress.IPv6Address


class TestPool(unittest.TestCase):
    def test_known_answer(self):
        # docs: xpf-userspace-v1 of 10.0.1.100 over four addresses is index 3
        with Pool(SPEC) as pool:
            sel = pool.select("10.0.1.100", Algo.XPF_USERSPACE_V1)
            self.assertEqual(sel, (V4("198.51.100.4"), 3))
            self.assertEqual(sel.address, V4("198.51.100.4"))
            self.assertEqual(sel.index, 3)

    def test_contents(self):
        with Pool(SPEC, seed=9, ports=(2000, 3000), algo="snatpool-maglev-v1") as pool:
            self.assertEqual(pool.count(4), 4)
            self.assertEqual(pool.count(6), 4)
            self.assertEqual(len(pool), 8)
            self.assertEqual(pool.addresses(6)[-1], V6("2001:db8::3"))
            self.assertEqual(pool.address(4, 0), V4("198.51.100.1"))
            self.assertEqual(pool.seed, 9)
            self.assertEqual(pool.ports, (2000, 3000))
            self.assertIs(pool.default_algo, Algo.MAGLEV_V1)
            self.assertIn("4 IPv4", repr(pool))

    def test_ipaddress_inputs(self):
        addrs = [V4("203.0.113.9"), V6("2001:db8::5"), V4("203.0.113.1")]
        with Pool(addrs) as pool:		# snatpool_pool_new: configured order kept
            self.assertEqual(pool.addresses(4), [V4("203.0.113.9"), V4("203.0.113.1")])
        items = [ipaddress.ip_network("192.0.2.0/30"), "198.51.100.7",
                 (V4("203.0.113.1"), V4("203.0.113.2"))]
        with Pool(items) as pool:
            self.assertEqual(pool.count(4), 7)
            sel = pool.select(V4("10.0.0.1"))
            self.assertIsInstance(sel.address, V4)
            self.assertEqual(pool.select(b"\x0a\x00\x00\x01"), sel)

    def test_mapped_source_is_ipv6(self):
        with Pool(SPEC) as pool:
            sel = pool.select("::ffff:10.0.1.100")
            self.assertEqual(sel.address.version, 6)
            self.assertEqual(pool.select(V6("::ffff:10.0.1.100")), sel)

    def test_every_algorithm_single_vs_burst(self):
        srcs = ["192.0.%d.%d" % (i >> 8, i & 255) for i in range(300)]
        with Pool("10.9.0.0/28", seed=42) as pool:
            for info in snatpool.algorithms():
                burst = pool.select_many(srcs, info.algo)
                for s, idx in zip(srcs, burst):
                    sel = pool.select(s, info.algo)
                    self.assertEqual(sel.index, idx, (info.name, s))
                    self.assertEqual(sel.address, pool.address(4, idx))
        self.assertEqual(Pool("10.0.0.1").select_many([]), [])

    def test_algo_enum(self):
        self.assertEqual(Algo.XXH3_V1.tag, "snatpool-xxh3-v1")
        self.assertEqual(str(Algo.MAGLEV_V1), "snatpool-maglev-v1")
        self.assertIs(Algo.parse("linux-nf-persistent"), Algo.LINUX_NF_PERSIST)
        self.assertIs(Algo.parse(2), Algo.XPF_USERSPACE_V1)
        self.assertIs(Algo.parse("XPF_LEGACY_V0"), Algo.XPF_LEGACY_V0)
        self.assertEqual([a.algo for a in snatpool.algorithms()], list(Algo))
        self.assertTrue(Algo.MAGLEV_V1.info().flags & snatpool.AlgoFlag.CONSISTENT)
        self.assertIs(snatpool.DEFAULT_ALGO, Algo.XXH3_V1)
        with self.assertRaises(InvalidInput) as cm:
            Algo.parse("no-such-algo")
        self.assertEqual(cm.exception.code, snatpool.Code.EALGO)
        with self.assertRaises(ValueError):
            Algo.parse(99)
        with self.assertRaises(TypeError):
            Algo.parse(1.5)

    def test_errors_carry_code_message_token(self):
        with self.assertRaises(InvalidInput) as cm:
            Pool("198.51.100.1,198.51.100.x")
        e = cm.exception
        self.assertIsInstance(e, ValueError)
        self.assertIsInstance(e, snatpool.Error)
        self.assertEqual(e.code, snatpool.Code.EADDR)
        self.assertEqual(e.message, "malformed address")
        self.assertEqual(e.token, "198.51.100.x")
        self.assertEqual(e.offset, 13)
        self.assertEqual(e.name, "SNATPOOL_EADDR")
        self.assertEqual(snatpool.strerror(-e.code), e.message)
        cases = {"": "EEMPTY", "10.0.0.5-10.0.0.1": "ERANGE", "10.0.0.1/24": "EPREFIX",
                 "10.0.0.1,10.0.0.1": "EDUP", "10.0.0.0/15": "ELIMIT"}
        for spec, name in cases.items():
            with self.assertRaises(InvalidInput, msg=spec) as cm:
                Pool(spec)
            self.assertEqual(cm.exception.code, snatpool.Code[name], spec)
        with self.assertRaises(InvalidInput) as cm:
            Pool("10.0.0.1", ports=(9, 1))
        self.assertEqual(cm.exception.code, snatpool.Code.EPORT)
        with self.assertRaises(InvalidInput):
            Pool([V4("10.0.0.1"), V4("10.0.0.1")])
        with self.assertRaises(ValueError):
            Pool("10.0.0.1", ports=(1, 70000))

    def test_select_errors(self):
        with Pool("10.0.0.1-10.0.0.3") as pool:
            with self.assertRaises(InvalidInput) as cm:
                pool.select("::1")
            self.assertEqual(cm.exception.code, snatpool.Code.ENOFAMILY)
            for bad in ("10.0.0", "", "fe80::1%eth0", b"\x01\x02\x03", "1.2.3.4 "):
                with self.assertRaises(ValueError, msg=repr(bad)):
                    pool.select(bad)
            with self.assertRaises(TypeError):
                pool.select(None)
            with self.assertRaises(ValueError):
                pool.select("1.2.3.4", 99)
            with self.assertRaises(ValueError):
                pool.select_many(["1.1.1.1", "::1"])
            with self.assertRaises(ValueError):
                pool.address(4, 3)
        with Pool("10.0.0.1,10.0.0.3") as pool:
            with self.assertRaises(InvalidInput) as cm:
                pool.select("1.2.3.4", Algo.LINUX_NF_PERSIST)
            self.assertEqual(cm.exception.code, snatpool.Code.ENOTRANGE)

    def test_capi_rejects_short_buffers(self):
        from snatpool import capi
        with Pool("10.0.0.1") as pool:
            with self.assertRaises(ValueError):
                capi.select(pool._h(), capi.AF_INET, b"\x01", 0)
            with self.assertRaises(ValueError):
                capi.select_burst(pool._h(), capi.AF_INET, b"\x01\x02\x03\x04\x05", 0)
            with self.assertRaises(TypeError):
                capi.pool_from_spec("10.0.0.1", {"no_such_option": 1})

    def test_close(self):
        pool = Pool(SPEC)
        pool.close()
        pool.close()
        self.assertTrue(pool.closed)
        with self.assertRaises(ValueError):
            pool.select("10.0.0.1")
        self.assertIn("closed", repr(pool))
        for _ in range(50):			# left to the garbage collector
            Pool("10.0.0.0/24").select("10.1.1.1")
        gc.collect()

    def test_threads(self):
        with Pool(SPEC) as pool:
            want = pool.select("10.1.2.3", Algo.MAGLEV_V1)
            errors = []

            def work():
                for _ in range(500):
                    if pool.select("10.1.2.3", Algo.MAGLEV_V1) != want:
                        errors.append(1)
            threads = [threading.Thread(target=work) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(errors, [])

    def test_maglev_table(self):
        with Pool("10.0.0.0/30", maglev_size=1031) as pool:
            table = pool.maglev_table(4)
            self.assertEqual(len(table), 1031)
            self.assertLess(max(table), 4)
            with self.assertRaises(InvalidInput):
                pool.maglev_table(6)
        with self.assertRaises(InvalidInput) as cm:
            Pool("10.0.0.0/30", maglev_size=1024)
        self.assertEqual(cm.exception.code, snatpool.Code.EMAGLEV)

    def test_parse_address(self):
        self.assertEqual(snatpool.parse_address("::ffff:1.2.3.4"), V6("::ffff:1.2.3.4"))
        self.assertEqual(snatpool.parse_address(bytes(16)), V6("::"))
        self.assertEqual(snatpool.library_version(), snatpool.__version__)


if __name__ == "__main__":
    unittest.main()

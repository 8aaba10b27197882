# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Persistent-NAT tables and port blocks through the package."""

import ipaddress
import os
import tempfile
import unittest

import snatpool
from snatpool import Flow, Permit, Pool, Table, TableFlag

V4 = ipaddress.IPv4Address
FLOW = Flow.tcp("10.0.0.1", 40000, "93.184.216.34", 443)


class TestTable(unittest.TestCase):
    def test_workers(self):
        """Each source has one worker; NAT64 flows the same as native."""
        with Pool("198.51.100.1-198.51.100.4") as pool, \
                Table(pool, workers=4, shards=16, seed=3) as t:
            seen = [0] * 4
            for n in range(400):
                src = V4(0x0a000000 + n)
                w = t.worker(src)
                self.assertIn(w, range(4))
                seen[w] += 1
                t.claim(Flow.tcp(src, 1234, "192.0.2.1", 80), 1)
            self.assertTrue(all(c > 40 for c in seen), seen)
            self.assertEqual(t.worker("2001:db8::1", nat64=True), t.worker("2001:db8::1"))
            with self.assertRaises(snatpool.Error):
                Table(pool, workers=32, shards=16)

    def test_events_queue(self):
        """Events come through a bounded queue the caller drains; the ones
        that did not fit are counted."""
        g = Flow.udp("10.0.0.2", 5000, "192.0.2.1", 53)
        with Pool("198.51.100.1-198.51.100.2") as pool, Table(pool, events=3, seed=1) as t:
            m = t.claim(FLOW, 10)
            t.release(FLOW, 11)
            t.claim(g, 12)
            t.rollback(g, 13)		# the fourth: dropped
            self.assertEqual((t.events_queued, t.events_dropped), (3, 1))
            ev = t.drain_events()
            self.assertEqual([(e.type, e.now) for e in ev],
                             [(snatpool.EventType.CREATED, 10), (snatpool.EventType.RELEASED, 11),
                              (snatpool.EventType.CREATED, 12)])
            self.assertEqual((ev[0].mapping.src, ev[0].mapping.xaddr, ev[0].mapping.xport),
                             (V4("10.0.0.1"), m.xaddr, m.xport))
            self.assertEqual(t.drain_events(), [])
            t.claim(g, 20)
            self.assertEqual(len(t.drain_events(max=1)), 1)
            with self.assertRaises(ValueError):
                t.drain_events(max=-1)
        with Pool("198.51.100.1") as pool, Table(pool) as t:
            with self.assertRaises(snatpool.InvalidInput):
                t.drain_events()
            with self.assertRaises(snatpool.InvalidInput):
                Table(pool, events=1 << 30)

    def test_claim_release_lease(self):
        with Pool("198.51.100.1-198.51.100.4") as pool, \
                Table(pool, permit=Permit.ANY_REMOTE_HOST, inactivity_timeout=10) as t:
            m = t.claim(FLOW, 100)
            self.assertIn(m.xaddr, pool.addresses(4))
            self.assertEqual(m.xaddr, pool.address(4, m.xindex))
            self.assertTrue(m.flags & snatpool.MappingFlag.NEW)
            self.assertEqual((m.src, m.sport, m.flows), (V4("10.0.0.1"), 40000, 1))
            again = t.claim(FLOW, 101)
            self.assertTrue(again.flags & snatpool.MappingFlag.REUSED)
            self.assertEqual((again.xaddr, again.xport, again.flows), (m.xaddr, m.xport, 2))
            self.assertEqual(t.lookup(FLOW, 101).xport, m.xport)
            self.assertEqual(t.lookup_xlat(6, m.xaddr, m.xport, 101).src, V4("10.0.0.1"))
            self.assertIsNone(t.lookup_xlat(6, m.xaddr, (m.xport + 1) & 0xffff, 101))
            self.assertIs(t.permit(6, m.xaddr, m.xport, "1.2.3.4", 80, 101), True)
            self.assertIsNone(t.permit(17, m.xaddr, m.xport, "1.2.3.4", 80, 101))
            self.assertEqual(len(t.mappings(101)), 1)
            st = t.stats()
            self.assertEqual((st.live_flows, st.total_mappings, st.allocations), (2, 1, 1))
            t.release(FLOW, 102)
            t.release(FLOW, 102)
            with self.assertRaises(snatpool.Error) as cm:
                t.release(FLOW, 103)
            self.assertEqual(cm.exception.code, 2)	# ENOENT
            self.assertEqual(t.stats().leases, 1)
            self.assertEqual(t.expire(200), 1)
            self.assertIsNone(t.lookup(FLOW, 200))

    def test_paired_matches_select(self):
        with Pool("198.51.100.0/28") as pool, Table(pool, flags=TableFlag.PAIRED) as t:
            for i in range(20):
                f = Flow.udp("10.1.0.%d" % i, 5000, "192.0.2.1", 53)
                self.assertEqual(t.claim(f, 1).xaddr, pool.select(f.src).address)

    def test_rollback_and_errors(self):
        with Pool("198.51.100.1") as pool, Table(pool, max_mappings=1) as t:
            t.claim(FLOW, 1)
            other = Flow.tcp("10.0.0.2", 1, "93.184.216.34", 443)
            with self.assertRaises(snatpool.Error) as cm:
                t.claim(other, 1)
            self.assertEqual(cm.exception.code, snatpool.Code.EFULL)
            t.rollback(FLOW, 2)
            self.assertIsNone(t.lookup(FLOW, 2))
            with self.assertRaises(ValueError):
                t.claim(Flow(250, "10.0.0.1", 1, "10.0.0.2", 1), 3)	# EPROTONOSUPPORT
            with self.assertRaises(snatpool.Error) as cm:
                t.claim(Flow.tcp("::1", 1, "::2", 2), 3)
            self.assertEqual(cm.exception.code, snatpool.Code.ENOFAMILY)
        with self.assertRaises(ValueError):
            Flow.tcp("10.0.0.1", 1, "::1", 2)
        with self.assertRaises(ValueError):
            Table(Pool("10.0.0.1"), shards=3)
        with self.assertRaises(TypeError):
            Table(Pool("10.0.0.1"), no_such_option=1)

    def test_snapshot_and_delta(self):
        with Pool("198.51.100.1-198.51.100.4") as pool:
            with Table(pool, permit=Permit.ANY_REMOTE_HOST, delta_capacity=64) as a:
                m = a.claim(FLOW, 100)
                snap = a.snapshot(100)
                delta = a.export_delta()
                self.assertEqual(len(delta) % snatpool.DELTA_RECORD_SIZE, 0)
                with tempfile.TemporaryDirectory() as d:
                    path = os.path.join(d, "snap")
                    a.save(path, 100)
                    with Table(pool) as c:
                        self.assertEqual(c.load(path, 5), 1)
            with Table(pool, permit=Permit.ANY_REMOTE_HOST) as b:
                self.assertEqual(b.load(snap, 500), 1)
                self.assertEqual(b.lookup(FLOW, 500).xport, m.xport)
                with self.assertRaises(snatpool.Error):
                    b.load(snap, 500)			# not empty: EBUSY
            with Table(pool) as b:
                with self.assertRaises(ValueError):
                    b.load(snap[:-3] + b"xyz", 1)	# ESNAPSHOT
            with Table(pool, permit=Permit.ANY_REMOTE_HOST) as b:
                applied, used = b.import_delta(delta, 500)
                self.assertEqual(used, len(delta))
                self.assertGreaterEqual(applied, 1)
                self.assertEqual(b.lookup(FLOW, 500).xport, m.xport)

    def test_lifetimes(self):
        pool = Pool("198.51.100.1-198.51.100.4")
        t = Table(pool)
        pool.close()				# the table keeps the pool's memory
        self.assertTrue(pool.closed)
        t.claim(FLOW, 1)
        t.close()
        t.close()
        with self.assertRaises(ValueError):
            t.claim(FLOW, 1)
        with self.assertRaises(ValueError):
            Table(pool)

    def test_portblock(self):
        with Pool("198.51.100.1-198.51.100.4") as pool, \
                snatpool.PortBlock(pool, "100.64.0.0", 100, 512) as pb:
            num, xindex, xaddr, ports = pb.map("100.64.0.7")
            self.assertEqual(num, 7)
            self.assertEqual(xaddr, pool.address(4, xindex))
            self.assertEqual(pb.reverse(xaddr, ports[0]), (7, V4("100.64.0.7")))
            self.assertIsNone(pb.map("100.64.1.0"))
            with self.assertRaises(ValueError):
                snatpool.PortBlock(pool, "100.64.0.0", 0, 512)


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Persistent-NAT tables and deterministic port blocks (RFC 7422).

    with snatpool.Pool("198.51.100.1-198.51.100.4") as pool, \\
         snatpool.Table(pool, permit=snatpool.Permit.ANY_REMOTE_HOST) as table:
        flow = snatpool.Flow.tcp("10.0.0.1", 40000, "93.184.216.34", 443)
        m = table.claim(flow, now=100)
        ...
        table.release(flow, now=160)

Time is the caller's: ``now`` is whole seconds of a monotonic clock
(``int(time.monotonic())``).  A table keeps its pool's memory alive until
the table is closed.  Table calls may come from any number of threads.

Events (mapping created, released, expired, rolled back; utilization alarm)
are never Python callbacks run under the table's locks: with
``Table(pool, events=N)`` the C library copies each into a bounded queue
(snatpool_event_queue) that :meth:`Table.drain_events` empties; when the
queue is full new events are dropped and counted (:attr:`Table.events_dropped`).
"""

from __future__ import annotations

import enum
import errno
import ipaddress
import os
import socket
from collections import namedtuple
from typing import Any, Dict, List, Optional, Tuple, Union

from . import capi
from ._pool import AddressLike, Algo, Pool, parse_address
from .errors import Code, Error, InvalidInput

__all__ = ["Permit", "PortStrategy", "TableFlag", "MappingFlag", "Flow",
           "Nat64Flow", "Mapping", "TableStats", "Table", "PortBlock",
           "DELTA_RECORD_SIZE", "EventType", "Event", "port_block_algos",
           "port_block_algo", "PORTBLOCK_STRICT"]

DELTA_RECORD_SIZE = capi.SNATPOOL_DELTA_RECORD_SIZE


class Permit(enum.IntEnum):
    """Who may reach a persistent mapping (SNATPOOL_PERMIT_*)."""
    NONE = capi.SNATPOOL_PERMIT_NONE
    ANY_REMOTE_HOST = capi.SNATPOOL_PERMIT_ANY_REMOTE_HOST
    TARGET_HOST = capi.SNATPOOL_PERMIT_TARGET_HOST
    TARGET_HOST_PORT = capi.SNATPOOL_PERMIT_TARGET_HOST_PORT


class PortStrategy(enum.IntEnum):
    """How a new port is chosen (SNATPOOL_PORTS_*)."""
    SEQUENTIAL = capi.SNATPOOL_PORTS_SEQUENTIAL
    RANDOM = capi.SNATPOOL_PORTS_RANDOM


class TableFlag(enum.IntFlag):
    """Table flags (SNATPOOL_TABLE_F_*)."""
    PAIRED = capi.SNATPOOL_TABLE_F_PAIRED
    NO_PRESERVE = capi.SNATPOOL_TABLE_F_NO_PRESERVE
    PRESERVE_PARITY = capi.SNATPOOL_TABLE_F_PRESERVE_PARITY


class MappingFlag(enum.IntFlag):
    """What a claim did (SNATPOOL_MAP_F_*)."""
    NEW = capi.SNATPOOL_MAP_F_NEW
    REUSED = capi.SNATPOOL_MAP_F_REUSED
    PRESERVED = capi.SNATPOOL_MAP_F_PRESERVED


class EventType(enum.IntEnum):
    """Table event types (SNATPOOL_EV_*)."""
    CREATED = capi.SNATPOOL_EV_CREATED
    RELEASED = capi.SNATPOOL_EV_RELEASED
    EXPIRED = capi.SNATPOOL_EV_EXPIRED
    ROLLEDBACK = capi.SNATPOOL_EV_ROLLEDBACK
    UTIL_RAISE = capi.SNATPOOL_EV_UTIL_RAISE
    UTIL_CLEAR = capi.SNATPOOL_EV_UTIL_CLEAR


class Event(namedtuple("Event", "type now util_pct mapping")):
    """A table event: its :class:`EventType` (or the number of a type this
    package does not know), the ``now`` of the call that caused it, the
    utilization (alarm events) and the :class:`Mapping` (None for the
    alarm events)."""

    __slots__ = ()

    @classmethod
    def _from_c(cls, t):
        etype, now, util, m = t
        try:
            etype = EventType(etype)
        except ValueError:
            pass
        mapping = None
        if etype not in (EventType.UTIL_RAISE, EventType.UTIL_CLEAR) and m[0] in (
                socket.AF_INET, socket.AF_INET6):
            mapping = Mapping._from_c(m)
        return cls(etype, now, util, mapping)


def _af(addr):
    return socket.AF_INET if addr.version == 4 else socket.AF_INET6


class Flow(namedtuple("Flow", "proto src sport dst dport")):
    """One flow: protocol number, source address and port, remote address
    and port (addresses as str, bytes or ipaddress; one family)."""

    __slots__ = ()

    def __new__(cls, proto, src, sport, dst, dport=0):
        src, dst = parse_address(src), parse_address(dst)
        if src.version != dst.version:
            raise InvalidInput(Code.EFAMILY, "flow addresses of two families",
                               "%s %s" % (src, dst))
        return super().__new__(cls, int(proto), src, int(sport), dst, int(dport))

    @classmethod
    def tcp(cls, src: AddressLike, sport: int, dst: AddressLike, dport: int) -> Flow:
        return cls(socket.IPPROTO_TCP, src, sport, dst, dport)

    @classmethod
    def udp(cls, src: AddressLike, sport: int, dst: AddressLike, dport: int) -> Flow:
        return cls(socket.IPPROTO_UDP, src, sport, dst, dport)

    def _c(self):
        return (_af(self.src), self.proto, self.sport, self.dport,
                self.src.packed, self.dst.packed)


class Nat64Flow(Flow):
    """A NAT64 flow (SNATPOOL_AF_NAT64): an IPv6 source translated to IPv4.
    ``dst`` is the IPv4 remote the IPv6 destination embeds (RFC 6052).  Its
    key is its own, beside the same source's native IPv6 flows; its mapping
    owns an IPv4 tuple (with TableFlag.PAIRED: snatpool_select_nat64()'s
    address)."""

    __slots__ = ()

    def __new__(cls, proto, src, sport, dst, dport=0):
        src, dst = parse_address(src), parse_address(dst)
        if src.version != 6 or dst.version != 4:
            raise InvalidInput(Code.EFAMILY, "a NAT64 flow is an IPv6 source and an IPv4 remote",
                               "%s %s" % (src, dst))
        return tuple.__new__(cls, (int(proto), src, int(sport), dst, int(dport)))

    def _c(self):
        return (capi.SNATPOOL_AF_NAT64, self.proto, self.sport, self.dport,
                self.src.packed, self.dst.packed)


class Mapping(namedtuple("Mapping", "proto src sport xindex xaddr xport flows expires flags")):
    """A mapping: the source (proto, src, sport) and its translated tuple
    (xaddr, xport; xindex its index in the family's configured order),
    live flows, the idle lease's deadline (0 while flows live) and flags.
    A NAT64 mapping has an IPv6 src and an IPv4 xaddr (:attr:`nat64`)."""

    __slots__ = ()

    @property
    def nat64(self) -> bool:
        """True for a NAT64 mapping (an IPv6 source owning an IPv4 tuple)."""
        return self.src.version == 6 and self.xaddr.version == 4

    @classmethod
    def _from_c(cls, t):
        family, proto, sport, src, xindex, xaddr, xport, flows, expires, flags = t
        return cls(proto, ipaddress.ip_address(src), sport, xindex,
                   ipaddress.ip_address(xaddr), xport, flows, expires, MappingFlag(flags))


TableStats = namedtuple("TableStats", [f for f in (
    "live_flows total_mappings total_tcp_mappings total_udp_mappings "
    "total_icmp_mappings leases ports_allocated ports_free allocations reuses "
    "releases rollbacks expirations exhausted_ports exhausted_paired "
    "exhausted_holddown table_full quota_exceeded session_limit permit_denied "
    "delta_exported delta_lost imports_applied imports_duplicate "
    "imports_rejected util_pct util_alarm util_raised util_cleared").split()])
TableStats.__doc__ = "Table counters (RFC 8512 names where it has one)."


class Table:
    """A persistent-NAT table over a :class:`Pool`.

    Options (all optional, 0 meaning the library default): max_mappings,
    flags (:class:`TableFlag`), permit (:class:`Permit`), strategy
    (:class:`PortStrategy`), algo (paired selection), inactivity_timeout,
    max_session_number, hold_down, port_quota, shards, seed,
    util_raise_pct, util_clear_pct, delta_capacity, expire_budget,
    workers (threads claiming: a port stripe each, see :meth:`worker`);
    and events: the capacity of the event queue (0, the default: no
    events).

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, pool: Pool, events: int = 0, **opts: Any) -> None:
        if not isinstance(pool, Pool):
            raise TypeError("Table needs a snatpool.Pool")
        if "algo" in opts and opts["algo"]:
            opts["algo"] = Algo.parse(opts["algo"]).value
        for k in ("flags", "permit", "strategy"):
            if k in opts:
                opts[k] = int(opts[k])
        self._t = None
        self._q = None
        if events:
            self._q = capi.event_queue_new(int(events))
            opts["event_queue"] = self._q
        handle = pool._retain()
        try:
            self._t = capi.table_new(handle, opts)
        except BaseException:
            pool._release()
            q, self._q = self._q, None
            if q is not None:
                capi.event_queue_free(q)
            raise
        self._pool = pool

    def close(self):
        """Free the table (no thread may still use it).  Idempotent."""
        t, self._t = self._t, None
        if t is not None:
            capi.table_free(t)
            self._pool._release()
        q, self._q = getattr(self, "_q", None), None
        if q is not None:		# after the table that pushed into it
            capi.event_queue_free(q)

    def __del__(self):
        if getattr(self, "_t", None) is not None:
            self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def pool(self):
        return self._pool

    def _h(self):
        if self._t is None:
            raise ValueError("table is closed")
        return self._t

    # -- events ----------------------------------------------------------
    def _queue(self):
        self._h()
        if self._q is None:
            raise InvalidInput(errno.EINVAL, "table made without events (events=0)", "events")
        return self._q

    def drain_events(self, max: int = 4096) -> List[Event]:
        """Up to ``max`` queued :class:`Event` s, oldest first (an empty
        list when none wait)."""
        return [Event._from_c(e) for e in capi.event_queue_drain(self._queue(), max)]

    @property
    def events_dropped(self) -> int:
        """Events dropped because the queue was full, since the table was made."""
        return capi.event_queue_stats(self._queue())[1]

    @property
    def events_queued(self) -> int:
        """Events waiting in the queue."""
        return capi.event_queue_stats(self._queue())[0]

    # -- flows -----------------------------------------------------------
    def claim(self, flow: Flow, now: int) -> Mapping:
        """The translated tuple for a new flow: a :class:`Mapping`.  Raises
        snatpool.Error (EEXHAUSTED, EFULL, EQUOTA, ESESSIONS, ...)."""
        return Mapping._from_c(capi.table_claim(self._h(), flow._c(), now))

    def release(self, flow: Flow, now: int) -> None:
        """A flow of this key ended; snatpool.Error (code ENOENT) if none."""
        capi.table_release(self._h(), flow._c(), now)

    def rollback(self, flow: Flow, now: int) -> None:
        """Undo a claim whose session install failed."""
        capi.table_rollback(self._h(), flow._c(), now)

    def lookup(self, flow: Flow, now: int) -> Optional[Mapping]:
        """The mapping of the flow's key, or None."""
        try:
            return Mapping._from_c(capi.table_lookup(self._h(), flow._c(), now))
        except Error as e:
            if e.code == errno.ENOENT:
                return None
            raise

    def worker(self, src: AddressLike, nat64: bool = False) -> int:
        """Which of the table's workers (0 to workers - 1) owns src's
        flows: a dataplane that sends each source to this worker gives
        its workers shards and port stripes of their own.  nat64: the key
        family of an IPv6 source's NAT64 flows (the same worker)."""
        a = parse_address(src)
        af = _af(a)
        if nat64 and a.version == 6:
            af = capi.SNATPOOL_AF_NAT64
        return capi.table_worker(self._h(), af, a.packed)

    def lookup_xlat(self, proto: int, xaddr: AddressLike, xport: int, now: int) -> Optional[Mapping]:
        """The mapping owning a translated tuple, or None."""
        x = parse_address(xaddr)
        try:
            return Mapping._from_c(capi.table_lookup_xlat(self._h(), _af(x), proto,
                                                          x.packed, xport, now))
        except Error as e:
            if e.code == errno.ENOENT:
                return None
            raise

    def permit(self, proto, xaddr, xport, remote, rport, now):
        """May remote:rport reach the translated tuple?  True or False;
        None if no mapping owns the tuple."""
        x, r = parse_address(xaddr), parse_address(remote)
        try:
            return bool(capi.table_permit(self._h(), _af(x), proto, x.packed, xport,
                                          r.packed, rport, now))
        except Error as e:
            if e.code == errno.ENOENT:
                return None
            raise

    def expire(self, now: int, budget: int = 0) -> int:
        """Expire leases due at now (at most budget; 0: all); how many."""
        return capi.table_expire(self._h(), now, budget)

    def stats(self) -> TableStats:
        """The counters: a :class:`TableStats`."""
        d = capi.table_stats(self._h())
        return TableStats(**{k: d.get(k, 0) for k in TableStats._fields})

    def mappings(self, now: int) -> List[Mapping]:
        """Every mapping, as a list of :class:`Mapping`."""
        return [Mapping._from_c(m) for m in capi.table_walk(self._h(), now)]

    # -- snapshots and HA ------------------------------------------------
    def snapshot(self, now: int) -> bytes:
        """A snapshot of the table as bytes."""
        h = self._h()
        while True:
            n = capi.table_snapshot(h, now, None)
            buf = bytearray(n + 4096)
            got = capi.table_snapshot(h, now, buf)
            if got <= len(buf):
                return bytes(buf[:got])

    def save(self, path, now):
        """Save a snapshot to path (crash-safe)."""
        capi.table_save(self._h(), os.fspath(path), now)

    def load(self, data, now):
        """Load a snapshot (bytes, or a path) into this empty table; the
        number of mappings loaded."""
        if isinstance(data, (str, os.PathLike)):
            return capi.table_load(self._h(), os.fspath(data), now)
        return capi.table_load_mem(self._h(), data, now)

    def export_delta(self, max_records=1024):
        """Queued HA delta records as bytes (whole records)."""
        buf = bytearray(max_records * DELTA_RECORD_SIZE)
        n = capi.table_delta_export(self._h(), buf)
        return bytes(buf[:n])

    def import_delta(self, data, now):
        """Apply records exported by a peer: (records applied, octets used)."""
        applied, consumed = capi.table_delta_import(self._h(), data, now)
        return applied, consumed


PORTBLOCK_STRICT = 1   # SNATPOOL_PB_F_STRICT


def port_block_algos() -> List[Tuple[int, str]]:
    """The port-block algorithms, [(id, name)], ascending (their IDs are a
    space of their own, separate from the selection algorithms)."""
    return [(i, capi.pbalgo_name(i)) for i in capi.pbalgo_list()]


def port_block_algo(value: Union[str, int]) -> int:
    """A port-block algorithm ID from its name or ID."""
    if isinstance(value, str):
        return capi.pbalgo_by_name(value)
    if capi.pbalgo_name(int(value)) is None:
        raise ValueError("unknown port-block algorithm %r" % (value,))
    return int(value)


class PortBlock:
    """A deterministic port block plan (RFC 7422) over a :class:`Pool`.

    ``algo`` is a port-block algorithm (name or ID): ``snatpool-spread-v1``
    (the default: ``count`` subscribers from ``base``, an address or an IPv6
    prefix of ``prefix_len``), ``xpf-det-v0`` (``base``/``prefix_len`` is
    xpf's host prefix; ``count`` 0: derived) or ``vpp-det44-v0``
    (``base``/``prefix_len`` the inside prefix, the pool the outside one,
    ``block_size`` 0: derived).  Subscribers get an address of the pool's
    ``xfamily`` (4 or 6; default 4) and a block of ports; ``flags``
    may hold :data:`PORTBLOCK_STRICT`."""

    def __init__(self, pool, base, count, block_size, prefix_len=0, xfamily=4,
                 algo="snatpool-spread-v1", flags=0):
        b = parse_address(base)
        opts = {"family": _af(b), "base": b.packed, "count": count,
                "block_size": block_size, "prefix_len": prefix_len,
                "xfamily": socket.AF_INET if xfamily in (4, socket.AF_INET) else socket.AF_INET6,
                "algo": port_block_algo(algo), "flags": flags}
        self._pb = None
        handle = pool._retain()
        try:
            self._pb = capi.portblock_new_diag(handle, opts)
        except BaseException:
            pool._release()
            raise
        self._pool = pool
        self._xlen = 4 if opts["xfamily"] == socket.AF_INET else 16
        self._slen = 4 if b.version == 4 else 16

    def close(self):
        pb, self._pb = self._pb, None
        if pb is not None:
            capi.portblock_free(pb)
            self._pool._release()

    def __del__(self):
        if getattr(self, "_pb", None) is not None:
            self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _h(self):
        if self._pb is None:
            raise ValueError("port block plan is closed")
        return self._pb

    def map(self, src):
        """(subscriber number, xindex, xaddr, (port_lo, port_hi)) of src, or
        None outside the range."""
        s = parse_address(src)
        try:
            num, xindex, xaddr, lo, hi = capi.portblock_map(self._h(), s.packed)
        except Error as e:
            if e.code == errno.ENOENT:
                return None
            raise
        return num, xindex, ipaddress.ip_address(xaddr[:self._xlen]), (lo, hi)

    def info(self) -> Dict[str, Any]:
        """The plan's algorithm and derived geometry: a dict with algo,
        flags, family, xfamily, base, prefix_len, count, addrs, blocks,
        block_size, port_lo, port_hi and fingerprint (SHA-256, 32 bytes)."""
        return capi.portblock_info(self._h())

    @property
    def algo(self) -> str:
        """The plan's port-block algorithm name."""
        return capi.pbalgo_name(self.info()["algo"])

    def reverse(self, xaddr, xport):
        """(subscriber number, subscriber address) using xaddr:xport, or None."""
        x = parse_address(xaddr)
        try:
            num, sub = capi.portblock_reverse(self._h(), x.packed, xport)
        except Error as e:
            if e.code == errno.ENOENT:
                return None
            raise
        return num, ipaddress.ip_address(sub[:self._slen])

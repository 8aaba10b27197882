# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Algorithms, pools and selection over the extension module."""

from __future__ import annotations

import array
import enum
import ipaddress
import socket
import threading
from collections import namedtuple
from typing import Iterable, List, Optional, Sequence, Tuple, Union

from . import capi
from .errors import Code, Error, InvalidInput

#: An address as the package returns it.
IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
#: An address as the package accepts it: text, packed bytes or ipaddress.
AddressLike = Union[str, bytes, IPAddress]

__all__ = ["Algo", "AlgoFlag", "AlgoInfo", "Selection", "Pool",
           "algorithms", "parse_address", "MAX_ADDRS"]

MAX_ADDRS = capi.SNATPOOL_MAX_ADDRS


class Algo(enum.IntEnum):
    """Algorithm IDs (frozen).  ``Algo.XXH3_V1.tag`` is the frozen name."""

    XPF_LEGACY_V0 = capi.SNATPOOL_ALGO_XPF_LEGACY_V0
    XPF_USERSPACE_V1 = capi.SNATPOOL_ALGO_XPF_USERSPACE_V1
    LINUX_NF_PERSIST = capi.SNATPOOL_ALGO_LINUX_NF_PERSIST
    XXH3_V1 = capi.SNATPOOL_ALGO_XXH3_V1
    MAGLEV_V1 = capi.SNATPOOL_ALGO_MAGLEV_V1

    @property
    def tag(self) -> str:
        """The frozen name, e.g. ``"snatpool-xxh3-v1"``."""
        return capi.algo_name(self.value)

    @classmethod
    def parse(cls, value: Union[Algo, int, str, None]) -> Algo:
        """An :class:`Algo` from an Algo, an ID or a name (tag or member
        name).  Raises InvalidInput (a ValueError) if unknown."""
        if isinstance(value, cls):
            return value
        if isinstance(value, bool):
            raise TypeError("algorithm must be an Algo, int or str, not bool")
        if isinstance(value, int):
            if capi.algo_name(value) is None:
                raise InvalidInput(Code.EALGO, capi.strerror(Code.EALGO), str(value))
            return cls(value)
        if isinstance(value, str):
            if value in cls.__members__:
                return cls[value]
            try:
                return cls(capi.algo_by_name(value))
            except Error as e:
                raise InvalidInput(e.code, e.message, value) from None
        raise TypeError("algorithm must be an Algo, int or str, not %s"
                        % type(value).__name__)

    def info(self) -> AlgoInfo:
        """This algorithm's :class:`AlgoInfo`."""
        return _algo_info(self.value)

    def __str__(self):
        return self.tag


DEFAULT_ALGO = Algo(capi.SNATPOOL_ALGO_DEFAULT)


class AlgoFlag(enum.IntFlag):
    """Algorithm properties (``SNATPOOL_ALGO_F_*``)."""

    OPENSSL = capi.SNATPOOL_ALGO_F_OPENSSL
    BPF_SAFE = capi.SNATPOOL_ALGO_F_BPF_SAFE
    ORDER_FREE = capi.SNATPOOL_ALGO_F_ORDER_FREE
    CONSISTENT = capi.SNATPOOL_ALGO_F_CONSISTENT
    SEEDED = capi.SNATPOOL_ALGO_F_SEEDED
    RANGE_ONLY = capi.SNATPOOL_ALGO_F_RANGE_ONLY


AlgoInfo = namedtuple("AlgoInfo", "algo name flags summary")
AlgoInfo.__doc__ = "What the library's registry says of one algorithm."


def _algo_info(algo_id):
    ident, name, flags, summary = capi.algo_info(algo_id)
    try:
        algo = Algo(ident)
    except ValueError:		# newer library than this package
        algo = ident
    return AlgoInfo(algo, name, AlgoFlag(flags), summary)


def algorithms() -> List[AlgoInfo]:
    """Every algorithm the library knows, by ascending ID."""
    return [_algo_info(i) for i in capi.algo_list()]


Selection = namedtuple("Selection", "address index")
Selection.__doc__ = """The result of :meth:`Pool.select`: ``address`` (an
``ipaddress`` object of the source's family) and ``index`` (its position in
that family's configured order)."""

_FAMILY = {4: socket.AF_INET, 6: socket.AF_INET6}
_VERSION = {socket.AF_INET: 4, socket.AF_INET6: 6}


def _family(family):
    """AF_INET/AF_INET6 from 4, 6, AF_INET or AF_INET6."""
    if family in _FAMILY:
        return _FAMILY[family]
    if family in _VERSION:
        return family
    raise InvalidInput(Code.EFAMILY, capi.strerror(Code.EFAMILY), str(family))


def parse_address(value: AddressLike) -> IPAddress:
    """An ``ipaddress`` address from a str, bytes (4 or 16 octets) or an
    ``ipaddress`` address, as the library reads it (``::ffff:a.b.c.d`` stays
    an IPv6 address).  Raises InvalidInput for anything else."""
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        if getattr(value, "scope_id", None):
            raise InvalidInput(Code.EADDR, capi.strerror(Code.EADDR), str(value))
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        value = bytes(value)
        if len(value) in (4, 16):
            return ipaddress.ip_address(value)
        raise InvalidInput(Code.EADDR, capi.strerror(Code.EADDR), value.hex())
    if isinstance(value, str):
        try:
            family, packed = capi.addr_parse(value)
        except Error as e:
            raise InvalidInput(e.code, e.message, value) from None
        return ipaddress.ip_address(packed)
    raise TypeError("address must be str, bytes or an ipaddress address, not %s"
                    % type(value).__name__)


def _to_packed(value):
    addr = parse_address(value)
    return (socket.AF_INET if addr.version == 4 else socket.AF_INET6), addr.packed


def _spec_token(item):
    """One pool spec token from a str, address, network or (first, last)."""
    if isinstance(item, str):
        return item
    if isinstance(item, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(parse_address(item))
    if isinstance(item, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
        return item.with_prefixlen
    if isinstance(item, tuple) and len(item) == 2:
        return "%s-%s" % (parse_address(item[0]), parse_address(item[1]))
    raise TypeError("pool items are str, ipaddress addresses or networks, or "
                    "(first, last) pairs, not %s" % type(item).__name__)


class Pool:
    """An immutable pool of translated addresses.

    ``Pool("198.51.100.1-198.51.100.4,2001:db8::/126")`` reads a spec;
    ``Pool([IPv4Address(...), "2001:db8::1", ...])`` takes addresses (the
    configured order is their order); an iterable holding networks or
    ``(first, last)`` pairs is turned into a spec.  Options: ``seed``,
    ``ports`` (lo, hi), ``algo`` (the pool's default), ``maglev_size``.

    A pool may be shared by threads.  Its C memory is freed by
    :meth:`close` (or leaving a ``with`` block), else when collected.
    """

    __slots__ = ("_p", "_lock", "_users", "_closing", "__weakref__")

    def __init__(self, addresses: Union[str, Iterable[AddressLike]], *, seed: int = 0,
                 ports: Optional[Tuple[int, int]] = None, algo: Union[Algo, int, str, None] = None,
                 maglev_size: int = 0) -> None:
        opts = {"seed": seed, "maglev_size": maglev_size}
        if ports is not None:
            lo, hi = ports
            opts["port_lo"], opts["port_hi"] = lo, hi
        if algo is not None:
            opts["default_algo"] = Algo.parse(algo).value
        self._lock = threading.Lock()
        self._p = None
        self._users = 0		# open tables and port block plans on this pool
        self._closing = False
        if isinstance(addresses, str):
            self._p = capi.pool_from_spec(addresses, opts)
            return
        items = list(addresses)
        if all(isinstance(i, (ipaddress.IPv4Address, ipaddress.IPv6Address,
                              bytes, bytearray)) for i in items):
            self._p = capi.pool_new([_to_packed(i) for i in items], opts)
        else:
            self._p = capi.pool_from_spec(",".join(_spec_token(i) for i in items), opts)

    # -- lifetime ----------------------------------------------------------
    def close(self) -> None:
        """Free the pool; later calls raise ValueError.  Idempotent.  Tables
        and port block plans built on the pool keep its memory until they
        are closed."""
        with self._lock:
            self._closing = True
            if self._users:
                return
            p, self._p = self._p, None
        if p is not None:
            capi.pool_free(p)

    def _retain(self):
        with self._lock:
            if self._p is None or self._closing:
                raise ValueError("pool is closed")
            self._users += 1
            return self._p

    def _release(self):
        with self._lock:
            self._users -= 1
            if self._users or not self._closing:
                return
            p, self._p = self._p, None
        if p is not None:
            capi.pool_free(p)

    def __del__(self):
        p = getattr(self, "_p", None)
        if p is not None and not getattr(self, "_users", 0):
            self._p = None
            capi.pool_free(p)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def closed(self):
        return self._p is None or self._closing

    def _h(self):
        p = self._p
        if p is None or self._closing:
            raise ValueError("pool is closed")
        return p

    # -- contents ----------------------------------------------------------
    def count(self, family: int) -> int:
        """Addresses of ``family`` (4, 6, AF_INET or AF_INET6)."""
        return capi.pool_count(self._h(), _family(family))

    def __len__(self):
        return self.count(4) + self.count(6)

    def addresses(self, family: int) -> List[IPAddress]:
        """The addresses of ``family`` in configured order."""
        fam, p = _family(family), self._h()
        return [ipaddress.ip_address(capi.pool_addr(p, fam, i))
                for i in range(capi.pool_count(p, fam))]

    def address(self, family: int, index: int) -> IPAddress:
        """The address at ``index`` of ``family``."""
        return ipaddress.ip_address(capi.pool_addr(self._h(), _family(family), index))

    @property
    def seed(self) -> int:
        return capi.pool_seed(self._h())

    @property
    def ports(self) -> Tuple[int, int]:
        """The port range (lo, hi)."""
        return tuple(capi.pool_ports(self._h()))

    @property
    def default_algo(self) -> Algo:
        return Algo(capi.pool_default_algo(self._h()))

    def maglev_table(self, family: int) -> Sequence[int]:
        """A copy of the Maglev table of ``family``: ``array('H')`` of M
        16-bit configured-order indexes."""
        table = array.array("H")
        table.frombytes(capi.maglev_table(self._h(), _family(family)))
        return table

    # -- selection ---------------------------------------------------------
    def select(self, src: AddressLike, algo: Union[Algo, int, str] = 0) -> Selection:
        """The pool address for source ``src`` (str, bytes or ipaddress):
        a :class:`Selection` (address, index).  ``algo``: an :class:`Algo`,
        ID or name; 0 for the pool's default.  Raises InvalidInput when the
        pool has no address of the source's family (never a default)."""
        addr = parse_address(src)
        fam = socket.AF_INET if addr.version == 4 else socket.AF_INET6
        algo_id = algo if type(algo) is int or isinstance(algo, Algo) else Algo.parse(algo)
        index, packed = capi.select(self._h(), fam, addr.packed, algo_id)
        return Selection(ipaddress.ip_address(packed), index)

    def select_many(self, srcs: Iterable[AddressLike],
                    algo: Union[Algo, int, str] = 0) -> List[Selection]:
        """Indexes for many sources of one family (snatpool_select_burst());
        a list of ints in the order given."""
        addrs = [parse_address(s) for s in srcs]
        if not addrs:
            return []
        version = addrs[0].version
        if any(a.version != version for a in addrs):
            raise InvalidInput(Code.EFAMILY, "select_many needs sources of one family")
        fam = socket.AF_INET if version == 4 else socket.AF_INET6
        algo_id = algo if type(algo) is int or isinstance(algo, Algo) else Algo.parse(algo)
        return capi.select_burst(self._h(), fam, b"".join(a.packed for a in addrs), algo_id)

    # -- NAT64: IPv6 sources, the pool's IPv4 addresses --------------------
    def select_nat64(self, src: AddressLike,
                     algo: Union[Algo, int, str] = 0) -> Selection:
        """The IPv4 pool address for IPv6 source ``src`` by the algorithm's
        NAT64 rule (snatpool_select_nat64()): a :class:`Selection` (IPv4
        address, index in the IPv4 configured order).  Raises InvalidInput
        with Code.ENONAT64 for an algorithm without a NAT64 rule, ENOFAMILY
        for a pool without IPv4 addresses, EFAMILY for an IPv4 ``src``."""
        addr = parse_address(src)
        if addr.version != 6:
            raise InvalidInput(Code.EFAMILY, "NAT64 takes an IPv6 source", str(addr))
        algo_id = algo if type(algo) is int or isinstance(algo, Algo) else Algo.parse(algo)
        index, packed = capi.select_nat64(self._h(), addr.packed, algo_id)
        return Selection(ipaddress.ip_address(packed), index)

    def select_many_nat64(self, srcs: Iterable[AddressLike],
                          algo: Union[Algo, int, str] = 0) -> List[int]:
        """IPv4 indexes for many IPv6 sources (snatpool_select_nat64_burst()),
        a list of ints in the order given."""
        addrs = [parse_address(s) for s in srcs]
        if any(a.version != 6 for a in addrs):
            raise InvalidInput(Code.EFAMILY, "NAT64 takes IPv6 sources")
        if not addrs:
            return []
        algo_id = algo if type(algo) is int or isinstance(algo, Algo) else Algo.parse(algo)
        return capi.select_nat64_burst(self._h(), b"".join(a.packed for a in addrs), algo_id)

    def __repr__(self):
        if self._p is None:
            return "<snatpool.Pool closed>"
        return "<snatpool.Pool %d IPv4, %d IPv6, seed=%d>" % (
            self.count(4), self.count(6), self.seed)

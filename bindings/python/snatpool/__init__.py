# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""libsnatpool for Python: source-NAT pool address selection.

    >>> import snatpool
    >>> with snatpool.Pool("198.51.100.1-198.51.100.4,2001:db8::/126") as pool:
    ...     sel = pool.select("10.0.1.100", snatpool.Algo.XPF_USERSPACE_V1)
    >>> sel.address, sel.index
    (IPv4Address('198.51.100.4'), 3)

Algorithms are :class:`Algo` members (their ``tag`` is the frozen name);
library errors raise :class:`Error` (``code``, ``message``), bad input
:class:`InvalidInput`, which is also a ``ValueError``.  Golden vectors:
:func:`vectors`, :func:`write_vectors`, :func:`check_vector`,
:func:`verify`.  Persistent-NAT tables: :class:`Table`, with context-managed
lifetimes; port blocks: :class:`PortBlock`.  ``python3 -m snatpool select|vectors|verify`` mirrors the
``snatpool`` command.

The module ``snatpool.capi`` is the SWIG-generated layer underneath: the C
functions without their ``snatpool_`` prefix.
"""

from . import capi
from .errors import Code, Error, InvalidInput
from ._pool import (Algo, AlgoFlag, AlgoInfo, DEFAULT_ALGO, MAX_ADDRS, Pool,
                    Selection, algorithms, parse_address)
from .vectors import (SCHEMA, VectorResult, VerifyResult, check_vector,
                      vectors, verify, write_vectors)

__all__ = ["Algo", "AlgoFlag", "AlgoInfo", "Code", "DEFAULT_ALGO", "Error",
           "InvalidInput", "MAX_ADDRS", "Pool", "SCHEMA", "Selection",
           "VectorResult", "VerifyResult", "algorithms", "check_vector",
           "library_version", "parse_address", "strerror", "vectors",
           "verify", "write_vectors"]

from .table import (DELTA_RECORD_SIZE, PORTBLOCK_STRICT, Event, EventType, Flow,
                    Mapping, MappingFlag, Nat64Flow, Permit, PortBlock,
                    PortStrategy, Table, TableFlag, TableStats, port_block_algo,
                    port_block_algos)

__all__ += ["DELTA_RECORD_SIZE", "Event", "EventType", "Flow", "Mapping",
            "MappingFlag", "Nat64Flow", "Permit", "PortBlock", "PortStrategy",
            "Table", "TableFlag", "TableStats", "PORTBLOCK_STRICT",
            "port_block_algo", "port_block_algos"]

__version__ = capi.version()


def library_version():
    """The version of the libsnatpool the extension is linked to."""
    return capi.version()


def strerror(code):
    """The library's text for an error code (either sign)."""
    return capi.strerror(code)

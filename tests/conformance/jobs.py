# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Job files of the conformance suite (standard library only; never loads
libsnatpool).

A job file is what every consumer (tests/conformance/compute.c, compute.py
through the Python binding, `snatpool-go compute` through the Go binding)
reads, printing one result line per job line:

    P <TAB> SEED <TAB> MAGLEV_SIZE <TAB> SPEC   -> "pool ok" | "pool error CODE"
    S <TAB> ALGO <TAB> SRC                     -> "INDEX ADDRESS" | "error CODE"
    X <TAB> ALGO <TAB> SRC                     -> the same, NAT64: an IPv6 SRC,
                                                  an IPv4 ADDRESS (select_nat64)
    # anything                                 -> copied through

S and X lines select from the pool of the last P line.  Vectors of schema
/2 (cross-family, "xfamily" 4 for an IPv6 "src") become X lines.
"""

import ipaddress
import json

SCHEMA = "snatpool-vectors/1"
SCHEMA_XFAMILY = "snatpool-vectors/2"


class Vector:
    """One vectors-file line and where it came from."""

    __slots__ = ("where", "algo", "seed", "msize", "pool", "src", "index", "address",
                 "nat64")

    def __init__(self, where, obj):
        self.where = where
        self.algo = obj["algo"]
        self.seed = int(obj.get("seed", 0))
        self.msize = int(obj.get("maglev_size", 0))
        self.pool = obj["pool"]
        self.src = obj["src"]
        self.index = int(obj["index"])
        self.address = obj["address"]
        self.nat64 = obj.get("xfamily", obj.get("family")) != obj.get("family")


def read_vectors(paths):
    """Every non-blank line of the vectors files, as Vector objects.  A line
    that is not a vector is an error (the suite checks committed files)."""
    out = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                obj = json.loads(line)
                schema = obj.get("schema")
                if schema not in (SCHEMA, SCHEMA_XFAMILY) or \
                        (schema == SCHEMA_XFAMILY) != ("xfamily" in obj):
                    raise ValueError("%s:%d: schema %r" % (path, lineno, schema))
                out.append(Vector("%s:%d" % (path, lineno), obj))
    return out


def write_jobs(f, cases):
    """Write jobs for cases (objects with algo, seed, msize, pool, src);
    returns, per output line, the index of its case or None (P lines)."""
    key = None
    slots = []
    for i, c in enumerate(cases):
        k = (c.pool, c.seed, c.msize)
        if k != key:
            f.write("P\t%d\t%d\t%s\n" % (c.seed, c.msize, c.pool))
            slots.append(None)
            key = k
        f.write("%s\t%s\t%s\n" % ("X" if getattr(c, "nat64", False) else "S",
                                   c.algo, c.src))
        slots.append(i)
    return slots


def canon(addr):
    """The packed form of an address text, or the text if it is none."""
    try:
        return ipaddress.ip_address(addr).packed
    except ValueError:
        return addr


def parse_result(line):
    """("ok", index, packed address) | ("error", code) | ("pool", text)."""
    parts = line.split()
    if parts and parts[0] == "pool":
        return ("pool", " ".join(parts[1:]))
    if len(parts) == 2 and parts[0] == "error":
        return ("error", int(parts[1]))
    if len(parts) == 2 and parts[0].isdigit():
        return ("ok", int(parts[0]), canon(parts[1]))
    return ("garbled", line)


def fmt(packed):
    """Text of a packed address, for messages."""
    try:
        return str(ipaddress.ip_address(packed))
    except ValueError:
        return repr(packed)

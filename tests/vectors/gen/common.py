# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Shared helpers of the vector generators in tests/vectors/gen/.

The generators compute known answers without libsnatpool: they never load
or call the library.  This module holds what they share:

  * parse_spec(): the pool spec grammar of snatpool_pool_from_spec(),
    reimplemented with Python's ipaddress module, and expanded per family
    in configured order;
  * nf_range(): whether a family's addresses form the one ascending
    contiguous range that linux-nf-persistent accepts;
  * the deterministic cases (pools, sources, seeds);
  * line(): one vector line in the frozen format
    {"schema":"snatpool-vectors/1","algo":...,"algo_id":...,"family":...,
     "pool":...,"seed":...,"src":...,"index":...,"address":...}
  * line_xfamily() and generate_nat64(): cross-family (NAT64) lines, schema
    snatpool-vectors/2, which adds "xfamily" (the family of "address")
    after "family"; a /1 reader refuses the schema instead of checking the
    line as a single-family one;
  * main(): the command line of a generator with a --nat64 file;
  * check(), check_done() and run_main(): the self-checks' tally and a
    generator's output captured in memory (also check_portblock_gen.py's).
"""

import collections
import functools
import io
import ipaddress
import json
import random
import sys

SCHEMA = "snatpool-vectors/1"
SCHEMA_XFAMILY = "snatpool-vectors/2"   # cross-family lines (NAT64)
MAX_ADDRS = 65536       # per family, as SNATPOOL_MAX_ADDRS
U64 = (1 << 64) - 1

ALGO_IDS = {            # frozen, docs/algorithms.md
    "xpf-legacy-v0": 1,
    "xpf-userspace-v1": 2,
    "linux-nf-persistent": 3,
    "snatpool-xxh3-v1": 4,
    "snatpool-maglev-v1": 5,
}


# ---------------------------------------------------------------------------
# Pool specs
# ---------------------------------------------------------------------------

class SpecError(ValueError):
    pass


def _addr(text):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise SpecError("bad address %r" % text) from None


def parse_spec(spec):
    """Expand a pool spec into {4: [addr, ...], 6: [addr, ...]}.

    Tokens are comma-separated, spaces around them ignored: an address,
    A-B (ascending, same family, A == B allowed) or PREFIX/LEN (every
    address, network and broadcast included; host bits must be zero).
    Each family keeps the order of the spec.  Duplicates, an empty pool and
    more than MAX_ADDRS addresses of one family are errors, as in the
    library; a generator that trips one has a bug in its cases.
    """
    fams = {4: [], 6: []}
    for token in spec.split(","):
        token = token.strip()
        if not token:
            raise SpecError("empty token in %r" % spec)
        if "/" in token:
            try:
                net = ipaddress.ip_network(token, strict=True)
            except ValueError as e:
                raise SpecError("bad prefix %r: %s" % (token, e)) from None
            if net.num_addresses > MAX_ADDRS:
                raise SpecError("prefix %r too large" % token)
            first, count, fam = int(net.network_address), net.num_addresses, net.version
        elif "-" in token:
            lo_t, _, hi_t = token.partition("-")
            lo, hi = _addr(lo_t.strip()), _addr(hi_t.strip())
            if lo.version != hi.version:
                raise SpecError("mixed-family range %r" % token)
            if int(hi) < int(lo):
                raise SpecError("reversed range %r" % token)
            first, count, fam = int(lo), int(hi) - int(lo) + 1, lo.version
            if count > MAX_ADDRS:
                raise SpecError("range %r too large" % token)
        else:
            a = _addr(token)
            first, count, fam = int(a), 1, a.version
        cls = ipaddress.IPv4Address if fam == 4 else ipaddress.IPv6Address
        fams[fam].extend(cls(first + i) for i in range(count))
        if len(fams[fam]) > MAX_ADDRS:
            raise SpecError("more than %d IPv%d addresses" % (MAX_ADDRS, fam))
    for fam, addrs in fams.items():
        if len(set(addrs)) != len(addrs):
            raise SpecError("duplicate IPv%d address in %r" % (fam, spec))
    if not fams[4] and not fams[6]:
        raise SpecError("empty pool")
    return fams


def nf_range(addrs):
    """True if @addrs is A, A+1, ..., B in this order and, for IPv6, only
    the last 32 bits count (no carry into octet 11): the pools for which
    linux-nf-persistent is defined."""
    if not addrs:
        return False
    first = int(addrs[0])
    for i, a in enumerate(addrs):
        if int(a) != first + i:
            return False
    if addrs[0].version == 6 and (first >> 32) != (int(addrs[-1]) >> 32):
        return False
    return True


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

# Pools that are one ascending contiguous range per family (valid for every
# algorithm, linux-nf-persistent included), in order of size.
RANGE_POOLS_V4 = [
    "198.51.100.7",                         # n = 1
    "198.51.100.1-198.51.100.2",            # 2
    "198.51.100.10-198.51.100.12",          # 3
    "198.51.100.20-198.51.100.24",          # 5
    "198.51.100.30-198.51.100.36",          # 7
    "198.51.100.64/26",                     # 64
    "198.51.100.1-198.51.100.255",          # 255
    "198.51.100.0/24",                      # 256
    "198.18.0.255-198.18.1.255",            # 257, crosses an octet
    "198.18.0.0/22",                        # 1024
    "198.18.16.0/20",                       # 4096
    "100.64.0.0/16",                        # 65536
    "0.0.0.0/30",                           # 4, lowest addresses
    "255.255.255.252-255.255.255.255",      # 4, highest addresses
]

RANGE_POOLS_V6 = [
    "2001:db8::1",                                  # n = 1
    "2001:db8::a-2001:db8::b",                      # 2
    "2001:db8:1::fffe-2001:db8:1::1:0",             # 3, carry inside the last 32 bits
    "2001:db8:2::10-2001:db8:2::14",                # 5
    "2001:db8:3::ffff:fff8-2001:db8:3::ffff:fffe",  # 7
    "2001:db8:4::/122",                             # 64
    "2001:db8:5::1-2001:db8:5::ff",                 # 255
    "2001:db8:6::/120",                             # 256
    "2001:db8:7::ff80-2001:db8:7::1:80",            # 257
    "2001:db8:8::/118",                             # 1024
    "2001:db8:9::/116",                             # 4096
    "2001:db8:a::/112",                             # 65536
    "::/126",                                       # 4, lowest addresses
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc/126",  # 4, highest addresses
    "::ffff:198.51.100.1-::ffff:198.51.100.4",      # 4, IPv4-mapped: still IPv6
]

# Both families in one spec, each family one ascending range.
RANGE_POOLS_MIXED = [
    "198.51.100.1-198.51.100.4,2001:db8::/126",
    "2001:db8:7::ff80-2001:db8:7::1:80,198.18.0.255-198.18.1.255",
    " 203.0.113.0/29 , 2001:db8:5::1-2001:db8:5::3",  # spaces around tokens
]

# Pools that are not one ascending range (comma lists out of order, gaps,
# carries out of the last 32 bits): every algorithm but linux-nf-persistent.
LIST_POOLS = [
    "198.51.100.9,198.51.100.3,198.51.100.5",
    "198.51.100.24,198.51.100.20,198.51.100.23,198.51.100.21,198.51.100.22",
    "203.0.113.200-203.0.113.201,198.51.100.1,203.0.113.5,198.51.100.0,"
    "198.51.100.128/30",
    "198.51.100.32/27,198.51.100.0-198.51.100.31",
    "198.18.2.0/23,198.18.0.0/23",
    "10.0.0.1,10.0.0.0",
    "2001:db8::3,2001:db8::1,2001:db8::2",
    "2001:db8:2::14,2001:db8:2::10,2001:db8:2::13,2001:db8:2::11,2001:db8:2::12",
    "2001:db8:3::ffff:ffff-2001:db8:3::1:0:1",
    "2001:db8:4::20/123,2001:db8:4::/123",
    "::ffff:203.0.113.9,2001:db8:ffff::1-2001:db8:ffff::3,::1,fe80::1,"
    "2001:db8::/127",
    "2001:db8:5a7::2,198.51.100.9,2001:db8:5a7::1,198.51.100.3,"
    "203.0.113.1-203.0.113.2,2001:db8:5a7::3",
]

SEEDS = [0, 1, 0xDEADBEEF, 0x9E3779B97F4A7C15, U64]


def all_pools(nf_only=False):
    pools = RANGE_POOLS_V4 + RANGE_POOLS_V6 + RANGE_POOLS_MIXED
    if not nf_only:
        pools = pools + LIST_POOLS
    for spec in pools:
        fams = parse_spec(spec)
        if nf_only:
            for fam in (4, 6):
                if fams[fam] and not nf_range(fams[fam]):
                    raise SpecError("not a linux-nf-persistent pool: %r" % spec)
    return pools


def _v4(i):
    return ipaddress.IPv4Address(i)


def _v6(i):
    return ipaddress.IPv6Address(i)


@functools.lru_cache(maxsize=None)
def sources(fam):
    """The sources of one family: edges, adjacent runs, seeded random."""
    out = []
    if fam == 4:
        fixed = ["0.0.0.0", "255.255.255.255", "0.0.0.1", "1.0.0.0",
                 "128.0.0.0", "0.0.0.128", "0.0.128.0", "127.0.0.1",
                 "10.0.0.0", "10.255.255.255", "172.16.0.1", "192.168.2.1",
                 "100.64.0.1", "224.0.0.1", "198.51.100.1", "203.0.113.77"]
        out += [ipaddress.ip_address(a) for a in fixed]
        base = int(ipaddress.IPv4Address("10.0.1.96"))
        out += [_v4(base + i) for i in range(32)]        # 10.0.1.96-127
        base = int(ipaddress.IPv4Address("192.168.0.250"))
        out += [_v4(base + i) for i in range(12)]        # .0.250-.1.5
        rng = random.Random(0x5A7C0401)
        out += [_v4(rng.getrandbits(32)) for _ in range(48)]
    else:
        fixed = ["::", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                 "8000::", "::8000:0", "::ffff:0.0.0.0",
                 "::ffff:255.255.255.255", "::ffff:10.1.2.3",
                 "::10.0.1.100", "64:ff9b::a00:164",
                 "2002:c633:6401::1", "fe80::1", "fd00::1", "2001:db8::1",
                 "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe"]
        out += [ipaddress.ip_address(a) for a in fixed]
        base = int(ipaddress.IPv6Address("2001:db8:1000::fff0"))
        out += [_v6(base + i) for i in range(32)]        # carries a group
        base = int(ipaddress.IPv6Address("::ffff:10.0.1.96"))
        out += [_v6(base + i) for i in range(16)]
        rng = random.Random(0x5A7C0601)
        out += [_v6(rng.getrandbits(128)) for _ in range(32)]
        db8 = int(ipaddress.IPv6Address("2001:db8::"))
        out += [_v6(db8 | rng.getrandbits(96)) for _ in range(16)]
    dup = [a for a, c in collections.Counter(out).items() if c > 1]
    assert not dup, "duplicate source %s" % dup
    return tuple(out)


def few_sources(fam, count=12):
    """A small, still varied subset for the seeded repeats."""
    s = sources(fam)
    step = max(1, len(s) // count)
    return s[::step][:count]


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def _line(schema, algo, pool, seed, src, index, address):
    """One line of @schema, keys in the frozen order, compact separators;
    only a cross-family (/2) line carries "xfamily", right after "family"."""
    if not 0 <= seed <= U64:
        raise ValueError("seed out of u64 range")
    d = {"schema": schema, "algo": algo, "algo_id": ALGO_IDS[algo],
         "family": src.version}
    if schema == SCHEMA_XFAMILY:
        d["xfamily"] = address.version
    d.update(pool=pool, seed=seed, src=str(src), index=index, address=str(address))
    return json.dumps(d, separators=(",", ":"))


def line(algo, pool, seed, src, index, address):
    """One single-family vector line (schema /1)."""
    return _line(SCHEMA, algo, pool, seed, src, index, address)


def emit(lines, out=None):
    out = out or sys.stdout
    for ln in lines:
        out.write(ln)
        out.write("\n")


def generate(algo, pick, seeds=(0,), few_seeds=(), nf_only=False):
    """Yield the lines of @algo: pick(fam, addrs, seed, src) -> index, or
    None to leave that case out.

    Every pool is crossed with every source of each family it holds, under
    each seed of @seeds; the seeds of @few_seeds get few_sources() only,
    which keeps the seeded files modest.
    """
    for spec in all_pools(nf_only):
        fams = parse_spec(spec)
        for seed in list(seeds) + list(few_seeds):
            for fam in (4, 6):
                addrs = fams[fam]
                if not addrs:
                    continue
                srcs = sources(fam) if seed in seeds else few_sources(fam)
                for src in srcs:
                    i = pick(fam, addrs, seed, src)
                    if i is None:
                        continue
                    if not 0 <= i < len(addrs):
                        raise AssertionError("index %d out of range" % i)
                    yield line(algo, spec, seed, src, i, addrs[i])


# ---------------------------------------------------------------------------
# NAT64: IPv6 sources, the pool's IPv4 addresses
# ---------------------------------------------------------------------------

def line_xfamily(algo, pool, seed, src, index, address):
    """One cross-family line: schema /2, "xfamily" after "family"."""
    return _line(SCHEMA_XFAMILY, algo, pool, seed, src, index, address)


@functools.lru_cache(maxsize=None)
def nat64_sources():
    """The IPv6 sources of the single-family cases, then sources that share
    their first 32 bits (whole /32s: where xpf-legacy-v0's NAT64 rule
    collapses) or differ only there."""
    out = list(sources(6))
    rng = random.Random(0x5A7C6404)
    for prefix in ("2001:db8:6464::", "64:ff9b::", "2a00:1450::"):
        base = int(ipaddress.IPv6Address(prefix))
        out += [_v6(base | rng.getrandbits(96)) for _ in range(6)]
    low = rng.getrandbits(96)
    out += [_v6(rng.getrandbits(32) << 96 | low) for _ in range(6)]
    dup = [a for a, c in collections.Counter(out).items() if c > 1]
    assert not dup, "duplicate source %s" % dup
    return tuple(out)


def few_nat64_sources(count=12):
    s = nat64_sources()
    step = max(1, len(s) // count)
    return s[::step][:count]


def generate_nat64(algo, pick, seeds=(0,), few_seeds=()):
    """Yield the NAT64 lines of @algo: pick(addrs4, seed, src6) -> index
    among the pool's IPv4 addresses.  Every pool that holds IPv4 addresses
    is crossed with every NAT64 source under each seed of @seeds, with
    few_nat64_sources() under @few_seeds."""
    for spec in all_pools():
        addrs = parse_spec(spec)[4]
        if not addrs:
            continue
        for seed in list(seeds) + list(few_seeds):
            srcs = nat64_sources() if seed in seeds else few_nat64_sources()
            for src in srcs:
                i = pick(addrs, seed, src)
                if not 0 <= i < len(addrs):
                    raise AssertionError("index %d out of range" % i)
                yield line_xfamily(algo, spec, seed, src, i, addrs[i])


def main(algo, pick, pick_nat64, seeds=(0,), few_seeds=()):
    """The main() of a generator that also writes a NAT64 file: the
    single-family lines, or with --nat64 (the only argument) the NAT64 ones."""
    if sys.argv[1:] == ["--nat64"]:
        emit(generate_nat64(algo, pick_nat64, seeds=seeds, few_seeds=few_seeds))
    else:
        emit(generate(algo, pick, seeds=seeds, few_seeds=few_seeds))


# Octet helpers shared by the models.

def le32(b, off=0):
    return b[off] | b[off + 1] << 8 | b[off + 2] << 16 | b[off + 3] << 24


def mulhi(a, b):
    return (a * b) >> 64


# ---------------------------------------------------------------------------
# The self-checks (check_gen.py, check_portblock_gen.py)
# ---------------------------------------------------------------------------

_tally = {"passed": 0, "failed": 0}


def check(what, got, want):
    """Count one check; print it if @got is not @want."""
    if got == want:
        _tally["passed"] += 1
    else:
        _tally["failed"] += 1
        print("FAIL %s: got %r, want %r" % (what, got, want))


def check_done():
    """Print the tally and exit, 1 if any check failed."""
    print("%(passed)d passed, %(failed)d failed" % _tally)
    sys.exit(1 if _tally["failed"] else 0)


def run_main(main, args=()):
    """What a generator's main() writes to stdout when run with @args."""
    out = io.StringIO()
    saved = sys.stdout, sys.argv
    sys.stdout, sys.argv = out, [sys.argv[0]] + list(args)
    try:
        main()
    finally:
        sys.stdout, sys.argv = saved
    return out.getvalue()

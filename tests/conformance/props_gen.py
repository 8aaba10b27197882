# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Cases of the cross-language property check, written once, here, as a
job file (jobs.py) that the C, Python and Go consumers all answer.

Deterministic for a given --seed (standard library `random` only; never
loads libsnatpool).  Pools cover every size class from 1 to 65536
addresses of each family, in every shape the spec reads (single
addresses, ascending ranges, prefixes, shuffled address lists, several
ranges), seeded and unseeded, with the default and small explicit Maglev
sizes, plus pools the library must refuse.  Each source is asked of every
algorithm, so range-only algorithms meet scattered pools (an error all
languages must report alike) and sources meet pools without their family.

    props_gen.py [--sources N] [--seed S] > cases.jobs
"""

import argparse
import ipaddress
import os
import random
import sys

# One primality test for the test code: the Maglev model's.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "vectors", "gen"))
from snatpool_maglev_v1 import is_prime  # noqa: E402

ALGOS = ["xpf-legacy-v0", "xpf-userspace-v1", "linux-nf-persistent",
         "snatpool-xxh3-v1", "snatpool-maglev-v1"]

# (lowest, highest) address count per size class
SIZE_CLASSES = [(1, 1), (2, 2), (3, 3), (4, 7), (8, 64), (65, 256),
                (257, 1024), (1025, 4096), (4097, 16384), (16385, 65535),
                (65536, 65536)]


def next_prime(n):
    while not is_prime(n):
        n += 1
    return n


def rand_addr(rng, fam):
    if fam == 4:
        return ipaddress.IPv4Address(rng.getrandbits(32))
    kind = rng.random()
    if kind < 0.1:		# IPv4-mapped: an IPv6 address all the same
        return ipaddress.IPv6Address((0xffff << 32) | rng.getrandbits(32))
    return ipaddress.IPv6Address(rng.getrandbits(128))


def range_spec(rng, fam, n):
    """An ascending range of n addresses (IPv6: inside the last 32 bits,
    so the range-only algorithm applies)."""
    if fam == 4:
        start = rng.randrange(0, (1 << 32) - n + 1)
        base = ipaddress.IPv4Address(start)
    else:
        low = rng.randrange(0, (1 << 32) - n + 1)
        base = ipaddress.IPv6Address((rng.getrandbits(96) << 32) | low)
    last = base + (n - 1)
    return str(base) if n == 1 else "%s-%s" % (base, last), None


def prefix_spec(rng, fam, n):
    """A prefix holding n addresses; n must be a power of two."""
    bits = n.bit_length() - 1
    width = 32 if fam == 4 else 128
    net = rng.getrandbits(width - bits) << bits
    cls = ipaddress.IPv4Network if fam == 4 else ipaddress.IPv6Network
    return str(cls((net, width - bits))), None


def list_spec(rng, fam, n):
    """n distinct random addresses in random order."""
    seen = set()
    while len(seen) < n:
        seen.add(rand_addr(rng, fam))
    addrs = list(seen)
    rng.shuffle(addrs)
    return ",".join(map(str, addrs)), None


def multi_range_spec(rng, fam, n):
    """n addresses in a few disjoint ascending ranges, listed out of order."""
    parts, left = [], n
    while left:
        k = rng.randint(1, left)
        parts.append(range_spec(rng, fam, k)[0])
        left -= k
    rng.shuffle(parts)
    return ",".join(parts), None


def pool_for(rng, fams, n):
    """A spec with n addresses of each family in fams."""
    tokens = []
    for fam in fams:
        shapes = [range_spec, multi_range_spec]
        if n & (n - 1) == 0:
            shapes.append(prefix_spec)
        if n <= 2048:
            shapes.append(list_spec)
        tokens.append(rng.choice(shapes)(rng, fam, n)[0])
    rng.shuffle(tokens)
    return ",".join(tokens)


def edge_sources(fam):
    if fam == 4:
        return ["0.0.0.0", "255.255.255.255", "10.0.0.1", "10.0.0.2", "127.0.0.1"]
    return ["::", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "::ffff:0.0.0.0", "::ffff:10.0.0.1", "2001:db8::1", "fe80::1"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=20251126)
    a = ap.parse_args()
    rng = random.Random(a.seed)

    pools = []		# (seed, msize, spec, source families)
    for lo, hi in SIZE_CLASSES:
        for fams in ((4,), (6,), (4, 6)):
            n = rng.randint(lo, hi)
            if n > 16384 and fams == (4, 6):
                n = rng.randint(lo, 16384) if lo <= 16384 else n
            seed = 0 if rng.random() < 0.4 else rng.getrandbits(64)
            # explicit Maglev sizes keep most tables small; some use the default
            if rng.random() < 0.3 and n <= 4096:
                msize = 0
            elif n > 4096:
                msize = 0 if rng.random() < 0.5 else next_prime(n + rng.randint(0, 1000))
            else:
                msize = next_prime(max(n, rng.randint(n, 8 * n + 16)))
            pools.append((seed, msize, pool_for(rng, fams, n), fams))
    # pools the library refuses: every selection reports the pool's error
    bad = [(0, 0, "10.0.0.0/15", (4,)),			# 131072 addresses: ELIMIT
           (0, 0, "10.0.0.5-10.0.0.1", (4,)),		# reversed: ERANGE
           (0, 0, "10.0.0.1/24", (4,)),			# host bits: EPREFIX
           (0, 0, "10.0.0.1,10.0.0.1", (4,)),		# EDUP
           (0, 0, "", (4,)),				# EEMPTY
           (0, 0, "10.0.0.300", (4,)),			# EADDR
           (0, 1024, "10.0.0.0/30", (4,)),		# not a prime: EMAGLEV
           (0, 3, "10.0.0.0/30", (4,))]			# prime below n: EMAGLEV
    pools += bad

    # sources: 25 for each refused pool, the rest shared by the valid ones
    nbad, ngood = len(bad), len(pools) - len(bad)
    per_pool = (a.sources - 25 * nbad) // ngood
    extra = a.sources - 25 * nbad - per_pool * ngood
    out = ["# props_gen.py --sources %d --seed %d: %d pools x %d algorithms"
           % (a.sources, a.seed, len(pools), len(ALGOS))]
    total = 0
    for k, (seed, msize, spec, fams) in enumerate(pools):
        count = 25 if k >= ngood else per_pool + (1 if k < extra else 0)
        out.append("P\t%d\t%d\t%s" % (seed, msize, spec))
        srcs = []
        for fam in (4, 6):
            srcs += edge_sources(fam)[: max(0, count // 4)]
        while len(srcs) < count:
            # mostly the pool's families; some of the other family
            fam = rng.choice(fams) if rng.random() < 0.9 else rng.choice((4, 6))
            srcs.append(str(rand_addr(rng, fam)))
        for s in srcs[:count]:
            for algo in ALGOS:
                out.append("S\t%s\t%s" % (algo, s))
        total += min(count, len(srcs))
    out.append("# %d sources, %d selections" % (total, total * len(ALGOS)))
    print("\n".join(out))


if __name__ == "__main__":
    main()

# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""The Python consumer of the conformance suite: job lines (jobs.py) in,
result lines out, every selection through the snatpool package
(Pool.select, Pool.select_nat64), as compute.c does through the C API.

    python3 compute.py JOBS      (PYTHONPATH must find the snatpool package)
"""

import sys

import snatpool
from snatpool import capi


def fmt(addr):
    """The library's text of an address (ipaddress spells ::ffff:a.b.c.d
    its own way)."""
    fam = capi.AF_INET if addr.version == 4 else capi.AF_INET6
    return capi.addr_format(fam, addr.packed)


def main(path):
    out = []
    pool, pool_err = None, 22	# EINVAL until a P line
    with (sys.stdin if path == "-" else open(path, encoding="utf-8")) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                out.append(line)
                continue
            kind, *fields = line.split("\t")
            if kind == "P" and len(fields) == 3:
                if pool is not None:
                    pool.close()
                    pool = None
                seed, msize, spec = int(fields[0]), int(fields[1]), fields[2]
                try:
                    pool = snatpool.Pool(spec, seed=seed, maglev_size=msize)
                    pool_err = 0
                    out.append("pool ok")
                except snatpool.Error as e:
                    pool_err = e.code
                    out.append("pool error %d" % e.code)
            elif kind in ("S", "X") and len(fields) == 2:
                try:
                    algo = snatpool.Algo.parse(fields[0])
                    src = snatpool.parse_address(fields[1])
                    if pool_err:
                        out.append("error %d" % pool_err)
                        continue
                    sel = pool.select_nat64(src, algo) if kind == "X" else \
                        pool.select(src, algo)
                    out.append("%d %s" % (sel.index, fmt(sel.address)))
                except snatpool.Error as e:
                    out.append("error %d" % e.code)
            else:
                sys.stderr.write("compute.py: not a job line: %r\n" % line[:80])
                return 2
            if len(out) >= 4096:
                sys.stdout.write("\n".join(out) + "\n")
                out = []
    if out:
        sys.stdout.write("\n".join(out) + "\n")
    if pool is not None:
        pool.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write("usage: compute.py JOBS\n")
        sys.exit(2)
    sys.exit(main(sys.argv[1]))

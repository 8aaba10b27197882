# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Per-call cost of selection through the Python binding, key=value: the
loop of tests/conformance/compute.c --bench (same pool, sources and
algorithm), through Pool.select (ipaddress in and out) and through the
SWIG layer (capi.select, bytes in and out).  Best of 5 runs after a warm-up."""

import ipaddress
import sys
import time

import snatpool
from snatpool import capi

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
NSRC = 4096


def best_of(fn):
    best = None
    for run in range(6):
        t0 = time.perf_counter_ns()
        fn()
        ns = (time.perf_counter_ns() - t0) / N
        if run and (best is None or ns < best):
            best = ns
    return best


def main():
    srcs = []
    for i in range(NSRC):
        v = (i * 2654435761) & 0xffffffff
        srcs.append(bytes([10, (v >> 16) & 255, (v >> 8) & 255, v & 255]))
    addrs = [ipaddress.IPv4Address(s) for s in srcs]
    algo = snatpool.Algo.XXH3_V1
    sink = [0]
    with snatpool.Pool("198.51.100.0/24") as pool:
        h = pool._h()

        def raw():
            s = 0
            for i in range(N):
                idx, a = capi.select(h, capi.AF_INET, srcs[i % NSRC], 4)
                s += idx + a[3]
            sink[0] += s

        def pythonic():
            s = 0
            select = pool.select
            for i in range(N):
                sel = select(addrs[i % NSRC], algo)
                s += sel.index
            sink[0] += s

        raw_ns = best_of(raw)
        py_ns = best_of(pythonic)
    print("call_ns.python.capi_select=%.1f algo=snatpool-xxh3-v1 calls=%d" % (raw_ns, N))
    print("call_ns.python.select=%.1f algo=snatpool-xxh3-v1 calls=%d checksum=%d"
          % (py_ns, N, sink[0] & 0xffffffff))


if __name__ == "__main__":
    main()

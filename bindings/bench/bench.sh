#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# `make bench-bindings`: per-call overhead of each binding next to the C
# call, in one run, key=value lines.  Not a test: never fails on speed.
#   call_ns.c.select         snatpool_select() from C (tests/conformance/compute --bench)
#   call_ns.python.select    Pool.select() (ipaddress in and out)
#   call_ns.python.capi_select  the SWIG layer alone (bytes in and out)
#   call_ns.go.select        Pool.Select() (netip.Addr in and out)
#   call_ns.rust.select      Pool::select() (std::net::IpAddr in and out; release build)
#   overhead_ns.*            binding minus C, and ratio to C
. "$top_srcdir/tests/bindings/common.sh"
N=${BENCH_CALLS:-2000000}
NPY=${BENCH_PY_CALLS:-200000}
c=$("$CONF_COMPUTE" --bench "$N") || fail "C bench"
go=$("$SNATPOOL_GO" bench "$N") || fail "Go bench"
py=$("$PYTHON3" "$top_srcdir/bindings/bench/bench.py" "$NPY") || fail "Python bench"
rs=$("$SNATPOOL_RS_RELEASE" bench "$N") || fail "Rust bench"
printf '%s\n%s\n%s\n%s\n' "$c" "$py" "$go" "$rs"
printf '%s\n%s\n%s\n%s\n' "$c" "$py" "$go" "$rs" | "$PYTHON3" -c '
import sys
v = {}
for line in sys.stdin:
    k, _, rest = line.partition("=")
    v[k] = float(rest.split()[0])
c = v["call_ns.c.select"]
for name, key in (("python", "call_ns.python.select"), ("python_capi", "call_ns.python.capi_select"),
                  ("go", "call_ns.go.select"), ("rust", "call_ns.rust.select")):
    print("overhead_ns.%s=%.1f peer=call_ns.c.select ratio=%.2f" % (name, v[key] - c, v[key] / c))
'

#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# snatpool bench prints every key it promises.  A tiny run, never timed:
# benchmarks do not fail on speed.
. "$(dirname "$0")/testlib.sh"

run "$S" bench --n 4096 --runs 1
expect_rc 0 "bench"
grep -Ev '^[a-z0-9_.-]+=[0-9]+(\.[0-9]+)?$' "$T/out" >"$T/odd" && fail "bench: odd lines: $(head -3 "$T/odd")"
for key in n runs evp_sha256_ns.v4 evp_sha256_ns.v6 \
	ratio.xpf-userspace-v1.evp.v4 ratio.xpf-userspace-v1.evp.v6; do
	expect_grep "^$key=" "$T/out" "bench key $key"
done
"$S" algos | awk '{ print $2 }' >"$T/names"
while read -r name; do
	for key in select_ns.$name.v4 select_ns.$name.v6 burst_ns.$name.v4 burst_ns.$name.v6; do
		expect_grep "^$key=" "$T/out" "bench key $key"
	done
done <"$T/names"
# NAT64 figures for the algorithms that have a rule, none for the others.
for name in xpf-legacy-v0 snatpool-xxh3-v1 snatpool-maglev-v1; do
	for key in select_ns.$name.nat64 burst_ns.$name.nat64; do
		expect_grep "^$key=" "$T/out" "bench key $key"
	done
done
for name in xpf-userspace-v1 linux-nf-persistent; do
	grep -q "^select_ns.$name.nat64=" "$T/out" && fail "bench: $name has no NAT64 rule"
done
for name in snatpool-spread-v1 xpf-det-v0 vpp-det44-v0; do
	for key in portblock_ns.$name.map portblock_ns.$name.reverse; do
		expect_grep "^$key=" "$T/out" "bench key $key"
	done
done

finish

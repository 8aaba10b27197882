#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# snatpool demo runs, shows its three parts for every algorithm, and agrees
# with snatpool select on the clients it shows.
. "$(dirname "$0")/testlib.sh"

run "$S" demo
expect_rc 0 "demo"
[ ! -s "$T/err" ] || fail "demo wrote to stderr: $(head -3 "$T/err")"
lines=$(wc -l <"$T/out")
[ "$lines" -ge 20 ] && [ "$lines" -le 80 ] || fail "demo: $lines lines, want a few dozen"
for part in '^1\. ' '^2\. ' '^3\. '; do
	expect_grep "$part" "$T/out" "demo part $part"
done
"$S" algos | awk '{ print $2 }' >"$T/names"
while read -r name; do
	n=$(grep -c "^  $name " "$T/out")
	[ "$n" -eq 4 ] || fail "demo: $name on $n rows, want 4 (two pick tables, spread, moves)"
done <"$T/names"

# An algorithm marked consistent moved no more than it should.
grep -q 'NOTE:' "$T/out" && fail "demo: $(grep 'NOTE:' "$T/out")"

# The legacy algorithm collapses on 10.0.0.0/8 with 8 addresses: flagged.
expect_grep '^  xpf-legacy-v0 .*collapses' "$T/out" "demo flags the legacy collapse"

# The picks shown are those of snatpool select on the same pool.
POOL=198.51.100.1-198.51.100.8,2001:db8:100::1-2001:db8:100::8
want=$(awk '/^  IPv4 client/ { t = 1; next } t && /^  xpf-userspace-v1 / { print $2; exit }' "$T/out")
run "$S" select --algo xpf-userspace-v1 --pool "$POOL" 10.0.1.100
got=$(awk '{ print $2 }' "$T/out")
[ -n "$want" ] && [ "$want" = "$got" ] || fail "demo shows '$want' for 10.0.1.100, select says '$got'"

finish

#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# --nat64 (IPv6 sources, IPv4 pool addresses) in select, spread, compare
# and verify: the answers of every algorithm with a NAT64 rule against the
# independent models of tests/vectors/gen/ (which never load the library),
# the refusals, and the usage errors.
. "$(dirname "$0")/testlib.sh"

POOL="198.51.100.20-198.51.100.24,203.0.113.9,2001:db8:100::1-2001:db8:100::3"

# Model: "SRC ADDRESS INDEX" for each IPv6 source of file $3, algorithm $1, seed $2.
cat >"$T/model.py" <<'PY'
import ipaddress, os, sys
sys.path.insert(0, os.path.join(os.environ["SRCDIR"], "tests", "vectors", "gen"))
import common, xpf_legacy_v0, snatpool_xxh3_v1, snatpool_maglev_v1
algo, seed, spec = sys.argv[1], int(sys.argv[2]), sys.argv[4]
mod = {"xpf-legacy-v0": xpf_legacy_v0, "snatpool-xxh3-v1": snatpool_xxh3_v1,
       "snatpool-maglev-v1": snatpool_maglev_v1}[algo]
addrs = common.parse_spec(spec)[4]
for line in open(sys.argv[3]):
    text = line.strip()
    if text:
        i = mod.pick_nat64(addrs, seed, ipaddress.ip_address(text))
        print(text, addrs[i], i)
PY

# 5000 IPv6 sources (more than one CLI batch), edges and whole /32s.
"$PY" - "$T/src" <<'PY'
import random, ipaddress, sys
r = random.Random(64)
with open(sys.argv[1], "w") as f:
    for e in ["::", "::1", "64:ff9b::c000:201", "::ffff:10.0.0.1",
              "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]:
        f.write(e + "\n")
    for i in range(5000):
        a = r.getrandbits(128)
        if i % 4 == 0:
            a = 0x20010db8 << 96 | r.getrandbits(96)
        f.write(str(ipaddress.IPv6Address(a)) + "\n")
PY

export SRCDIR
for algo in xpf-legacy-v0 snatpool-xxh3-v1 snatpool-maglev-v1; do
	for seed in 0 0xdeadbeef; do
		"$PY" "$T/model.py" "$algo" "$(printf '%d' "$seed")" "$T/src" "$POOL" >"$T/want" ||
			fail "model $algo"
		run "$S" select --algo "$algo" --pool "$POOL" --seed "$seed" --nat64 <"$T/src"
		expect_rc 0 "select --nat64 $algo seed $seed (stdin)"
		cmp -s "$T/want" "$T/out" || {
			fail "select --nat64 $algo seed $seed disagrees with the Python model"
			diff "$T/want" "$T/out" | head -5 >&2
		}
	done
done

# Arguments; the contract: SRC ADDRESS INDEX, ADDRESS IPv4.
# xpf-legacy-v0: 2001:db8::1 -> LE32(20 01 0d b8) = 0xb80d0120 = 3087860000,
# mod 6 = 2 -> the third IPv4 address of the pool.
run "$S" select --algo xpf-legacy-v0 --pool "$POOL" --nat64 2001:db8::1 2001:db8:ffff::77
expect_rc 0 "select --nat64 arguments"
expect_out "2001:db8::1 198.51.100.22 2
2001:db8:ffff::77 198.51.100.22 2" "select --nat64 legacy by hand"

# An IPv4 source is a usage error, as an argument or a line.
usage_error "IPv4 SRC with --nat64" "$S" select --pool "$POOL" --nat64 2001:db8::1 10.0.0.1
printf '2001:db8::1\n10.0.0.1\n' >"$T/mixed"
run "$S" select --pool "$POOL" --nat64 <"$T/mixed"
expect_rc 2 "IPv4 line with --nat64"
expect_grep "line 2" "$T/err" "IPv4 line with --nat64 names its line"
# Algorithms without a NAT64 rule refuse: never a guess.
for algo in xpf-userspace-v1 linux-nf-persistent; do
	usage_error "select --nat64 $algo" "$S" select --algo "$algo" \
		--pool 198.51.100.1-198.51.100.4 --nat64 2001:db8::1
	expect_grep "no NAT64" "$T/err" "select --nat64 $algo names the refusal"
	usage_error "spread --nat64 $algo" "$S" spread --algo "$algo" \
		--pool 198.51.100.1-198.51.100.4 --nat64 --sources 2001:db8::/120
	usage_error "compare --nat64 $algo" "$S" compare --from-algo "$algo" \
		--to-algo snatpool-xxh3-v1 --pool 198.51.100.1-198.51.100.4 --nat64
done
# No IPv4 address in the pool.
usage_error "select --nat64, IPv6-only pool" "$S" select --pool 2001:db8::/126 --nat64 2001:db8::1
# Without --nat64 nothing changed: an IPv6 source picks an IPv6 address.
run "$S" select --algo xpf-legacy-v0 --pool "$POOL" 2001:db8::1
expect_rc 0 "select without --nat64"
expect_grep "^2001:db8::1 2001:db8:100::" "$T/out" "select without --nat64 stays IPv6"

# spread: legacy collapses a /32 onto one address and says so.
run "$S" spread --algo xpf-legacy-v0 --pool 198.51.100.0/28 --nat64 --sources 2001:db8::/112
expect_rc 0 "spread --nat64 legacy"
expect_grep "^WARNING: selection collapses (IPv4): 1 of 16 addresses" "$T/out" "spread legacy collapse"
expect_grep "^WARNING: xpf-legacy-v0 NAT64 reads only the first 32 bits" "$T/out" "spread legacy /32 warning"
[ "$(grep -c '^198\.51\.100\.' "$T/out")" = 16 ] || fail "spread --nat64: want 16 IPv4 lines"
run "$S" spread --algo snatpool-maglev-v1 --pool 198.51.100.0/28 --nat64 --sources 2001:db8::/112
expect_rc 0 "spread --nat64 maglev"
grep -q WARNING "$T/out" && fail "spread --nat64 maglev warns: $(grep WARNING "$T/out")"
run "$S" spread --algo snatpool-xxh3-v1 --pool 198.51.100.0/28 --nat64 <"$T/src"
expect_rc 0 "spread --nat64 xxh3 (stdin)"
expect_grep "^max=[0-9]* mean=312.81 " "$T/out" "spread --nat64 counts every source (5005 / 16)"
usage_error "spread --nat64 IPv4 prefix" "$S" spread --pool 198.51.100.0/28 --nat64 --sources 10.0.0.0/24

# compare: removing one of 16 addresses moves about 1/16 under Maglev (the
# exact count from the model), almost everything from legacy to Maglev.
"$PY" "$T/model.py" snatpool-maglev-v1 0 "$T/src" 198.51.100.0/28 >"$T/a"
"$PY" "$T/model.py" snatpool-maglev-v1 0 "$T/src" 198.51.100.0-198.51.100.14 >"$T/b"
moved=$(paste -d' ' "$T/a" "$T/b" | awk '$2 != $5' | wc -l)
total=$(wc -l <"$T/a")
run "$S" compare --algo snatpool-maglev-v1 --from-pool 198.51.100.0/28 \
	--to-pool 198.51.100.0-198.51.100.14 --nat64 <"$T/src"
expect_rc 0 "compare --nat64"
expect_grep "^total=$total moved=$moved " "$T/out" "compare --nat64 against the model"
[ "$moved" -lt $((total / 10)) ] || fail "compare --nat64: Maglev moved $moved of $total"
run "$S" compare --from-algo xpf-legacy-v0 --to-algo snatpool-maglev-v1 \
	--pool 198.51.100.0/28 --nat64 --list <"$T/src"
expect_rc 0 "compare --nat64 --list"
expect_grep "^2001:db8:[0-9a-f:]* 198\.51\.100\.[0-9]* 198\.51\.100\.[0-9]*$" "$T/out" \
	"compare --nat64 --list lines"
printf '10.0.0.1\n' >"$T/v4"
run "$S" compare --from-algo xpf-legacy-v0 --to-algo snatpool-maglev-v1 \
	--pool 198.51.100.0/28 --nat64 <"$T/v4"
expect_rc 2 "compare --nat64 with an IPv4 source"

# verify: the cross-family files pass.
for f in xpf-legacy-v0 snatpool-xxh3-v1 snatpool-maglev-v1; do
	run "$S" verify "$SRCDIR/tests/vectors/$f.nat64.jsonl"
	expect_rc 0 "verify $f.nat64.jsonl"
done

finish

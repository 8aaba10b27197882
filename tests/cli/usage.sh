#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# snatpool: --help and --version everywhere; usage errors exit 2 with one
# line on stderr naming the problem.
. "$(dirname "$0")/testlib.sh"

# --version: "snatpool X.Y.Z", the library's version.
run "$S" --version
expect_rc 0 "--version"
grep -Eq '^snatpool [0-9]+\.[0-9]+\.[0-9]+' "$T/out" || fail "--version prints: $(cat "$T/out")"

# --help globally and on every command: exit 0, a Usage line on stdout.
run "$S" --help
expect_rc 0 "--help"
expect_grep '^Usage: snatpool' "$T/out" "--help"
cp "$T/out" "$T/help"
for cmd in select algos vectors verify compare spread demo bench portblock; do
	expect_grep "^  $cmd " "$T/help" "--help lists $cmd"
	run "$S" "$cmd" --help
	expect_rc 0 "$cmd --help"
	expect_grep "^Usage: snatpool $cmd" "$T/out" "$cmd --help"
	[ ! -s "$T/err" ] || fail "$cmd --help wrote to stderr"
	run "$S" "$cmd" -h
	expect_rc 0 "$cmd -h"
done

P=198.51.100.1-198.51.100.4
usage_error "no command" "$S"
usage_error "unknown command" "$S" frobnicate
usage_error "unknown global option" "$S" --frob
usage_error "unknown option" "$S" select --frob --pool "$P"
usage_error "missing option value" "$S" select --pool
usage_error "missing --pool" "$S" select 10.0.0.1
usage_error "unknown algorithm" "$S" select --algo foo --pool "$P"
grep -q "unknown algorithm 'foo'" "$T/err" || fail "message names the algorithm: $(cat "$T/err")"
usage_error "malformed pool address" "$S" select --pool 10.0.0.300
grep -q 'snatpool select: --pool: 10.0.0.300: malformed address' "$T/err" ||
	fail "pool message: $(cat "$T/err")"
usage_error "reversed range" "$S" select --pool 10.0.0.9-10.0.0.1
grep -q '10.0.0.9-10.0.0.1' "$T/err" || fail "range message names the token: $(cat "$T/err")"
usage_error "host bits" "$S" select --pool 10.0.0.1/24
usage_error "duplicate" "$S" select --pool 10.0.0.1,10.0.0.1
usage_error "empty pool" "$S" select --pool ""
usage_error "bad seed" "$S" select --seed 12x --pool "$P"
usage_error "negative seed" "$S" select --seed -1 --pool "$P"
usage_error "seed overflow" "$S" select --seed 0x10000000000000000 --pool "$P"
usage_error "bad ports" "$S" select --ports 80 --pool "$P"
usage_error "reversed ports" "$S" select --ports 2000-1000 --pool "$P"
usage_error "Maglev size not a prime" "$S" select --maglev-size 65536 --pool "$P"
grep -q -e '--maglev-size' "$T/err" || fail "message names --maglev-size: $(cat "$T/err")"
usage_error "Maglev size below n" "$S" select --maglev-size 3 --pool "$P"
usage_error "non-contiguous pool for linux-nf-persistent" \
	"$S" select --algo linux-nf-persistent --pool 10.0.0.1,10.0.0.3
usage_error "algos argument" "$S" algos extra
usage_error "vectors without --algo" "$S" vectors
usage_error "vectors unknown algorithm" "$S" vectors --algo nope
usage_error "verify without files" "$S" verify
usage_error "compare without pool" "$S" compare --from-algo xpf-legacy-v0 --to-algo snatpool-xxh3-v1
usage_error "compare --pool unused" "$S" compare --pool "$P" --from-pool "$P" --to-pool "$P"
usage_error "compare positional" "$S" compare --pool "$P" 10.0.0.1
usage_error "spread without pool" "$S" spread --sources 10.0.0.0/24
usage_error "spread prefix over the cap" "$S" spread --pool "$P" --sources 10.0.0.0/7
grep -q '2^24' "$T/err" || fail "cap message names the cap: $(cat "$T/err")"
usage_error "spread host bits" "$S" spread --pool "$P" --sources 10.0.0.1/8
usage_error "spread family not in pool" "$S" spread --pool "$P" --sources 2001:db8::/120
usage_error "demo argument" "$S" demo extra
usage_error "bench bad --runs" "$S" bench --runs 0

# Numeric IDs are accepted where names are.
run "$S" select --algo 2 --pool "$P" 10.0.0.1
cp "$T/out" "$T/by-id"
run "$S" select --algo xpf-userspace-v1 --pool "$P" 10.0.0.1
cmp -s "$T/by-id" "$T/out" || fail "--algo 2 differs from --algo xpf-userspace-v1"

# algos: one line per algorithm: ID NAME PROPERTIES SUMMARY.
run "$S" algos
expect_rc 0 "algos"
for name in xpf-legacy-v0 xpf-userspace-v1 linux-nf-persistent snatpool-xxh3-v1 snatpool-maglev-v1; do
	expect_grep "^[0-9][0-9]* $name " "$T/out" "algos lists $name"
done
expect_grep '^5 snatpool-maglev-v1 .*consistent' "$T/out" "maglev is consistent"
expect_grep '^3 linux-nf-persistent .*range-only' "$T/out" "nf-persistent is range-only"
expect_grep '^2 xpf-userspace-v1 .*openssl' "$T/out" "userspace uses OpenSSL"

finish

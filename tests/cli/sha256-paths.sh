#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# xpf-userspace-v1 through every SHA-256 path the library has (SNATPOOL_SHA256:
# evp, scalar, shani where the CPU has it, auto): the committed vector file
# passes on each, and an unknown or unavailable path is a clear error.
. "$(dirname "$0")/testlib.sh"

V="$SRCDIR/tests/vectors/xpf-userspace-v1.jsonl"
n=$(grep -c . "$V")
paths="evp scalar auto"
if grep -qw sha_ni /proc/cpuinfo && grep -qw sse4_1 /proc/cpuinfo; then
	paths="$paths shani"
else
	echo "no SHA-NI on this CPU: the shani path is checked to be refused" >&2
	SNATPOOL_SHA256=shani run "$S" verify "$V"
	expect_rc 1 "verify with SNATPOOL_SHA256=shani on a CPU without SHA-NI"
fi
for p in $paths; do
	SNATPOOL_SHA256=$p run "$S" verify "$V"
	expect_rc 0 "verify with SNATPOOL_SHA256=$p"
	expect_out "$n passed, 0 failed" "verify totals with SNATPOOL_SHA256=$p"
done

# Unknown: refused, never a silent default.
SNATPOOL_SHA256=openssl run "$S" select --algo xpf-userspace-v1 --pool 198.51.100.0/30 10.1.2.3
expect_rc 2 "select with SNATPOOL_SHA256=openssl"
expect_grep 'Operation not supported' "$T/err" "select with an unknown SNATPOOL_SHA256"

finish

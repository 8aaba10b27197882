#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The ABI is what the library exports: it must equal the version map, the
# SNATPOOL_API declarations of the public header and the NAME sections of
# the man pages, name for name.
set -eu
src=${top_srcdir:?}; build=${top_builddir:?}
so=$build/lib/.libs/libsnatpool.so
[ -f "$so" ] || { echo "abi: $so not built (shared library disabled?)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | sed 's/@.*//' | sort > "$tmp/exports"
sed -n '/global:/,/local:/p' "$src/lib/libsnatpool.map" | tr -d ' \t;' |
	grep '^snatpool_' | sort > "$tmp/map"
# Declarations: the function name right after SNATPOOL_API <type...>.
tr '\n' ' ' < "$src/include/snatpool.h" | grep -o 'SNATPOOL_API[^;(]*(' |
	grep -o 'snatpool_[a-z0-9_]*[ ]*($' | tr -d ' (' | sort > "$tmp/header"
for m in "$src"/man/*.3; do
	sed -n '/^\.SH NAME/,/^\.SH/p' "$m" | grep -v '^\.SH' | sed 's/\\-.*//' |
		tr ',' '\n' | tr -d ' \\' | grep '^snatpool_'
done | sort > "$tmp/man"

rc=0
for f in map header man; do
	if ! diff -u "$tmp/exports" "$tmp/$f" > "$tmp/diff"; then
		echo "abi: exports and $f differ (- exported, + $f):"; cat "$tmp/diff"; rc=1
	fi
done
dup=$(uniq -d "$tmp/man")
[ -z "$dup" ] || { echo "abi: documented in more than one man page: $dup"; rc=1; }
nonapi=$(nm -D --defined-only "$so" | awk '$2 ~ /[TDBR]/ { print $3 }' | grep -v '^snatpool_' |
	grep -v '^LIBSNATPOOL_' || true)
[ -z "$nonapi" ] || { echo "abi: non-snatpool symbols exported: $nonapi"; rc=1; }
echo "abi: $(wc -l < "$tmp/exports") exported functions checked"
exit $rc

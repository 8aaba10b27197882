#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The cores in lib/core/ are freestanding: a host object of all of them
# references no outside symbol (no libc, no allocator), and clang compiles
# them for the BPF target unchanged.
set -eu
src=${top_srcdir:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc=${CC:-cc}
xxh_cflags=$(pkg-config --cflags libxxhash 2>/dev/null || true)

$cc -O2 -Wall -Wextra -Werror -c -I"$src/lib" $xxh_cflags "$src/tests/core_all.c" -o "$tmp/host.o"
undef=$(nm -u "$tmp/host.o")
if [ -n "$undef" ]; then
	echo "core: host object references outside symbols:"; echo "$undef"; exit 1
fi
echo "core: host object has no undefined symbols"

clang=${CLANG:-clang}
command -v "$clang" >/dev/null 2>&1 || { echo "core: clang not found: cannot check the BPF target"; exit 1; }
"$clang" -O2 -g -target bpf -Wall -Werror -c -I"$src/lib" $xxh_cflags \
	"$src/tests/core_all.c" -o "$tmp/bpf.o"
file "$tmp/bpf.o" 2>/dev/null | grep -q 'eBPF' || llvm-objdump -h "$tmp/bpf.o" >/dev/null
echo "core: clang -target bpf compiled every core"

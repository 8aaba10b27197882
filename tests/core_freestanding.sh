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
# e_machine (ELF header octets 18-19, in the byte order of e_ident[5]) must
# be EM_BPF, 247: an object for any other machine fails here.
set -- $(od -An -tu1 -N20 "$tmp/bpf.o")
[ "$1 $2 $3 $4" = "127 69 76 70" ] || { echo "core: $tmp/bpf.o is not an ELF object"; exit 1; }
case $6 in
1) machine=$(( ${19} + 256 * ${20} )) ;;
2) machine=$(( ${19} * 256 + ${20} )) ;;
*) echo "core: ELF data encoding $6 unknown"; exit 1 ;;
esac
[ "$machine" -eq 247 ] || { echo "core: e_machine is $machine, not EM_BPF (247)"; exit 1; }
echo "core: clang -target bpf compiled every core (e_machine EM_BPF)"

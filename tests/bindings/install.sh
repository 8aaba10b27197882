#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Install into a temporary root (make install DESTDIR=) and use the result
# the way a user would: pkg-config finds the library, python3 imports the
# installed package (and runs python3 -m snatpool), and a Go program
# outside the module builds through `#cgo pkg-config: libsnatpool` against
# the installed header and library.  Nothing from the build tree is used
# once installed (checked in /proc/PID/maps).
. "$top_srcdir/tests/bindings/common.sh"
unset PYTHONPATH MAKEFLAGS MFLAGS MAKELEVEL
root=$(mktemp -d "${TMPDIR:-/tmp}/snatpool-install.XXXXXX") || fail "mktemp"
trap 'chmod -R u+w "$root" 2>/dev/null; rm -rf "$root"' EXIT INT TERM
eval "exec_prefix=$exec_prefix"; eval "libdir=$libdir"; eval "pyexecdir=$pyexecdir"

echo "make install DESTDIR=$root"
(cd "$top_builddir" && $MAKE install DESTDIR="$root") >"$root/install.log" 2>&1 ||
	{ tail -20 "$root/install.log" >&2; fail "make install"; }
for f in "$root$libdir/libsnatpool.so" "$root$libdir/pkgconfig/libsnatpool.pc" \
	 "$root$prefix/include/snatpool.h" "$root$pyexecdir/snatpool/__init__.py" \
	 "$root$pyexecdir/snatpool/capi.py"; do
	[ -e "$f" ] || fail "not installed: $f"
done
ls "$root$pyexecdir"/snatpool/_capi*.so >/dev/null 2>&1 || fail "no _capi.so in $root$pyexecdir/snatpool"
[ ! -e "$root$pyexecdir/snatpool/_capi.la" ] || fail "libtool archive left in the Python directory"

# A user's environment for a staged prefix.
PKG_CONFIG_SYSROOT_DIR=$root
PKG_CONFIG_PATH=$root$libdir/pkgconfig
LD_LIBRARY_PATH=$root$libdir
PYTHONPATH=$root$pyexecdir
export PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_PATH LD_LIBRARY_PATH PYTHONPATH

echo "pkg-config: $($PKG_CONFIG --cflags --libs libsnatpool)"
$PKG_CONFIG --libs libsnatpool | grep -q -- "-L$root$libdir" || fail "pkg-config does not point into $root"

cd "$root" || fail "cd $root"
"$PYTHON3" - "$root" <<'PY' || fail "python3 with the installed package"
import sys, snatpool
root = sys.argv[1]
assert snatpool.__file__.startswith(root), snatpool.__file__
maps = open("/proc/self/maps").read()
libs = {l.split()[-1] for l in maps.splitlines() if "snatpool" in l and ".so" in l}
assert libs and all(p.startswith(root) for p in libs), libs
with snatpool.Pool("198.51.100.1-198.51.100.4,2001:db8::/126") as pool:
    sel = pool.select("10.0.1.100", "xpf-userspace-v1")
    assert (str(sel.address), sel.index) == ("198.51.100.4", 3), sel
print("python: import snatpool from", snatpool.__file__.rsplit("/", 2)[0], "- ok;", ", ".join(sorted(libs)))
PY
"$PYTHON3" -m snatpool vectors --algo snatpool-maglev-v1 --out "$root/v.jsonl" || fail "python3 -m snatpool vectors"
out=$("$PYTHON3" -m snatpool verify "$root/v.jsonl") || fail "python3 -m snatpool verify: $out"
echo "python3 -m snatpool verify: $out"

# A Go program of its own module, using the binding's source (no network:
# a replace directive) and the installed library through pkg-config.
mkdir -p "$root/goprog" && cd "$root/goprog" || fail "mkdir goprog"
cat > go.mod <<EOM
module example.com/user

go 1.19

require snatpool.dev/snatpool v0.0.0

replace snatpool.dev/snatpool => $GO_SRC
EOM
cat > main.go <<'EOM'
package main

import (
	"fmt"
	"net/netip"
	"os"

	"snatpool.dev/snatpool"
)

func main() {
	pool, err := snatpool.NewPool("198.51.100.1-198.51.100.4", nil)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer pool.Close()
	addr, index, err := pool.Select(netip.MustParseAddr("10.0.1.100"), snatpool.XpfUserspaceV1)
	fmt.Println(addr, index, err, snatpool.Version())
	maps, _ := os.ReadFile("/proc/self/maps")
	os.Stdout.Write(maps)
}
EOM
# its own cache: go caches cgo link flags with the package
GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOCACHE=$root/gocache \
	GOPATH=$root/gopath CGO_ENABLED=1 "$GO" build -o prog . || fail "go build of a user program"
./prog > out.txt || fail "the Go program failed: $(head -1 out.txt)"
head -1 out.txt | grep -q "^198.51.100.4 3 <nil>" || fail "Go program said: $(head -1 out.txt)"
grep "libsnatpool" out.txt | grep -qv "^.* $root" && fail "Go program loaded a libsnatpool outside $root"
grep -q "$root$libdir/libsnatpool" out.txt || fail "Go program did not load $root$libdir/libsnatpool"
echo "go: $(head -1 out.txt) - installed library used"
chmod -R u+w "$root/gopath" 2>/dev/null
exit 0

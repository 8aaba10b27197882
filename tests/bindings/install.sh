#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Install into a temporary root (make install DESTDIR=) and use the result
# the way a user would: pkg-config finds the library, python3 imports the
# installed package (and runs python3 -m snatpool), `pip install
# ./bindings/python` works in a virtual environment (offline, built against
# the installed library through pkg-config), a Go program outside the module
# builds through `#cgo pkg-config: libsnatpool`, and a Cargo project of its
# own builds with the Rust crates against the installed header and library.
# Nothing from the build tree is used once installed (checked in
# /proc/PID/maps).
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
	 "$root$pyexecdir/snatpool/capi.py" "$root$pyexecdir/snatpool/py.typed"; do
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

# pip install ./bindings/python in a virtual environment: offline (no
# index; setuptools and wheel from the system: --system-site-packages,
# --no-build-isolation), the extension built by SWIG against the installed
# header and linked through pkg-config with an rpath into $root.
cp -R "$top_srcdir/bindings/python" "$root/pysrc" && chmod -R u+w "$root/pysrc" ||
	fail "copy bindings/python"
rm -rf "$root/pysrc/build" "$root/pysrc"/*.egg-info "$root/pysrc/snatpool/capi.py" \
	"$root/pysrc/snatpool"/_capi*.so "$root/pysrc/snatpool/__pycache__"
(unset PYTHONPATH; "$PYTHON3" -m venv --system-site-packages "$root/venv") || fail "python3 -m venv"
(unset PYTHONPATH; cd "$root/pysrc" && PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 \
	PIP_DISABLE_PIP_VERSION_CHECK=1 "$root/venv/bin/pip" install --no-build-isolation \
	--no-index "$root/pysrc") > "$root/pip.log" 2>&1 ||
	{ tail -20 "$root/pip.log" >&2; fail "pip install ./bindings/python in a venv"; }
(unset PYTHONPATH LD_LIBRARY_PATH; cd "$root" && "$root/venv/bin/python" - "$root" <<'PY') ||
import os, sys, snatpool
root = sys.argv[1]
venv = os.path.join(root, "venv")
assert snatpool.__file__.startswith(venv), snatpool.__file__
assert os.path.exists(os.path.join(os.path.dirname(snatpool.__file__), "py.typed"))
maps = open("/proc/self/maps").read()
libs = {l.split()[-1] for l in maps.splitlines() if "snatpool" in l and ".so" in l}
assert any("/libsnatpool.so" in p and p.startswith(root) for p in libs), libs
assert all(p.startswith(root) for p in libs), libs
with snatpool.Pool("198.51.100.1-198.51.100.4") as pool, snatpool.Table(pool, events=8) as t:
    sel = pool.select("10.0.1.100", "xpf-userspace-v1")
    assert (str(sel.address), sel.index) == ("198.51.100.4", 3), sel
    t.claim(snatpool.Flow.tcp("10.0.0.1", 1000, "192.0.2.1", 80), 1)
    assert [e.type for e in t.drain_events()] == [snatpool.EventType.CREATED]
print("pip: venv imports snatpool from", os.path.dirname(snatpool.__file__), "- ok (py.typed, rpath)")
PY
	fail "the venv's snatpool"
"$root/venv/bin/python" -m snatpool verify "$top_srcdir/tests/vectors/xpf-legacy-v0.jsonl" >/dev/null ||
	fail "venv: python -m snatpool verify"

# A Cargo project of its own: depends on the crate by path (no registry),
# builds offline, links the installed library through pkg-config.
[ -x "$CARGO" ] || fail "cargo not found ($CARGO)"
mkdir -p "$root/rustprog/src" && cd "$root/rustprog" || fail "mkdir rustprog"
cat > Cargo.toml <<EOM
[package]
name = "user"
version = "0.1.0"
edition = "2021"

[dependencies]
snatpool = { path = "$RUST_SRC/snatpool" }
EOM
cat > src/main.rs <<'EOM'
use std::net::IpAddr;
use snatpool::{Algo, Pool, PoolOptions};

fn main() {
    let pool = Pool::from_spec("198.51.100.1-198.51.100.4", &PoolOptions::default()).unwrap();
    let src: IpAddr = "10.0.1.100".parse().unwrap();
    let (index, addr) = pool.select(src, Algo::XpfUserspaceV1).unwrap();
    println!("{} {} {}", addr, index, snatpool::version());
    print!("{}", std::fs::read_to_string("/proc/self/maps").unwrap());
}
EOM
CARGO_NET_OFFLINE=true CARGO_HOME=$root/cargohome CARGO_TARGET_DIR=$root/rusttarget \
	RUSTC=$RUSTC_FOR_CARGO RUSTDOC=$RUSTDOC_FOR_CARGO \
	"$CARGO" build --offline --quiet > "$root/cargo.log" 2>&1 ||
	{ tail -20 "$root/cargo.log" >&2; fail "cargo build of a user project"; }
"$root/rusttarget/debug/user" > out.txt || fail "the Rust program failed: $(head -1 out.txt)"
head -1 out.txt | grep -q "^198.51.100.4 3 " || fail "Rust program said: $(head -1 out.txt)"
grep "libsnatpool" out.txt | grep -qv "^.* $root" && fail "Rust program loaded a libsnatpool outside $root"
grep -q "$root$libdir/libsnatpool" out.txt || fail "Rust program did not load $root$libdir/libsnatpool"
echo "rust: $(head -1 out.txt) - installed library used"
exit 0

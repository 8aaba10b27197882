# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Python (SWIG), Go (cgo) and Rust bindings; m4_sinclude'd by configure.ac.
#
# Detected as the harnesses are: auto (the default) builds them when SWIG,
# the Python headers, Go and Rust are all there and says what is missing
# otherwise; --enable-bindings=yes makes a missing piece an error (CI:
# build.sh), --disable-bindings turns them off.

AC_ARG_ENABLE([bindings],
	[AS_HELP_STRING([--enable-bindings@<:@=auto|yes|no@:>@],
		[build the Python, Go and Rust bindings (default: auto; with yes
		 a missing SWIG, Python header, Go or Rust toolchain is an error)])],
	[], [enable_bindings=auto])

# SNP_BIND_MISSING(WHAT): an error with --enable-bindings=yes, else noted.
m4_define([SNP_BIND_MISSING],
	[AS_IF([test "x$enable_bindings" = xyes], [AC_MSG_ERROR([$1])],
	       [snp_bind_missing="${snp_bind_missing:+$snp_bind_missing; }$1"])])
snp_bind_missing=

AC_ARG_VAR([SWIG], [SWIG 4 (for the Python binding)])
AC_ARG_VAR([PYTHON3_CONFIG], [python3-config of the Python to build for (default: beside PYTHON3)])
AC_ARG_VAR([GO], [the Go toolchain (go 1.19 or later, cgo enabled)])
AC_ARG_VAR([CARGO], [cargo of the Rust toolchain (rustc 1.63 or later) for the Rust binding])
AC_ARG_VAR([BINDGEN], [bindgen, to check and regenerate the Rust FFI (optional)])

SNP_BIND_PY=no
SNP_BIND_GO=no
SNP_BIND_RUST=no
AS_IF([test "x$enable_bindings" != xno], [
	# --- SWIG -------------------------------------------------------------
	AC_PATH_PROGS([SWIG], [swig4.0 swig], [])
	AS_IF([test -z "$SWIG"],
		[SNP_BIND_MISSING([SWIG not found: install swig, or configure --disable-bindings])])
	AC_MSG_CHECKING([SWIG version])
	snp_swig_version=`$SWIG -version 2>/dev/null | sed -n 's/^SWIG Version \([[0-9.]]*\).*/\1/p'`
	AC_MSG_RESULT([${snp_swig_version:-unknown}])
	AS_CASE([$snp_swig_version],
		[[[4-9]].*], [],
		[SNP_BIND_MISSING([SWIG 4 or later is needed, found '$snp_swig_version' ($SWIG)])])

	# --- Python headers: the Python of PYTHON3 (/usr/bin/python3), not
	# whichever python3 comes first on PATH ---------------------------------
	AS_IF([test -z "$PYTHON3_CONFIG"], [
		AS_IF([test -x "${PYTHON3}-config"],
			[PYTHON3_CONFIG="${PYTHON3}-config"],
			[AC_PATH_PROG([PYTHON3_CONFIG], [python3-config], [], [`AS_DIRNAME(["$PYTHON3"])`])])
	])
	AC_MSG_CHECKING([for the Python headers of $PYTHON3])
	AS_IF([test -z "$PYTHON3_CONFIG" || ! $PYTHON3_CONFIG --includes >/dev/null 2>&1],
		[AC_MSG_RESULT([no])
		 SNP_BIND_MISSING([python3-config for $PYTHON3 not found: install python3-dev, or configure --disable-bindings])])
	PYTHON_CFLAGS=`$PYTHON3_CONFIG --includes`
	snp_save_CPPFLAGS=$CPPFLAGS
	CPPFLAGS="$CPPFLAGS $PYTHON_CFLAGS"
	AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <Python.h>]], [[Py_Initialize();]])],
		[AC_MSG_RESULT([$PYTHON_CFLAGS])],
		[AC_MSG_RESULT([no])
		 SNP_BIND_MISSING([cannot compile with Python.h ($PYTHON_CFLAGS): install python3-dev, or configure --disable-bindings])])
	CPPFLAGS=$snp_save_CPPFLAGS
	SNP_BIND_PY=yes

	# --- Go ---------------------------------------------------------------
	AC_PATH_PROG([GO], [go], [], [/usr/lib/go/bin$PATH_SEPARATOR$PATH])
	AS_IF([test -z "$GO"],
		[SNP_BIND_MISSING([Go not found: install golang-go, or configure --disable-bindings])])
	AC_MSG_CHECKING([Go version])
	snp_go_version=`$GO env GOVERSION 2>/dev/null`
	AC_MSG_RESULT([${snp_go_version:-unknown}])
	AS_CASE([$snp_go_version],
		[go1.1[[0-8]]|go1.1[[0-8]].*|go1.[[0-9]]|go1.[[0-9]].*|""],
		[SNP_BIND_MISSING([Go 1.19 or later is needed, found '$snp_go_version' ($GO)])])
	AC_MSG_CHECKING([whether Go has cgo])
	AS_IF([test "`CGO_ENABLED=1 $GO env CGO_ENABLED 2>/dev/null`" = 1],
		[AC_MSG_RESULT([yes])],
		[AC_MSG_RESULT([no]); SNP_BIND_MISSING([Go without cgo cannot build the binding])])
	AC_MSG_CHECKING([whether go test -race works here])
	snp_go_arch=`$GO env GOOS 2>/dev/null`/`$GO env GOARCH 2>/dev/null`
	AS_CASE([$snp_go_arch],
		[linux/amd64|linux/arm64|linux/ppc64le|linux/s390x|freebsd/amd64|darwin/amd64|darwin/arm64],
		[GO_RACE=-race], [GO_RACE=])
	AC_MSG_RESULT([${GO_RACE:-no} ($snp_go_arch)])
	SNP_BIND_GO=yes

	# --- Rust: cargo, and the rustc and rustdoc beside it (so that
	# CARGO=/usr/bin/cargo means Debian's toolchain even when another one
	# comes first on PATH) --------------------------------------------------
	AC_PATH_PROG([CARGO], [cargo], [])
	AS_IF([test -z "$CARGO"],
		[SNP_BIND_MISSING([cargo not found: install cargo and rustc, or configure --disable-bindings])])
	snp_cargo_dir=`AS_DIRNAME(["$CARGO"])`
	AS_IF([test -x "$snp_cargo_dir/rustc"], [RUSTC_FOR_CARGO="$snp_cargo_dir/rustc"], [RUSTC_FOR_CARGO=rustc])
	AS_IF([test -x "$snp_cargo_dir/rustdoc"], [RUSTDOC_FOR_CARGO="$snp_cargo_dir/rustdoc"], [RUSTDOC_FOR_CARGO=rustdoc])
	AC_MSG_CHECKING([rustc version])
	snp_rustc_version=`$RUSTC_FOR_CARGO --version 2>/dev/null | sed -n 's/^rustc \([[0-9.]]*\).*/\1/p'`
	AC_MSG_RESULT([${snp_rustc_version:-unknown} ($RUSTC_FOR_CARGO)])
	AS_CASE([$snp_rustc_version],
		[1.[[0-9]].*|1.[[0-5]][[0-9]].*|1.6[[0-2]].*|""],
		[SNP_BIND_MISSING([rustc 1.63 or later is needed, found '$snp_rustc_version'])])
	AC_PATH_PROG([BINDGEN], [bindgen], [])
	SNP_BIND_RUST=yes
])
AS_IF([test -n "$snp_bind_missing"], [
	AC_MSG_WARN([not building the bindings: $snp_bind_missing])
	enable_bindings=no SNP_BIND_PY=no SNP_BIND_GO=no SNP_BIND_RUST=no
])
AC_SUBST([RUSTC_FOR_CARGO])
AC_SUBST([RUSTDOC_FOR_CARGO])

# Where `make install` puts the package: PYTHON3's site directory under
# our prefix (AM_PATH_PYTHON's pyexecdir), so that PYTHONPATH or the
# default path finds it.
PYTHON=$PYTHON3
AM_PATH_PYTHON([3.7], [], [AS_CASE([$enable_bindings],
	[yes], [AC_MSG_ERROR([Python 3.7 or later ($PYTHON3) is needed for the binding])],
	[auto], [AC_MSG_WARN([not building the bindings: Python 3.7 or later ($PYTHON3) is needed])
		 enable_bindings=no SNP_BIND_PY=no SNP_BIND_GO=no SNP_BIND_RUST=no])])

# AM_PATH_PYTHON says .../site-packages, which Debian's Python does not
# search under /usr/local: use the directory name this Python uses for
# packages under a prefix (dist-packages on Debian).
AS_IF([test "x$enable_bindings" != xno], [
	AC_MSG_CHECKING([where Python packages go])
	snp_py_leaf=`$PYTHON3 -c 'import sys; print(next((p.rsplit("/", 1).pop() for p in sys.path if p.startswith("/usr/local/lib/python")), "site-packages"))' 2>/dev/null`
	pyexecdir="\${exec_prefix}/lib/python$PYTHON_VERSION/${snp_py_leaf:-site-packages}"
	pythondir="\${prefix}/lib/python$PYTHON_VERSION/${snp_py_leaf:-site-packages}"
	AC_MSG_RESULT([$pyexecdir])
])

AC_SUBST([PYTHON_CFLAGS])
AC_SUBST([GO_RACE])
AM_CONDITIONAL([BINDINGS], [test "x$enable_bindings" != xno])

AC_MSG_NOTICE([bindings: Python ${SNP_BIND_PY}${SWIG:+ (swig $snp_swig_version, $PYTHON3)}, Go ${SNP_BIND_GO}${GO:+ ($snp_go_version${GO_RACE:+, -race})}, Rust ${SNP_BIND_RUST}${CARGO:+ (rustc $snp_rustc_version${BINDGEN:+, bindgen})}])

# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Sourced by the binding and conformance tests: what this build knows
# (bindings/env.sh, written by make) and loud failure helpers.  These tests
# never skip: a missing piece fails with its reason.

fail() { echo "FAIL: $*" >&2; exit 1; }

: "${top_srcdir:?run me from make check (top_srcdir unset)}"
: "${top_builddir:?run me from make check (top_builddir unset)}"
PYTHON3=${PYTHON3:-/usr/bin/python3}
SNATPOOL=${SNATPOOL:-$top_builddir/tools/snatpool}
export top_srcdir top_builddir PYTHON3 SNATPOOL

[ -r "$top_builddir/bindings/env.sh" ] ||
	fail "$top_builddir/bindings/env.sh missing: configured with --disable-bindings?"
. "$top_builddir/bindings/env.sh"

# The package from the build tree: snatpool/, capi.py and _capi.so side by side.
PYTHONPATH=$PY_BUILD_PATH${PYTHONPATH:+:$PYTHONPATH}
PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH PYTHONDONTWRITEBYTECODE

# `go` offline, cache in the build tree, library through the uninstalled .pc.
go_env() { env $GO_ENV "$@"; }

# cargo offline, target directory in the build tree, library through the
# uninstalled .pc (RUST_ENV holds shell-quoted values: eval it).
rust_env() { eval "env $RUST_ENV"' "$@"'; }

need_file() { [ -e "$1" ] || fail "$1 missing ($2)"; }

#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Conformance: every committed vectors file through the C library
# (tests/conformance/compute), the CLI (snatpool select, snatpool verify),
# the Python binding (compute.py, python3 -m snatpool verify), the Go
# binding (snatpool-go compute, snatpool-go verify) and the Rust binding
# (snatpool-rs compute, snatpool-rs verify); identical index and address
# required for every line, and every consumer must have run.  Ends with "N passed, N failed".
. "$top_srcdir/tests/bindings/common.sh"
need_file "$CONF_COMPUTE" "make check builds tests/conformance/compute"
need_file "$SNATPOOL" "the CLI"
need_file "$SNATPOOL_GO" "make check builds bindings/go/snatpool-go"
need_file "$SNATPOOL_RS" "make check builds the snatpool-rs example (bindings/rust/.stamp)"
need_file "$PY_BUILD_PATH/snatpool/_capi.so" "make builds the Python extension"
set -- "$top_srcdir"/tests/vectors/*.jsonl
[ -e "$1" ] || fail "no vectors files in $top_srcdir/tests/vectors"
work=$top_builddir/tests/conformance/work
mkdir -p "$work" || fail "mkdir $work"
exec "$PYTHON3" "$top_srcdir/tests/conformance/compare.py" vectors --work "$work" \
	--consumer "c=$CONF_COMPUTE" \
	--consumer "python=$PYTHON3 $top_srcdir/tests/conformance/compute.py" \
	--consumer "go=$SNATPOOL_GO compute" \
	--consumer "rust=$SNATPOOL_RS compute" \
	--cli "$SNATPOOL" \
	--verify "cli=$SNATPOOL verify" \
	--verify "python=$PYTHON3 -m snatpool verify" \
	--verify "go=$SNATPOOL_GO verify" \
	--verify "rust=$SNATPOOL_RS verify" \
	"$@"

#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Cross-language property check: 100000 seeded random sources over random
# pools of every size class, every algorithm, through C, Python, Go and
# Rust; all four must print the same result (address, index or error code).
. "$top_srcdir/tests/bindings/common.sh"
need_file "$CONF_COMPUTE" "make check builds tests/conformance/compute"
need_file "$SNATPOOL_GO" "make check builds bindings/go/snatpool-go"
need_file "$SNATPOOL_RS" "make check builds the snatpool-rs example (bindings/rust/.stamp)"
work=$top_builddir/tests/conformance/work
mkdir -p "$work" || fail "mkdir $work"
cases=$work/props.jobs
"$PYTHON3" "$top_srcdir/tests/conformance/props_gen.py" --sources "${PROPS_SOURCES:-100000}" \
	--seed "${PROPS_SEED:-20251126}" > "$cases" || fail "props_gen.py"
exec "$PYTHON3" "$top_srcdir/tests/conformance/compare.py" props --work "$work" \
	--consumer "c=$CONF_COMPUTE" \
	--consumer "python=$PYTHON3 $top_srcdir/tests/conformance/compute.py" \
	--consumer "go=$SNATPOOL_GO compute" \
	--consumer "rust=$SNATPOOL_RS compute" \
	"$cases"

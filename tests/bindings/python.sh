#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The Python binding's unit tests (unittest), against the build tree.
. "$top_srcdir/tests/bindings/common.sh"
need_file "$PY_BUILD_PATH/snatpool/_capi.so" "make builds it"
cd "$PY_TESTS" || fail "no $PY_TESTS"
exec "$PYTHON3" -m unittest discover -s "$PY_TESTS" -t "$PY_TESTS" -p 'test_*.py' -v

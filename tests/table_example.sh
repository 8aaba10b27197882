#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# examples/flow_replay on examples/flows.trace: the counters its comments promise.
set -eu
b=${top_builddir:?}; s=${top_srcdir:?}
out=$("$b/examples/flow_replay" -v "$s/examples/flows.trace")
echo "$out"
want() { echo "$out" | grep -qx "$1" || { echo "table_example: expected $1"; exit 1; }; }
want 'allocations=7'
want 'reuses=2'
want 'rollbacks=1'
want 'quota_exceeded=2'
want 'permit_denied=1'
want 'expirations=1'
echo "$out" | grep -q 'permit: yes' || { echo "table_example: no permitted remote"; exit 1; }

#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Replay the snapshot and delta fuzz corpora through their targets (any compiler).
set -eu
b=${top_builddir:?}; s=${top_srcdir:?}
"$b/fuzz/replay_snapshot" "$s/fuzz/corpus/snapshot"
"$b/fuzz/replay_delta" "$s/fuzz/corpus/delta"

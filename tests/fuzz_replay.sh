#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Replay every fuzz corpus through its target (with whatever compiler built it).
set -eu
b=${top_builddir:?}; s=${top_srcdir:?}
"$b/fuzz/replay_spec" "$s/fuzz/corpus/spec"
"$b/fuzz/replay_vectors" "$s/fuzz/corpus/vectors"

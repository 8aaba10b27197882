#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Print the raw Rust FFI of include/snatpool.h: the one command behind the
# committed src/bindings.rs.  Regenerate after a header change with
#     make -C BUILDDIR rust-bindgen
# (or: bindings/rust/snatpool-sys/bindgen.sh include/snatpool.h > bindings/rust/snatpool-sys/src/bindings.rs)
# Needs Debian's bindgen (0.60) and rustfmt; tests/header.rs runs this
# again and compares, whitespace aside.
set -eu
header=${1:?usage: bindgen.sh path/to/snatpool.h}
BINDGEN=${BINDGEN:-bindgen}
# Debian's rustfmt when there is one, so that the output does not depend
# on whichever toolchain is first on PATH.
if [ -z "${RUSTFMT:-}" ] && [ -x /usr/bin/rustfmt ]; then RUSTFMT=/usr/bin/rustfmt; fi
[ -n "${RUSTFMT:-}" ] && export RUSTFMT
exec "$BINDGEN" "$header" \
	--allowlist-file '.*/snatpool\.h' \
	--no-layout-tests \
	--size_t-is-usize \
	--no-prepend-enum-name \
	--rust-target 1.47 \
	-- -I"$(dirname "$header")"

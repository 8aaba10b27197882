#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The Rust binding: cargo test of both crates (unit tests, every committed
# vector file through the Rust API, the header-versus-bindings check, with
# bindgen's regeneration when configure found bindgen), offline, against
# the build tree's library; then the verifier's contract:
#   cargo run --release --example snatpool-rs -- verify FILE...
# run in bindings/rust/snatpool ends with "N passed, N failed".
. "$top_srcdir/tests/bindings/common.sh"
[ -n "$CARGO" ] && [ -x "$CARGO" ] || fail "cargo not found ($CARGO)"
cd "$RUST_SRC" || fail "no $RUST_SRC"
if [ -n "$BINDGEN" ]; then
	SNATPOOL_REQUIRE_BINDGEN=1 BINDGEN=$BINDGEN
	export SNATPOOL_REQUIRE_BINDGEN BINDGEN
fi
echo "cargo test ($("$CARGO" --version))"
rust_env "$CARGO" test --offline --workspace || fail "cargo test"

cd "$RUST_SRC/snatpool" || fail "no $RUST_SRC/snatpool"
set -- "$top_srcdir"/tests/vectors/*.jsonl
echo "cargo run --release --example snatpool-rs -- verify tests/vectors/*.jsonl"
out=$(rust_env "$CARGO" run --offline --quiet --release --example snatpool-rs -- verify "$@") ||
	fail "snatpool-rs verify: $out"
last=$(printf '%s\n' "$out" | tail -n 1)
echo "snatpool-rs verify: $last"
printf '%s\n' "$last" | grep -Eq '^[1-9][0-9]* passed, 0 failed$' || fail "snatpool-rs verify ended with: $last"
# a failing line is reported and counted
bad=$RUST_BUILD_DIR/bad.jsonl
head -n 1 "$1" | sed 's/"index":\([0-9]*\)/"index":9\1/' > "$bad"
out=$(rust_env "$CARGO" run --offline --quiet --release --example snatpool-rs -- verify "$bad" 2>/dev/null) &&
	fail "snatpool-rs verify passed a wrong index"
[ "$(printf '%s\n' "$out" | tail -n 1)" = "0 passed, 1 failed" ] || fail "snatpool-rs verify of a bad line said: $out"
rm -f "$bad"
exit 0

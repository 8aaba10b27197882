#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
#
#   ./build.sh         install what is missing (Debian bookworm, as root),
#                      build in _build/ and run the main job: snatpool demo
#   ./build.sh check   every test: unit, vectors, kernel NAT, bindings, ABI,
#                      under ASan+UBSan, TSan stress, bounded fuzzing, the
#                      dataplane harnesses, make distcheck; ends with one
#                      line "N passed, N failed"
set -euo pipefail
cd "$(dirname "$0")"
top=$PWD
jobs=$(nproc 2>/dev/null || echo 2)

PACKAGES="autoconf automake libtool autoconf-archive pkg-config make gcc
 libssl-dev libxxhash-dev check swig python3 python3-dev python3-xxhash
 python3-scapy golang-go clang llvm libclang-rt-14-dev gcc-multilib
 libbpf-dev bpftool libxdp-dev xdp-tools libdpdk-dev libpcap-dev
 iproute2 nftables conntrack groff-base rsync file
 cargo rustc rustfmt bindgen python3-setuptools python3-venv python3-pip
 python3-wheel"

install_deps() {
	local missing=()
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "build.sh: installing ${missing[*]}"
	if [ "$(id -u)" != 0 ]; then
		echo "build.sh: need root to apt-get install: ${missing[*]}" >&2
		exit 1
	fi
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
		--no-install-recommends "${missing[@]}"
}

# configure_in DIR [configure args...]: a fresh out-of-tree build.
configure_in() {
	local dir=$1; shift
	mkdir -p "$dir"
	(cd "$dir" && [ -f Makefile ] || "$top/configure" --enable-werror "$@" > configure.out) ||
		{ cat "$dir/configure.out" "$dir/config.log" 2>/dev/null | tail -40; exit 1; }
}

build() {
	install_deps
	[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi
	configure_in _build --enable-bpf-harness=yes --enable-dpdk-harness=yes --enable-bindings=yes
	make -C _build -j"$jobs" -s
	_build/tools/snatpool demo
}

PASSED=0; FAILED=0; SUMMARY=()

# count_suite DIR LABEL: add the automake test-suite totals of DIR.
count_suite() {
	local log=$1/test-suite.log p f e k
	p=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
	f=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
	e=$(sed -n 's/^# ERROR: *//p' "$log" | head -1)
	k=$(sed -n 's/^# SKIP: *//p' "$log" | head -1)
	f=$(( ${f:-0} + ${e:-0} ))
	PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + f + ${k:-0}))
	SUMMARY+=("$2: ${p:-0} passed, $f failed, ${k:-0} skipped")
	if [ "${k:-0}" != 0 ]; then
		echo "build.sh: $2: tests SKIPPED; nothing may skip here:"
		grep -h '^SKIP' "$log" || true
	fi
}

# stage LABEL CMD...: run, and count a pass or a failure for the stage itself.
stage() {
	local label=$1; shift
	echo "=== $label"
	if "$@"; then
		PASSED=$((PASSED + 1)); SUMMARY+=("$label: ok")
	else
		FAILED=$((FAILED + 1)); SUMMARY+=("$label: FAILED")
	fi
}

# suite DIR LABEL [make args]: make check in DIR, then count.
suite() {
	local dir=$1 label=$2; shift 2
	echo "=== $label"
	rm -f "$dir/test-suite.log"
	if ! make -C "$dir" -j"$jobs" -s check "$@" > "$dir/check.out" 2>&1; then
		tail -30 "$dir/check.out"
		# The log of each failed test, as automake gathered them.
		sed -n '/^\(FAIL\|ERROR\): /,/^\(PASS\|SKIP\|FAIL\|ERROR\): /p' \
			"$dir/test-suite.log" 2>/dev/null | head -300 || true
	fi
	grep -E '^(PASS|FAIL|ERROR|SKIP|XFAIL|XPASS)' "$dir/check.out" || true
	if [ -f "$dir/test-suite.log" ]; then
		count_suite "$dir" "$label"
	else
		FAILED=$((FAILED + 1)); SUMMARY+=("$label: did not run (build failed)")
	fi
}

# The table stress test (threads vs. a single-threaded replay) under TSan.
tsan_stress() {
	make -C _build-tsan -j"$jobs" -s lib/libsnatpool.la tests/table_stress &&
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 _build-tsan/tests/table_stress 4 200 500
}

distcheck() {
	make -C _build -s distcheck DISTCHECK_CONFIGURE_FLAGS="--enable-werror" \
		> _build/distcheck.out 2>&1 || { tail -60 _build/distcheck.out; return 1; }
}

check() {
	build
	suite _build "make check"
	configure_in _build-san --enable-sanitizers --disable-bindings \
		--enable-bpf-harness=no --enable-dpdk-harness=no
	suite _build-san "make check (ASan+UBSan)"
	configure_in _build-tsan CC=clang CFLAGS="-O1 -g -fsanitize=thread" \
		LDFLAGS=-fsanitize=thread --disable-bindings \
		--enable-bpf-harness=no --enable-dpdk-harness=no
	stage "TSan stress" tsan_stress
	configure_in _build-fuzz CC=clang --enable-fuzzing --enable-sanitizers --disable-bindings \
		--enable-bpf-harness=no --enable-dpdk-harness=no
	stage "fuzzing (bounded)" make -C _build-fuzz -j"$jobs" -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
	if grep -q '^check-harness:' _build/Makefile; then
		stage "make check-harness" make -C _build -s check-harness
	else
		FAILED=$((FAILED + 1)); SUMMARY+=("make check-harness: missing target")
	fi
	stage "make distcheck" distcheck
	echo
	printf '%s\n' "${SUMMARY[@]}"
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
}

case "${1:-build}" in
build) build ;;
check) check ;;
*) echo "usage: $0 [build|check]" >&2; exit 2 ;;
esac

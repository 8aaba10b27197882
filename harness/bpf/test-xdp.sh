#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# test-xdp.sh - the eBPF/XDP harness (xdp_snat) on generated frames, every
# algorithm, several pools; each OUT.pcap is checked by harness_check.py
# against `snatpool select` and scapy-free checksum arithmetic.
# With --bench: print the harness's --bench lines for every algorithm.
# Needs root (BPF_PROG_TEST_RUN): without it exits 77 (automake's SKIP)
# saying so, which ./build.sh check counts as a failure; any other problem
# fails loudly.
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${SNATPOOL:?}"
PYTHON3=${PYTHON3:-/usr/bin/python3}
prog=$top_builddir/harness/bpf/xdp_snat
check=$top_srcdir/harness/bpf/harness_check.py
ALGOS=$("$SNATPOOL" algos | awk '{ print $2 }')	# the registry: tests/algo_lists.py
[ -n "$ALGOS" ] || { echo "test-xdp: \`snatpool algos\` listed nothing" >&2; exit 1; }
POOL_A='198.51.100.1-198.51.100.4,2001:db8::/126'
failed=0 passed=0

fail() { echo "test-xdp: FAIL: $*" >&2; failed=$((failed + 1)); }
die() { echo "test-xdp: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || { echo "test-xdp: SKIP: needs root for BPF_PROG_TEST_RUN (uid $(id -u))" >&2; exit 77; }
[ -x "$prog" ] || die "$prog not built"
tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
"$PYTHON3" "$check" gen "$tmp/in.pcap" || die "cannot generate frames (python3-scapy?)"

if [ "${1:-}" = --bench ]; then
	for algo in $ALGOS; do
		"$prog" --algo "$algo" --pool "$POOL_A" --seed 7 --in "$tmp/in.pcap" \
			--out "$tmp/out.pcap" --bench 2>/dev/null || die "$algo: --bench failed"
	done
	exit 0
fi

# run NAME ALGO POOL SEED [OPTION]: translate, then verify
run() {
	name=$1 algo=$2 pool=$3 seed=$4
	shift 4
	if ! "$prog" --algo "$algo" --pool "$pool" --seed "$seed" --in "$tmp/in.pcap" \
		--out "$tmp/out.pcap" "$@" >"$tmp/stdout" 2>"$tmp/stderr"; then
		fail "$name: xdp_snat exited $?: $(tail -n 1 "$tmp/stderr")"
		return
	fi
	pt=
	[ "${1:-}" = --passthrough ] && pt=--passthrough
	if "$PYTHON3" "$check" verify --cli "$SNATPOOL" --algo "$algo" --pool "$pool" \
		--seed "$seed" --stdout "$tmp/stdout" $pt "$tmp/in.pcap" "$tmp/out.pcap" \
		>"$tmp/verify" 2>&1; then
		passed=$((passed + 1))
		echo "ok: $name: $(cat "$tmp/stdout")"
	else
		fail "$name: $(cat "$tmp/verify")"
	fi
}

for algo in $ALGOS; do
	run "$algo, v4+v6 ranges" "$algo" "$POOL_A" 7
done
for algo in xpf-legacy-v0 xpf-userspace-v1 snatpool-xxh3-v1 snatpool-maglev-v1; do
	run "$algo, IPv4 only, unordered" "$algo" 198.51.100.9,198.51.100.1,203.0.113.5 0
done
run "maglev, 4096+4096 addresses" snatpool-maglev-v1 '10.0.0.0/20,2001:db8::/116' 0x1234
run "xxh3, one address per family" snatpool-xxh3-v1 '192.0.2.1,2001:db8::1' 18446744073709551615
run "pass-through" snatpool-maglev-v1 "$POOL_A" 0 --passthrough

# Errors are loud: exit status and one line.
expect_fail() {
	want=$1 name=$2
	shift 2
	"$prog" "$@" --in "$tmp/in.pcap" --out "$tmp/out.pcap" >/dev/null 2>"$tmp/stderr"
	rc=$?
	if [ "$rc" = "$want" ] && [ "$(wc -l <"$tmp/stderr")" = 1 ]; then
		passed=$((passed + 1))
		echo "ok: $name: exit $rc: $(cat "$tmp/stderr")"
	else
		fail "$name: exit $rc (want $want): $(cat "$tmp/stderr")"
	fi
}
expect_fail 2 "unknown algorithm" --algo no-such-algo --pool "$POOL_A"
expect_fail 1 "nf-persistent, not a range" --algo linux-nf-persistent --pool 198.51.100.9,198.51.100.1
expect_fail 1 "bad pool" --algo snatpool-xxh3-v1 --pool 198.51.100.300

# A program that cannot load: the line names it and the kernel, exit 1.
# Root without capabilities (empty bounding set): files are still its own
# wherever the build lives, but the kernel refuses the BPF load.
if command -v setpriv >/dev/null; then
	setpriv --bounding-set=-all --inh-caps=-all "$prog" --algo xpf-legacy-v0 \
		--pool "$POOL_A" --in "$tmp/in.pcap" --out "$tmp/nocaps.pcap" \
		>/dev/null 2>"$tmp/stderr"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$tmp/stderr")" = 1 ] &&
	   grep -q "snat_xdp.*uname -r: $(uname -r)" "$tmp/stderr"; then
		passed=$((passed + 1))
		echo "ok: load refused (no capabilities): exit 1: $(cat "$tmp/stderr")"
	else
		fail "load refused (no capabilities): exit $rc: $(cat "$tmp/stderr")"
	fi
else
	fail "setpriv (util-linux) missing: cannot check the load-failure message"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

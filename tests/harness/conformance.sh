#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# conformance.sh - the dataplane conformance test (make check-harness):
# one generated capture (harness/pcapgen/gen_flows.py: 10240 flows from
# 2560 sources, IPv4 and IPv6, UDP and TCP, edge addresses) goes through the
# library reference path and the three dataplane harnesses, for every
# algorithm and pools of 1, 3, 8 and 257 addresses per family; every
# translated source must be the same in all four and equal to the golden
# address, which the Python models of tests/vectors/gen/ and `snatpool
# select` must agree on (tests/harness/check_pcaps.py judges each case).
#
#   conformance.sh            the test: prints PASS/FAIL lines, then
#                             `N passed, N failed`; exit 1 on any failure
#   conformance.sh --bench    every harness with --bench for every algorithm:
#                             the harnesses' key=value lines (bench-harness)
#
# Environment: top_srcdir, top_builddir, SNATPOOL (the CLI), PYTHON3.
# A harness that is not built or cannot start fails with its reason; none
# is skipped.  SNP_CONFORMANCE_ONLY="lib dpdk" (development) runs only those
# and counts each left-out harness as a failure.
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${SNATPOOL:?}"
PYTHON3=${PYTHON3:-/usr/bin/python3}
MODE=test
[ "${1:-}" = --bench ] && MODE=bench

ALGOS=$("$SNATPOOL" algos | awk '{ print $2 }')	# the registry: tests/algo_lists.py
[ -n "$ALGOS" ] || { echo "conformance: \`snatpool algos\` listed nothing" >&2; exit 1; }
SIZES="1 3 8 257"
HARNESSES="lib xdp afxdp dpdk"
# the harnesses with a deterministic-NAT (--pbalgo) mode, IPv4 and IPv6
# subscribers
DET_HARNESSES4="lib xdp afxdp dpdk"
DET_HARNESSES6="lib xdp afxdp dpdk"
RUN_TIMEOUT=${SNP_RUN_TIMEOUT:-120}

# Pools: one ascending contiguous range per family (IPv6 counting in the
# last 32 bits), as linux-nf-persistent requires; the same for every
# algorithm.  The 3- and 257-address ranges carry into the next octet or
# group.  Sizes 8 and 257 use a seed (only xxh3 and maglev read it).
pool_of() {
	case $1 in
	1)   echo "198.51.100.7,2001:db8::7" ;;
	3)   echo "198.51.100.10-198.51.100.12,2001:db8:1::fffe-2001:db8:1::1:0" ;;
	8)   echo "203.0.113.248-203.0.113.255,2001:db8:3::fffc-2001:db8:3::1:3" ;;
	257) echo "198.18.0.255-198.18.1.255,2001:db8:7::ff80-2001:db8:7::1:80" ;;
	esac
}
seed_of() {
	case $1 in
	8)   echo 16045690984503098046 ;;	# 0xdeadbeefcafebabe
	257) echo 7 ;;
	*)   echo 0 ;;
	esac
}

prog_of() {
	case $1 in
	lib)   echo "$top_builddir/harness/lib/snat_lib" ;;
	xdp)   echo "$top_builddir/harness/bpf/xdp_snat" ;;
	afxdp) echo "$top_builddir/harness/afxdp/afxdp_snat" ;;
	dpdk)  echo "$top_builddir/harness/dpdk/snat_dpdk" ;;
	esac
}

passed=0
failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
die() { echo "conformance: $*" >&2; echo "$passed passed, $((failed + 1)) failed"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/snp-conf.XXXXXX") || die "mktemp failed"
SNP_DPDK_PREFIX=snpconf$$
export SNP_DPDK_PREFIX
cleanup() {
	rm -rf "$tmp" "/var/run/dpdk/$SNP_DPDK_PREFIX"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

start=$(date +%s)
"$PYTHON3" "$top_srcdir/harness/pcapgen/gen_flows.py" --out "$tmp/flows.pcap" \
	2>"$tmp/gen.txt" || die "gen_flows.py failed: $(tail -n 1 "$tmp/gen.txt")"
echo "capture: $(cat "$tmp/gen.txt")"

# Which harnesses can run: built, and not left out.  Each problem is
# reported once per case below, as that case's failure.
why_not() {
	h=$1
	if [ -n "${SNP_CONFORMANCE_ONLY:-}" ]; then
		case " $SNP_CONFORMANCE_ONLY " in
		*" $h "*) ;;
		*) echo "left out by SNP_CONFORMANCE_ONLY"; return ;;
		esac
	fi
	p=$(prog_of "$h")
	[ -x "$p" ] || { echo "$p not built (see configure's warnings)"; return; }
	[ "$(id -u)" = 0 ] || [ "$h" = lib ] || { echo "needs root"; return; }
	echo ""
}

# run H OUT ARGS...: one run of harness H, stdout in OUT.txt, stderr in OUT.err.
run() {
	h=$1 out=$2
	shift 2
	timeout -k 5 "$RUN_TIMEOUT" "$(prog_of "$h")" "$@" >"$out.txt" 2>"$out.err"
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

last_err() {
	r=$(grep -v '^[[:space:]]*$' "$1" | tail -n 1)
	echo "${r:-no message}"
}

# run_case H NAME OUT ARGS...: harness H's run for a case (OUT.pcap, .txt,
# .err); status 0 if it ran, else 1 with a FAIL line for NAME saying why it
# could not start or how it ended.  ms: the run's wall time (0: none).
run_case() {
	h=$1 name=$2 o=$3
	shift 3
	ms=0
	r=$(why_not "$h")
	if [ -n "$r" ]; then
		fail "$name: $r"
		return 1
	fi
	rm -f "$o.pcap" "$o.txt" "$o.err"
	t0=$(now_ms)
	run "$h" "$o" "$@"
	rc=$?
	ms=$(( $(now_ms) - t0 ))
	[ "$rc" = 0 ] && return 0
	[ "$rc" = 124 ] && rc="timeout after ${RUN_TIMEOUT}s"
	fail "$name: exit $rc: $(last_err "$o.err")"
	return 1
}

if [ "$MODE" = bench ]; then
	size=257
	pool=$(pool_of $size) seed=$(seed_of $size)
	echo "pool=$pool seed=$seed packets=$(sed -n 's/.*packets=\([0-9]*\).*/\1/p' "$tmp/gen.txt")"
	for h in $HARNESSES; do
		r=$(why_not "$h")
		if [ -n "$r" ]; then
			fail "bench $h: $r"
			continue
		fi
		for algo in $ALGOS; do
			if run "$h" "$tmp/b" --algo "$algo" --pool "$pool" --seed "$seed" \
				--in "$tmp/flows.pcap" --out "$tmp/b.pcap" --bench; then
				grep -E '^(ns_per_pkt|passthrough_ns_per_pkt|added_ns|cost|translate_ns)\.|^afxdp_handoff=' "$tmp/b.txt"
			else
				fail "bench $h $algo: exit $?: $(last_err "$tmp/b.err")"
			fi
		done
	done
	echo "bench_seconds=$(( $(date +%s) - start ))"
	[ "$failed" -eq 0 ] || { echo "$passed passed, $failed failed"; exit 1; }
	exit 0
fi

for algo in $ALGOS; do
	for size in $SIZES; do
		pool=$(pool_of "$size") seed=$(seed_of "$size")
		label="$algo n=$size"
		set --
		for h in $HARNESSES; do
			o="$tmp/$h"
			if run_case "$h" "$h $label" "$o" --algo "$algo" --pool "$pool" \
				--seed "$seed" --in "$tmp/flows.pcap" --out "$o.pcap"; then
				[ "$h" = afxdp ] && handoffs="${handoffs:-} $(sed -n 's/^afxdp_handoff=//p' "$o.txt")"
				set -- "$@" --run "$h=$o.pcap,$o.txt"
			fi
			eval "ms_$h=\$(( \${ms_$h:-0} + ms ))"
		done
		t0=$(now_ms)
		"$PYTHON3" "$top_srcdir/tests/harness/check_pcaps.py" \
			--in "$tmp/flows.pcap" --algo "$algo" --pool "$pool" --seed "$seed" \
			--snatpool "$SNATPOOL" --label "$label" "$@" >"$tmp/check.txt" 2>&1
		ms_check=$(( ${ms_check:-0} + $(now_ms) - t0 ))
		grep -v '^# done' "$tmp/check.txt"
		p=$(grep -c '^PASS ' "$tmp/check.txt")
		f=$(grep -c '^FAIL ' "$tmp/check.txt")
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
			fail "check $label: check_pcaps.py printed nothing: $(last_err "$tmp/check.txt")"
		elif ! grep -q '^# done' "$tmp/check.txt"; then
			fail "check $label: check_pcaps.py crashed: $(last_err "$tmp/check.txt")"
		fi
	done
done

# Deterministic NAT (port blocks, issue 13): a capture of subscriber flows
# (harness/pcapgen/gen_subscribers.py) through each harness in --pbalgo
# mode; tests/harness/check_det.py judges every frame against the xpf and
# det44 models (address and port in the block the algorithm gives the
# source, reverse naming the source, valid checksums, out-of-range
# subscribers dropped) and that the harnesses agree.  IPv6 subscribers
# (xpf's NAT64 mode) are checked as 64:ff9b::A.B.C.D sources.
DET_CASES="xpf-det-v0|203.0.113.0/28|100.64.0.0/22|1008|$DET_HARNESSES4
vpp-det44-v0|198.51.100.0/27|100.64.0.0/22|0|$DET_HARNESSES4
xpf-det-v0|203.0.113.0/28|2001:db8::/32|1008|$DET_HARNESSES6"
"$PYTHON3" "$top_srcdir/harness/pcapgen/gen_subscribers.py" --out "$tmp/det.pcap" \
	2>"$tmp/gendet.txt" || die "gen_subscribers.py failed: $(tail -n 1 "$tmp/gendet.txt")"
echo "det capture: $(cat "$tmp/gendet.txt")"
echo "$DET_CASES" | while IFS='|' read -r pbalgo pool subs bs hs; do
	label="$pbalgo $pool $subs"
	set --
	for h in $hs; do	# a subshell: FAIL lines are counted from det.txt
		o="$tmp/det-$h"
		run_case "$h" "det-$h $label" "$o" --pbalgo "$pbalgo" --pool "$pool" \
			--subscribers "$subs" --block-size "$bs" --in "$tmp/det.pcap" \
			--out "$o.pcap" && set -- "$@" --run "$h=$o.pcap,$o.txt"
	done
	"$PYTHON3" "$top_srcdir/tests/harness/check_det.py" --in "$tmp/det.pcap" \
		--pbalgo "$pbalgo" --pool "$pool" --subscribers "$subs" --block-size "$bs" "$@" ||
		[ $? = 1 ] || echo "FAIL det-check $label: check_det.py crashed"
done >"$tmp/det.txt" 2>&1
cat "$tmp/det.txt"
passed=$((passed + $(grep -c '^PASS ' "$tmp/det.txt")))
failed=$((failed + $(grep -c '^FAIL ' "$tmp/det.txt")))
grep -q . "$tmp/det.txt" || fail "det: no check ran"

# which AF_XDP hand-off ran (harness/README.md, kernel differences)
[ -n "${handoffs:-}" ] &&
	echo "afxdp_handoff=$(echo $handoffs | tr ' ' '\n' | sort -u | tr '\n' ' ' | sed 's/ $//')"
echo "seconds=$(( $(date +%s) - start )) ms_lib=${ms_lib:-0} ms_xdp=${ms_xdp:-0}" \
	"ms_afxdp=${ms_afxdp:-0} ms_dpdk=${ms_dpdk:-0} ms_check=${ms_check:-0}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

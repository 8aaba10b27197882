#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# test-afxdp.sh - the AF_XDP harness (afxdp_snat) on generated frames, every
# algorithm: each OUT.pcap is checked by harness_check.py against
# `snatpool select`, and compared octet for octet with the XDP harness's.
# afxdp_snat makes and removes its own network namespaces; this checks that
# none is left behind.  With --bench: print its --bench lines.
# Needs root (namespaces, XDP, AF_XDP): without it exits 77 (automake's
# SKIP) saying so, which ./build.sh check counts as a failure; any other
# problem fails loudly.
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${SNATPOOL:?}"
PYTHON3=${PYTHON3:-/usr/bin/python3}
prog=$top_builddir/harness/afxdp/afxdp_snat
xdp=$top_builddir/harness/bpf/xdp_snat
check=$top_srcdir/harness/bpf/harness_check.py
ALGOS=$("$SNATPOOL" algos | awk '{ print $2 }')	# the registry: tests/algo_lists.py
[ -n "$ALGOS" ] || { echo "test-afxdp: \`snatpool algos\` listed nothing" >&2; exit 1; }
POOL_A='198.51.100.1-198.51.100.4,2001:db8::/126'
failed=0 passed=0

fail() { echo "test-afxdp: FAIL: $*" >&2; failed=$((failed + 1)); }
die() { echo "test-afxdp: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || { echo "test-afxdp: SKIP: needs root for network namespaces and AF_XDP (uid $(id -u))" >&2; exit 77; }
[ -x "$prog" ] || die "$prog not built"
command -v ip >/dev/null || die "needs ip (iproute2)"
tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
"$PYTHON3" "$check" gen "$tmp/in.pcap" || die "cannot generate frames (python3-scapy?)"

if [ "${1:-}" = --bench ]; then
	for algo in $ALGOS; do
		timeout 120 "$prog" --algo "$algo" --pool "$POOL_A" --seed 7 \
			--in "$tmp/in.pcap" --out "$tmp/out.pcap" --bench 2>/dev/null ||
			die "$algo: --bench failed"
	done
	exit 0
fi

# run NAME ALGO POOL SEED [OPTION]: translate, verify, compare with xdp_snat
run() {
	name=$1 algo=$2 pool=$3 seed=$4
	shift 4
	timeout 60 "$prog" --algo "$algo" --pool "$pool" --seed "$seed" --in "$tmp/in.pcap" \
		--out "$tmp/out.pcap" "$@" >"$tmp/stdout" 2>"$tmp/stderr" &
	pid=$!
	wait $pid
	rc=$?
	if ip netns list | grep -q "^snpx-$pid-"; then
		fail "$name: namespaces of pid $pid left behind"
		ip netns del "snpx-$pid-tx" 2>/dev/null
		ip netns del "snpx-$pid-rx" 2>/dev/null
	fi
	if [ "$rc" != 0 ]; then
		fail "$name: afxdp_snat exited $rc: $(tail -n 1 "$tmp/stderr")"
		return
	fi
	pt=
	[ "${1:-}" = --passthrough ] && pt=--passthrough
	if ! "$PYTHON3" "$check" verify --cli "$SNATPOOL" --algo "$algo" --pool "$pool" \
		--seed "$seed" --stdout "$tmp/stdout" $pt "$tmp/in.pcap" "$tmp/out.pcap" \
		>"$tmp/verify" 2>&1; then
		fail "$name: $(cat "$tmp/verify")"
		return
	fi
	if [ -x "$xdp" ]; then
		"$xdp" --algo "$algo" --pool "$pool" --seed "$seed" --in "$tmp/in.pcap" \
			--out "$tmp/xdp.pcap" $pt >/dev/null 2>&1 ||
			{ fail "$name: xdp_snat failed"; return; }
		cmp -s "$tmp/out.pcap" "$tmp/xdp.pcap" ||
			{ fail "$name: AF_XDP and XDP outputs differ"; return; }
	fi
	passed=$((passed + 1))
	echo "ok: $name: $(tr '\n' ' ' <"$tmp/stdout")"
}

for algo in $ALGOS; do
	run "$algo, v4+v6 ranges" "$algo" "$POOL_A" 7
done
# What the default (--handoff auto) took on this kernel: metadata if the
# kernel loads snat_xsk, else the ring map (harness/README.md).
auto=$(sed -n 's/^afxdp_handoff=//p' "$tmp/stdout")
echo "afxdp_handoff=${auto:-none}"
# The ring map works on every kernel: test it everywhere, every algorithm.
for algo in $ALGOS; do
	run "$algo, --handoff map" "$algo" "$POOL_A" 7 --handoff map
done
case $auto in
meta)	# the kernel takes the metadata program: test it explicitly too
	run "maglev, --handoff meta" snatpool-maglev-v1 "$POOL_A" 7 --handoff meta
	run "legacy, --handoff meta" xpf-legacy-v0 "$POOL_A" 7 --handoff meta ;;
map)	# refused: --handoff meta must fail loudly, naming program and kernel
	echo "test-afxdp: NOTE: this kernel ($(uname -r)) refuses snat_xsk" \
		"(bpf_xdp_adjust_meta); the metadata path cannot run here, the" \
		"ring-map path ran instead" >&2
	"$prog" --algo xpf-legacy-v0 --pool "$POOL_A" --in "$tmp/in.pcap" \
		--out "$tmp/out.pcap" --handoff meta >/dev/null 2>"$tmp/stderr"
	rc=$?
	if [ "$rc" = 1 ] && grep -q "snat_xsk.*uname -r: $(uname -r)" "$tmp/stderr"; then
		passed=$((passed + 1))
		echo "ok: --handoff meta refused loudly: $(cat "$tmp/stderr")"
	else
		fail "--handoff meta on a refusing kernel: exit $rc: $(cat "$tmp/stderr")"
	fi ;;
*)	fail "afxdp_snat printed no afxdp_handoff= line" ;;
esac
run "xxh3, IPv4 only, unordered" snatpool-xxh3-v1 198.51.100.9,198.51.100.1,203.0.113.5 0
run "maglev, 4096+4096 addresses" snatpool-maglev-v1 '10.0.0.0/20,2001:db8::/116' 0x1234
run "pass-through" snatpool-maglev-v1 "$POOL_A" 0 --passthrough

"$prog" --algo linux-nf-persistent --pool 198.51.100.9,198.51.100.1 --in "$tmp/in.pcap" \
	--out "$tmp/out.pcap" >/dev/null 2>"$tmp/stderr"
rc=$?
if [ "$rc" = 1 ] && [ "$(wc -l <"$tmp/stderr")" = 1 ]; then
	passed=$((passed + 1))
	echo "ok: nf-persistent, not a range: exit 1: $(cat "$tmp/stderr")"
else
	fail "nf-persistent, not a range: exit $rc: $(cat "$tmp/stderr")"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# (automake may start this with $(SHELL); it needs bash)
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
#
# nf_persistent.sh - what does the Linux kernel pick for
# `snat ip to A-B persistent` / `snat ip6 to [A]-[B] persistent`?
#
# Builds three network namespaces joined by veth pairs,
#
#   client (c0) ---- (r0) router (r1) ---- (s0) server
#   320 IPv4 + 320 IPv6 sources   nftables snat ... persistent
#
# and, for each of 11 rounds (an IPv4 and an IPv6 range of 2 to 65536
# addresses), loads the NAT ruleset, flushes conntrack, sends one UDP
# datagram from every source (fire and forget) and reads the translated
# address of each from the router's conntrack table.  The observations are
# vector lines (tests/vectors/ format, algo linux-nf-persistent) compared
# with the Python jhash model (tests/vectors/gen/linux_nf_persistent.py)
# and with the committed tests/vectors/linux-nf-persistent-kernel.jsonl.
#
# Usage: nf_persistent.sh [--out FILE] [--write FILE] [--verify CMD]
#   (default)      check: prints "N passed, N failed"; exit 1 on a failure
#   --out FILE     also write the observed vector lines to FILE (- = stdout)
#   --write FILE   regenerate the committed file: write the observations to
#                  FILE and compare them with the model only
#   --verify CMD   also run `CMD OBSERVED_FILE` (e.g. "snatpool verify");
#                  a non-zero exit counts as a failure.  Without --verify,
#                  "$SNATPOOL verify" is run when $SNATPOOL (the CLI, as
#                  make check exports it) is executable.
#
# Needs root, iproute2 with netns, nftables, conntrack-tools, timeout and
# Python 3 ($PYTHON3, else /usr/bin/python3; only the standard library is
# used).  Without them it exits 77 (automake's SKIP) with one line saying
# why: a skip, never a pass; ./build.sh check fails on any SKIP, so CI,
# which runs as root with all of them, still runs it or fails.  All traffic stays
# inside the namespaces it creates (192.0.2.0/24, 203.0.113.0/24,
# 198.51.100.0/24, 198.18.0.0/15, 100.64.0.0/16, RFC 1918 and 2001:db8::/32,
# fd00::/8 sources); the namespaces are removed on exit.

set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
PY=${PYTHON3:-/usr/bin/python3}
HELPER="$HERE/nf_conntrack.py"
COMMITTED="$TOP/tests/vectors/linux-nf-persistent-kernel.jsonl"
CANNOT_RUN_RC=77	# automake's SKIP (STYLE.md)
T=10			# seconds, bound of every single command

OUT='' WRITE='' VERIFY=''
while [ $# -gt 0 ]; do
	case $1 in
	--out)    OUT=${2:?--out FILE}; shift 2 ;;
	--write)  WRITE=${2:?--write FILE}; shift 2 ;;
	--verify) VERIFY=${2:?--verify CMD}; shift 2 ;;
	-h|--help) sed -n '5,40p' "$0"; exit 0 ;;
	*) echo "nf_persistent: unknown argument $1" >&2; exit 2 ;;
	esac
done
if [ -z "$VERIFY" ] && [ -n "${SNATPOOL:-}" ] && [ -x "$SNATPOOL" ]; then
	VERIFY="$SNATPOOL verify"
fi

cannot_run() {
	echo "nf_persistent: SKIP: cannot run: $*" >&2
	exit "$CANNOT_RUN_RC"
}

die() {
	echo "nf_persistent: FAIL: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || cannot_run "needs root (uid $(id -u))"
for c in ip nft conntrack timeout sysctl; do
	command -v "$c" >/dev/null || cannot_run "$c not found"
done
command -v "$PY" >/dev/null || cannot_run "$PY not found"
[ -f "$HELPER" ] || cannot_run "$HELPER not found"

SUF=$$
C=snp-nfc-$SUF R=snp-nfr-$SUF S=snp-nfs-$SUF
WORK=$(mktemp -d /tmp/snp-nf.XXXXXX) || cannot_run "mktemp failed"

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local ns
	for ns in "$C" "$R" "$S"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

START_NS=$(date +%s%N)

# Every command bounded; in a namespace: nsx NS CMD...
nsx() {
	local ns=$1; shift
	timeout "$T" ip netns exec "$ns" "$@"
}

for ns in "$C" "$R" "$S"; do
	timeout "$T" ip netns add "$ns" ||
		cannot_run "ip netns add $ns failed (no network namespaces?)"
	nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 ||
		cannot_run "sysctl in netns $ns failed"
	nsx "$ns" ip link set lo up || die "lo up in $ns"
done
nsx "$R" nft -f - <<<$'table ip snp_probe {\n chain c {\n  type nat hook postrouting priority srcnat\n }\n}' ||
	cannot_run "nftables nat does not work in a network namespace"
nsx "$R" nft delete table ip snp_probe || die "nft delete table"
nsx "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 ||
	die "sysctl forwarding"

timeout "$T" ip link add c0 netns "$C" type veth peer name r0 netns "$R" ||
	cannot_run "cannot create a veth pair"
timeout "$T" ip link add r1 netns "$R" type veth peer name s0 netns "$S" ||
	cannot_run "cannot create a veth pair"

mac() { nsx "$1" cat "/sys/class/net/$2/address"; }

trap 'die "setup failed at line $LINENO"' ERR
set -e
nsx "$C" ip addr add 192.0.2.2/24 dev c0
nsx "$C" ip addr add 2001:db8:c::2/64 dev c0 nodad
nsx "$R" ip addr add 192.0.2.1/24 dev r0
nsx "$R" ip addr add 2001:db8:c::1/64 dev r0 nodad
nsx "$R" ip addr add 203.0.113.1/24 dev r1
nsx "$R" ip addr add 2001:db8:5e::1/64 dev r1 nodad
nsx "$S" ip addr add 203.0.113.2/24 dev s0
nsx "$S" ip addr add 2001:db8:5e::2/64 dev s0 nodad
nsx "$C" ip link set c0 up
nsx "$R" ip link set r0 up
nsx "$R" ip link set r1 up
nsx "$S" ip link set s0 up
# Static neighbours: no datagram waits on (or is dropped by) ARP or ND.
R0=$(mac "$R" r0) S0=$(mac "$S" s0)
nsx "$C" ip neigh replace 192.0.2.1 lladdr "$R0" dev c0 nud permanent
nsx "$C" ip neigh replace 2001:db8:c::1 lladdr "$R0" dev c0 nud permanent
nsx "$R" ip neigh replace 203.0.113.2 lladdr "$S0" dev r1 nud permanent
nsx "$R" ip neigh replace 2001:db8:5e::2 lladdr "$S0" dev r1 nud permanent
nsx "$C" ip route add default via 192.0.2.1 dev c0
nsx "$C" ip -6 route add default via 2001:db8:c::1 dev c0
for p in 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16; do
	nsx "$R" ip route add "$p" via 192.0.2.2 dev r0
done
for p in 2001:db8:1000::/36 fd00::/8; do
	nsx "$R" ip -6 route add "$p" via 2001:db8:c::2 dev r0
done
# The server has no route back: the translated sources are not answered
# (no ICMP errors, no conntrack traffic other than the datagrams).
"$PY" "$HELPER" ipbatch >"$WORK/ipbatch"
nsx "$C" ip -batch "$WORK/ipbatch"
"$PY" "$HELPER" plan >"$WORK/plan"
set +e
trap - ERR

NSRC4=$(grep -c ' dev c0$' "$WORK/ipbatch")
NSRC6=$(grep -c ' nodad$' "$WORK/ipbatch")
echo "nf_persistent: namespaces ready, $NSRC4 IPv4 and $NSRC6 IPv6 sources" >&2

udp_count() {
	nsx "$R" conntrack -L -p udp 2>/dev/null | grep -c 'udp'
}

OBS="$WORK/observed.jsonl"
: >"$OBS"
bad=0
nrounds=$(cut -d' ' -f1 "$WORK/plan" | sort -u | wc -l)
for r in $(seq 0 $((nrounds - 1))); do
	read -r _ _ A4 B4 < <(grep "^$r 4 " "$WORK/plan")
	read -r _ _ A6 B6 < <(grep "^$r 6 " "$WORK/plan")
	nsx "$R" nft -f - <<-EOF || die "round $r: nft ruleset rejected"
		flush ruleset
		table ip snp_nat {
			chain post {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "r1" snat ip to $A4-$B4 persistent
			}
		}
		table ip6 snp_nat {
			chain post {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "r1" snat ip6 to [$A6]-[$B6] persistent
			}
		}
	EOF
	# An existing conntrack entry of a source would keep its old mapping.
	nsx "$R" conntrack -F 2>/dev/null
	[ "$(udp_count)" = 0 ] || die "round $r: conntrack not empty after flush"

	nsx "$C" "$PY" "$HELPER" send 4 203.0.113.2 9 || die "round $r: IPv4 send failed"
	nsx "$C" "$PY" "$HELPER" send 6 2001:db8:5e::2 9 || die "round $r: IPv6 send failed"

	want=$((NSRC4 + NSRC6)) got=0
	for _ in $(seq 50); do		# up to 5 s
		got=$(udp_count)
		[ "$got" -ge "$want" ] && break
		sleep 0.1
	done
	[ "$got" -ge "$want" ] ||
		echo "nf_persistent: round $r: only $got of $want conntrack entries" >&2

	nsx "$R" conntrack -L -f ipv4 -p udp -o extended >"$WORK/ct4" 2>/dev/null
	nsx "$R" conntrack -L -f ipv6 -p udp -o extended >"$WORK/ct6" 2>/dev/null
	"$PY" "$HELPER" parse 4 "$A4" "$B4" <"$WORK/ct4" >>"$OBS" || bad=$((bad + 1))
	"$PY" "$HELPER" parse 6 "$A6" "$B6" <"$WORK/ct6" >>"$OBS" || bad=$((bad + 1))
	echo "nf_persistent: round $r: $A4-$B4 and $A6-$B6 done" >&2
done

if [ -n "$WRITE" ]; then
	cp "$OBS" "$WRITE" || die "cannot write $WRITE"
	echo "nf_persistent: wrote $(wc -l <"$OBS") lines to $WRITE" >&2
fi
if [ -n "$OUT" ]; then
	if [ "$OUT" = - ]; then cat "$OBS"; else cp "$OBS" "$OUT" || die "cannot write $OUT"; fi
fi

rc=0
if [ -n "$WRITE" ]; then
	"$PY" "$HELPER" check "$OBS" >&2 || rc=1
else
	[ -f "$COMMITTED" ] || die "$COMMITTED missing (generate it with --write)"
	"$PY" "$HELPER" check "$OBS" --committed "$COMMITTED" >&2 || rc=1
fi
if [ -n "$VERIFY" ]; then
	# shellcheck disable=SC2086 # CMD may carry arguments
	if $VERIFY "$OBS" >&2; then
		echo "nf_persistent: $VERIFY: pass" >&2
	else
		echo "nf_persistent: $VERIFY: FAIL" >&2
		rc=1
	fi
fi
if [ "$bad" -gt 0 ]; then
	echo "nf_persistent: $bad round(s) with missing or untranslated sources" >&2
	rc=1
fi
ms=$((($(date +%s%N) - START_NS) / 1000000))
printf 'nf_persistent: %d observations in %d.%03d s\n' "$(wc -l <"$OBS")" \
	$((ms / 1000)) $((ms % 1000)) >&2
[ "$rc" = 0 ] && echo "nf_persistent: PASS" >&2 || echo "nf_persistent: FAIL" >&2
exit "$rc"

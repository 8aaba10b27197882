#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# snatpool portblock map|reverse|table: the contract of issue 13 item 5,
# answers checked against the independent models of tests/vectors/gen/
# (written from xpf's and VPP's C, never loading the library), stdin mode,
# "none" lines and exit 1, the table's header and formats, bad input.
. "$(dirname "$0")/testlib.sh"

GEN=$SRCDIR/tests/vectors/gen

# The port-block vector files verify (both ops, every algorithm).
for f in "$SRCDIR"/tests/vectors/portblock/*.jsonl; do
	run "$S" verify "$f"
	expect_rc 0 "verify $(basename "$f")"
	expect_grep ' passed, 0 failed$' "$T/out" "verify $(basename "$f")"
done

# model ALGO POOL SUBS BLOCK LO HI FLAGS < sources: the models' map lines.
cat >"$T/model.py" <<'PY'
import ipaddress, sys
sys.path.insert(0, sys.argv[1])
import xpf_det_v0, vpp_det44_v0, snatpool_spread_v1
algo, pool, subs, bs, lo, hi, flags = sys.argv[2:9]
cfg = {"algo": algo, "pool": pool, "subscribers": subs, "block_size": int(bs),
       "ports": (int(lo), int(hi)), "flags": int(flags)}
if algo == "snatpool-spread-v1":
    net = ipaddress.ip_network(subs)
    w = 32 if net.version == 4 else 64
    cfg["count"] = 1 << (w - net.prefixlen)
    cfg["subscribers"] = "%s/%d" % (net.network_address, w)
    cfg["xfamily"] = ipaddress.ip_address(pool.split(",")[0].split("-")[0].split("/")[0]).version
mod = {"xpf-det-v0": xpf_det_v0, "vpp-det44-v0": vpp_det44_v0,
       "snatpool-spread-v1": snatpool_spread_v1}[algo]
plan = mod.Model.compile(cfg)
for line in sys.stdin:
    t = line.strip()
    if not t:
        continue
    a = ipaddress.ip_address(t)
    r = plan.forward(a) if (a.version == 4) == (ipaddress.ip_network(subs).version == 4) else None
    print("%s none" % t if r is None else "%s %s %d %d %d" % (t, r[0], r[1], r[2], r[3]))
PY

# sources: every edge plus random ones inside and around @subs.
cat >"$T/srcs.py" <<'PY'
import ipaddress, random, sys
net = ipaddress.ip_network(sys.argv[1]); r = random.Random(int(sys.argv[2]))
first, n = int(net.network_address), net.num_addresses
lim = 2 ** (32 if net.version == 4 else 128) - 1
vals = {first, first + 1, first + n - 1, first + n, first - 1, 0, lim}
vals |= {first + r.randrange(n) for _ in range(300)}
vals |= {r.randrange(lim + 1) for _ in range(20)}
for v in sorted(x for x in vals if 0 <= x <= lim):
    print(ipaddress.ip_address(v))
PY

# check ALGO POOL SUBS BLOCK [PORTS] [--strict]: map against the model,
# stdin == arguments, reverse of every table row, exit statuses.
check() {
	algo=$1 pool=$2 subs=$3 bs=$4 ports=${5:-1024-65535} strict=${6:-}
	what="$algo $pool $subs"
	flags=0; [ -n "$strict" ] && flags=1
	set -- --algo "$algo" --pool "$pool" --subscribers "$subs" --ports "$ports" $strict
	[ "$bs" != 0 ] && set -- "$@" --block-size "$bs"
	"$PY" "$T/srcs.py" "$subs" 5 >"$T/src"
	"$PY" "$T/model.py" "$GEN" "$algo" "$pool" "$subs" "$bs" "${ports%-*}" "${ports#*-}" \
		"$flags" <"$T/src" >"$T/want" || { fail "$what: model failed"; return; }
	run "$S" portblock map "$@" <"$T/src"
	cmp -s "$T/want" "$T/out" || { fail "$what: map differs from the model"; diff "$T/want" "$T/out" | head -5 >&2; }
	if grep -q ' none$' "$T/want"; then expect_rc 1 "$what: map with none"; else expect_rc 0 "$what: map"; fi
	run "$S" portblock map "$@" $(head -40 "$T/src")
	head -40 "$T/want" | cmp -s - "$T/out" || fail "$what: arguments differ from stdin"
	# table: header, one row per subscriber; reverse of each row's ends
	run "$S" portblock table "$@"
	expect_rc 0 "$what: table"
	expect_grep "^# algorithm: $algo " "$T/out" "$what: table header"
	expect_grep '^# fingerprint: sha256:[0-9a-f]\{64\}$' "$T/out" "$what: fingerprint"
	expect_grep "^# configuration: --pool $pool --subscribers $subs " "$T/out" "$what: configuration"
	grep -v '^#' "$T/out" >"$T/rows"
	count=$(sed -n 's/^# geometry: subscribers=\([0-9]*\) .*/\1/p' "$T/out")
	[ "$(wc -l <"$T/rows")" = "$count" ] || fail "$what: $(wc -l <"$T/rows") rows for $count subscribers"
	awk '{ print $2, $3; print $2, $4 }' "$T/rows" | sed -n '1~37p;$p' >"$T/pairs"
	awk '{ print $2, $3, $1, $5; print $2, $4, $1, $5 }' "$T/rows" | sed -n '1~37p;$p' >"$T/rwant"
	run "$S" portblock reverse "$@" <"$T/pairs"
	expect_rc 0 "$what: reverse of table rows"
	cmp -s "$T/rwant" "$T/out" || { fail "$what: reverse differs"; diff "$T/rwant" "$T/out" | head -5 >&2; }
	# the table's rows are map's lines for their sources
	awk '{ print $1 }' "$T/rows" | sed -n '1~53p' >"$T/tsrc"
	run "$S" portblock map "$@" <"$T/tsrc"
	grep -F -x -f "$T/out" "$T/rows" | wc -l | grep -qx "$(wc -l <"$T/tsrc")" ||
		fail "$what: table rows and map disagree"
	# json and csv carry the same rows
	run "$S" portblock table "$@" --format json
	"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["rows"]
assert d["schema"]=="snatpool-portblock-table/1" and d["algo"]==sys.argv[2]
assert d["fingerprint"].startswith("sha256:") and len(r)==d["subscribers"]
rows=[" ".join(str(x[k]) for k in ("src","address","port_lo","port_hi","subscriber")) for x in r]
assert rows==open(sys.argv[3]).read().split("\n")[:-1]' "$T/out" "$algo" "$T/rows" ||
		fail "$what: json table"
	run "$S" portblock table "$@" --format csv
	grep -v '^#' "$T/out" | sed 1d | tr , ' ' | cmp -s - "$T/rows" || fail "$what: csv table"
	expect_grep '^src,address,port_lo,port_hi,subscriber$' "$T/out" "$what: csv header"
}

check xpf-det-v0 203.0.113.0/27 100.64.0.0/22 2016
check xpf-det-v0 198.51.100.9,198.51.100.3,198.51.100.200 172.16.5.0/28 100 2000-2999
check xpf-det-v0 192.0.2.10-192.0.2.11 10.9.0.0/20 31
check xpf-det-v0 203.0.113.1-203.0.113.8 2001:db8::/32 4096
check xpf-det-v0 203.0.113.1-203.0.113.8 2001:db8::/32 4096 1024-65535 --strict
check xpf-det-v0 198.51.100.5,198.51.100.1 2001:db8:aa:bb::/64 500 10000-20000
check vpp-det44-v0 1.1.1.0/28 10.0.0.0/21 0
check vpp-det44-v0 198.51.100.8/29 100.64.0.0/26 8064
check vpp-det44-v0 203.0.113.7/32 10.2.0.0/21 0
check snatpool-spread-v1 198.51.100.1-198.51.100.4 10.0.0.0/22 200
check snatpool-spread-v1 2001:db8::1-2001:db8::3 2001:db8:1::/56 500

# The contract's lines, literally.
X="--algo xpf-det-v0 --pool 203.0.113.0/27 --subscribers 100.64.0.0/22 --block-size 2016"
run "$S" portblock map $X 100.64.0.1 100.64.4.0 100.64.3.255
expect_rc 1 "map with an out-of-range source"
expect_out "100.64.0.1 203.0.113.0 3040 5055 1
100.64.4.0 none
100.64.3.255 203.0.113.31 63520 65535 1023" "map lines"
run "$S" portblock reverse $X 203.0.113.0 3040 203.0.113.0 1023 192.0.2.1 5000 203.0.113.31 65535
expect_rc 1 "reverse with pairs of no subscriber"
expect_out "203.0.113.0 3040 100.64.0.1 1
203.0.113.0 1023 none
192.0.2.1 5000 none
203.0.113.31 65535 100.64.3.255 1023" "reverse lines"
# the unused tail of the range has no subscriber (xpf's and VPP's
# documented reverse formulas would name one)
run "$S" portblock reverse --algo xpf-det-v0 --pool 192.0.2.10-192.0.2.11 \
	--subscribers 10.9.0.0/20 --block-size 31 192.0.2.10 65534 192.0.2.10 65535 \
	192.0.2.11 63488 192.0.2.11 63489 192.0.2.11 65535
expect_out "192.0.2.10 65534 10.9.8.32 2080
192.0.2.10 65535 none
192.0.2.11 63488 10.9.15.255 4095
192.0.2.11 63489 none
192.0.2.11 65535 none" "xpf tail and past the last subscriber"
run "$S" portblock reverse --algo vpp-det44-v0 --pool 203.0.113.7/32 --subscribers 10.2.0.0/21 \
	203.0.113.7 65535 203.0.113.7 1024
expect_out "203.0.113.7 65535 none
203.0.113.7 1024 10.2.0.0 0" "vpp tail (ratio 2048, 31 ports each)"
# IPv6 subscribers: SUBSCRIBER_ADDRESS is the subscriber's prefix
run "$S" portblock reverse --algo xpf-det-v0 --pool 203.0.113.1-203.0.113.8 \
	--subscribers 2001:db8::/32 --block-size 4096 203.0.113.2 5000
expect_out "203.0.113.2 5000 2001:db8:0:f:: 15" "IPv6 subscriber prefix"
# xpf does not compare the prefix octets; --strict does
run "$S" portblock map --algo xpf-det-v0 --pool 203.0.113.1-203.0.113.8 \
	--subscribers 2001:db8::/32 --block-size 4096 2001:db9:0:f::1
expect_out "2001:db9:0:f::1 203.0.113.2 1024 5119 15" "xpf quirk"
run "$S" portblock map --algo xpf-det-v0 --pool 203.0.113.1-203.0.113.8 \
	--subscribers 2001:db8::/32 --block-size 4096 --strict 2001:db9:0:f::1 2001:db8:0:f::1
expect_rc 1 "strict"
expect_out "2001:db9:0:f::1 none
2001:db8:0:f::1 203.0.113.2 1024 5119 15" "strict"
# stdin: a bad line is reported, the rest go on
printf '100.64.0.1\n\n  100.64.0.2  \nnot-an-address\n100.64.0.3\n' >"$T/in"
run "$S" portblock map $X <"$T/in"
expect_rc 1 "bad stdin line"
expect_out "100.64.0.1 203.0.113.0 3040 5055 1
100.64.0.2 203.0.113.0 5056 7071 2
100.64.0.3 203.0.113.0 7072 9087 3" "stdin"
expect_grep "line 4: 'not-an-address'" "$T/err" "bad line named"
printf '203.0.113.0 3040\n203.0.113.0\n' | { run "$S" portblock reverse $X; }
expect_rc 1 "reverse stdin with a short line"
# the fingerprint follows the configuration, and only it
run "$S" portblock table $X
f1=$(grep '^# fingerprint' "$T/out")
run "$S" portblock table $X
[ "$f1" = "$(grep '^# fingerprint' "$T/out")" ] || fail "fingerprint not stable"
run "$S" portblock table --algo xpf-det-v0 --pool 203.0.113.0/27 --subscribers 100.64.0.0/22 --block-size 2000
[ "$f1" != "$(grep '^# fingerprint' "$T/out")" ] || fail "fingerprint ignores the block size"

# Bad input (item 8): exit 2, one line naming the value, nothing printed.
bad() {
	what=$1 want=$2
	shift 2
	usage_error "$what" "$S" portblock "$@"
	grep -q -e "$want" "$T/err" || fail "$what: message does not name '$want': $(cat "$T/err")"
}
bad "block size 0" "--block-size 0" map $X --block-size 0
bad "block size above the range" "block_size=3000 exceeds the 1000 ports" \
	map --algo xpf-det-v0 --pool 203.0.113.1 --subscribers 10.0.0.0/32 --block-size 3000 --ports 1000-1999
bad "block size above 65535" "--block-size '70000'" map $X --block-size 70000
bad "too few blocks (xpf's own documented example)" "blocks=128 (4 x 32) < 1024 subscribers" \
	map --algo xpf-det-v0 --pool 203.0.113.1-203.0.113.4 --subscribers 100.64.0.0/22 --block-size 2016
bad "prefix length xpf does not take" "prefix_len=48" \
	map --algo xpf-det-v0 --pool 203.0.113.1 --subscribers 2001:db8::/48 --block-size 1000
bad "host bits set" "--subscribers '100.64.0.1/22': host bits set" \
	map --algo xpf-det-v0 --pool 203.0.113.0/27 --subscribers 100.64.0.1/22 --block-size 2016
bad "mixed pool families" "mixes IPv4 and IPv6" \
	map --algo snatpool-spread-v1 --pool 203.0.113.1,2001:db8::1 --subscribers 10.0.0.0/24 --block-size 100
bad "IPv6 pool for xpf" "hands out IPv4" \
	map --algo xpf-det-v0 --pool 2001:db8::1 --subscribers 10.0.0.0/24 --block-size 100
bad "IPv6 subscribers for det44" "det44 takes IPv4 subscribers" \
	map --algo vpp-det44-v0 --pool 1.1.1.0/28 --subscribers 2001:db8::/32
bad "det44 block size disagrees" "block_size=500 (det44 derives 504)" \
	table --algo vpp-det44-v0 --pool 1.1.1.0/28 --subscribers 10.0.0.0/21 --block-size 500
bad "det44 inside longer than outside" "inside /29 longer than outside /28" \
	table --algo vpp-det44-v0 --pool 1.1.1.0/28 --subscribers 10.0.0.0/29
bad "det44 pool not a prefix" "not one aligned IPv4 prefix" \
	map --algo vpp-det44-v0 --pool 1.1.1.1-1.1.1.4 --subscribers 10.0.0.0/21
bad "det44 ports" "ports=2000-3000" \
	map --algo vpp-det44-v0 --pool 1.1.1.0/28 --subscribers 10.0.0.0/21 --ports 2000-3000
bad "unknown algorithm" "--algo 'nope'" map --algo nope --pool 1.1.1.1 --subscribers 10.0.0.0/24
bad "missing --subscribers" "--subscribers" map --algo xpf-det-v0 --pool 1.1.1.1 --block-size 10
bad "missing --block-size" "--block-size" map --algo xpf-det-v0 --pool 1.1.1.1 --subscribers 10.0.0.0/30
bad "odd reverse arguments" "pairs" reverse $X 203.0.113.0
bad "unknown subcommand" "'frob'" frob $X
bad "bad format" "--format 'xml'" table $X --format xml
bad "strict elsewhere" "--strict" map --algo vpp-det44-v0 --pool 1.1.1.0/28 --subscribers 10.0.0.0/21 --strict
# compare (item 6): how many subscribers keep their (address, block),
# counted by the models
cat >"$T/cmp.py" <<'PY'
import ipaddress, sys
sys.path.insert(0, sys.argv[1])
import xpf_det_v0, vpp_det44_v0, snatpool_spread_v1
mods = {"xpf-det-v0": xpf_det_v0, "vpp-det44-v0": vpp_det44_v0,
        "snatpool-spread-v1": snatpool_spread_v1}
def plan(algo, pool, subs, bs):
    cfg = {"algo": algo, "pool": pool, "subscribers": subs, "block_size": bs,
           "ports": (1024, 65535), "flags": 0}
    if algo == "snatpool-spread-v1":
        net = ipaddress.ip_network(subs)
        cfg["count"] = net.num_addresses
        cfg["subscribers"] = "%s/32" % net.network_address
    return mods[algo].Model.compile(cfg)
a = plan(*sys.argv[2:5], int(sys.argv[5]))
b = plan(*sys.argv[6:9], int(sys.argv[9]))
net = ipaddress.ip_network(sys.argv[4])
total = kept = 0
moved = []
for s in net:
    fa, fb = a.forward(s), b.forward(s)
    if fa is None and fb is None:
        continue
    total += 1
    if fa is not None and fb is not None and fa[:3] == fb[:3]:
        kept += 1
    else:
        moved.append("%s %s %s" % (s, "%s %d-%d" % fa[:3] if fa else "- -",
                                   "%s %d-%d" % fb[:3] if fb else "- -"))
print("\n".join(moved + ["total=%d kept=%d moved=%d moved_pct=%.2f" %
                         (total, kept, total - kept, 100.0 * (total - kept) / total)]))
PY
cmp_check() {
	"$PY" "$T/cmp.py" "$GEN" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" >"$T/want" ||
		{ fail "compare model"; return; }
	bsa=$4 bsb=$8
	run "$S" compare --from-algo "$1" --from-pool "$2" --subscribers "$3" \
		--from-block-size "$bsa" --to-algo "$5" --to-pool "$6" --to-block-size "$bsb" --list
	expect_rc 0 "compare $*"
	sort "$T/want" >"$T/w"; sort "$T/out" >"$T/o"
	cmp -s "$T/w" "$T/o" || { fail "compare $*: differs from the model"; diff "$T/w" "$T/o" | head -5 >&2; }
}
cmp_check xpf-det-v0 203.0.113.0/27 100.64.0.0/22 2016 snatpool-spread-v1 203.0.113.0/27 100.64.0.0/22 2016
cmp_check xpf-det-v0 203.0.113.0/27 100.64.0.0/22 2016 xpf-det-v0 203.0.113.0/26 100.64.0.0/22 1000
cmp_check vpp-det44-v0 1.1.1.0/28 10.0.0.0/21 504 xpf-det-v0 1.1.1.0/28 10.0.0.0/21 504
cmp_check vpp-det44-v0 1.1.1.0/28 10.0.0.0/21 504 xpf-det-v0 1.1.1.0/28 10.0.0.0/21 500
run "$S" compare --subscribers 10.0.0.0/21 --from-algo vpp-det44-v0 --to-algo xpf-det-v0 \
	--pool 1.1.1.0/28 --block-size 504
expect_out "total=2048 kept=2048 moved=0 moved_pct=0.00" "det44 and xpf agree on an equal geometry"
usage_error "compare: refused side" "$S" compare --subscribers 10.0.0.0/21 --algo vpp-det44-v0 --pool 1.1.1.0/28 --from-block-size 500
expect_grep "from: vpp-det44-v0: --block-size 500" "$T/err" "compare names the side and value"
finish

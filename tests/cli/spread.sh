#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# snatpool spread: counts per address, the max/mean line, and the WARNING
# when the choice collapses (xpf-legacy-v0 puts all of 10.0.0.0/8 on one
# address when n divides 256).
. "$(dirname "$0")/testlib.sh"

P4=198.51.100.1-198.51.100.4

# The legacy collapse over the whole /8: LE32(10.x.y.z) mod 4 = 10 mod 4 = 2.
run "$S" spread --algo xpf-legacy-v0 --pool "$P4" --sources 10.0.0.0/8
expect_rc 0 "spread legacy 10/8"
head -5 "$T/out" >"$T/got"
printf '%s\n' "198.51.100.1 0" "198.51.100.2 0" "198.51.100.3 16777216" "198.51.100.4 0" \
	"max=16777216 mean=4194304.00 max_over_mean=4.00" >"$T/want"
cmp -s "$T/want" "$T/got" || { fail "spread legacy 10/8"; diff "$T/want" "$T/got" >&2; }
expect_grep '^WARNING: ' "$T/out" "spread legacy warns"
[ "$(wc -l <"$T/out")" -eq 6 ] || fail "spread legacy: want 6 lines, got $(wc -l <"$T/out")"

# A good algorithm on a smaller prefix: no warning, counts add up.
run "$S" spread --algo snatpool-xxh3-v1 --pool "$P4" --sources 10.0.0.0/16
expect_rc 0 "spread xxh3"
grep -q WARNING "$T/out" && fail "spread xxh3 warns: $(cat "$T/out")"
sum=$(awk 'NF == 2 && $2 ~ /^[0-9]+$/ { s += $2 } END { print s }' "$T/out")
[ "$sum" = 65536 ] || fail "spread xxh3 counts add up to $sum, not 65536"
grep -Eq '^max=[0-9]+ mean=16384\.00 max_over_mean=1\.0[0-9]$' "$T/out" ||
	fail "spread xxh3 summary: $(grep max= "$T/out")"

# Sources from stdin, both families; counts checked against a Python model.
"$PY" - "$T/src" "$T/want" <<'PY'
import ipaddress, random, sys
r = random.Random(3)
pool4 = [ipaddress.ip_address("198.51.100.1") + i for i in range(4)]
pool6 = [ipaddress.ip_address("2001:db8:100::") + i for i in range(2)]
c4, c6 = [0] * 4, [0] * 2
le = lambda b: int.from_bytes(b, "little")
with open(sys.argv[1], "w") as f:
    for i in range(2000):
        if i % 4:
            a = ipaddress.IPv4Address(r.getrandbits(32))
            c4[le(a.packed) % 4] += 1
        else:
            a = ipaddress.IPv6Address(r.getrandbits(128))
            p = a.packed
            c6[(le(p[0:4]) ^ le(p[4:8]) ^ le(p[8:12]) ^ le(p[12:16])) % 2] += 1
        f.write("%s\n" % a)
with open(sys.argv[2], "w") as w:
    for pool, c in ((pool4, c4), (pool6, c6)):
        for a, k in zip(pool, c):
            w.write("%s %d\n" % (a, k))
        mean = sum(c) / len(c)
        w.write("max=%d mean=%.2f max_over_mean=%.2f\n" % (max(c), mean, max(c) / mean))
PY
run "$S" spread --algo xpf-legacy-v0 --pool "$P4,2001:db8:100::/127" <"$T/src"
expect_rc 0 "spread from stdin"
cmp -s "$T/want" "$T/out" || { fail "spread from stdin disagrees with the model"; diff "$T/want" "$T/out" >&2; }

# Sequential sources on a pool of 8: legacy uses one address, the collapse is named.
"$PY" -c 'for i in range(256): print("10.0.%d.%d" % (i // 16, i % 16 * 16))' >"$T/seq"
run "$S" spread --algo xpf-legacy-v0 --pool 198.51.100.1-198.51.100.8 <"$T/seq"
expect_rc 0 "spread sequential"
expect_grep '^WARNING: .*1 of 8 addresses' "$T/out" "spread names the collapse"

# A bad line: named, exit 1, the rest counted.
printf '10.0.0.1\nnope\n' >"$T/in"
run "$S" spread --algo xpf-legacy-v0 --pool "$P4" <"$T/in"
expect_rc 1 "spread with a bad line"
expect_grep "line 2" "$T/err" "spread names the bad line"
expect_grep '^max=1 mean=0.25 max_over_mean=4.00$' "$T/out" "spread counts the good line"

# A single address /32 and an IPv6 prefix.
run "$S" spread --pool "$P4,2001:db8::/126" --sources 2001:db8:1::/116
expect_rc 0 "spread IPv6 prefix"
sum=$(awk 'NF == 2 && $2 ~ /^[0-9]+$/ { s += $2 } END { print s }' "$T/out")
[ "$sum" = 4096 ] || fail "spread IPv6 counts add up to $sum, not 4096"

finish

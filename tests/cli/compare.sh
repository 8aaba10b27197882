#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# snatpool compare: the summary line, --list, and the counts of an algorithm
# change and a pool change against an independent Python model.
. "$(dirname "$0")/testlib.sh"

P8=198.51.100.1-198.51.100.8
P7=198.51.100.1-198.51.100.7

"$PY" - "$T/src" <<'PY'
import random, ipaddress, sys
r = random.Random(11)
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write(str(ipaddress.IPv4Address(r.getrandbits(32))) + "\n")
PY

# Model: xpf-legacy-v0 (LE32 mod n) and xpf-userspace-v1 (SHA-256) over
# pools starting at 198.51.100.1; prints the moved lines and the summary.
cat >"$T/model.py" <<'PY'
import hashlib, ipaddress, sys
TAG = b"xpf-userspace-snat-address-persistent-v1"
def pick(algo, src, n):
    if algo == "xpf-legacy-v0":
        return int.from_bytes(src, "little") % n
    d = hashlib.sha256(TAG + bytes([4]) + src).digest()
    return int.from_bytes(d[:8], "big") % n
fa, fn, ta, tn = sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
base = ipaddress.ip_address("198.51.100.1")
total = moved = 0
for line in open(sys.argv[1]):
    a = ipaddress.ip_address(line.strip())
    old, new = base + pick(fa, a.packed, fn), base + pick(ta, a.packed, tn)
    total += 1
    if old != new:
        moved += 1
        print(a, old, new)
print("total=%d moved=%d moved_pct=%.2f" % (total, moved, 100.0 * moved / total))
PY

# Pool change, same algorithm, with --list.
"$PY" "$T/model.py" "$T/src" xpf-legacy-v0 8 xpf-legacy-v0 7 >"$T/want"
run "$S" compare --algo xpf-legacy-v0 --from-pool "$P8" --to-pool "$P7" --list <"$T/src"
expect_rc 0 "compare pools"
cmp -s "$T/want" "$T/out" || { fail "compare pools disagrees with the model"; diff "$T/want" "$T/out" | head >&2; }

# Algorithm change, same pool, summary only.
"$PY" "$T/model.py" "$T/src" xpf-legacy-v0 8 xpf-userspace-v1 8 | tail -1 >"$T/want"
run "$S" compare --from-algo xpf-legacy-v0 --to-algo xpf-userspace-v1 --pool "$P8" <"$T/src"
expect_rc 0 "compare algorithms"
cmp -s "$T/want" "$T/out" || fail "compare algorithms: want $(cat "$T/want"), got $(cat "$T/out")"

# Both at once.
"$PY" "$T/model.py" "$T/src" xpf-legacy-v0 8 xpf-userspace-v1 7 | tail -1 >"$T/want"
run "$S" compare --from-algo xpf-legacy-v0 --from-pool "$P8" \
	--to-algo xpf-userspace-v1 --to-pool "$P7" <"$T/src"
expect_rc 0 "compare algorithm and pool"
cmp -s "$T/want" "$T/out" || fail "compare both: want $(cat "$T/want"), got $(cat "$T/out")"

# Nothing changes: nothing moves.
run "$S" compare --algo snatpool-maglev-v1 --pool "$P8" --list <"$T/src"
expect_rc 0 "compare identical"
expect_out "total=3000 moved=0 moved_pct=0.00" "compare identical"

# Maglev: removing one of 8 addresses moves about its own eighth only.
run "$S" compare --algo snatpool-maglev-v1 --from-pool "$P8" --to-pool "$P7" <"$T/src"
expect_rc 0 "compare maglev pools"
pct=$(sed -n 's/^total=3000 moved=[0-9]* moved_pct=\([0-9.]*\)$/\1/p' "$T/out")
awk -v p="${pct:-100}" 'BEGIN { exit !(p >= 9 && p <= 16) }' ||
	fail "maglev moved ${pct:-?}% when 1 of 8 addresses left, want about 12.5%"
# ... unless the table size differs between the two sides' dataplanes:
# the same --maglev-size on both sides keeps it consistent.
run "$S" compare --algo snatpool-maglev-v1 --maglev-size 65537 --from-pool "$P8" --to-pool "$P7" <"$T/src"
pct=$(sed -n 's/^total=3000 moved=[0-9]* moved_pct=\([0-9.]*\)$/\1/p' "$T/out")
awk -v p="${pct:-100}" 'BEGIN { exit !(p >= 9 && p <= 16) }' ||
	fail "maglev (M 65537) moved ${pct:-?}% when 1 of 8 addresses left"

# A seed change moves sources of a seeded algorithm.
run "$S" compare --algo snatpool-xxh3-v1 --pool "$P8" --from-seed 1 --to-seed 2 <"$T/src"
expect_rc 0 "compare seeds"
grep -Eq '^total=3000 moved=[1-9][0-9]* moved_pct=[0-9]+\.[0-9][0-9]$' "$T/out" ||
	fail "compare seeds: $(cat "$T/out")"

# The family leaves the pool: those sources move to '-' and a warning says so.
printf '10.0.0.1\n2001:db8::1\n' >"$T/in"
run "$S" compare --algo xpf-legacy-v0 --from-pool "$P8,2001:db8:100::1" --to-pool "$P8" --list <"$T/in"
expect_rc 0 "compare losing IPv6"
expect_out "2001:db8::1 2001:db8:100::1 -
total=2 moved=1 moved_pct=50.00" "compare losing IPv6"
expect_grep "no address" "$T/err" "warning about sources without address"

# Bad and unselectable lines: named, exit 1, the summary counts the others.
printf '10.0.0.1\ngarbage\n2001:db8::1\n' >"$T/in"
run "$S" compare --from-algo xpf-legacy-v0 --to-algo snatpool-xxh3-v1 --pool "$P8" <"$T/in"
expect_rc 1 "compare with bad lines"
grep -q '^total=1 moved=[01] moved_pct=' "$T/out" || fail "compare with bad lines: $(cat "$T/out")"
expect_grep "line 2" "$T/err" "compare names the bad line"
expect_grep "line 3" "$T/err" "compare names the source without address"

# Empty input.
run "$S" compare --from-algo xpf-legacy-v0 --to-algo snatpool-xxh3-v1 --pool "$P8" </dev/null
expect_rc 0 "compare empty input"
expect_out "total=0 moved=0 moved_pct=0.00" "compare empty input"

finish

#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# snatpool vectors and verify: the totals line, failing lines named by
# FILE:LINE, exit statuses, and --out leaving no partial file.
. "$(dirname "$0")/testlib.sh"

# vectors --out: complete file, no FILE.tmp left behind.
run "$S" vectors --algo xpf-userspace-v1 --out "$T/v.jsonl"
expect_rc 0 "vectors --out"
[ -s "$T/v.jsonl" ] || fail "vectors --out wrote nothing"
[ ! -e "$T/v.jsonl.tmp" ] || fail "vectors --out left v.jsonl.tmp"
n=$(grep -c . "$T/v.jsonl")
[ "$n" -gt 100 ] || fail "only $n vectors"
expect_grep '^{"schema":"snatpool-vectors/1","algo":"xpf-userspace-v1","algo_id":2,' \
	"$T/v.jsonl" "vector line format"

# To stdout: the same lines.
run "$S" vectors --algo xpf-userspace-v1
expect_rc 0 "vectors to stdout"
cmp -s "$T/out" "$T/v.jsonl" || fail "vectors to stdout differs from --out"

# A failed --out (no such directory) leaves nothing, exits 1.
run "$S" vectors --algo xpf-legacy-v0 --out "$T/no/such/dir/v.jsonl"
expect_rc 1 "vectors --out into a missing directory"
[ ! -e "$T/no" ] || fail "vectors created a directory"

# All pass.
run "$S" verify "$T/v.jsonl"
expect_rc 0 "verify"
expect_out "$n passed, 0 failed" "verify totals"

# The CLI's own lines agree with the independent model for this algorithm:
# recompute every line's index with hashlib.
"$PY" - "$T/v.jsonl" >"$T/model" <<'PY'
import hashlib, ipaddress, json, sys
TAG = b"xpf-userspace-snat-address-persistent-v1"
bad = 0
for line in open(sys.argv[1]):
    v = json.loads(line)
    a = ipaddress.ip_address(v["src"])
    d = hashlib.sha256(TAG + bytes([a.version]) + a.packed).digest()
    # count the pool's addresses of the source's family
    n = 0
    for t in v["pool"].split(","):
        t = t.strip()
        if "/" in t:
            net = ipaddress.ip_network(t)
            if net.version == a.version: n += net.num_addresses
        elif "-" in t:
            lo, hi = (ipaddress.ip_address(x) for x in t.split("-"))
            if lo.version == a.version: n += int(hi) - int(lo) + 1
        elif ipaddress.ip_address(t).version == a.version:
            n += 1
    if int.from_bytes(d[:8], "big") % n != v["index"]:
        bad += 1
print(bad)
PY
[ "$(cat "$T/model")" = 0 ] || fail "$(cat "$T/model") vectors disagree with hashlib"

# Corrupt one line of a pool with a range: another index and address.
line=$(awk 'NR > 1 && $0 ~ /"pool":"[^"]*-/ { print NR; exit }' "$T/v.jsonl")
[ -n "$line" ] || { fail "no vector of a pool with a range"; line=2; }
awk -v L="$line" 'NR == L { sub(/"index":[0-9]+/, "\"index\":987654"); sub(/"address":"[^"]*"/, "\"address\":\"203.0.113.99\"") } { print }' \
	"$T/v.jsonl" >"$T/bad.jsonl"
cmp -s "$T/bad.jsonl" "$T/v.jsonl" && fail "corruption did not change the file"
run "$S" verify "$T/bad.jsonl"
expect_rc 1 "verify with one bad line"
expect_out "$((n - 1)) passed, 1 failed" "verify totals with one bad line"
expect_grep "bad.jsonl:$line: " "$T/err" "verify names FILE:LINE"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "verify: one message per failing line: $(cat "$T/err")"

# Totals over several files, stdin as "-", a malformed line.
printf '{"schema":"snatpool-vectors/1"}\n\nthis is not json\n' >"$T/junk.jsonl"
run "$S" verify "$T/v.jsonl" - "$T/junk.jsonl" <"$T/bad.jsonl"
expect_rc 1 "verify of three files"
expect_out "$((2 * n - 1)) passed, 3 failed" "verify totals of three files"
expect_grep "junk.jsonl:1: " "$T/err" "malformed line 1"
expect_grep "junk.jsonl:3: " "$T/err" "malformed line 3"
grep -q "junk.jsonl:2: " "$T/err" && fail "a blank line was reported"

# An unreadable file: message naming it, exit 2; the totals line still ends stdout.
run "$S" verify "$T/v.jsonl" "$T/missing.jsonl"
expect_rc 2 "verify of a missing file"
expect_grep "missing.jsonl" "$T/err" "message names the missing file"
expect_out "$n passed, 0 failed" "verify totals with a missing file"

# A file without any vector proves nothing: exit 1.
: >"$T/empty.jsonl"
run "$S" verify "$T/empty.jsonl"
expect_rc 1 "verify of an empty file"
expect_out "0 passed, 0 failed" "verify totals of an empty file"

# The committed golden files (from independent generators) pass.
for f in "$SRCDIR"/tests/vectors/*.jsonl; do
	[ -e "$f" ] || continue
	run "$S" verify "$f"
	expect_rc 0 "verify $(basename "$f")"
	grep -q ' passed, 0 failed$' "$T/out" || fail "verify $(basename "$f"): $(tail -1 "$T/out")"
done

finish

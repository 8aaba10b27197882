#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# snatpool select: output format, stdin mode, bad lines, and the answers of
# xpf-userspace-v1 and xpf-legacy-v0 against an independent Python model.
. "$(dirname "$0")/testlib.sh"

POOL=198.51.100.1-198.51.100.5,2001:db8:100::1-2001:db8:100::3

# Independent model (docs/algorithms.md): prints "SRC ADDRESS INDEX" for
# each source of the file $2 with algorithm $1.
cat >"$T/model.py" <<'PY'
import hashlib, ipaddress, sys
TAG = b"xpf-userspace-snat-address-persistent-v1"
pool = {4: [ipaddress.ip_address("198.51.100.1") + i for i in range(5)],
        6: [ipaddress.ip_address("2001:db8:100::1") + i for i in range(3)]}
def le32(b): return int.from_bytes(b, "little")
def pick(algo, fam, src, n):
    if algo == "xpf-userspace-v1":
        d = hashlib.sha256(TAG + bytes([fam]) + src).digest()
        return int.from_bytes(d[:8], "big") % n
    if fam == 4:
        return le32(src) % n
    return (le32(src[0:4]) ^ le32(src[4:8]) ^ le32(src[8:12]) ^ le32(src[12:16])) % n
for line in open(sys.argv[2]):
    text = line.strip()
    if not text:
        continue
    a = ipaddress.ip_address(text)
    fam = a.version
    i = pick(sys.argv[1], fam, a.packed, len(pool[fam]))
    print(text, pool[fam][i], i)
PY

# 5000 sources (more than one batch of the CLI), both families, edge cases.
"$PY" - "$T/src" <<'PY'
import random, ipaddress, sys
r = random.Random(7)
edge = ["0.0.0.0", "255.255.255.255", "10.0.0.1", "::", "::1",
        "::ffff:10.0.0.1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]
with open(sys.argv[1], "w") as f:
    for e in edge:
        f.write(e + "\n")
    for i in range(5000):
        if i % 3:
            f.write(str(ipaddress.IPv4Address(r.getrandbits(32))) + "\n")
        else:
            f.write(str(ipaddress.IPv6Address(r.getrandbits(128))) + "\n")
PY

for algo in xpf-userspace-v1 xpf-legacy-v0; do
	"$PY" "$T/model.py" "$algo" "$T/src" >"$T/want.$algo"
	run "$S" select --algo "$algo" --pool "$POOL" <"$T/src"
	expect_rc 0 "select $algo (stdin)"
	cmp -s "$T/want.$algo" "$T/out" || {
		fail "select $algo disagrees with the Python model"
		diff "$T/want.$algo" "$T/out" | head -10 >&2
	}
done

# One line spelled out, computed inline with hashlib.
want=$("$PY" -c '
import hashlib
d = hashlib.sha256(b"xpf-userspace-snat-address-persistent-v1" + bytes([4, 10, 0, 1, 100])).digest()
i = int.from_bytes(d[:8], "big") % 5
print("10.0.1.100 198.51.100.%d %d" % (i + 1, i))')
run "$S" select --algo xpf-userspace-v1 --pool "$POOL" 10.0.1.100
expect_rc 0 "select argument"
expect_out "$want" "select 10.0.1.100"

# SRC is echoed as given; the address is canonical.
run "$S" select --algo xpf-legacy-v0 --pool 2001:db8:100::1-2001:db8:100::3 \
	2001:0DB8:0000:0000::0005
expect_rc 0 "select non-canonical source"
# legacy v6: (LE32 0xb80d0120 ^ 0 ^ 0 ^ LE32 0x05000000) mod 3 = 1
expect_out "2001:0DB8:0000:0000::0005 2001:db8:100::2 1" "select echoes SRC"

# Arguments and stdin give the same lines; the default is snatpool-xxh3-v1.
run "$S" select --pool "$POOL" 10.1.2.3 2001:db8::42
cp "$T/out" "$T/args"
printf '10.1.2.3\n2001:db8::42\n' >"$T/in"
run "$S" select --algo snatpool-xxh3-v1 --pool "$POOL" <"$T/in"
cmp -s "$T/args" "$T/out" || fail "default algorithm is not snatpool-xxh3-v1, or stdin differs from arguments"

# --seed: decimal and 0x hex are the same number; the seed changes xxh3.
run "$S" select --algo snatpool-xxh3-v1 --seed 305419896 --pool "$POOL" <"$T/src"
cp "$T/out" "$T/dec"
run "$S" select --algo snatpool-xxh3-v1 --seed 0x12345678 --pool "$POOL" <"$T/src"
cmp -s "$T/dec" "$T/out" || fail "--seed 305419896 and --seed 0x12345678 differ"
run "$S" select --algo snatpool-xxh3-v1 --pool "$POOL" <"$T/src"
cmp -s "$T/dec" "$T/out" && fail "--seed does not change snatpool-xxh3-v1"

# Every line has three fields and a decimal index within the family's count.
awk 'NF != 3 || $3 !~ /^[0-9]+$/ { bad = 1 } END { exit bad }' "$T/out" ||
	fail "select output is not 'SRC ADDRESS INDEX'"

# Blank lines and blanks around addresses are ignored; a bad line is named by
# number, the others are still printed, and the exit status is 1.
printf '10.0.0.1\n\n   \n\t10.0.0.2  \r\nnot-an-address\n10.0.0.3' >"$T/mixed"
run "$S" select --algo xpf-legacy-v0 --pool "$POOL" <"$T/mixed"
expect_rc 1 "select with a bad line"
# legacy v4: LE32(10.0.0.x) mod 5 = (10 + x * 2^24) mod 5
expect_out "10.0.0.1 198.51.100.2 1
10.0.0.2 198.51.100.3 2
10.0.0.3 198.51.100.4 3" "select prints the good lines"
expect_grep 'line 5' "$T/err" "bad line number"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "one message per bad line: $(cat "$T/err")"

# A source whose family the pool lacks: message, exit 1, others printed.
run "$S" select --algo xpf-legacy-v0 --pool 198.51.100.1 10.0.0.1 2001:db8::1
expect_rc 1 "select without the source's family"
expect_out "10.0.0.1 198.51.100.1 0" "select prints the IPv4 line"	# n = 1
expect_grep "2001:db8::1" "$T/err" "message names the source"

# Empty input: no output, success.
run "$S" select --pool "$POOL" </dev/null
expect_rc 0 "select on empty input"
[ ! -s "$T/out" ] || fail "select on empty input printed something"

finish

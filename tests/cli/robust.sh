#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# No input may crash snatpool: random octets, NUL octets, huge lines, empty
# input, absurd arguments.  Every run must end with status 0, 1 or 2.
. "$(dirname "$0")/testlib.sh"

P=198.51.100.1-198.51.100.4,2001:db8::/126

"$PY" - "$T" <<'PY'
import os, random, sys
d = sys.argv[1]
r = random.Random(5)
def put(name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
put("random", bytes(r.getrandbits(8) for _ in range(1 << 20)))
put("nul", b"10.0.0.1\x00junk\n\x00\x00\x00\n10.0.0.2\n")
put("huge", b"1" * (3 << 20))                      # one line, no newline
put("hugeline", b"10.0.0.1\n" + b"2001:db8::" * 200000 + b"\n10.0.0.3\n")
put("newlines", b"\n" * 100000)
put("crlf", b"10.0.0.1\r\n\r\n10.0.0.2\r\n")
put("json", b'{"schema":"snatpool-vectors/1","algo":"xpf-legacy-v0","algo_id":1,'
            b'"family":4,"pool":"10.0.0.0/8","seed":0,"src":"1.2.3.4","index":0,'
            b'"address":"10.0.0.0"}\n' + b'{"' * 100000 + b'\n' + b'[' * 100000 + b'\n')
PY
: >"$T/empty"

# check WHAT: after run, a status of 0, 1 or 2 and no sanitizer report.
check() {
	case $rc in
	0|1|2) ;;
	*) fail "$1: exit status $rc" ;;
	esac
	if grep -q -e 'Sanitizer' -e 'runtime error' "$T/err"; then
		fail "$1: sanitizer report"
		head -5 "$T/err" >&2
	fi
}

for f in random nul huge hugeline newlines crlf json empty; do
	run "$S" select --algo xpf-userspace-v1 --pool "$P" <"$T/$f"; check "select <$f"
	run "$S" compare --from-algo xpf-legacy-v0 --to-algo snatpool-maglev-v1 --pool "$P" --list <"$T/$f"
	check "compare <$f"
	run "$S" spread --pool "$P" <"$T/$f"; check "spread <$f"
	run "$S" verify - <"$T/$f"; check "verify <$f"
	grep -Eq '^[0-9]+ passed, [0-9]+ failed$' "$T/out" || fail "verify $f: no totals line"
done

# NUL octets: the line holding one is bad, the others are selected.
run "$S" select --algo xpf-legacy-v0 --pool "$P" <"$T/nul"
expect_rc 1 "select with NUL octets"
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "select with NUL octets: $(cat "$T/out")"
expect_grep '^10.0.0.2 ' "$T/out" "select after a NUL line"

# A line too long to be an address: reported, the next line still read.
run "$S" select --algo xpf-legacy-v0 --pool "$P" <"$T/hugeline"
expect_rc 1 "select with a huge line"
[ "$(wc -l <"$T/out")" -eq 2 ] || fail "select with a huge line: $(cat "$T/out")"
expect_grep '^10.0.0.3 ' "$T/out" "select after a huge line"
expect_grep 'line 2' "$T/err" "the huge line is line 2"

# CR LF line ends are blanks.
run "$S" select --algo xpf-legacy-v0 --pool "$P" <"$T/crlf"
expect_rc 0 "select CR LF"
[ "$(wc -l <"$T/out")" -eq 2 ] || fail "select CR LF: $(cat "$T/out")"

# Absurd arguments.
long=$("$PY" -c 'print("1" * 100000)')
ctl=$(printf 'a\001\033[31mb')
run "$S" select --pool "$P" "$long"; check "select long SRC"
expect_rc 1 "select long SRC"
run "$S" select --pool "$long"; check "select long pool"
expect_rc 2 "select long pool"
run "$S" select --pool "$P" "$ctl"; check "select control characters"
grep -q "$(printf '\033')" "$T/err" && fail "control characters echoed to the terminal"
run "$S" select --pool 10.0.0.0/8; check "select 2^24-address pool"
expect_rc 2 "select pool over the limit"
run "$S" select --pool ::/0; check "select ::/0"
expect_rc 2 "select ::/0"
run "$S" select --pool ",,,"; check "select commas"
expect_rc 2 "select commas"
run "$S" select --pool "$P" --algo ""; check "select empty algo"
expect_rc 2 "select empty algo"
run "$S" select --pool "$P" --seed ""; check "select empty seed"
expect_rc 2 "select empty seed"
run "$S" "$long"; check "long command"
expect_rc 2 "long command"
run "$S" verify "$T"; check "verify a directory"
expect_rc 2 "verify a directory"
run "$S" spread --pool "$P" --sources "$long"; check "spread long prefix"
expect_rc 2 "spread long prefix"
run "$S" spread --pool "$P" --sources "/"; check "spread /"
expect_rc 2 "spread /"
run "$S" spread --pool "$P" --sources "::/0"; check "spread ::/0"
expect_rc 2 "spread ::/0"

# Output to a full device is an error, not a crash.
if [ -w /dev/full ]; then
	"$S" select --pool "$P" 10.0.0.1 >/dev/full 2>"$T/err"
	rc=$?
	expect_rc 1 "select to /dev/full"
	"$S" vectors --algo xpf-legacy-v0 >/dev/full 2>"$T/err"
	rc=$?
	expect_rc 1 "vectors to /dev/full"
fi

finish

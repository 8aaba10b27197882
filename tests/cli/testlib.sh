# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Sourced by the tests/cli/*.sh tests (not a test itself).
# The CLI under test is $SNATPOOL, else $top_builddir/tools/snatpool, else
# ./tools/snatpool; Python is $PYTHON3, else /usr/bin/python3.  A test
# exits 0 (pass) or 1 (fail), never 77: whatever it needs is required.
set -u

S=${SNATPOOL:-${top_builddir:-.}/tools/snatpool}
PY=${PYTHON3:-/usr/bin/python3}
SRCDIR=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
failures=0

T=$(mktemp -d "${TMPDIR:-/tmp}/snatpool-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

if [ ! -x "$S" ]; then
	echo "FAIL: no snatpool binary at '$S' (set SNATPOOL)" >&2
	exit 1
fi
if ! "$PY" -c 'import hashlib' 2>/dev/null; then
	echo "FAIL: '$PY' cannot run Python with hashlib (set PYTHON3)" >&2
	exit 1
fi

# run CMD...: stdout in $T/out, stderr in $T/err, status in $rc; stdin as given.
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# expect_rc WANT WHAT: compare $rc after run.
expect_rc() {
	[ "$rc" = "$1" ] || { fail "$2: exit $rc, want $1"; head -5 "$T/err" | sed 's/^/  stderr: /' >&2; }
}

# expect_out TEXT WHAT: $T/out is exactly TEXT (plus its newline).
expect_out() {
	printf '%s\n' "$1" >"$T/want"
	cmp -s "$T/want" "$T/out" || {
		fail "$2: output differs"
		diff "$T/want" "$T/out" | head -20 >&2
	}
}

# expect_grep PATTERN FILE WHAT
expect_grep() {
	grep -q -e "$1" "$2" || fail "$3: no line matching '$1' in $(basename "$2")"
}

# usage_error WHAT CMD...: exit 2, one line on stderr, nothing on stdout.
usage_error() {
	what=$1
	shift
	run "$@" </dev/null
	expect_rc 2 "$what"
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "$what: want one line on stderr, got: $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "$what: unexpected stdout: $(head -3 "$T/out")"
	grep -q '^snatpool' "$T/err" || fail "$what: stderr does not start with 'snatpool'"
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$(basename "$0"): $failures failure(s)" >&2
		exit 1
	fi
	echo "$(basename "$0"): pass"
	exit 0
}

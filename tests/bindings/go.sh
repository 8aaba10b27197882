#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The Go binding: go vet, then go test (with -race where it works), offline,
# against the build tree's library.
. "$top_srcdir/tests/bindings/common.sh"
[ -x "$GO" ] || fail "go not found ($GO)"
cd "$GO_SRC" || fail "no $GO_SRC"
echo "go vet ./..."
go_env "$GO" vet ./... || fail "go vet"
echo "go test $GO_RACE ./..."
go_env "$GO" test $GO_RACE -count=1 ./... || fail "go test"
GOFMT=$(dirname "$GO")/gofmt
[ -x "$GOFMT" ] || GOFMT=gofmt
unformatted=$("$GOFMT" -l .) || fail "gofmt did not run"
[ -z "$unformatted" ] || fail "not gofmt'ed: $unformatted"
exit 0

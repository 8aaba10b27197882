# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Fuzz targets.  Their corpora replay in `make check` with any compiler;
# with --enable-fuzzing (CC=clang) the libFuzzer binaries are built too and
# `make fuzz FUZZ_SECONDS=N` runs each for N seconds.
FUZZ_REPLAYS = fuzz/replay_spec fuzz/replay_vectors
check_PROGRAMS += $(FUZZ_REPLAYS)
fuzz_replay_spec_SOURCES = fuzz/fuzz_spec.c fuzz/replay.c
fuzz_replay_spec_LDADD = lib/libsnatpool.la
fuzz_replay_vectors_SOURCES = fuzz/fuzz_vectors.c fuzz/replay.c
fuzz_replay_vectors_LDADD = lib/libsnatpool.la
TESTS += tests/fuzz_replay.sh
EXTRA_DIST += tests/fuzz_replay.sh fuzz/corpus

FUZZ_SECONDS ?= 30
FUZZ_TARGETS =
if FUZZING
noinst_PROGRAMS += fuzz/fuzz_spec fuzz/fuzz_vectors
fuzz_fuzz_spec_SOURCES = fuzz/fuzz_spec.c
fuzz_fuzz_spec_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
fuzz_fuzz_spec_LDFLAGS = -fsanitize=fuzzer
fuzz_fuzz_spec_LDADD = lib/libsnatpool.la
fuzz_fuzz_vectors_SOURCES = fuzz/fuzz_vectors.c
fuzz_fuzz_vectors_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
fuzz_fuzz_vectors_LDFLAGS = -fsanitize=fuzzer
fuzz_fuzz_vectors_LDADD = lib/libsnatpool.la
FUZZ_TARGETS += fuzz_spec fuzz_vectors
endif

# Each target for FUZZ_SECONDS on a scratch copy of its corpus
# (fuzz/corpus/<name without fuzz_>/); other parts add to FUZZ_TARGETS.
fuzz: $(FUZZ_TARGETS:%=fuzz/%)
	@test -n "$(FUZZ_TARGETS)" || { echo "fuzz: configure with CC=clang --enable-fuzzing"; exit 1; }
	@set -e; for t in $(FUZZ_TARGETS); do \
		c=$${t#fuzz_}; d=$$(mktemp -d); cp -r $(srcdir)/fuzz/corpus/$$c/. $$d/; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		if ! ./fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -rss_limit_mb=2048 \
			-print_final_stats=1 $$d > $$d.log 2>&1; then \
			tail -40 $$d.log; echo "fuzz: $$t FAILED"; exit 1; fi; \
		grep -E '^Done|stat::number_of_executed_units' $$d.log || true; \
		rm -rf $$d $$d.log; \
	done
.PHONY: fuzz

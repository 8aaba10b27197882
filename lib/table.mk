# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Persistent-NAT tables, port allocation, HA stream, snapshots, port blocks:
# the library part, their tests, fuzz targets and the benchmark.
# One concept per file, calls running one way: see lib/table.h.
lib_libsnatpool_la_SOURCES += lib/table.h lib/table_key.h lib/table_probe.h \
	lib/table_record.h lib/table.c lib/table_record.c \
	lib/table_order.c lib/table_arena.c lib/table_index.c lib/table_idle.c \
	lib/table_quota.c lib/table_permit.c lib/table_stats.c lib/table_ports.c \
	lib/table_delta.c lib/table_mapping.c lib/table_lookup.c \
	lib/table_inbound.c lib/table_create.c lib/table_import.c \
	lib/table_snapshot.c lib/table_steer.c lib/portblock.c lib/event_queue.c

TABLE_UNIT_TESTS = tests/check_table
check_PROGRAMS += $(TABLE_UNIT_TESTS)
TESTS += $(TABLE_UNIT_TESTS)
TABLE_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(PTHREAD_CFLAGS)
TABLE_TEST_LDADD = lib/libsnatpool.la $(CHECK_LIBS) $(PTHREAD_LIBS)
tests_check_table_SOURCES = tests/check_table.c tests/testutil.h tests/table_testutil.h
tests_check_table_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_check_table_LDADD = $(TABLE_TEST_LDADD)

# the randomized model test (>= 1M operations: 4 configurations x 350k)
check_PROGRAMS += tests/table_model
TESTS += tests/table_model
tests_table_model_SOURCES = tests/table_model.c tests/table_testutil.h
tests_table_model_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
tests_table_model_LDADD = lib/libsnatpool.la $(PTHREAD_LIBS)

check_PROGRAMS += tests/check_table_persist
TESTS += tests/check_table_persist
tests_check_table_persist_SOURCES = tests/check_table_persist.c tests/testutil.h \
	tests/table_testutil.h
tests_check_table_persist_CFLAGS = $(TABLE_TEST_CFLAGS) $(LIBXXHASH_CFLAGS)
tests_check_table_persist_LDADD = $(TABLE_TEST_LDADD)

check_PROGRAMS += tests/check_table_nat64
TESTS += tests/check_table_nat64
tests_check_table_nat64_SOURCES = tests/check_table_nat64.c tests/testutil.h \
	tests/table_testutil.h
tests_check_table_nat64_CFLAGS = $(TABLE_TEST_CFLAGS) $(LIBXXHASH_CFLAGS)
tests_check_table_nat64_LDADD = $(TABLE_TEST_LDADD)

check_PROGRAMS += tests/check_table_workers
TESTS += tests/check_table_workers
tests_check_table_workers_SOURCES = tests/check_table_workers.c tests/testutil.h \
	tests/table_testutil.h
tests_check_table_workers_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_check_table_workers_LDADD = $(TABLE_TEST_LDADD)

check_PROGRAMS += tests/check_event_queue
TESTS += tests/check_event_queue
tests_check_event_queue_SOURCES = tests/check_event_queue.c tests/testutil.h tests/table_testutil.h
tests_check_event_queue_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_check_event_queue_LDADD = $(TABLE_TEST_LDADD)

check_PROGRAMS += tests/check_portblock
TESTS += tests/check_portblock
tests_check_portblock_SOURCES = tests/check_portblock.c tests/testutil.h tests/table_testutil.h
tests_check_portblock_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_check_portblock_LDADD = $(TABLE_TEST_LDADD)

# `make bench-table` (chained from `make bench`): the table beside rte_hash.
if HAVE_DPDK_HARNESS
noinst_PROGRAMS += bench/bench_table
bench_bench_table_SOURCES = bench/bench_table.c
bench_bench_table_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(LIBDPDK_CFLAGS)
bench_bench_table_LDADD = lib/libsnatpool.la $(LIBDPDK_LIBS) $(PTHREAD_LIBS)
bench_bench_table_LDFLAGS = -no-install
bench-table: bench/bench_table$(EXEEXT)
	@$(builddir)/bench/bench_table $(BENCH_TABLE_KEYS); rm -rf /var/run/dpdk/snpbench*
else
bench-table:
	@echo "bench-table: needs libdpdk (libdpdk-dev): configure found none" >&2; exit 1
endif
BENCH_TARGETS += bench-table
EXTRA_DIST += bench/bench_table.c
.PHONY: bench-table

# fuzz targets: the snapshot loader and the HA delta importer.  Their corpora
# replay in `make check` with any compiler; libFuzzer builds with
# --enable-fuzzing (CC=clang), run by `make fuzz`.
check_PROGRAMS += fuzz/replay_snapshot fuzz/replay_delta
fuzz_replay_snapshot_SOURCES = fuzz/fuzz_snapshot.c fuzz/fuzz_table_common.h fuzz/replay.c
fuzz_replay_snapshot_CFLAGS = $(AM_CFLAGS) $(LIBXXHASH_CFLAGS)
fuzz_replay_snapshot_LDADD = lib/libsnatpool.la
fuzz_replay_delta_SOURCES = fuzz/fuzz_delta.c fuzz/fuzz_table_common.h fuzz/replay.c
fuzz_replay_delta_CFLAGS = $(AM_CFLAGS) $(LIBXXHASH_CFLAGS)
fuzz_replay_delta_LDADD = lib/libsnatpool.la
TESTS += tests/table_fuzz_replay.sh
EXTRA_DIST += tests/table_fuzz_replay.sh
if FUZZING
noinst_PROGRAMS += fuzz/fuzz_snapshot fuzz/fuzz_delta
fuzz_fuzz_snapshot_SOURCES = fuzz/fuzz_snapshot.c fuzz/fuzz_table_common.h
fuzz_fuzz_snapshot_CFLAGS = $(AM_CFLAGS) $(LIBXXHASH_CFLAGS) -fsanitize=fuzzer
fuzz_fuzz_snapshot_LDFLAGS = -fsanitize=fuzzer
fuzz_fuzz_snapshot_LDADD = lib/libsnatpool.la
fuzz_fuzz_delta_SOURCES = fuzz/fuzz_delta.c fuzz/fuzz_table_common.h
fuzz_fuzz_delta_CFLAGS = $(AM_CFLAGS) $(LIBXXHASH_CFLAGS) -fsanitize=fuzzer
fuzz_fuzz_delta_LDFLAGS = -fsanitize=fuzzer
fuzz_fuzz_delta_LDADD = lib/libsnatpool.la
FUZZ_TARGETS += fuzz_snapshot fuzz_delta
endif

dist_man_MANS += man/snatpool_table.3 man/snatpool_table_save.3 man/snatpool_portblock.3 \
	man/snatpool_event_queue.3

# threads against a single-threaded replay and the HA stream.  CI also runs it
# under ThreadSanitizer in a second build directory:
#   mkdir b-tsan && cd b-tsan && ../configure \
#     CC=clang CFLAGS='-O1 -g -fsanitize=thread' LDFLAGS=-fsanitize=thread && \
#   make -j2 lib/libsnatpool.la tests/table_stress && \
#   TSAN_OPTIONS=halt_on_error=1:exitcode=66 ./tests/table_stress 4 200 500
check_PROGRAMS += tests/table_stress
TESTS += tests/table_stress
tests_table_stress_SOURCES = tests/table_stress.c tests/table_testutil.h tests/testutil.h
tests_table_stress_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(PTHREAD_CFLAGS)
tests_table_stress_LDADD = lib/libsnatpool.la $(CHECK_LIBS) $(PTHREAD_LIBS)

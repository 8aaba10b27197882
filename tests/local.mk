# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Unit tests (Check), vector tests and scripted tests.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	top_srcdir=$(abs_top_srcdir); top_builddir=$(abs_top_builddir); \
	SNATPOOL=$(abs_top_builddir)/tools/snatpool; PYTHON3=$(PYTHON3); \
	CLANG=$(CLANG); GROFF=$(GROFF); \
	export top_srcdir top_builddir SNATPOOL PYTHON3 CLANG GROFF;

CHECK_LDADD = lib/libsnatpool.la $(CHECK_LIBS)
UNIT_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/tests $(CHECK_CFLAGS) $(LIBCRYPTO_CFLAGS) $(LIBXXHASH_CFLAGS) $(PTHREAD_CFLAGS)

UNIT_TESTS = tests/check_pool tests/check_select tests/check_algo \
	tests/check_core tests/check_maglev tests/check_vectors tests/check_opts \
	tests/check_fastpath
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

tests_check_pool_SOURCES = tests/check_pool.c tests/testutil.h
tests_check_pool_CFLAGS = $(UNIT_CFLAGS)
tests_check_pool_LDADD = $(CHECK_LDADD)
tests_check_select_SOURCES = tests/check_select.c tests/testutil.h
tests_check_select_CFLAGS = $(UNIT_CFLAGS)
tests_check_select_LDADD = $(CHECK_LDADD)
tests_check_algo_SOURCES = tests/check_algo.c tests/testutil.h
tests_check_algo_CFLAGS = $(UNIT_CFLAGS)
tests_check_algo_LDADD = $(CHECK_LDADD)
tests_check_core_SOURCES = tests/check_core.c tests/testutil.h tests/xxh_ref.c tests/xxh_ref.h
tests_check_core_CFLAGS = $(UNIT_CFLAGS)
tests_check_core_LDADD = $(CHECK_LDADD) $(LIBCRYPTO_LIBS) $(LIBXXHASH_LIBS)
tests_check_maglev_SOURCES = tests/check_maglev.c tests/testutil.h tests/xxh_ref.c tests/xxh_ref.h
tests_check_maglev_CFLAGS = $(UNIT_CFLAGS)
tests_check_maglev_LDADD = $(CHECK_LDADD) $(LIBXXHASH_LIBS)
tests_check_fastpath_SOURCES = tests/check_fastpath.c tests/testutil.h tests/xxh_ref.c tests/xxh_ref.h \
	lib/sha256_fixed.c lib/sha256_fixed.h
tests_check_fastpath_CFLAGS = $(UNIT_CFLAGS)
tests_check_fastpath_LDADD = $(CHECK_LDADD) $(LIBCRYPTO_LIBS) $(LIBXXHASH_LIBS)
tests_check_vectors_SOURCES = tests/check_vectors.c tests/testutil.h
tests_check_opts_SOURCES = tests/check_opts.c tests/testutil.h
tests_check_opts_CFLAGS = $(UNIT_CFLAGS)
tests_check_opts_LDADD = $(CHECK_LDADD)
tests_check_vectors_CFLAGS = $(UNIT_CFLAGS)
tests_check_vectors_LDADD = $(CHECK_LDADD)

SCRIPT_TESTS = tests/abi.sh tests/core_freestanding.sh
TESTS += $(SCRIPT_TESTS)
# Files, not directories: a directory would also ship what the build dir
# holds under the same name (test logs).
VECTOR_FILES = tests/vectors/README.md \
	tests/vectors/xpf-legacy-v0.jsonl tests/vectors/xpf-userspace-v1.jsonl \
	tests/vectors/linux-nf-persistent.jsonl \
	tests/vectors/linux-nf-persistent-kernel.jsonl \
	tests/vectors/snatpool-xxh3-v1.jsonl tests/vectors/snatpool-maglev-v1.jsonl \
	tests/vectors/xpf-legacy-v0.nat64.jsonl \
	tests/vectors/snatpool-xxh3-v1.nat64.jsonl \
	tests/vectors/snatpool-maglev-v1.nat64.jsonl \
	tests/vectors/gen/common.py tests/vectors/gen/check_gen.py \
	tests/vectors/gen/xpf_legacy_v0.py tests/vectors/gen/xpf_userspace_v1.py \
	tests/vectors/gen/linux_nf_persistent.py tests/vectors/gen/snatpool_xxh3_v1.py \
	tests/vectors/gen/snatpool_maglev_v1.py
EXTRA_DIST += $(SCRIPT_TESTS) tests/core_all.c $(VECTOR_FILES)

# Independent implementations: the generators' self-check, and the kernel.
TESTS += tests/vectors/gen/check_gen.py tests/kernel/nf_persistent.sh
TEST_EXTENSIONS += .py
PY_LOG_COMPILER = $(PYTHON3)
EXTRA_DIST += tests/kernel/nf_persistent.sh tests/kernel/nf_conntrack.py

# Every list of algorithms (bindings, models, harness tests) = the registry.
TESTS += tests/algo_lists.py
EXTRA_DIST += tests/algo_lists.py

# The CLI.
CLI_TESTS = tests/cli/select.sh tests/cli/usage.sh tests/cli/verify.sh \
	tests/cli/compare.sh tests/cli/spread.sh tests/cli/demo.sh \
	tests/cli/robust.sh tests/cli/bench-output.sh tests/cli/sha256-paths.sh \
	tests/cli/nat64.sh
TESTS += $(CLI_TESTS)
EXTRA_DIST += $(CLI_TESTS) tests/cli/testlib.sh

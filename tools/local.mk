# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The CLI and the man pages (owner: CLI).
bin_PROGRAMS = tools/snatpool
tools_snatpool_SOURCES = tools/cli.h tools/snatpool.c \
	tools/cli_util.c tools/cli_pool.c tools/cli_sources.c tools/cli_nat64.c \
	tools/cmd_select.c tools/cmd_algos.c tools/cmd_vectors.c \
	tools/cmd_verify.c tools/cmd_compare.c tools/cmd_spread.c \
	tools/cmd_demo.c tools/cmd_bench.c tools/cmd_portblock.c \
	tools/bench_portblock.c tools/cmd_compare_pb.c
# libcrypto only for the peer of `snatpool bench` (bare EVP SHA-256).
tools_snatpool_CFLAGS = $(AM_CFLAGS) $(LIBCRYPTO_CFLAGS)
tools_snatpool_LDADD = lib/libsnatpool.la $(LIBCRYPTO_LIBS)

dist_man_MANS = man/snatpool.1 man/snatpool_pool.3 man/snatpool_select.3 \
	man/snatpool_select_nat64.3 \
	man/snatpool_algo.3 man/snatpool_vectors.3 man/snatpool_strerror.3

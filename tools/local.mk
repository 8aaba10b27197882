# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The CLI and the man pages (owner: CLI).
bin_PROGRAMS = tools/snatpool
tools_snatpool_SOURCES = tools/snatpool.c
tools_snatpool_LDADD = lib/libsnatpool.la

dist_man_MANS = man/snatpool.1 man/snatpool_pool.3 man/snatpool_select.3 \
	man/snatpool_algo.3 man/snatpool_vectors.3 man/snatpool_strerror.3

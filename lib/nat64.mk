# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# NAT64 (cross-family) selection: the library part and its unit test.
lib_libsnatpool_la_SOURCES += lib/nat64.c

check_PROGRAMS += tests/check_nat64
TESTS += tests/check_nat64
tests_check_nat64_SOURCES = tests/check_nat64.c tests/testutil.h
tests_check_nat64_CFLAGS = $(UNIT_CFLAGS)
tests_check_nat64_LDADD = $(CHECK_LDADD) $(LIBXXHASH_LIBS)

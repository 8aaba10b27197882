# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Dataplane conformance (owner: DPDK harness): the capture generator, the
# library reference path and the runner behind `make check-harness` and
# `make bench-harness` (tests/harness/README.md).
#
# check-harness is not in TESTS: it needs root, network namespaces, BPF and
# hugepage-free DPDK, which CI has.  It builds every harness that configure
# enabled; one that is missing or cannot start fails the run with its
# reason, it is never skipped.

EXTRA_DIST += harness/pcapgen/gen_flows.py harness/lib/README.md \
	tests/harness/README.md tests/harness/conformance.sh \
	tests/harness/check_pcaps.py tests/harness/expect.py

if HAVE_LIB_HARNESS
noinst_PROGRAMS += harness/lib/snat_lib
harness_lib_snat_lib_SOURCES = harness/lib/snat_lib.c \
	harness/pkt/snp_pkt.h harness/pkt/snp_harness.h $(SNP_CORE_H)
harness_lib_snat_lib_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/harness/pkt
harness_lib_snat_lib_CFLAGS = $(AM_CFLAGS) $(LIBPCAP_CFLAGS)
harness_lib_snat_lib_LDADD = lib/libsnatpool.la $(LIBPCAP_LIBS)
harness_lib_snat_lib_LDFLAGS = -no-install
endif

HARNESS_ENV = top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir) \
	SNATPOOL=$(abs_top_builddir)/tools/snatpool PYTHON3=$(PYTHON3)

check-harness: tools/snatpool$(EXEEXT) $(filter harness/%,$(noinst_PROGRAMS))
	@$(HARNESS_ENV) $(SHELL) $(top_srcdir)/tests/harness/conformance.sh

bench-harness: tools/snatpool$(EXEEXT) $(filter harness/%,$(noinst_PROGRAMS))
	@$(HARNESS_ENV) $(SHELL) $(top_srcdir)/tests/harness/conformance.sh --bench

.PHONY: check-harness bench-harness

# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The DPDK harness (owner: DPDK harness): harness/dpdk/README.md.
#
# snat_dpdk compiles the freestanding cores of lib/core (never a copy) and
# links the library only to build the pool and export its Maglev table.
# DPDK's flags (-march=corei7, -include rte_config.h) stay on this program.
# -no-install: a real binary in the build tree, no libtool wrapper script.

EXTRA_DIST += harness/dpdk/README.md

if HAVE_DPDK_HARNESS
noinst_PROGRAMS += harness/dpdk/snat_dpdk
harness_dpdk_snat_dpdk_SOURCES = harness/dpdk/snat_dpdk.c \
	harness/pkt/snp_pkt.h harness/pkt/snp_harness.h $(SNP_CORE_H)
harness_dpdk_snat_dpdk_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/harness/pkt
harness_dpdk_snat_dpdk_CFLAGS = $(AM_CFLAGS) $(LIBDPDK_CFLAGS) $(LIBXXHASH_CFLAGS)
harness_dpdk_snat_dpdk_LDADD = lib/libsnatpool.la $(LIBDPDK_LIBS)
harness_dpdk_snat_dpdk_LDFLAGS = -no-install
endif

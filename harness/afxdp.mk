# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The AF_XDP harness (owner: BPF/AF_XDP harness): harness/afxdp/README.md.
# It loads the same snat.bpf.o (skeleton) as the XDP harness, for its
# snat_xsk program; bpf.mk has the rules that build it.

EXTRA_DIST += harness/afxdp/README.md harness/afxdp/test-afxdp.sh

if HAVE_AFXDP_HARNESS
noinst_PROGRAMS += harness/afxdp/afxdp_snat
harness_afxdp_afxdp_snat_SOURCES = harness/afxdp/afxdp_snat.c $(SNAT_LOADER_SRC)
harness_afxdp_afxdp_snat_CPPFLAGS = $(SNAT_LOADER_CPPFLAGS)
harness_afxdp_afxdp_snat_CFLAGS = $(AM_CFLAGS) $(LIBXDP_CFLAGS) $(LIBBPF_CFLAGS) \
	$(LIBPCAP_CFLAGS)
harness_afxdp_afxdp_snat_LDADD = lib/libsnatpool.la $(LIBXDP_LIBS) $(LIBBPF_LIBS) \
	$(LIBPCAP_LIBS)
$(harness_afxdp_afxdp_snat_OBJECTS): harness/bpf/snat.skel.h

TESTS += harness/afxdp/test-afxdp.sh

check-harness-afxdp: harness/afxdp/afxdp_snat harness/bpf/xdp_snat tools/snatpool
	@top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir) \
	SNATPOOL=$(abs_top_builddir)/tools/snatpool PYTHON3=$(PYTHON3) \
	$(SHELL) $(top_srcdir)/harness/afxdp/test-afxdp.sh

bench-harness-afxdp: harness/afxdp/afxdp_snat
	@top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir) \
	SNATPOOL=$(abs_top_builddir)/tools/snatpool PYTHON3=$(PYTHON3) \
	$(SHELL) $(top_srcdir)/harness/afxdp/test-afxdp.sh --bench
else
check-harness-afxdp bench-harness-afxdp:
	@echo "the AF_XDP harness was not configured (see configure's warnings)" >&2; exit 1
endif
.PHONY: check-harness-afxdp bench-harness-afxdp

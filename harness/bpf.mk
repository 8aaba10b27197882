# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The eBPF/XDP harness (owner: BPF/AF_XDP harness): harness/bpf/README.md.
#
# snat.bpf.o is built with clang from lib/core (never a copy); bpftool turns
# it into snat.skel.h, which embeds the object in the loaders.  -fno-builtin
# keeps clang from turning the cores' variable-length copy loops into
# memcpy() calls, which BPF cannot make.

SNAT_BPF_HDRS = harness/bpf/snat_shared.h harness/pkt/snp_pkt.h harness/pkt/snp_det.h
SNAT_BPF_CLANGFLAGS = -O2 -g -target bpf -fno-builtin -Wall \
	-I$(top_srcdir)/lib -I$(top_srcdir)/harness/bpf -I$(top_srcdir)/harness/pkt
SNAT_LOADER_SRC = harness/bpf/snat_loader.c harness/bpf/snat_loader.h \
	harness/bpf/snat_pcap.c harness/pkt/snp_harness.h $(SNAT_BPF_HDRS)
SNAT_LOADER_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/harness/bpf \
	-I$(top_srcdir)/harness/pkt -I$(top_builddir)/harness/bpf

EXTRA_DIST += harness/bpf/snat.bpf.c harness/bpf/README.md \
	harness/bpf/harness_check.py harness/bpf/test-xdp.sh

if HAVE_BPF_HARNESS
harness/bpf/snat.bpf.o: harness/bpf/snat.bpf.c $(SNAT_BPF_HDRS) $(SNP_CORE_H)
	$(AM_V_GEN)$(MKDIR_P) harness/bpf && \
	$(CLANG) $(SNAT_BPF_CLANGFLAGS) -c $(top_srcdir)/harness/bpf/snat.bpf.c -o $@

harness/bpf/snat.skel.h: harness/bpf/snat.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton harness/bpf/snat.bpf.o name snat_bpf > $@.tmp && \
	mv $@.tmp $@

CLEANFILES += harness/bpf/snat.bpf.o harness/bpf/snat.skel.h harness/bpf/snat.skel.h.tmp

noinst_PROGRAMS += harness/bpf/xdp_snat
harness_bpf_xdp_snat_SOURCES = harness/bpf/xdp_snat.c $(SNAT_LOADER_SRC)
harness_bpf_xdp_snat_CPPFLAGS = $(SNAT_LOADER_CPPFLAGS)
harness_bpf_xdp_snat_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(LIBPCAP_CFLAGS)
harness_bpf_xdp_snat_LDADD = lib/libsnatpool.la $(LIBBPF_LIBS) $(LIBPCAP_LIBS)
$(harness_bpf_xdp_snat_OBJECTS): harness/bpf/snat.skel.h

TESTS += harness/bpf/test-xdp.sh

# The harness's own checks and numbers (the conformance run across all
# harnesses is check-harness / bench-harness).
check-harness-bpf: harness/bpf/xdp_snat tools/snatpool
	@top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir) \
	SNATPOOL=$(abs_top_builddir)/tools/snatpool PYTHON3=$(PYTHON3) \
	$(SHELL) $(top_srcdir)/harness/bpf/test-xdp.sh

bench-harness-bpf: harness/bpf/xdp_snat
	@top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir) \
	SNATPOOL=$(abs_top_builddir)/tools/snatpool PYTHON3=$(PYTHON3) \
	$(SHELL) $(top_srcdir)/harness/bpf/test-xdp.sh --bench
else
check-harness-bpf bench-harness-bpf:
	@echo "the eBPF/XDP harness was not configured (see configure's warnings)" >&2; exit 1
endif
.PHONY: check-harness-bpf bench-harness-bpf

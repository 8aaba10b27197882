# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Dataplane harnesses: m4_sinclude'd by configure.ac.

# ==== eBPF/XDP and AF_XDP harnesses (owner: BPF/AF_XDP harness) ==========
# harness/bpf/xdp_snat needs libbpf, libpcap, clang able to build for
# -target bpf, and bpftool (skeleton); harness/afxdp/afxdp_snat needs the
# same plus libxdp.  --enable-bpf-harness=yes makes a missing piece an
# error (CI); auto (the default) builds what it can and says what not.
# LIBPCAP_CFLAGS/LIBPCAP_LIBS and have_libpcap are set here for every
# harness block below.
AC_ARG_ENABLE([bpf-harness],
	[AS_HELP_STRING([--enable-bpf-harness@<:@=auto|yes|no@:>@],
		[build the eBPF/XDP and AF_XDP dataplane harnesses (default: auto)])],
	[], [enable_bpf_harness=auto])
PKG_CHECK_MODULES([LIBPCAP], [libpcap >= 1.8], [have_libpcap=yes], [have_libpcap=no])
snp_bpf_missing=
snp_afxdp_missing=
AS_IF([test "x$enable_bpf_harness" != xno], [
	PKG_CHECK_MODULES([LIBBPF], [libbpf >= 0.8], [],
		[snp_bpf_missing="$snp_bpf_missing libbpf(libbpf-dev)"])
	PKG_CHECK_MODULES([LIBXDP], [libxdp >= 1.2], [],
		[snp_afxdp_missing="$snp_afxdp_missing libxdp(libxdp-dev)"])
	AS_IF([test "x$have_libpcap" != xyes],
		[snp_bpf_missing="$snp_bpf_missing libpcap(libpcap-dev)"])
	AC_PATH_PROG([BPFTOOL], [bpftool], [], [$PATH$PATH_SEPARATOR/usr/sbin$PATH_SEPARATOR/sbin])
	AS_IF([test -z "$BPFTOOL"], [snp_bpf_missing="$snp_bpf_missing bpftool"])
	AC_CACHE_CHECK([whether $CLANG builds for -target bpf], [snp_cv_clang_bpf], [
		snp_cv_clang_bpf=no
		AS_IF([test -n "$CLANG"], [
			cat > conftest-bpf.c <<_SNPEOF
#include <linux/types.h>
#include <linux/bpf.h>
__u32 snp_conftest(__u64 x) { return (__u32)(x % 7); }
_SNPEOF
			AS_IF([$CLANG -O2 -g -target bpf -c conftest-bpf.c -o conftest-bpf.o >&AS_MESSAGE_LOG_FD 2>&1],
				[snp_cv_clang_bpf=yes])
			rm -f conftest-bpf.c conftest-bpf.o
		])
	])
	AS_IF([test "x$snp_cv_clang_bpf" != xyes],
		[snp_bpf_missing="$snp_bpf_missing clang-for-bpf(clang,gcc-multilib)"])
	snp_afxdp_missing="$snp_bpf_missing$snp_afxdp_missing"
	AS_IF([test "x$enable_bpf_harness" = xyes && test -n "$snp_afxdp_missing"],
		[AC_MSG_ERROR([--enable-bpf-harness: missing:$snp_afxdp_missing])])
	AS_IF([test -n "$snp_bpf_missing"],
		[AC_MSG_WARN([not building the eBPF/XDP harness, missing:$snp_bpf_missing])])
	AS_IF([test -n "$snp_afxdp_missing"],
		[AC_MSG_WARN([not building the AF_XDP harness, missing:$snp_afxdp_missing])])
], [
	snp_bpf_missing=disabled
	snp_afxdp_missing=disabled
])
AM_CONDITIONAL([HAVE_BPF_HARNESS], [test -z "$snp_bpf_missing"])
AM_CONDITIONAL([HAVE_AFXDP_HARNESS], [test -z "$snp_afxdp_missing"])
# ==== end of the eBPF/XDP and AF_XDP block ===============================

# ==== DPDK harness, capture generator, conformance (owner: DPDK harness) ==
# harness/dpdk/snat_dpdk needs libdpdk (Debian's libdpdk-dev, DPDK >= 22.11,
# which brings the net_pcap PMD); harness/lib/snat_lib (the library
# reference path of the conformance test) needs libpcap, checked above.
# --enable-dpdk-harness=yes makes a missing piece an error (CI); auto (the
# default) builds what it can and says what not.  DPDK's flags
# (-march=corei7, -include rte_config.h) go to snat_dpdk only.
AC_ARG_ENABLE([dpdk-harness],
	[AS_HELP_STRING([--enable-dpdk-harness@<:@=auto|yes|no@:>@],
		[build the DPDK dataplane harness (default: auto)])],
	[], [enable_dpdk_harness=auto])
snp_dpdk_missing=
AS_IF([test "x$enable_dpdk_harness" != xno], [
	PKG_CHECK_MODULES([LIBDPDK], [libdpdk >= 22.11], [],
		[snp_dpdk_missing=" libdpdk(libdpdk-dev)"])
	AS_IF([test "x$enable_dpdk_harness" = xyes && test -n "$snp_dpdk_missing"],
		[AC_MSG_ERROR([--enable-dpdk-harness: missing:$snp_dpdk_missing])])
	AS_IF([test -n "$snp_dpdk_missing"],
		[AC_MSG_WARN([not building the DPDK harness, missing:$snp_dpdk_missing])])
], [
	snp_dpdk_missing=" disabled"
])
AS_IF([test "x$have_libpcap" != xyes],
	[AC_MSG_WARN([not building harness/lib/snat_lib (conformance reference path): missing libpcap(libpcap-dev)])])
AM_CONDITIONAL([HAVE_DPDK_HARNESS], [test -z "$snp_dpdk_missing"])
AM_CONDITIONAL([HAVE_LIB_HARNESS], [test "x$have_libpcap" = xyes])
# ==== end of the DPDK / conformance block ================================

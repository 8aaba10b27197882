# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Deterministic port blocks (RFC 7422): the port-block cores and registry
# (lib/portblock.c itself is listed in lib/table.mk).
SNP_PB_CORE_H = lib/core/snp_pb.h lib/core/snp_pb_spread.h \
	lib/core/snp_pb_xpf.h lib/core/snp_pb_vpp.h
lib_libsnatpool_la_SOURCES += $(SNP_PB_CORE_H) lib/pbalgo.c

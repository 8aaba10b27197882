# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Deterministic port blocks (RFC 7422): the port-block cores and registry
# (lib/portblock.c itself is listed in lib/table.mk).
SNP_PB_CORE_H = lib/core/snp_pb.h lib/core/snp_pb_spread.h \
	lib/core/snp_pb_xpf.h lib/core/snp_pb_vpp.h
lib_libsnatpool_la_SOURCES += $(SNP_PB_CORE_H) lib/pbalgo.c

# Golden port-block vectors and their independent generators.
PB_VECTOR_FILES = tests/vectors/portblock/snatpool-spread-v1.jsonl \
	tests/vectors/portblock/xpf-det-v0.jsonl \
	tests/vectors/portblock/vpp-det44-v0.jsonl \
	tests/vectors/gen/portblock_common.py tests/vectors/gen/snatpool_spread_v1.py \
	tests/vectors/gen/xpf_det_v0.py tests/vectors/gen/vpp_det44_v0.py
EXTRA_DIST += $(PB_VECTOR_FILES)

# The CLI's portblock command (tools/cmd_portblock.c).
TESTS += tests/cli/portblock.sh
EXTRA_DIST += tests/cli/portblock.sh

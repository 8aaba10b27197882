/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * core_all.c - every core in one unit, reached the way the dataplanes reach
 * it: snp_dispatch() for every ID of SNP_ALGO_LIST and both families,
 * snp_dispatch_nat64() for every ID, plus
 * the Maglev permutation that table builders call, and every port-block
 * algorithm both ways through snp_dispatch_block() (tests/core_freestanding.sh).
 */
#include "core/snp_dispatch.h"

int core_all(const snp_u8 *src, const struct snp_view *v, snp_u32 *out);

int core_all(const snp_u8 *src, const struct snp_view *v, snp_u32 *out)
{
	int kinds = 0;

#define CORE_ALL_ONE(id, name)						\
	kinds += snp_dispatch(id, &v->f[0], v->seed, src, &out[2 * (id)]);	\
	kinds += snp_dispatch(id, &v->f[1], v->seed, src, &out[2 * (id) + 1]);
	SNP_ALGO_LIST(CORE_ALL_ONE)
#undef CORE_ALL_ONE
	/* NAT64: an IPv6 source in the IPv4 view */
#define CORE_ALL_NAT64(id, name)					\
	kinds += snp_dispatch_nat64(id, &v->f[0], v->seed, src, &out[64 + (id)]);
	SNP_ALGO_LIST(CORE_ALL_NAT64)
#undef CORE_ALL_NAT64
	snp_maglev_perm(SNP_FAM4, src, v->seed, v->f[0].n, &out[0], &out[1]);
	{	/* port blocks: every algorithm, both ways */
		struct snp_pb g = { .algo = (snp_u32)v->seed % 4, .fam = SNP_FAM6, .plen = 32,
				    .flags = SNP_PB_F_STRICT, .n = v->f[0].n, .count = v->f[0].n,
				    .bpa = 1, .size = 1, .port_lo = 1024 };
		struct snp_pb_slot sl = { 0, 0, 0, 0 };

		snp_dispatch_block_base(&g, src);
		kinds += snp_dispatch_block(&g, src, &sl);
		out[32] = sl.port_lo;
		kinds += snp_dispatch_block_reverse(&g, sl.xindex, out[32], &out[33]);
		out[34] = snp_pb_xpf_port(&g, sl.port_lo, v->seed) + snp_pb_vpp_port(&g, 1024, 7, 1);
	}
	return kinds;
}

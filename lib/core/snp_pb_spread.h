/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_pb_spread.h - snatpool-spread-v1 (port-block algorithm 1), the
 * formula of libsnatpool's first port blocks, output unchanged:
 *
 *   v     = IPv4: BE32(src);  IPv6: BE64(src[0..7]) >> (64 - plen)
 *   i     = v - base          (a subscriber iff v >= base and i < count)
 *   index = i mod n,  block = i div n
 *   ports = port_lo + block * size ... + size - 1
 *
 * and back: block = (port - port_lo) div size (< bpa), i = block * n + index
 * (< count).  Reads algo, fam, plen, n, count, bpa, size, port_lo, base.
 * Included by snp_pb.h, which declares struct snp_pb.
 */
#ifndef SNP_PB_SPREAD_H
#define SNP_PB_SPREAD_H

static SNP_INLINE snp_u64 snp_pb_spread_value(const struct snp_pb *g, const snp_u8 *src)
{
	snp_u64 v;

	if (g->fam == SNP_FAM4)
		return snp_load_be32(src);
	v = (snp_u64)snp_load_be32(src) << 32 | snp_load_be32(src + 4);
	return g->plen >= 64 ? v : v >> (64 - g->plen);
}

static SNP_INLINE int snp_pb_spread_forward(const struct snp_pb *g, const snp_u8 *src,
					    struct snp_pb_slot *o)
{
	snp_u64 v = snp_pb_spread_value(g, src);
	snp_u32 i, block;

	if (v < g->base || v - g->base >= g->count)
		return -1;
	i = (snp_u32)(v - g->base);
	block = i / g->n;
	return snp_pb_fill(g, i, i % g->n, block, o);
}

static SNP_INLINE int snp_pb_spread_reverse(const struct snp_pb *g, snp_u32 xindex,
					    snp_u32 port, snp_u32 *sub)
{
	snp_u32 block;
	snp_u64 i;

	if (snp_pb_block_of(g, xindex, port, &block))
		return -1;
	i = (snp_u64)block * g->n + xindex;
	if (i >= g->count)
		return -1;
	*sub = (snp_u32)i;
	return 0;
}

#endif /* SNP_PB_SPREAD_H */

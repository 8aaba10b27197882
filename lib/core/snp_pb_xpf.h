/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_pb_xpf.h - xpf-det-v0 (port-block algorithm 2), bit-exact with xpf's
 * deterministic CGNAT at commit c0a047ea: bpf/xdp/xdp_policy.c
 * nat_pool_alloc_deterministic_v4/_v6, dpdk_worker/policy.c and nat64.c,
 * with the geometry of pkg/dataplane/compiler_nat.go:
 *
 *   bpa = (port_high - port_low + 1) div size      (xpf's blocks_per_ip)
 *   IPv4 subscribers (host prefix /plen):
 *     sub = BE32(src) - BE32(base),  a subscriber iff BE32(src) >= BE32(base)
 *                                    and sub < count = 2^(32 - plen)
 *   IPv6 subscribers (NAT64, host prefix /32 or /64): w = plen / 8
 *     sub = BE32(src[w..w+3]) - BE32(base[w..w+3]),  count = n * bpa
 *     Quirk kept: octets 0 .. w-1 (the prefix itself) are not compared,
 *     so a source of any other /plen with the same word maps the same.
 *     SNP_PB_F_STRICT (not xpf) also requires them equal to base's.
 *   index = sub div bpa,  block = sub mod bpa
 *   ports = port_low + block * size ... + size - 1
 *
 * Inside the block xpf takes port_start + counter++ mod size from a per-pool
 * counter (snp_pb_xpf_port()).  Back: block = (port - port_low) div size
 * (< bpa), sub = index * bpa + block (< count): only what forward gives,
 * where xpf's documented reverse formula would name a subscriber for a
 * port in the unused tail.  Reads algo, fam, plen, flags, n, count, bpa,
 * size, port_lo, base (BE32 of the base's word), prefix.
 * Included by snp_pb.h, which declares struct snp_pb.
 */
#ifndef SNP_PB_XPF_H
#define SNP_PB_XPF_H

static SNP_INLINE int snp_pb_xpf_forward(const struct snp_pb *g, const snp_u8 *src,
					 struct snp_pb_slot *o)
{
	snp_u32 v, base = (snp_u32)g->base, sub, block;
	int k;

	if (g->fam == SNP_FAM4) {
		v = snp_load_be32(src);
	} else {
		if (g->plen == 64)
			v = snp_load_be32(src + 8);
		else
			v = snp_load_be32(src + 4);
		if (g->flags & SNP_PB_F_STRICT)
			for (k = 0; k < 8; k++)
				if (k < g->plen / 8 && src[k] != g->prefix[k])
					return -1;
	}
	if (v < base)
		return -1;
	sub = v - base;
	if (sub >= g->count)
		return -1;
	block = sub % g->bpa;
	if (sub / g->bpa >= g->n)
		return -1;
	return snp_pb_fill(g, sub, sub / g->bpa, block, o);
}

static SNP_INLINE int snp_pb_xpf_reverse(const struct snp_pb *g, snp_u32 xindex,
					 snp_u32 port, snp_u32 *sub)
{
	snp_u32 block;
	snp_u64 i;

	if (snp_pb_block_of(g, xindex, port, &block))
		return -1;
	i = (snp_u64)xindex * g->bpa + block;
	if (i >= g->count)
		return -1;
	*sub = (snp_u32)i;
	return 0;
}

/* xpf's port inside the block: port_start + (u32)counter mod size. */
static SNP_INLINE snp_u32 snp_pb_xpf_port(const struct snp_pb *g, snp_u32 port_start,
					  snp_u64 counter)
{
	return port_start + (snp_u32)counter % g->size;
}

#endif /* SNP_PB_XPF_H */

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_pb_vpp.h - vpp-det44-v0 (port-block algorithm 3), bit-exact with FD.io
 * VPP det44 (src/plugins/nat/det44/det44.h snat_det_forward and
 * snat_det_reverse, det44.c snat_det_add_map, at b575ec2c56d7):
 *
 *   ratio = 2^(32 - in_plen) / 2^(32 - out_plen)     (sharing_ratio)
 *   pph   = (65535 - 1023) div ratio                 (ports_per_host)
 *   off   = BE32(src) - BE32(in_base)   (a subscriber iff src is in the
 *                                        inside prefix: off < 2^(32-in_plen))
 *   out   = out_base + off div ratio    (address index off div ratio of
 *                                        the outside prefix, in order)
 *   lo    = 1024 + pph * (off mod ratio),  ports lo .. lo + pph - 1
 *
 * In struct snp_pb: bpa = ratio, size = pph, port_lo = 1024, count =
 * 2^(32 - in_plen), base = BE32(in_base), n = 2^(32 - out_plen).  The
 * library refuses an inside prefix longer than the outside one (where VPP
 * divides by zero).  Back, unlike snat_det_reverse: a port below 1024 or in
 * the tail past 1024 + ratio * pph has no subscriber (VPP would name one of
 * the next outside address's subscribers).  Inside the block VPP takes
 * lo + (sport + i) mod pph for the first free i (snp_pb_vpp_port()).
 * Included by snp_pb.h, which declares struct snp_pb.
 */
#ifndef SNP_PB_VPP_H
#define SNP_PB_VPP_H

static SNP_INLINE int snp_pb_vpp_forward(const struct snp_pb *g, const snp_u8 *src,
					 struct snp_pb_slot *o)
{
	snp_u32 off = snp_load_be32(src) - (snp_u32)g->base;	/* mod 2^32 */

	if (off >= g->count)	/* not in the inside prefix */
		return -1;
	o->sub = off;
	o->xindex = off / g->bpa;
	o->port_lo = 1024 + g->size * (off % g->bpa);
	o->port_hi = o->port_lo + g->size - 1;
	return 0;
}

static SNP_INLINE int snp_pb_vpp_reverse(const struct snp_pb *g, snp_u32 xindex,
					 snp_u32 port, snp_u32 *sub)
{
	snp_u32 in2;

	if (xindex >= g->n || port < 1024)
		return -1;
	in2 = (port - 1024) / g->size;
	if (in2 >= g->bpa)
		return -1;
	*sub = xindex * g->bpa + in2;
	return 0;
}

/* VPP's i-th candidate port inside the block: lo + (sport + i) mod pph. */
static SNP_INLINE snp_u32 snp_pb_vpp_port(const struct snp_pb *g, snp_u32 lo,
					  snp_u32 sport, snp_u32 i)
{
	return lo + (sport + i) % g->size;
}

#endif /* SNP_PB_VPP_H */

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_pb.h - deterministic port blocks (RFC 7422): the geometry every
 * port-block core reads, and the one switch from a port-block algorithm ID
 * to its core.
 *
 * A port-block algorithm maps a subscriber source to (subscriber number,
 * address index, block) and back from (address index, port) to the
 * subscriber number.  The library (lib/portblock.c) checks a configuration
 * once and fills struct snp_pb; a dataplane gets the same struct as a map
 * value and the pool's addresses as an array, and never divides by a zero
 * it has not been checked against: every divisor in struct snp_pb is >= 1.
 *
 * Port-block IDs are their own space (enum snatpool_pbalgo in
 * include/snatpool.h, frozen by tests/check_portblock.c), separate from the
 * selection IDs of snp_dispatch.h.
 */
#ifndef SNP_PB_H
#define SNP_PB_H

#include "snp_common.h"

#define SNP_PB_LIST(X)				\
	X(1, SPREAD_V1)				\
	X(2, XPF_DET_V0)			\
	X(3, VPP_DET44_V0)

#define SNP_PB_ENUM_(id, name) SNP_PB_##name = id,
enum snp_pb_id { SNP_PB_LIST(SNP_PB_ENUM_) };
#undef SNP_PB_ENUM_

#define SNP_PB_F_STRICT 1u	/* xpf-det-v0, IPv6: compare the prefix octets too */

/*
 * A checked configuration.  Which fields an algorithm reads is said in its
 * core; the library fills all of them, and every divisor (n, bpa, size) is
 * at least 1.
 */
struct snp_pb {
	snp_u32 algo;		/* SNP_PB_* */
	snp_u8  fam;		/* subscribers: SNP_FAM4 or SNP_FAM6 */
	snp_u8  plen;		/* subscribers' prefix length */
	snp_u8  flags;		/* SNP_PB_F_* */
	snp_u8  pad_;
	snp_u32 n;		/* addresses of the translated family */
	snp_u32 count;		/* subscribers: numbers 0 .. count - 1 */
	snp_u32 bpa;		/* blocks per address */
	snp_u32 size;		/* ports per block */
	snp_u32 port_lo;	/* first port of block 0 */
	snp_u32 pad2_;
	snp_u64 base;		/* subscriber number 0's value (see each core) */
	snp_u8  prefix[16];	/* subscribers' base address, network order */
};

/* Where a subscriber's block is. */
struct snp_pb_slot {
	snp_u32 sub;		/* subscriber number */
	snp_u32 xindex;		/* address index, configured order */
	snp_u32 port_lo;	/* first port of the block ... */
	snp_u32 port_hi;	/* ... and its last */
};

#include "snp_pb_spread.h"
#include "snp_pb_xpf.h"
#include "snp_pb_vpp.h"

/*
 * Set @g->base and @g->prefix from the subscribers' base address @b (4 or
 * 16 octets, network order) for @g's algo, fam and plen: what a dataplane
 * that received the geometry from snatpool_portblock_info() calls before
 * its first packet (the library does the same).
 */
static SNP_INLINE void snp_pb_set_base(struct snp_pb *g, const snp_u8 *b)
{
	snp_u64 v;
	int k;

	for (k = 0; k < 16; k++)
		g->prefix[k] = (k < 4 || g->fam == SNP_FAM6) ? b[k] : 0;
	if (g->fam == SNP_FAM4) {
		g->base = snp_load_be32(b);
		return;
	}
	if (g->algo == SNP_PB_XPF_DET_V0) {	/* the word after the prefix */
		g->base = snp_load_be32(b + (g->plen == 64 ? 8 : 4));
		return;
	}
	v = (snp_u64)snp_load_be32(b) << 32 | snp_load_be32(b + 4);
	g->base = g->plen >= 64 ? v : v >> (64 - g->plen);
}

/*
 * The block of subscriber @src (4 octets for SNP_FAM4 subscribers, 16 for
 * SNP_FAM6, network order).  Return: 0 and *@o; -1: no block (outside the
 * subscribers, or an unknown ID): fail closed, never translate.
 */
static SNP_INLINE int snp_pb_forward(const struct snp_pb *g, const snp_u8 *src,
				     struct snp_pb_slot *o)
{
	switch (g->algo) {
	case SNP_PB_SPREAD_V1:
		return snp_pb_spread_forward(g, src, o);
	case SNP_PB_XPF_DET_V0:
		return snp_pb_xpf_forward(g, src, o);
	case SNP_PB_VPP_DET44_V0:
		return snp_pb_vpp_forward(g, src, o);
	}
	return -1;
}

/*
 * The subscriber number whose block holds @port on address @xindex.
 * Return: 0 and *@sub; -1: no subscriber's block holds it (a port below
 * the range, in the unused tail, past the last subscriber, an index past
 * the pool).  Exactly the inverse of snp_pb_forward().
 */
static SNP_INLINE int snp_pb_reverse(const struct snp_pb *g, snp_u32 xindex,
				     snp_u32 port, snp_u32 *sub)
{
	switch (g->algo) {
	case SNP_PB_SPREAD_V1:
		return snp_pb_spread_reverse(g, xindex, port, sub);
	case SNP_PB_XPF_DET_V0:
		return snp_pb_xpf_reverse(g, xindex, port, sub);
	case SNP_PB_VPP_DET44_V0:
		return snp_pb_vpp_reverse(g, xindex, port, sub);
	}
	return -1;
}

/*
 * The port the dataplane harnesses give a flow inside its block, without a
 * table: block start + sport mod block size, det44's first candidate
 * (snp_pb_vpp_port() with i = 0) for every algorithm, so that all
 * harnesses agree frame for frame.  Tables choose inside the block with
 * their own strategy.
 */
static SNP_INLINE snp_u32 snp_pb_port_stateless(const struct snp_pb_slot *s, snp_u32 sport)
{
	return s->port_lo + sport % (s->port_hi - s->port_lo + 1);
}

#endif /* SNP_PB_H */

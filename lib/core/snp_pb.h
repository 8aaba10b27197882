/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_pb.h - deterministic port blocks (RFC 7422): the geometry every
 * port-block core reads (struct snp_pb) and the cores themselves, one file
 * per formula.  The switch from a port-block algorithm ID to its core is in
 * snp_dispatch.h, with the selection algorithms' (snp_dispatch_block(),
 * snp_dispatch_block_reverse(), snp_dispatch_block_base()).
 *
 * A port-block algorithm maps a subscriber source to (subscriber number,
 * address index, block) and back from (address index, port) to the
 * subscriber number.  The library (lib/portblock.c) checks a configuration
 * once and fills struct snp_pb; a dataplane gets the same struct as a map
 * value and the pool's addresses as an array, and never divides by a zero
 * it has not been checked against: every divisor in struct snp_pb is >= 1.
 *
 * Port-block IDs are their own space (SNP_PB_LIST in snp_dispatch.h, enum
 * snatpool_pbalgo in include/snatpool.h, frozen by tests/check_portblock.c),
 * separate from the selection IDs.
 */
#ifndef SNP_PB_H
#define SNP_PB_H

#include "snp_common.h"

#define SNP_PB_F_STRICT 1u	/* xpf-det-v0, IPv6: compare the prefix octets too */

/*
 * A checked configuration.  Which fields an algorithm reads is said in its
 * core; the library fills all of them, and every divisor (n, bpa, size) is
 * at least 1.
 */
struct snp_pb {
	snp_u32 algo;		/* SNP_PB_* (snp_dispatch.h) */
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

/*
 * What the formulas that lay blocks of g->size ports from g->port_lo share:
 * the block number @block's slot (@sub on address @xindex) in @o, and the
 * block of @port on address @xindex (0, or -1 when @port is below the
 * range, in its unused tail or @xindex is not the pool's).
 */
static SNP_INLINE int snp_pb_fill(const struct snp_pb *g, snp_u32 sub, snp_u32 xindex,
				  snp_u32 block, struct snp_pb_slot *o)
{
	o->sub = sub;
	o->xindex = xindex;
	o->port_lo = g->port_lo + block * g->size;
	o->port_hi = o->port_lo + g->size - 1;
	return 0;
}

static SNP_INLINE int snp_pb_block_of(const struct snp_pb *g, snp_u32 xindex, snp_u32 port,
				      snp_u32 *block)
{
	if (xindex >= g->n || port < g->port_lo)
		return -1;
	*block = (port - g->port_lo) / g->size;
	return *block < g->bpa ? 0 : -1;
}

#include "snp_pb_spread.h"
#include "snp_pb_xpf.h"
#include "snp_pb_vpp.h"

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

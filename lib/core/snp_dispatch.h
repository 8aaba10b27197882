/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_dispatch.h - the one place that maps an algorithm ID to its core, and
 * the dataplane's view of a pool that every caller hands it.
 *
 * Callers: lib/select.c (single and burst), harness/bpf/snat.bpf.c
 * (snat_choose), harness/dpdk/snat_dpdk.c.  Each keeps its addresses and
 * Maglev tables where its dataplane wants them (malloc, a BPF map, DPDK
 * memory); the dispatch never reads either.  It answers with a kind and a
 * value:
 *
 *   SNP_PICK_INDEX  value is the index, in configured order, of the address
 *   SNP_PICK_SLOT   value is a slot of the family's Maglev table (msize
 *                   entries): the caller looks it up, from its array or its
 *                   map, and may first compute a burst of slots to overlap
 *                   the misses (select.c's and snat_dpdk.c's burst loops)
 *   < 0             SNP_PICK_E*: fail closed, nothing was chosen
 *
 * The includer may define SNP_DISPATCH_SHA256(msg, len, digest) (0 on
 * success) before including this file to hash xpf-userspace-v1's message
 * with its own SHA-256; the default is the freestanding one of
 * snp_sha256.h, which is what BPF and DPDK use.  Two more hooks let a host
 * skip building the hashed bytes in memory (same output; the library's
 * fixed-length forms, lib/sha256_fixed.h and lib/xxh3_fixed.h):
 *   SNP_DISPATCH_USERSPACE_H64(fam, src, h)  xpf-userspace-v1: *h = the
 *       first 8 digest octets, big-endian; 0 on success (takes precedence
 *       over SNP_DISPATCH_SHA256)
 *   SNP_DISPATCH_XXH3(fam, src, seed)        snatpool-xxh3-v1 and -maglev-v1:
 *       XXH3_64bits_withSeed(fam || src, seed), default snp_xxh3_hash()
 *
 * Adding an algorithm (docs/algorithms.md, "Adding an algorithm"): its core
 * in lib/core, a line in SNP_ALGO_LIST and a case in snp_dispatch() here,
 * the enum in include/snatpool.h, the registry entry in lib/algo.c.
 * New families slot in the same way.  NAT64 (an IPv6 source choosing an
 * IPv4 address) is no algorithm but a kind of source each algorithm's case
 * serves or refuses: snp_dispatch_x()'s @x64, snp_dispatch_nat64() for
 * callers.  Deterministic port blocks (subscriber -> address index and port
 * block) have IDs of their own (SNP_PB_LIST), their geometry (struct
 * snp_pb) and their switch, snp_dispatch_block(), here: a port-block
 * algorithm is a core in lib/core/snp_pb_<formula>.h, a line in SNP_PB_LIST
 * and a case in snp_dispatch_block(), snp_dispatch_block_reverse() (and, if
 * its base is not an address, snp_dispatch_block_base()).
 */
#ifndef SNP_DISPATCH_H
#define SNP_DISPATCH_H

#include "snp_common.h"
#include "snp_legacy.h"
#include "snp_userspace.h"
#include "snp_nfpersist.h"
#include "snp_xxh3.h"
#include "snp_maglev.h"
#include "snp_pb.h"

/*
 * Every algorithm ID, as enum snatpool_algo (include/snatpool.h, frozen;
 * the BPF side cannot include that header): X(id, NAME) with NAME the enum's
 * SNATPOOL_ALGO_ suffix.  lib/algo.c asserts at build time that the
 * registry has exactly these IDs, so every list derived from here (the
 * SNP_ALGO_* constants, the DPDK burst specialisations, the loader's
 * assert, core_all.c) agrees with `snatpool algos`.
 */
#define SNP_ALGO_LIST(X)			\
	X(1, XPF_LEGACY_V0)			\
	X(2, XPF_USERSPACE_V1)			\
	X(3, LINUX_NF_PERSIST)			\
	X(4, XXH3_V1)				\
	X(5, MAGLEV_V1)

#define SNP_ALGO_ENUM_(id, name) SNP_ALGO_##name = id,
enum snp_algo_id { SNP_ALGO_LIST(SNP_ALGO_ENUM_) };
#undef SNP_ALGO_ENUM_

#define SNP_ALGO_COUNT_(id, name) + 1
#define SNP_ALGO_COUNT (0 SNP_ALGO_LIST(SNP_ALGO_COUNT_))

/*
 * The dataplane's view of one family of a pool: every field a core reads.
 * The library embeds it in struct snp_family (lib/internal.h, by its member
 * list so that the fields keep their names there), the BPF config map and
 * the DPDK harness in struct snp_view.
 */
#define SNP_VIEW_FAMILY_MEMBERS						\
	snp_u32 n;		/* addresses; 0: the pool has none */	\
	snp_u32 msize;		/* Maglev table entries (0: no table) */ \
	snp_u8  fam;		/* SNP_FAM4 or SNP_FAM6 */		\
	snp_u8  alen;		/* 4 or 16 */				\
	snp_u8  contiguous;	/* 1: address i == address 0 + i */	\
	snp_u8  view_pad_;

struct snp_view_family {
	SNP_VIEW_FAMILY_MEMBERS
};

/* The dataplane's view of a pool: both families and the seed. */
struct snp_view {
	snp_u64 seed;				/* the pool's seed */
	struct snp_view_family f[2];		/* [0] IPv4, [1] IPv6 */
};

/*
 * Every port-block algorithm ID (deterministic NAT, RFC 7422), as enum
 * snatpool_pbalgo: a space of its own, separate from SNP_ALGO_LIST (the two
 * families answer different questions).  lib/pbalgo.c asserts that its
 * registry has exactly these IDs.
 */
#define SNP_PB_LIST(X)				\
	X(1, SPREAD_V1)				\
	X(2, XPF_DET_V0)			\
	X(3, VPP_DET44_V0)

#define SNP_PB_ENUM_(id, name) SNP_PB_##name = id,
enum snp_pb_id { SNP_PB_LIST(SNP_PB_ENUM_) };
#undef SNP_PB_ENUM_

/* What snp_dispatch() and snp_dispatch_block() answer (see the top of this file). */
enum snp_pick {
	SNP_PICK_INDEX     = 0,
	SNP_PICK_SLOT      = 1,
	SNP_PICK_BLOCK     = 2,		/* *slot holds the subscriber's block */
	SNP_PICK_ENOFAMILY = -1,	/* no address of the family */
	SNP_PICK_ENOTRANGE = -2,	/* range-only algorithm, family not a range */
	SNP_PICK_EALGO     = -3,	/* unknown algorithm ID */
	SNP_PICK_ENOTABLE  = -4,	/* table algorithm, no table (msize 0) */
	SNP_PICK_EHASH     = -5,	/* the includer's SHA-256 failed */
	SNP_PICK_ENONAT64  = -6,	/* NAT64: the algorithm has no NAT64 rule */
	SNP_PICK_ENOBLOCK  = -7,	/* port blocks: the source has none (fail closed) */
};

#ifndef SNP_DISPATCH_XXH3
#define SNP_DISPATCH_XXH3(fam, src, seed) snp_xxh3_hash(fam, src, seed)
#endif

/*
 * xpf-userspace-v1's index with the includer's SHA-256 when it defined
 * SNP_DISPATCH_USERSPACE_H64 or SNP_DISPATCH_SHA256, else with
 * snp_sha256.h's (the pick BPF and DPDK have always made, word for word).
 */
static SNP_INLINE int snp_dispatch_userspace_(snp_u8 fam, const snp_u8 *src, snp_u32 n,
					      snp_u32 *value)
{
#if defined(SNP_DISPATCH_USERSPACE_H64)
	snp_u64 h;

	if (SNP_DISPATCH_USERSPACE_H64(fam, src, &h))
		return SNP_PICK_EHASH;
	*value = snp_userspace_index((snp_u32)(h >> 32), (snp_u32)h, n);
#elif defined(SNP_DISPATCH_SHA256)
	snp_u8 msg[SNP_USERSPACE_MSGMAX], d[32];

	if (SNP_DISPATCH_SHA256(msg, snp_userspace_msg(fam, src, msg), d))
		return SNP_PICK_EHASH;
	*value = snp_userspace_digest_index(d, n);
#else
	*value = snp_userspace_pick(fam, src, n);
#endif
	return SNP_PICK_INDEX;
}

/*
 * Choose for @src (network order) with algorithm @algo and @seed, in the
 * family @f.  @x64 says whose family the source is: 0, @f's own (f->alen
 * octets); 1, NAT64: an IPv6 source (16 octets) choosing in the IPv4 view
 * @f by the algorithm's NAT64 rule (docs/algorithms.md, "NAT64"), which is
 * SNP_PICK_ENONAT64 for an algorithm that has none: never a guess.
 * Returns SNP_PICK_INDEX or SNP_PICK_SLOT (a slot of @f's table: the IPv4
 * one for NAT64) with *@value written, or a negative SNP_PICK_E* with
 * *@value untouched.  An unknown @algo fails closed: never a default.
 * Callers use snp_dispatch() or snp_dispatch_nat64(): with a constant @x64,
 * and a constant @algo in a caller specialised per algorithm, the switch
 * folds away.
 */
static SNP_INLINE int snp_dispatch_x(snp_u32 algo, const struct snp_view_family *f,
				     const int x64, snp_u64 seed, const snp_u8 *src,
				     snp_u32 *value)
{
	snp_u32 n = f->n;
	snp_u8 key = x64 ? SNP_FAM64 : f->fam;	/* the hashed key's first octet */

	if (!n || (x64 && f->fam != SNP_FAM4))
		return SNP_PICK_ENOFAMILY;
	switch (algo) {
	/* Family: one address per source, from a hash of the source. */
	case SNP_ALGO_XPF_LEGACY_V0:
		*value = x64 ? snp_legacy_nat64(src, n) :
			 f->alen == 16 ? snp_legacy_v6(src, n) : snp_legacy_v4(src, n);
		return SNP_PICK_INDEX;
	case SNP_ALGO_XPF_USERSPACE_V1:
		if (x64)
			return SNP_PICK_ENONAT64;	/* xpf's userspace NAT64: round-robin */
		return snp_dispatch_userspace_(f->fam, src, n, value);
	case SNP_ALGO_LINUX_NF_PERSIST:
		if (x64)
			return SNP_PICK_ENONAT64;	/* nf_nat maps within a family */
		if (!f->contiguous)
			return SNP_PICK_ENOTRANGE;
		*value = snp_nfpersist_index(src, f->alen, n);
		return SNP_PICK_INDEX;
	case SNP_ALGO_XXH3_V1:
		*value = snp_xxh3_index(SNP_DISPATCH_XXH3(key, src, seed), n);
		return SNP_PICK_INDEX;
	/* Family: a slot of a table the caller holds. */
	case SNP_ALGO_MAGLEV_V1:
		if (!f->msize)
			return SNP_PICK_ENOTABLE;
		*value = snp_maglev_slot_of(SNP_DISPATCH_XXH3(key, src, seed), f->msize);
		return SNP_PICK_SLOT;
	/*
	 * Deterministic port blocks answer more than an index: their switch
	 * is snp_dispatch_block() below.
	 */
	}
	return SNP_PICK_EALGO;
}

/* A source of @f's own family (f->alen octets). */
static SNP_INLINE int snp_dispatch(snp_u32 algo, const struct snp_view_family *f,
				   snp_u64 seed, const snp_u8 *src, snp_u32 *value)
{
	return snp_dispatch_x(algo, f, 0, seed, src, value);
}

/* NAT64: the IPv6 source @src6 (16 octets) in the IPv4 view @f4. */
static SNP_INLINE int snp_dispatch_nat64(snp_u32 algo, const struct snp_view_family *f4,
					 snp_u64 seed, const snp_u8 *src6, snp_u32 *value)
{
	return snp_dispatch_x(algo, f4, 1, seed, src6, value);
}

/*
 * Family: deterministic port blocks (lib/core/snp_pb.h).  The block of
 * subscriber @src (4 or 16 octets, network order, of @g's subscriber
 * family) under @g's algorithm: SNP_PICK_BLOCK with *@s written (subscriber
 * number, address index, first and last port), or SNP_PICK_ENOBLOCK (not a
 * subscriber: drop, never translate) or SNP_PICK_EALGO, *@s untouched.
 * Callers: lib/portblock.c, harness/pkt/snp_det.h (XDP, AF_XDP, DPDK).
 */
static SNP_INLINE int snp_dispatch_block(const struct snp_pb *g, const snp_u8 *src,
					 struct snp_pb_slot *s)
{
	struct snp_pb_slot o = { 0, 0, 0, 0 };
	int rc;

	switch (g->algo) {
	case SNP_PB_SPREAD_V1:
		rc = snp_pb_spread_forward(g, src, &o);
		break;
	case SNP_PB_XPF_DET_V0:
		rc = snp_pb_xpf_forward(g, src, &o);
		break;
	case SNP_PB_VPP_DET44_V0:
		rc = snp_pb_vpp_forward(g, src, &o);
		break;
	default:
		return SNP_PICK_EALGO;
	}
	if (rc)
		return SNP_PICK_ENOBLOCK;
	*s = o;
	return SNP_PICK_BLOCK;
}

/*
 * The subscriber number whose block holds @port on address @xindex: 0 with
 * *@sub written, or SNP_PICK_ENOBLOCK (no subscriber's block holds it: a
 * port below the range, in the unused tail, past the last subscriber, an
 * index past the pool) or SNP_PICK_EALGO.  Exactly the inverse of
 * snp_dispatch_block().
 */
static SNP_INLINE int snp_dispatch_block_reverse(const struct snp_pb *g, snp_u32 xindex,
						 snp_u32 port, snp_u32 *sub)
{
	int rc;

	switch (g->algo) {
	case SNP_PB_SPREAD_V1:
		rc = snp_pb_spread_reverse(g, xindex, port, sub);
		break;
	case SNP_PB_XPF_DET_V0:
		rc = snp_pb_xpf_reverse(g, xindex, port, sub);
		break;
	case SNP_PB_VPP_DET44_V0:
		rc = snp_pb_vpp_reverse(g, xindex, port, sub);
		break;
	default:
		return SNP_PICK_EALGO;
	}
	return rc ? SNP_PICK_ENOBLOCK : 0;
}

/*
 * Set @g->base and @g->prefix from the subscribers' base address @b (4 or
 * 16 octets, network order) for @g's algo, fam and plen: the library does
 * it when it checks a configuration, a dataplane that received the
 * geometry from snatpool_portblock_info() before its first packet.
 */
static SNP_INLINE void snp_dispatch_block_base(struct snp_pb *g, const snp_u8 *b)
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

#endif /* SNP_DISPATCH_H */

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_maglev.h - snatpool-maglev-v1 (algorithm 5), consistent selection
 * through a Maglev lookup table (Eisenbud et al., NSDI 2016).
 *
 * The library builds the table once per pool and family (lib/maglev.c);
 * dataplanes receive it as a BPF array map or a DPDK array and only do the
 * lookup below:
 *
 *   h = XXH3_64bits_withSeed(fam || src, seed)   (as snatpool-xxh3-v1)
 *   slot = high 64 bits of h * M                  (M = table size, prime)
 *   index = table[slot]                           (configured order)
 *
 * The permutation of an address a (fam || its octets, seed s):
 *   offset = XXH3_64bits_withSeed(a, s) % M
 *   skip   = XXH3_64bits_withSeed(a, s ^ SNP_MAGLEV_SKIP_SEED) % (M - 1) + 1
 * and the table size M is the pool's (a prime, 262139 by default), fixed
 * whatever the address count, so that a pool change moves few sources.
 *
 * NAT64: an IPv6 source hashes with the key octet SNP_FAM64 (as
 * snp_xxh3_nat64()) into the pool's IPv4 table, which is built exactly as
 * for IPv4 sources: order independence and minimal movement carry over.
 */
#ifndef SNP_MAGLEV_H
#define SNP_MAGLEV_H

#include "snp_common.h"
#include "snp_xxh3.h"

#define SNP_MAGLEV_SKIP_SEED 0x9e3779b97f4a7c15ull

/* Slot of a source whose XXH3 hash is @h, in a table of @m entries. */
static SNP_INLINE snp_u32 snp_maglev_slot_of(snp_u64 h, snp_u32 m)
{
	return (snp_u32)snp_mulhi64(h, m);
}

static SNP_INLINE snp_u32 snp_maglev_slot(snp_u8 fam, const snp_u8 *src,
					  snp_u64 seed, snp_u32 m)
{
	return snp_maglev_slot_of(snp_xxh3_hash(fam, src, seed), m);
}

/* Offset and skip of a pool address in a table of @m (prime) entries. */
static SNP_INLINE void snp_maglev_perm(snp_u8 fam, const snp_u8 *addr,
				       snp_u64 seed, snp_u32 m,
				       snp_u32 *offset, snp_u32 *skip)
{
	snp_u8 key[SNP_KEYMAX + 7];
	snp_u32 len = snp_xxh3_key(fam, addr, key);

	*offset = (snp_u32)(XXH3_64bits_withSeed(key, len, seed) % m);
	*skip = (snp_u32)(XXH3_64bits_withSeed(key, len,
			  seed ^ SNP_MAGLEV_SKIP_SEED) % (m - 1)) + 1;
}

/* NAT64: the slot of IPv6 source @src6 in the IPv4 table of @m entries. */
static SNP_INLINE snp_u32 snp_maglev_nat64_slot(const snp_u8 *src6,
						snp_u64 seed, snp_u32 m)
{
	return snp_maglev_slot(SNP_FAM64, src6, seed, m);
}

#endif /* SNP_MAGLEV_H */

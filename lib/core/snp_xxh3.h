/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_xxh3.h - snatpool-xxh3-v1 (algorithm 4), the fast default:
 *
 *   h = XXH3_64bits_withSeed(fam || src, seed)    fam = 4 or 6 (one octet)
 *   index = high 64 bits of the 128-bit product h * n   (no division)
 *
 * XXH3 comes from the system <xxhash.h>, inlined, scalar, without its
 * allocator: nothing is vendored.  BPF has no 128-bit multiply, so there
 * __SIZEOF_INT128__ is hidden from xxhash.h, which then takes its 32-bit
 * half path (same results).
 */
#ifndef SNP_XXH3_H
#define SNP_XXH3_H

#include "snp_common.h"

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#define XXH_NO_STDLIB
#define XXH_NO_STREAM
#ifndef XXH_VECTOR
#define XXH_VECTOR 0		/* XXH_SCALAR */
#endif
#if defined(__bpf__) && defined(__SIZEOF_INT128__)
#undef __SIZEOF_INT128__
#endif
#if defined(__bpf__) && !defined(XXH_FORCE_MEMORY_ACCESS)
/* byte-by-byte reads: BPF has no memcpy() to call for XXH_memcpy() */
#define XXH_FORCE_MEMORY_ACCESS 3
#endif
#include <xxhash.h>

#define SNP_KEYMAX 17		/* family octet + 16 address octets */

/* The hashed key: one family octet, then the 4 or 16 address octets. */
static SNP_INLINE snp_u32 snp_xxh3_key(snp_u8 fam, const snp_u8 *src,
				       snp_u8 key[SNP_KEYMAX])
{
	snp_u32 alen = fam == SNP_FAM6 ? 16 : 4;
	unsigned int i;

	key[0] = fam;
	for (i = 0; i < 16; i++) {
		if (i >= alen)
			break;
		key[1 + i] = src[i];
	}
	return 1 + alen;
}

static SNP_INLINE snp_u64 snp_xxh3_hash(snp_u8 fam, const snp_u8 *src,
					snp_u64 seed)
{
	snp_u8 key[SNP_KEYMAX];
	snp_u32 len = snp_xxh3_key(fam, src, key);

	return XXH3_64bits_withSeed(key, len, seed);
}

/* @n >= 1. */
static SNP_INLINE snp_u32 snp_xxh3_pick(snp_u8 fam, const snp_u8 *src,
					snp_u64 seed, snp_u32 n)
{
	return (snp_u32)snp_mulhi64(snp_xxh3_hash(fam, src, seed), n);
}

#endif /* SNP_XXH3_H */

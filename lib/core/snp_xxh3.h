/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_xxh3.h - snatpool-xxh3-v1 (algorithm 4), the fast default:
 *
 *   h = XXH3_64bits_withSeed(fam || src, seed)    fam = 4 or 6 (one octet)
 *   index = high 64 bits of the 128-bit product h * n   (no division)
 *
 * NAT64 (an IPv6 source, the pool's IPv4 addresses): the same with the key
 * octet SNP_FAM64 and the 16 source octets, n the IPv4 address count.
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

/*
 * The hashed key: one family octet, then the 4 or 16 address octets.  The
 * layout favours store-to-load forwarding (a stalled forward costs more
 * than the whole 5-octet hash): @key has room for 8 octets of stores.
 */
static SNP_INLINE snp_u32 snp_xxh3_key(snp_u8 fam, const snp_u8 *src,
				       snp_u8 key[SNP_KEYMAX + 7])
{
	if (fam == SNP_FAM6 || fam == SNP_FAM64) {	/* 16-octet sources */
		key[0] = fam;
		__builtin_memcpy(key + 1, src, 16);
		return 17;
	}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	{
		/* One 8-octet store that XXH3's two 4-octet loads of the key
		 * can forward from; octets 5..7 are never read. */
		snp_u64 v = (snp_u64)snp_load_le32(src) << 8 | fam;

		__builtin_memcpy(key, &v, 8);
	}
#else
	key[0] = fam;
	__builtin_memcpy(key + 1, src, 4);
#endif
	return 5;
}

static SNP_INLINE snp_u64 snp_xxh3_hash(snp_u8 fam, const snp_u8 *src,
					snp_u64 seed)
{
	snp_u8 key[SNP_KEYMAX + 7];
	snp_u32 len = snp_xxh3_key(fam, src, key);

	return XXH3_64bits_withSeed(key, len, seed);
}

/* Index of hash @h among @n >= 1 addresses. */
static SNP_INLINE snp_u32 snp_xxh3_index(snp_u64 h, snp_u32 n)
{
	return (snp_u32)snp_mulhi64(h, n);
}

static SNP_INLINE snp_u32 snp_xxh3_pick(snp_u8 fam, const snp_u8 *src,
					snp_u64 seed, snp_u32 n)
{
	return snp_xxh3_index(snp_xxh3_hash(fam, src, seed), n);
}

/* NAT64: the IPv4 index (among @n4) of IPv6 source @src6. */
static SNP_INLINE snp_u32 snp_xxh3_nat64(const snp_u8 *src6, snp_u64 seed,
					 snp_u32 n4)
{
	return snp_xxh3_pick(SNP_FAM64, src6, seed, n4);
}

#endif /* SNP_XXH3_H */

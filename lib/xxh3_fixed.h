/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * xxh3_fixed.h - host-only fast path of the hash of snatpool-xxh3-v1 and
 * snatpool-maglev-v1: XXH3_64bits_withSeed(fam || src, seed) computed from
 * registers, for the 17-octet IPv6 key and the 5-octet IPv4 one.
 *
 * The core (core/snp_xxh3.h) builds the 17-octet key in memory and XXH3
 * then reads it back in 8-octet words at offsets 0, 8, 1 and 9: the stores
 * are too recent and too narrow to forward to those loads, and the stall
 * costs more than the hash.  For 17 <= len <= 32, XXH3 (0.8, frozen format)
 * is
 *
 *   acc  = len * PRIME64_1
 *   acc += mix16(in[0..15],      secret[0..15],  seed)
 *   acc += mix16(in[len-16..15], secret[16..31], seed)
 *   h    = avalanche(acc)
 *   mix16(in, s, seed) = fold64((LE64(in) ^ (LE64(s) + seed)) *
 *                               (LE64(in + 8) ^ (LE64(s + 8) - seed)))
 *
 * With S0 = LE64(src[0..7]) and S1 = LE64(src[8..15]), the key's words are
 * LE64(key[0..7]) = S0 << 8 | 6 (NAT64: | 64), LE64(key[8..15]) = S0 >> 56 | S1 << 8,
 * LE64(key[1..8]) = S0 and LE64(key[9..16]) = S1: two loads of the
 * caller's source and shifts, no stored key.  Equality with libxxhash is
 * checked by tests/check_fastpath.c on random sources and seeds, and the
 * vector files pass through this path.
 *
 * IPv4 is the same idea on XXH3's 4..8-octet branch (below).  Not for
 * lib/core: it needs a 128-bit multiply (BPF has none).
 */
#ifndef SNP_XXH3_FIXED_H
#define SNP_XXH3_FIXED_H

#include <stdint.h>
#include <string.h>

#include "core/snp_xxh3.h"

#define SNP_XXH3_PRIME64_1 0x9e3779b185ebca87ull
/* XXH3_kSecret[0..31] (xxhash.h), as little-endian 64-bit words. */
#define SNP_XXH3_KS0 0xbe4ba423396cfeb8ull
#define SNP_XXH3_KS1 0x1cad21f72c81017cull
#define SNP_XXH3_KS2 0xdb979083e96dd4deull
#define SNP_XXH3_KS3 0x1f67b3b7a4a44072ull

static inline uint64_t snp_xxh3f_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint64_t snp_xxh3f_fold64(uint64_t a, uint64_t b)
{
	unsigned __int128 p = (unsigned __int128)a * b;

	return (uint64_t)p ^ (uint64_t)(p >> 64);
}

/*
 * XXH3_64bits_withSeed() of the 17 octets fam || src[0..15]: fam is 6 (an
 * IPv6 source) or SNP_FAM64 (an IPv6 source choosing an IPv4 address,
 * NAT64, docs/algorithms.md).
 */
static inline uint64_t snp_xxh3_hash16_fast(uint8_t fam, const uint8_t *src, uint64_t seed)
{
	uint64_t s0 = snp_xxh3f_le64(src), s1 = snp_xxh3f_le64(src + 8);
	uint64_t acc = 17 * SNP_XXH3_PRIME64_1;

	acc += snp_xxh3f_fold64((s0 << 8 | fam) ^ (SNP_XXH3_KS0 + seed),
				(s0 >> 56 | s1 << 8) ^ (SNP_XXH3_KS1 - seed));
	acc += snp_xxh3f_fold64(s0 ^ (SNP_XXH3_KS2 + seed),
				s1 ^ (SNP_XXH3_KS3 - seed));
	/* XXH3_avalanche() */
	acc ^= acc >> 37;
	acc *= 0x165667919e3779f9ull;
	return acc ^ (acc >> 32);
}

/*
 * XXH3_64bits_withSeed() of the 5 octets 4 || src[0..3].  For 4 <= len <= 8
 * XXH3 is rrmxmx((LE32(in[len-4..]) + (LE32(in[0..3]) << 32)) ^ bitflip)
 * with bitflip = (LE64(secret[8..15]) ^ LE64(secret[16..23])) - seed', seed'
 * = seed ^ (bswap32(low 32 bits of seed) << 32); here LE32(in[1..4]) is the
 * source S and LE32(in[0..3]) = S << 8 | 4 (32 bits).
 */
static inline uint64_t snp_xxh3_hash4_fast(const uint8_t *src, uint64_t seed)
{
	uint32_t s;
	uint64_t h;

	memcpy(&s, src, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	s = __builtin_bswap32(s);
#endif
	seed ^= (uint64_t)__builtin_bswap32((uint32_t)seed) << 32;
	h = ((uint64_t)(s << 8 | 4) << 32 | s) ^ ((SNP_XXH3_KS1 ^ SNP_XXH3_KS2) - seed);
	/* XXH3_rrmxmx(h, 5) */
	h ^= (h << 49 | h >> 15) ^ (h << 24 | h >> 40);
	h *= 0x9fb21c651e98df25ull;
	h ^= (h >> 35) + 5;
	h *= 0x9fb21c651e98df25ull;
	return h ^ (h >> 28);
}

/* XXH3 of fam || src, from registers: snp_xxh3_hash()'s output. */
static inline uint64_t snp_xxh3_hash_host(uint8_t fam, const uint8_t *src, uint64_t seed)
{
	if (fam == SNP_FAM6 || fam == SNP_FAM64)
		return snp_xxh3_hash16_fast(fam, src, seed);
	return snp_xxh3_hash4_fast(src, seed);
}

#endif /* SNP_XXH3_FIXED_H */

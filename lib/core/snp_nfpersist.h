/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_nfpersist.h - linux-nf-persistent (algorithm 3): the address the Linux
 * kernel picks for nftables `snat to A-B persistent` (NF_NAT_RANGE_PERSISTENT,
 * find_best_ips_proto() in net/netfilter/nf_nat_core.c).
 *
 * The kernel hashes the source as it sits in its tuple, a union
 * nf_inet_addr of 16 octets (an IPv4 address fills the first 4, the rest is
 * zero), read as four host-order (x86: little-endian) u32 words, with
 * jhash2(words, 4, initval 0).  The offset into the range A..B is
 * reciprocal_scale(j, n) = (j * n) >> 32, n = B - A + 1.  For IPv6 the
 * kernel walks the four words; when A and B differ in the last word only,
 * that is the same offset applied to the last 32 bits.
 */
#ifndef SNP_NFPERSIST_H
#define SNP_NFPERSIST_H

#include "snp_common.h"

#define SNP_JHASH_INITVAL 0xdeadbeefu

static SNP_INLINE snp_u32 snp_rol32(snp_u32 w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

/* Bob Jenkins' lookup3 mix and final, as the kernel's <linux/jhash.h>. */
#define SNP_JHASH_MIX(a, b, c) do {				\
	a -= c; a ^= snp_rol32(c, 4);  c += b;			\
	b -= a; b ^= snp_rol32(a, 6);  a += c;			\
	c -= b; c ^= snp_rol32(b, 8);  b += a;			\
	a -= c; a ^= snp_rol32(c, 16); c += b;			\
	b -= a; b ^= snp_rol32(a, 19); a += c;			\
	c -= b; c ^= snp_rol32(b, 4);  b += a;			\
} while (0)

#define SNP_JHASH_FINAL(a, b, c) do {				\
	c ^= b; c -= snp_rol32(b, 14);				\
	a ^= c; a -= snp_rol32(c, 11);				\
	b ^= a; b -= snp_rol32(a, 25);				\
	c ^= b; c -= snp_rol32(b, 16);				\
	a ^= c; a -= snp_rol32(c, 4);				\
	b ^= a; b -= snp_rol32(a, 14);				\
	c ^= b; c -= snp_rol32(b, 24);				\
} while (0)

/* jhash2() of exactly four words with initval 0 (the persistent case). */
static SNP_INLINE snp_u32 snp_jhash2_4(snp_u32 k0, snp_u32 k1, snp_u32 k2,
				       snp_u32 k3)
{
	snp_u32 a, b, c;

	a = b = c = SNP_JHASH_INITVAL + (4u << 2) + 0;
	a += k0; b += k1; c += k2;
	SNP_JHASH_MIX(a, b, c);
	a += k3;
	SNP_JHASH_FINAL(a, b, c);
	return c;
}

/* The kernel's hash of a source: @alen is 4 (IPv4) or 16 (IPv6). */
static SNP_INLINE snp_u32 snp_nfpersist_hash(const snp_u8 *src, snp_u32 alen)
{
	if (alen == 4)
		return snp_jhash2_4(snp_load_le32(src), 0, 0, 0);
	return snp_jhash2_4(snp_load_le32(src), snp_load_le32(src + 4),
			    snp_load_le32(src + 8), snp_load_le32(src + 12));
}

/* Offset into a contiguous range of @n >= 1 addresses. */
static SNP_INLINE snp_u32 snp_nfpersist_index(const snp_u8 *src, snp_u32 alen,
					      snp_u32 n)
{
	return (snp_u32)(((snp_u64)snp_nfpersist_hash(src, alen) * n) >> 32);
}

#endif /* SNP_NFPERSIST_H */

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_common.h - shared helpers of the freestanding selection cores.
 *
 * Everything under lib/core/ is compiled unchanged by the shared library,
 * the BPF programs (clang -target bpf), the AF_XDP and the DPDK harnesses.
 * Rules: static inline only, fixed-width types, no libc call, no
 * allocation, constant loop bounds, bytes loaded one at a time (the byte
 * order is written down, never implied by a cast), no 128-bit integers.
 */
#ifndef SNP_COMMON_H
#define SNP_COMMON_H

#if defined(__bpf__) && !defined(SNP_HAVE_STDINT)
/* BPF programs get their fixed-width types from the kernel UAPI. */
#include <linux/types.h>
typedef __u8  snp_u8;
typedef __u16 snp_u16;
typedef __u32 snp_u32;
typedef __u64 snp_u64;
#else
#include <stdint.h>
typedef uint8_t  snp_u8;
typedef uint16_t snp_u16;
typedef uint32_t snp_u32;
typedef uint64_t snp_u64;
#endif

#ifndef SNP_INLINE
#define SNP_INLINE inline __attribute__((always_inline))
#endif

/* Family bytes as they enter the hashes (and the vector files). */
#define SNP_FAM4 4
#define SNP_FAM6 6
/*
 * NAT64 (cross-family) key octet: an IPv6 source choosing among the pool's
 * IPv4 addresses (docs/algorithms.md, "NAT64").  Distinct from 4 and 6 so
 * that the cross-family choice is not the IPv6 choice taken modulo another n.
 */
#define SNP_FAM64 64

/* Little-endian load of 4 octets. */
static SNP_INLINE snp_u32 snp_load_le32(const snp_u8 *p)
{
	return (snp_u32)p[0] | (snp_u32)p[1] << 8 |
	       (snp_u32)p[2] << 16 | (snp_u32)p[3] << 24;
}

/* Big-endian load of 4 octets. */
static SNP_INLINE snp_u32 snp_load_be32(const snp_u8 *p)
{
	return (snp_u32)p[0] << 24 | (snp_u32)p[1] << 16 |
	       (snp_u32)p[2] << 8 | (snp_u32)p[3];
}

/*
 * High 64 bits of the 128-bit product a*b, from 32-bit halves so that BPF
 * (which has no 128-bit multiply) computes exactly what a host does.
 */
static SNP_INLINE snp_u64 snp_mulhi64(snp_u64 a, snp_u64 b)
{
	snp_u64 alo = a & 0xffffffffu, ahi = a >> 32;
	snp_u64 blo = b & 0xffffffffu, bhi = b >> 32;
	snp_u64 ll = alo * blo, lh = alo * bhi, hl = ahi * blo, hh = ahi * bhi;
	snp_u64 mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);

	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

#endif /* SNP_COMMON_H */

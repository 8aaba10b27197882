/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_userspace.h - xpf-userspace-v1 (algorithm 2), the AF_XDP userspace
 * dataplane's choice:
 *
 *   d = SHA-256("xpf-userspace-snat-address-persistent-v1" || fam || src)
 *   index = BE64(d[0..7]) % n          fam = 4 or 6 (one octet)
 *
 * The message is 45 octets (IPv4) or 57 octets (IPv6, two SHA blocks).
 */
#ifndef SNP_USERSPACE_H
#define SNP_USERSPACE_H

#include "snp_common.h"
#include "snp_sha256.h"

#define SNP_USERSPACE_TAG "xpf-userspace-snat-address-persistent-v1"
#define SNP_USERSPACE_TAGLEN 40
#define SNP_USERSPACE_MSGMAX (SNP_USERSPACE_TAGLEN + 1 + 16)

/* Lay out the hashed message in @msg; returns its length (45 or 57). */
static SNP_INLINE snp_u32 snp_userspace_msg(snp_u8 fam, const snp_u8 *src,
					    snp_u8 msg[SNP_USERSPACE_MSGMAX])
{
	__builtin_memcpy(msg, SNP_USERSPACE_TAG, SNP_USERSPACE_TAGLEN);
	msg[SNP_USERSPACE_TAGLEN] = fam;
	if (fam == SNP_FAM6) {
		__builtin_memcpy(msg + SNP_USERSPACE_TAGLEN + 1, src, 16);
		return SNP_USERSPACE_TAGLEN + 1 + 16;
	}
	__builtin_memcpy(msg + SNP_USERSPACE_TAGLEN + 1, src, 4);
	return SNP_USERSPACE_TAGLEN + 1 + 4;
}

/* Index from the first 8 digest octets, read big-endian. */
static SNP_INLINE snp_u32 snp_userspace_index(snp_u32 h0, snp_u32 h1, snp_u32 n)
{
	return (snp_u32)((((snp_u64)h0 << 32) | h1) % n);
}

static SNP_INLINE snp_u32 snp_userspace_digest_index(const snp_u8 *d, snp_u32 n)
{
	return snp_userspace_index(snp_load_be32(d), snp_load_be32(d + 4), n);
}

/* Whole pick with the freestanding SHA-256 (dataplanes without OpenSSL). */
static SNP_INLINE snp_u32 snp_userspace_pick(snp_u8 fam, const snp_u8 *src,
					     snp_u32 n)
{
	snp_u8 msg[SNP_USERSPACE_MSGMAX];
	snp_u32 h[8];
	snp_u32 len = snp_userspace_msg(fam, src, msg);

	snp_sha256_short(msg, len, h);
	return snp_userspace_index(h[0], h[1], n);
}

#endif /* SNP_USERSPACE_H */

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_legacy.h - xpf-legacy-v0 (algorithm 1), bit-exact with the legacy
 * eBPF and DPDK dataplanes on x86: they loaded the source address with a
 * host (little-endian) load and took it modulo n.
 *
 *   IPv4: index = LE32(src[0..3]) % n
 *   IPv6: index = (LE32(src[0..3]) ^ LE32(src[4..7]) ^
 *                  LE32(src[8..11]) ^ LE32(src[12..15])) % n
 */
#ifndef SNP_LEGACY_H
#define SNP_LEGACY_H

#include "snp_common.h"

/* @n >= 1: the caller checked. */
static SNP_INLINE snp_u32 snp_legacy_v4(const snp_u8 *src, snp_u32 n)
{
	return snp_load_le32(src) % n;
}

static SNP_INLINE snp_u32 snp_legacy_v6(const snp_u8 *src, snp_u32 n)
{
	return (snp_load_le32(src) ^ snp_load_le32(src + 4) ^
		snp_load_le32(src + 8) ^ snp_load_le32(src + 12)) % n;
}

/*
 * NAT64: the legacy eBPF dataplane (xpf bpf/xdp/xdp_policy.c) passes the
 * IPv6 source to its IPv4 picker through a 16-octet union whose IPv4 member
 * overlays octets 0..3: the index is the IPv4 rule applied to the first
 * four octets of the IPv6 source, over the pool's IPv4 addresses.  Every
 * source of one /32 gets the same address; that collapse is the rule.
 */
static SNP_INLINE snp_u32 snp_legacy_nat64(const snp_u8 *src6, snp_u32 n4)
{
	return snp_legacy_v4(src6, n4);
}

#endif /* SNP_LEGACY_H */

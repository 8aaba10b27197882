/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_sha256.h - FIPS 180-4 SHA-256 for short messages (at most
 * SNP_SHA256_MAXMSG octets, i.e. two blocks), freestanding and eBPF-safe.
 *
 * The shared library hashes with OpenSSL's EVP; this copy exists for the
 * dataplanes that cannot link OpenSSL (the BPF program above all) and is
 * checked against OpenSSL by tests/check_core.c.  For the BPF stack limit
 * (512 bytes) the message schedule is a rolling W[16] and the 64 rounds
 * stay a loop (no full unroll).
 */
#ifndef SNP_SHA256_H
#define SNP_SHA256_H

#include "snp_common.h"

#define SNP_SHA256_MAXMSG 119	/* two blocks minus padding */

static const snp_u32 snp_sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* The initial hash value, H(0) of FIPS 180-4 section 5.3.3. */
static const snp_u32 snp_sha256_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static SNP_INLINE snp_u32 snp_ror32(snp_u32 x, unsigned int r)
{
	return (x >> r) | (x << (32 - r));
}

/* One compression of the 64-octet @blk into @h. */
static SNP_INLINE void snp_sha256_block(snp_u32 h[8], const snp_u8 *blk)
{
	snp_u32 w[16];
	snp_u32 a = h[0], b = h[1], c = h[2], d = h[3];
	snp_u32 e = h[4], f = h[5], g = h[6], hh = h[7];
	unsigned int i;

	for (i = 0; i < 16; i++)
		w[i] = snp_load_be32(blk + 4 * i);

#if defined(__clang__)
#pragma clang loop unroll(disable)
#endif
	for (i = 0; i < 64; i++) {
		snp_u32 wi, t1, t2;

		if (i < 16) {
			wi = w[i];
		} else {
			snp_u32 w15 = w[(i - 15) & 15], w2 = w[(i - 2) & 15];
			snp_u32 s0 = snp_ror32(w15, 7) ^ snp_ror32(w15, 18) ^ (w15 >> 3);
			snp_u32 s1 = snp_ror32(w2, 17) ^ snp_ror32(w2, 19) ^ (w2 >> 10);

			wi = w[i & 15] + s0 + w[(i - 7) & 15] + s1;
			w[i & 15] = wi;
		}
		t1 = hh + (snp_ror32(e, 6) ^ snp_ror32(e, 11) ^ snp_ror32(e, 25)) +
		     ((e & f) ^ (~e & g)) + snp_sha256_k[i] + wi;
		t2 = (snp_ror32(a, 2) ^ snp_ror32(a, 13) ^ snp_ror32(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		hh = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

/*
 * SHA-256 of @len <= SNP_SHA256_MAXMSG octets of @msg; the state words are
 * left in @h (digest octets are h[0] big-endian, then h[1], ...).
 * Returns 0, or -1 if @len is too long.
 */
static SNP_INLINE int snp_sha256_short(const snp_u8 *msg, snp_u32 len,
				       snp_u32 h[8])
{
	snp_u8 blk[64];
	snp_u32 nblk = len <= 55 ? 1 : 2;
	snp_u64 bits = (snp_u64)len * 8;
	unsigned int b, i;

	if (len > SNP_SHA256_MAXMSG)
		return -1;
	for (i = 0; i < 8; i++)
		h[i] = snp_sha256_iv[i];

	for (b = 0; b < 2; b++) {
		if (b >= nblk)
			break;
		for (i = 0; i < 64; i++) {
			snp_u32 pos = b * 64 + i;
			snp_u8 v = 0;

			if (pos < len)
				v = msg[pos];
			else if (pos == len)
				v = 0x80;
			else if (pos >= nblk * 64 - 8)
				v = (snp_u8)(bits >> (8 * (nblk * 64 - 1 - pos)));
			blk[i] = v;
		}
		snp_sha256_block(h, blk);
	}
	return 0;
}

#endif /* SNP_SHA256_H */

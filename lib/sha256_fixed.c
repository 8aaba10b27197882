/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * sha256_fixed.c - SHA-256 of xpf-userspace-v1's fixed message, host only
 * (see sha256_fixed.h).  What does not depend on the source is computed
 * once, at load time:
 *
 *  - the tag fills message words W0..W9, the same for both families, so
 *    the first 10 of the 64 rounds of the first block are the same for
 *    every source: their result is a constant (the SHA-NI form starts
 *    after round 10, the C form after round 8, whole turns of 8 rounds);
 *  - the second IPv6 block is padding and length only: its whole schedule
 *    W0..W63, and K[i] + W[i], are constants;
 *  - the padding and length words of the first block are constants.
 *
 * OpenSSL stays the reference: tests/check_fastpath.c compares both forms
 * with it on random sources, and the vector files pass through them.
 */
#include <stdlib.h>
#include <string.h>

#include "core/snp_sha256.h"
#include "core/snp_userspace.h"
#include "sha256_fixed.h"

#if defined(__x86_64__) || defined(__i386__)
#define SNP_HAVE_SHANI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

#define SNP_RUNROLL _Pragma("GCC unroll 16")

/*
 * W0..W9: SNP_USERSPACE_TAG as big-endian words, spelled out so that the
 * compiler can fold them (a typo would change every digest: the tests
 * against OpenSSL would fail).
 */
static const uint32_t snp_tagw[10] = {
	0x7870662d, 0x75736572, 0x73706163, 0x652d736e, 0x61742d61,
	0x64647265, 0x73732d70, 0x65727369, 0x7374656e, 0x742d7631,
};
/* Set by snp_sha256_fixed_init(). */
static uint32_t snp_mid8[8];		/* state a..h after rounds 0..7 */
static uint32_t snp_mid10[8];		/* state a..h after rounds 0..9 */
static uint32_t snp_wk2[64];		/* IPv6 second block: K[i] + W[i] */

#define ROR(x, r)  snp_ror32(x, r)
#define BS0(a)     (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22))
#define BS1(e)     (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25))
#define SS0(x)     (ROR(x, 7) ^ ROR(x, 18) ^ ((x) >> 3))
#define SS1(x)     (ROR(x, 17) ^ ROR(x, 19) ^ ((x) >> 10))
#define CH(e, f, g)  ((g) ^ ((e) & ((f) ^ (g))))
#define MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))

/* One round; the caller rotates the names (no moves). */
#define SNP_ROUND(a, b, c, d, e, f, g, h, wk) do {			\
		uint32_t t1_ = (h) + BS1(e) + CH(e, f, g) + (wk);	\
		(d) += t1_;						\
		(h) = t1_ + BS0(a) + MAJ(a, b, c);			\
	} while (0)

/*
 * Rounds @from..63 on state @s (@from a multiple of 8), words K[i] + W[i]
 * in @wk: eight rounds a turn, small enough for the decoded-op cache.
 */
static inline __attribute__((always_inline))
void snp_rounds_wk(uint32_t s[8], const uint32_t *wk, unsigned from)
{
	uint32_t a = s[0], b = s[1], c = s[2], d = s[3];
	uint32_t e = s[4], f = s[5], g = s[6], h = s[7];
	unsigned i;

	for (i = from; i < 64; i += 8) {
		SNP_ROUND(a, b, c, d, e, f, g, h, wk[i]);
		SNP_ROUND(h, a, b, c, d, e, f, g, wk[i + 1]);
		SNP_ROUND(g, h, a, b, c, d, e, f, wk[i + 2]);
		SNP_ROUND(f, g, h, a, b, c, d, e, wk[i + 3]);
		SNP_ROUND(e, f, g, h, a, b, c, d, wk[i + 4]);
		SNP_ROUND(d, e, f, g, h, a, b, c, wk[i + 5]);
		SNP_ROUND(c, d, e, f, g, h, a, b, wk[i + 6]);
		SNP_ROUND(b, c, d, e, f, g, h, a, wk[i + 7]);
	}
	s[0] = a; s[1] = b; s[2] = c; s[3] = d;
	s[4] = e; s[5] = f; s[6] = g; s[7] = h;
}

/* State @s after rounds 0..@n-1 ( @n <= 16) of a block starting with @w. */
static void snp_rounds_first(uint32_t s[8], const uint32_t *w, unsigned n)
{
	unsigned i;

	memcpy(s, snp_sha256_iv, 8 * sizeof(*s));
	for (i = 0; i < n; i++) {
		uint32_t t1 = s[7] + BS1(s[4]) + CH(s[4], s[5], s[6]) + snp_sha256_k[i] + w[i];
		uint32_t t2 = BS0(s[0]) + MAJ(s[0], s[1], s[2]);

		memmove(s + 1, s, 7 * sizeof(*s));
		s[4] += t1;
		s[0] = t1 + t2;
	}
}

/*
 * The whole schedule W0..W63 from W0..W15 (already in @w); unrolled, so
 * that the words known at compile time fold.
 */
static inline __attribute__((always_inline)) void snp_schedule(uint32_t w[64])
{
	unsigned i;

	_Pragma("GCC unroll 48")
	for (i = 16; i < 64; i++)
		w[i] = SS1(w[i - 2]) + w[i - 7] + SS0(w[i - 15]) + w[i - 16];
}

__attribute__((constructor)) static void snp_sha256_fixed_init(void)
{
	uint32_t w[64] = { 0 };
	unsigned i;

	snp_rounds_first(snp_mid8, snp_tagw, 8);
	snp_rounds_first(snp_mid10, snp_tagw, 10);

	w[15] = (SNP_USERSPACE_TAGLEN + 1 + 16) * 8;	/* 456 bits */
	snp_schedule(w);
	for (i = 0; i < 64; i++)
		snp_wk2[i] = w[i] + snp_sha256_k[i];
}

/* ---- portable C ---- */

/*
 * Rounds 8..63 of a first block whose words W10..W15 are given (W0..W9 are
 * the tag): with the tag and, for IPv4, W12..W15 known at compile time,
 * the compiler folds much of the schedule.  Returns the output state in @s.
 */
static inline __attribute__((always_inline))
void snp_scalar_block1(uint32_t s[8], uint32_t w10, uint32_t w11, uint32_t w12,
		       uint32_t w13, uint32_t w14, uint32_t w15)
{
	uint32_t w[64];
	unsigned i;

	memcpy(w, snp_tagw, sizeof(snp_tagw));
	w[10] = w10; w[11] = w11; w[12] = w12;
	w[13] = w13; w[14] = w14; w[15] = w15;
	snp_schedule(w);
	for (i = 8; i < 64; i++)
		w[i] += snp_sha256_k[i];
	/* Rounds 0..7 read only the tag: start from their result. */
	memcpy(s, snp_mid8, 8 * sizeof(*s));
	snp_rounds_wk(s, w, 8);
	for (i = 0; i < 8; i++)
		s[i] += snp_sha256_iv[i];
}

uint64_t snp_userspace_h64_scalar(uint8_t fam, const uint8_t *src)
{
	uint32_t s[8], h1[8];
	uint32_t w10 = (uint32_t)fam << 24 | (uint32_t)src[0] << 16 |
		       (uint32_t)src[1] << 8 | src[2];

	if (fam != SNP_FAM6) {
		snp_scalar_block1(s, w10, (uint32_t)src[3] << 24 | 0x800000, 0, 0, 0,
				  (SNP_USERSPACE_TAGLEN + 1 + 4) * 8);	/* 360 bits */
		return (uint64_t)s[0] << 32 | s[1];
	}
	snp_scalar_block1(s, w10, snp_load_be32(src + 3), snp_load_be32(src + 7),
			  snp_load_be32(src + 11), (uint32_t)src[15] << 24 | 0x800000, 0);
	memcpy(h1, s, sizeof(h1));
	/* The second block: padding and length, a constant schedule. */
	snp_rounds_wk(s, snp_wk2, 0);
	return (uint64_t)(s[0] + h1[0]) << 32 | (s[1] + h1[1]);
}

/* ---- x86 SHA extensions ---- */

#ifdef SNP_HAVE_SHANI
#define SNP_SHANI __attribute__((target("sha,sse4.1")))

/* A group of 4 rounds; the state is kept as ABEF and CDGH (Intel's order). */
SNP_SHANI static inline __attribute__((always_inline))
void snp_ni_rounds4(__m128i *abef, __m128i *cdgh, __m128i wk)
{
	*cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
	*abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0e));
}

SNP_SHANI static inline __attribute__((always_inline)) __m128i snp_ni_k(unsigned j)
{
	return _mm_loadu_si128((const __m128i *)(snp_sha256_k + 4 * j));
}

/*
 * Rounds 10..63 of a first block whose words W8..W11 are @x2 and W12..W15
 * @x3 (lanes in order), from the constant state after round 10; returns
 * the block's output state (IV added) as ABEF in @abef, CDGH in @cdgh.
 */
SNP_SHANI static inline __attribute__((always_inline))
void snp_ni_block1(__m128i x2, __m128i x3, __m128i *abefp, __m128i *cdghp)
{
	const uint32_t *m = snp_mid10, *iv = snp_sha256_iv;
	__m128i abef = _mm_set_epi32((int)m[0], (int)m[1], (int)m[4], (int)m[5]);
	__m128i cdgh = _mm_set_epi32((int)m[2], (int)m[3], (int)m[6], (int)m[7]);
	__m128i x[4], wk, t;
	unsigned j;

	x[0] = _mm_loadu_si128((const __m128i *)snp_tagw);
	x[1] = _mm_loadu_si128((const __m128i *)(snp_tagw + 4));
	x[2] = x2;
	x[3] = x3;
	/* Rounds 10 and 11: the second half of group 2. */
	wk = _mm_add_epi32(x2, snp_ni_k(2));
	t = _mm_sha256rnds2_epu32(cdgh, abef, _mm_shuffle_epi32(wk, 0x0e));
	cdgh = abef;
	abef = t;
	SNP_RUNROLL
	for (j = 3; j < 16; j++) {
		if (j >= 4) {
			__m128i *xj = &x[j & 3], xm1 = x[(j + 3) & 3], xm2 = x[(j + 2) & 3];

			*xj = _mm_sha256msg1_epu32(*xj, x[(j + 1) & 3]);
			*xj = _mm_add_epi32(*xj, _mm_alignr_epi8(xm1, xm2, 4));
			*xj = _mm_sha256msg2_epu32(*xj, xm1);
		}
		snp_ni_rounds4(&abef, &cdgh, _mm_add_epi32(x[j & 3], snp_ni_k(j)));
	}
	*abefp = _mm_add_epi32(abef, _mm_set_epi32((int)iv[0], (int)iv[1], (int)iv[4], (int)iv[5]));
	*cdghp = _mm_add_epi32(cdgh, _mm_set_epi32((int)iv[2], (int)iv[3], (int)iv[6], (int)iv[7]));
}

SNP_SHANI static inline uint64_t snp_ni_h64(__m128i abef)
{
	return (uint64_t)(uint32_t)_mm_extract_epi32(abef, 3) << 32 |
	       (uint32_t)_mm_extract_epi32(abef, 2);
}

/*
 * Byte shuffles that lay the source into message words (each 32-bit lane
 * holds a big-endian word; -1 makes a zero octet): the IPv6 source is
 * message octets 41..56, the IPv4 source 41..44.
 */
#define Z (-1)
SNP_SHANI uint64_t snp_userspace_h64_shani(uint8_t fam, const uint8_t *src)
{
	__m128i x2, x3, abef, cdgh, h1abef, h1cdgh, v;
	unsigned j;

	/* W8, W9 (tag) and the family octet; the source is OR-ed in. */
	x2 = _mm_set_epi32(0, (int)((uint32_t)fam << 24), (int)snp_tagw[9], (int)snp_tagw[8]);
	if (fam != SNP_FAM6) {
		uint32_t s4;

		memcpy(&s4, src, 4);
		v = _mm_cvtsi32_si128((int)s4);
		x2 = _mm_or_si128(x2, _mm_shuffle_epi8(v, _mm_setr_epi8(
			Z, Z, Z, Z, Z, Z, Z, Z, 2, 1, 0, Z, Z, Z, Z, 3)));
		x2 = _mm_or_si128(x2, _mm_set_epi32(0x800000, 0, 0, 0));
		x3 = _mm_set_epi32((SNP_USERSPACE_TAGLEN + 1 + 4) * 8, 0, 0, 0);
		snp_ni_block1(x2, x3, &abef, &cdgh);
		return snp_ni_h64(abef);
	}
	v = _mm_loadu_si128((const __m128i *)src);
	x2 = _mm_or_si128(x2, _mm_shuffle_epi8(v, _mm_setr_epi8(
		Z, Z, Z, Z, Z, Z, Z, Z, 2, 1, 0, Z, 6, 5, 4, 3)));
	x3 = _mm_shuffle_epi8(v, _mm_setr_epi8(
		10, 9, 8, 7, 14, 13, 12, 11, Z, Z, Z, 15, Z, Z, Z, Z));
	x3 = _mm_or_si128(x3, _mm_set_epi32(0, 0x800000, 0, 0));
	snp_ni_block1(x2, x3, &h1abef, &h1cdgh);
	/* The second block: padding and length, a constant schedule. */
	abef = h1abef;
	cdgh = h1cdgh;
	SNP_RUNROLL
	for (j = 0; j < 16; j++)
		snp_ni_rounds4(&abef, &cdgh,
			       _mm_loadu_si128((const __m128i *)(snp_wk2 + 4 * j)));
	return snp_ni_h64(_mm_add_epi32(abef, h1abef));
}
#undef Z

int snp_cpu_has_shani(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1))
		return 0;
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	return !!(b & bit_SHA);
}
#else
uint64_t snp_userspace_h64_shani(uint8_t fam, const uint8_t *src)
{
	return snp_userspace_h64_scalar(fam, src);	/* never chosen here */
}

int snp_cpu_has_shani(void)
{
	return 0;
}
#endif

/* ---- the choice ---- */

int snp_sha_impl_cached;

enum snp_sha_impl snp_sha_impl_parse(const char *name)
{
	/*
	 * Without SHA-NI, EVP, the reference, stays: on one AMD EPYC with
	 * OpenSSL's SHA-NI masked (OPENSSL_ia32cap=":~0x20000000") the C form
	 * was only 4% ahead of bare EVP (snatpool bench: 116 against 121 ns
	 * for IPv4, 202 against 210 for IPv6), too little to bet other CPUs on.
	 */
	if (!name || !*name || !strcmp(name, "auto"))
		return snp_cpu_has_shani() ? SNP_SHA_SHANI : SNP_SHA_EVP;
	if (!strcmp(name, "evp"))
		return SNP_SHA_EVP;
	if (!strcmp(name, "scalar"))
		return SNP_SHA_SCALAR;
	if (!strcmp(name, "shani"))
		return snp_cpu_has_shani() ? SNP_SHA_SHANI : SNP_SHA_BAD;
	return SNP_SHA_BAD;
}

enum snp_sha_impl snp_sha_impl_slow(void)
{
	enum snp_sha_impl v = snp_sha_impl_parse(secure_getenv("SNATPOOL_SHA256"));

	__atomic_store_n(&snp_sha_impl_cached, (int)v, __ATOMIC_RELAXED);
	return v;
}

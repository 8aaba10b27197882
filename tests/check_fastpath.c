/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * check_fastpath.c - the library's host-only fast paths against
 * implementations nobody here wrote: XXH3 from registers (lib/xxh3_fixed.h)
 * against the shared libxxhash, alone and through snatpool_select() and
 * its burst form, and the fixed-length SHA-256 of
 * xpf-userspace-v1 (lib/sha256_fixed.c, compiled into this test) against
 * OpenSSL, every path this CPU can run.
 */
#include <stdio.h>

#include <openssl/sha.h>

#include "testutil.h"
#include "xxh_ref.h"
#include "xxh3_fixed.h"
#include "sha256_fixed.h"

/* Random sources at every alignment, random seeds and the edge seeds. */
START_TEST(test_xxh3_hash6_vs_libxxhash)
{
	static const uint64_t edge[] = { 0, 1, UINT64_MAX, 1ull << 63,
					 0xbe4ba423396cfeb8ull, 0x1cad21f72c81017cull };
	uint64_t rng = 29, seed;
	uint8_t buf[32], key[17];
	int k;

	for (k = 0; k < 1000000; k++) {
		const uint8_t *src = buf + k % 16;

		tu_randbytes(&rng, buf, sizeof(buf));
		seed = k % 8 < 6 ? tu_rand(&rng) : edge[(k / 8) % 6];
		key[0] = k & 1 ? SNP_FAM64 : 6;	/* NAT64's key octet, every other */
		memcpy(key + 1, src, 16);
		ck_assert_uint_eq(snp_xxh3_hash16_fast(key[0], src, seed),
				  ref_xxh3(key, 17, seed));
	}
	/* Sources of all zero and all one octets. */
	memset(buf, 0, sizeof(buf));
	memset(key, 0, sizeof(key));
	key[0] = 6;
	ck_assert_uint_eq(snp_xxh3_hash16_fast(6, buf, 5), ref_xxh3(key, 17, 5));
	memset(buf, 0xff, sizeof(buf));
	memset(key + 1, 0xff, 16);
	ck_assert_uint_eq(snp_xxh3_hash16_fast(6, buf, 0), ref_xxh3(key, 17, 0));
	key[0] = SNP_FAM64;
	ck_assert_uint_eq(snp_xxh3_hash16_fast(SNP_FAM64, buf, 0), ref_xxh3(key, 17, 0));
}
END_TEST

/* IPv4 likewise (the 4..8-octet branch of XXH3). */
START_TEST(test_xxh3_hash4_vs_libxxhash)
{
	static const uint64_t edge[] = { 0, 1, UINT64_MAX, 1ull << 63,
					 0xffffffffull, 0x80000000ull };
	uint64_t rng = 43, seed;
	uint8_t buf[32], key[5];
	int k;

	for (k = 0; k < 1000000; k++) {
		const uint8_t *src = buf + k % 16;

		tu_randbytes(&rng, buf, sizeof(buf));
		seed = k % 8 < 6 ? tu_rand(&rng) : edge[(k / 8) % 6];
		key[0] = 4;
		memcpy(key + 1, src, 4);
		ck_assert_uint_eq(snp_xxh3_hash4_fast(src, seed), ref_xxh3(key, 5, seed));
		ck_assert_uint_eq(snp_xxh3_hash_host(4, src, seed), ref_xxh3(key, 5, seed));
	}
}
END_TEST

/* snatpool_select() and its burst form (fast paths) against libxxhash. */
static void check_select_xxh3(int family, size_t alen, uint32_t algo)
{
	enum { N = 20000 };
	const uint64_t seed = 0x1234567890abcdefull;
	struct snatpool *p = tu_pool("198.51.100.0/26,198.51.101.1,"
				     "2001:db8::/122,2001:db8:1::1", seed);
	static uint8_t srcs[N * 16];
	static uint32_t burst[N];
	const uint16_t *table = NULL;
	uint32_t msize = 0, idx;
	uint8_t key[17];
	uint64_t rng = 31;
	int k;

	if (algo == SNATPOOL_ALGO_MAGLEV_V1)
		ck_assert_int_eq(snatpool_maglev_table(p, family, &table, &msize), 0);
	tu_randbytes(&rng, srcs, sizeof(srcs));
	ck_assert_int_eq(snatpool_select_burst(p, family, srcs, N, algo, burst), N);
	for (k = 0; k < N; k++) {
		const uint8_t *src = srcs + k * alen;
		uint64_t h, want;

		key[0] = alen == 16 ? 6 : 4;
		memcpy(key + 1, src, alen);
		h = ref_xxh3(key, 1 + alen, seed);
		want = table ? table[(uint64_t)(((unsigned __int128)h * msize) >> 64)]
			     : (uint64_t)(((unsigned __int128)h * 65) >> 64);
		ck_assert_int_eq(snatpool_select(p, family, src, algo, &idx, NULL), 0);
		ck_assert_uint_eq(idx, want);
		ck_assert_uint_eq(burst[k], idx);
	}
	snatpool_pool_free(p);
}

START_TEST(test_xxh3_select_vs_libxxhash)
{
	check_select_xxh3(AF_INET, 4, SNATPOOL_ALGO_XXH3_V1);
	check_select_xxh3(AF_INET6, 16, SNATPOOL_ALGO_XXH3_V1);
	check_select_xxh3(AF_INET, 4, SNATPOOL_ALGO_MAGLEV_V1);
	check_select_xxh3(AF_INET6, 16, SNATPOOL_ALGO_MAGLEV_V1);
}
END_TEST

/* First 8 digest octets of OpenSSL's SHA256(tag || fam || src), big-endian. */
static uint64_t ref_userspace_h64(uint8_t fam, const uint8_t *src)
{
	static const char tag[] = "xpf-userspace-snat-address-persistent-v1";
	uint8_t msg[57], d[SHA256_DIGEST_LENGTH];
	size_t len = fam == 6 ? 57 : 45;
	uint64_t h = 0;
	int i;

	memcpy(msg, tag, 40);
	msg[40] = fam;
	memcpy(msg + 41, src, len - 41);
	ck_assert_ptr_nonnull(SHA256(msg, len, d));
	for (i = 0; i < 8; i++)
		h = h << 8 | d[i];
	return h;
}

typedef uint64_t (*h64_fn)(uint8_t fam, const uint8_t *src);

static void check_h64(h64_fn fn, uint64_t rng)
{
	uint8_t buf[32];
	int k;

	for (k = 0; k < 200000; k++) {
		const uint8_t *src = buf + k % 16;
		uint8_t fam = k & 1 ? 6 : 4;

		tu_randbytes(&rng, buf, sizeof(buf));
		ck_assert_uint_eq(fn(fam, src), ref_userspace_h64(fam, src));
	}
	memset(buf, 0, sizeof(buf));
	ck_assert_uint_eq(fn(4, buf), ref_userspace_h64(4, buf));
	ck_assert_uint_eq(fn(6, buf), ref_userspace_h64(6, buf));
	memset(buf, 0xff, sizeof(buf));
	ck_assert_uint_eq(fn(4, buf), ref_userspace_h64(4, buf));
	ck_assert_uint_eq(fn(6, buf), ref_userspace_h64(6, buf));
}

START_TEST(test_sha256_scalar_vs_openssl)
{
	check_h64(snp_userspace_h64_scalar, 37);
}
END_TEST

/* Runs only where cpuid reports SHA-NI; says so otherwise. */
START_TEST(test_sha256_shani_vs_openssl)
{
	if (!snp_cpu_has_shani()) {
		fprintf(stderr, "check_fastpath: no SHA-NI on this CPU, SHA-NI path not run\n");
		return;
	}
	check_h64(snp_userspace_h64_shani, 41);
}
END_TEST

/* The cpuid answer agrees with the kernel's flags. */
START_TEST(test_shani_cpuid_vs_proc)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	int flags = -1;

	if (!f)
		return;
	while (flags < 0 && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5))
			flags = strstr(line, " sha_ni") && strstr(line, " sse4_1");
	fclose(f);
	if (flags >= 0)
		ck_assert_int_eq(snp_cpu_has_shani(), flags);
}
END_TEST

START_TEST(test_sha_impl_parse)
{
	int ni = snp_cpu_has_shani();

	ck_assert_int_eq(snp_sha_impl_parse("evp"), SNP_SHA_EVP);
	ck_assert_int_eq(snp_sha_impl_parse("scalar"), SNP_SHA_SCALAR);
	ck_assert_int_eq(snp_sha_impl_parse("shani"), ni ? SNP_SHA_SHANI : SNP_SHA_BAD);
	ck_assert_int_eq(snp_sha_impl_parse("auto"), ni ? SNP_SHA_SHANI : SNP_SHA_EVP);
	ck_assert_int_eq(snp_sha_impl_parse(NULL), snp_sha_impl_parse("auto"));
	ck_assert_int_eq(snp_sha_impl_parse(""), snp_sha_impl_parse("auto"));
	ck_assert_int_eq(snp_sha_impl_parse("SHANI"), SNP_SHA_BAD);
	ck_assert_int_eq(snp_sha_impl_parse("openssl"), SNP_SHA_BAD);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fastpath");
	TCase *tc = tcase_create("fastpath");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_xxh3_hash6_vs_libxxhash);
	tcase_add_test(tc, test_xxh3_hash4_vs_libxxhash);
	tcase_add_test(tc, test_xxh3_select_vs_libxxhash);
	tcase_add_test(tc, test_sha256_scalar_vs_openssl);
	tcase_add_test(tc, test_sha256_shani_vs_openssl);
	tcase_add_test(tc, test_shani_cpuid_vs_proc);
	tcase_add_test(tc, test_sha_impl_parse);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

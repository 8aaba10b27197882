/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * check_nat64.c - snatpool_select_nat64() and its burst form: the rule of
 * each algorithm against values worked out here (xxHash directly, the
 * exported Maglev table), Maglev's order independence and minimal movement
 * over the IPv4 table, burst == single, and every error path.
 */
#include <limits.h>

#include <xxhash.h>

#include "testutil.h"
#include "core/snp_dispatch.h"	/* its defaults: what BPF and DPDK run */

#define NSRC 4096

static void rand_srcs(uint8_t (*s)[16], size_t n, uint64_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		tu_randbytes(&seed, s[i], 16);
}

static uint64_t ref_hash(const uint8_t *src6, uint64_t seed)
{
	uint8_t key[17] = { 64 };

	memcpy(key + 1, src6, 16);
	return XXH3_64bits_withSeed(key, sizeof(key), seed);
}

static uint32_t ref_mulhi(uint64_t h, uint32_t n)
{
	return (uint32_t)(((unsigned __int128)h * n) >> 64);
}

START_TEST(test_legacy_rule)
{
	struct snatpool *p = tu_pool("198.51.100.1-198.51.100.7,2001:db8::/120", 0);
	uint8_t src[16], a4[4], want[4];
	uint32_t idx, i, first;

	tu_addr("2001:db8::1", src);
	ck_assert_int_eq(snatpool_select_nat64(p, src, SNATPOOL_ALGO_XPF_LEGACY_V0,
					       &idx, a4), 0);
	ck_assert_uint_eq(idx, 0xb80d0120u % 7);	/* octets 20 01 0d b8, little-endian */
	ck_assert_int_eq(snatpool_pool_addr(p, AF_INET, idx, want), 0);
	ck_assert_mem_eq(a4, want, 4);
	/* the xpf rule: the whole /32 shares one address */
	first = idx;
	for (i = 0; i < 64; i++) {
		src[15] = (uint8_t)i;
		src[7] = (uint8_t)(i * 13);
		ck_assert_int_eq(snatpool_select_nat64(p, src, SNATPOOL_ALGO_XPF_LEGACY_V0,
						       &idx, NULL), 0);
		ck_assert_uint_eq(idx, first);
	}
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_xxh3_rule)
{
	static const uint64_t seeds[] = { 0, 1, 0xdeadbeef, UINT64_MAX };
	static uint8_t srcs[NSRC][16];
	size_t k, i, differ = 0;

	rand_srcs(srcs, NSRC, 0x64);
	for (k = 0; k < 4; k++) {
		struct snatpool *p = tu_pool("198.51.100.0/26,2001:db8::/122", seeds[k]);

		for (i = 0; i < NSRC; i++) {
			uint32_t idx, idx6;

			ck_assert_int_eq(snatpool_select_nat64(p, srcs[i], SNATPOOL_ALGO_XXH3_V1,
							       &idx, NULL), 0);
			ck_assert_uint_eq(idx, ref_mulhi(ref_hash(srcs[i], seeds[k]), 64));
			/* its own key octet: not the IPv6 choice (both n = 64) */
			ck_assert_int_eq(snatpool_select(p, AF_INET6, srcs[i],
							 SNATPOOL_ALGO_XXH3_V1, &idx6, NULL), 0);
			differ += idx != idx6;
		}
		snatpool_pool_free(p);
	}
	ck_assert_uint_gt(differ, 4 * NSRC * 9 / 10);
}
END_TEST

START_TEST(test_maglev_rule)
{
	static uint8_t srcs[NSRC][16];
	struct snatpool *p = tu_pool("2001:db8::/126,203.0.113.0/28,198.51.100.9", 77);
	const uint16_t *t;
	uint32_t m, idx;
	size_t i;

	rand_srcs(srcs, NSRC, 0x65);
	ck_assert_int_eq(snatpool_maglev_table(p, AF_INET, &t, &m), 0);
	for (i = 0; i < NSRC; i++) {
		ck_assert_int_eq(snatpool_select_nat64(p, srcs[i], SNATPOOL_ALGO_MAGLEV_V1,
						       &idx, NULL), 0);
		ck_assert_uint_eq(idx, t[ref_mulhi(ref_hash(srcs[i], 77), m)]);
	}
	snatpool_pool_free(p);
}
END_TEST

/* The same IPv4 set in another order gives every IPv6 source the same address. */
START_TEST(test_maglev_order_free)
{
	static uint8_t srcs[NSRC][16];
	struct snatpool *a = tu_pool("198.51.100.1,198.51.100.2,198.51.100.3,"
				     "198.51.100.4,198.51.100.5,2001:db8::1", 5);
	struct snatpool *b = tu_pool("198.51.100.5,2001:db8::1,198.51.100.3,"
				     "198.51.100.1,198.51.100.4,198.51.100.2", 5);
	uint8_t x[4], y[4];
	size_t i;

	rand_srcs(srcs, NSRC, 0x66);
	for (i = 0; i < NSRC; i++) {
		ck_assert_int_eq(snatpool_select_nat64(a, srcs[i], SNATPOOL_ALGO_MAGLEV_V1,
						       NULL, x), 0);
		ck_assert_int_eq(snatpool_select_nat64(b, srcs[i], SNATPOOL_ALGO_MAGLEV_V1,
						       NULL, y), 0);
		ck_assert_mem_eq(x, y, 4);
	}
	snatpool_pool_free(a);
	snatpool_pool_free(b);
}
END_TEST

/* Removing one of 16 IPv4 addresses moves its own sources and few others. */
START_TEST(test_maglev_minimal_move)
{
	enum { N = 20000 };
	static uint8_t srcs[N][16];
	struct snatpool *a = tu_pool("198.51.100.0/28", 3);
	struct snatpool *b = tu_pool("198.51.100.0-198.51.100.6,198.51.100.8-198.51.100.15", 3);
	size_t i, others = 0, moved = 0;

	rand_srcs(srcs, N, 0x67);
	for (i = 0; i < N; i++) {
		uint8_t x[4], y[4];

		ck_assert_int_eq(snatpool_select_nat64(a, srcs[i], SNATPOOL_ALGO_MAGLEV_V1,
						       NULL, x), 0);
		ck_assert_int_eq(snatpool_select_nat64(b, srcs[i], SNATPOOL_ALGO_MAGLEV_V1,
						       NULL, y), 0);
		ck_assert_uint_ne(y[3], 7);
		if (x[3] == 7)
			continue;
		others++;
		moved += memcmp(x, y, 4) != 0;
	}
	ck_assert_uint_gt(others, N * 8 / 10);
	ck_assert_msg(moved * 100 <= others, "%zu of %zu moved", moved, others);
	snatpool_pool_free(a);
	snatpool_pool_free(b);
}
END_TEST

START_TEST(test_burst_equals_single)
{
	static const uint32_t algos[] = { SNATPOOL_ALGO_XPF_LEGACY_V0,
		SNATPOOL_ALGO_XXH3_V1, SNATPOOL_ALGO_MAGLEV_V1 };
	static const size_t counts[] = { 0, 1, 15, 16, 17, 37, 1000 };
	static uint8_t srcs[1000][16];
	static uint32_t got[1000];
	struct snatpool *p = tu_pool("198.18.0.255-198.18.1.255,2001:db8::1", 9);
	size_t a, c, i;

	rand_srcs(srcs, 1000, 0x68);
	for (a = 0; a < 3; a++)
		for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
			ck_assert_int_eq(snatpool_select_nat64_burst(p, srcs[0], counts[c],
								     algos[a], got),
					 (int)counts[c]);
			for (i = 0; i < counts[c]; i++) {
				uint32_t idx;

				ck_assert_int_eq(snatpool_select_nat64(p, srcs[i], algos[a],
								       &idx, NULL), 0);
				ck_assert_uint_eq(got[i], idx);
			}
		}
	snatpool_pool_free(p);
}
END_TEST

/* Algorithm 0 means the pool's default, as for snatpool_select(). */
START_TEST(test_default_algo)
{
	SNATPOOL_OPTS(snatpool_pool_opts, o, .default_algo = SNATPOOL_ALGO_XPF_LEGACY_V0);
	struct snatpool *p;
	uint8_t src[16];
	uint32_t a, b;

	ck_assert_int_eq(snatpool_pool_from_spec("198.51.100.0/24", &o, &p, NULL), 0);
	tu_addr("2001:db8:abcd::1", src);
	ck_assert_int_eq(snatpool_select_nat64(p, src, 0, &a, NULL), 0);
	ck_assert_int_eq(snatpool_select_nat64(p, src, SNATPOOL_ALGO_XPF_LEGACY_V0, &b, NULL), 0);
	ck_assert_uint_eq(a, b);
	snatpool_pool_free(p);

	o.default_algo = SNATPOOL_ALGO_XPF_USERSPACE_V1;
	ck_assert_int_eq(snatpool_pool_from_spec("198.51.100.0/24", &o, &p, NULL), 0);
	ck_assert_int_eq(snatpool_select_nat64(p, src, 0, &a, NULL), -SNATPOOL_ENONAT64);
	snatpool_pool_free(p);
}
END_TEST

/* Every error, with the out-parameters left alone. */
START_TEST(test_errors)
{
	struct snatpool *p = tu_pool("198.51.100.1-198.51.100.4,2001:db8::/126", 0);
	struct snatpool *v6only = tu_pool("2001:db8::/126", 0);
	uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8 }, a4[4] = { 1, 2, 3, 4 };
	uint32_t idx = 12345, ids[2] = { 7, 7 };
	const char *msg;

	/* no NAT64 rule: refused, even on a contiguous range for nf */
	ck_assert_int_eq(snatpool_select_nat64(p, src, SNATPOOL_ALGO_XPF_USERSPACE_V1,
					       &idx, a4), -SNATPOOL_ENONAT64);
	ck_assert_int_eq(snatpool_select_nat64(p, src, SNATPOOL_ALGO_LINUX_NF_PERSIST,
					       &idx, a4), -SNATPOOL_ENONAT64);
	ck_assert_int_eq(snatpool_select_nat64_burst(p, src, 1,
						     SNATPOOL_ALGO_XPF_USERSPACE_V1, ids),
			 -SNATPOOL_ENONAT64);
	ck_assert_int_eq(snatpool_select_nat64_burst(p, src, 1,
						     SNATPOOL_ALGO_LINUX_NF_PERSIST, ids),
			 -SNATPOOL_ENONAT64);
	/* an empty burst refuses as a full one does */
	ck_assert_int_eq(snatpool_select_nat64_burst(p, src, 0,
						     SNATPOOL_ALGO_XPF_USERSPACE_V1, ids),
			 -SNATPOOL_ENONAT64);
	ck_assert_int_eq(snatpool_select_nat64_burst(v6only, src, 0, SNATPOOL_ALGO_XXH3_V1,
						     ids), -SNATPOOL_ENOFAMILY);
	/* as snatpool_select(): a missing family first, then the algorithm's rule */
	ck_assert_int_eq(snatpool_select_nat64(v6only, src, SNATPOOL_ALGO_XPF_USERSPACE_V1,
					       &idx, a4), -SNATPOOL_ENOFAMILY);
	/* no IPv4 address: fails closed */
	ck_assert_int_eq(snatpool_select_nat64(v6only, src, SNATPOOL_ALGO_XXH3_V1, &idx, a4),
			 -SNATPOOL_ENOFAMILY);
	ck_assert_int_eq(snatpool_select_nat64(v6only, src, SNATPOOL_ALGO_MAGLEV_V1, &idx, a4),
			 -SNATPOOL_ENOFAMILY);
	ck_assert_int_eq(snatpool_select_nat64(v6only, src, SNATPOOL_ALGO_XPF_LEGACY_V0,
					       &idx, a4), -SNATPOOL_ENOFAMILY);
	ck_assert_int_eq(snatpool_select_nat64_burst(v6only, src, 1, SNATPOOL_ALGO_XXH3_V1,
						     ids), -SNATPOOL_ENOFAMILY);
	/* unknown algorithm */
	ck_assert_int_eq(snatpool_select_nat64(p, src, 99, &idx, a4), -SNATPOOL_EALGO);
	ck_assert_int_eq(snatpool_select_nat64_burst(p, src, 1, 99, ids), -SNATPOOL_EALGO);
	/* bad arguments */
	ck_assert_int_eq(snatpool_select_nat64(NULL, src, 4, &idx, a4), -EINVAL);
	ck_assert_int_eq(snatpool_select_nat64(p, NULL, 4, &idx, a4), -EINVAL);
	ck_assert_int_eq(snatpool_select_nat64_burst(NULL, src, 1, 4, ids), -EINVAL);
	ck_assert_int_eq(snatpool_select_nat64_burst(p, NULL, 1, 4, ids), -EINVAL);
	ck_assert_int_eq(snatpool_select_nat64_burst(p, src, 1, 4, NULL), -EINVAL);
	ck_assert_int_eq(snatpool_select_nat64_burst(p, src, (size_t)INT_MAX + 1, 4, ids),
			 -EINVAL);
	ck_assert_uint_eq(idx, 12345);
	ck_assert_uint_eq(a4[0], 1);
	ck_assert_uint_eq(a4[3], 4);
	ck_assert_uint_eq(ids[0], 7);
	/* a name of its own */
	msg = snatpool_strerror(-SNATPOOL_ENONAT64);
	ck_assert_ptr_nonnull(strstr(msg, "NAT64"));
	ck_assert_int_eq(SNATPOOL_ENONAT64 < SNATPOOL_EERR_END, 1);
	/* NULL out-parameters are fine */
	ck_assert_int_eq(snatpool_select_nat64(p, src, SNATPOOL_ALGO_XXH3_V1, NULL, NULL), 0);
	snatpool_pool_free(p);
	snatpool_pool_free(v6only);
}
END_TEST

/* Single-family selection is untouched by NAT64 use of the same pool. */
START_TEST(test_single_family_unchanged)
{
	static uint8_t srcs[256][16];
	struct snatpool *p = tu_pool("198.51.100.0/28,2001:db8::/124", 0);
	uint32_t before[256], after[256], x;
	size_t i;

	rand_srcs(srcs, 256, 0x69);
	ck_assert_int_eq(snatpool_select_burst(p, AF_INET6, srcs[0], 256,
					       SNATPOOL_ALGO_MAGLEV_V1, before), 256);
	for (i = 0; i < 256; i++)
		ck_assert_int_eq(snatpool_select_nat64(p, srcs[i], SNATPOOL_ALGO_MAGLEV_V1,
						       &x, NULL), 0);
	ck_assert_int_eq(snatpool_select_burst(p, AF_INET6, srcs[0], 256,
					       SNATPOOL_ALGO_MAGLEV_V1, after), 256);
	ck_assert_mem_eq(before, after, sizeof(before));
	snatpool_pool_free(p);
}
END_TEST

/*
 * The dispatch as the dataplanes compile it (no host hooks: the core's
 * XXH3 and SHA-256) against the library, for every algorithm ID.
 */
START_TEST(test_dispatch_nat64_vs_library)
{
	static uint8_t srcs[NSRC][16];
	struct snatpool *p = tu_pool("198.18.0.255-198.18.1.255,2001:db8::/120", 0xdeadbeef);
	struct snp_view_family f4 = { .fam = SNP_FAM4, .alen = 4, .contiguous = 1 };
	const uint16_t *t;
	uint32_t algo, m, v, idx;
	size_t i;

	rand_srcs(srcs, NSRC, 0x6a);
	ck_assert_int_eq(snatpool_maglev_table(p, AF_INET, &t, &m), 0);
	f4.n = (uint32_t)snatpool_pool_count(p, AF_INET);
	f4.msize = m;
	for (algo = 1; algo <= (uint32_t)snatpool_algo_list(NULL, 0); algo++) {
		for (i = 0; i < NSRC; i++) {
			int kind = snp_dispatch_nat64(algo, &f4, 0xdeadbeef, srcs[i], &v);
			int rc = snatpool_select_nat64(p, srcs[i], algo, &idx, NULL);

			if (rc == -SNATPOOL_ENONAT64) {
				ck_assert_int_eq(kind, SNP_PICK_ENONAT64);
				continue;
			}
			ck_assert_int_eq(rc, 0);
			if (kind == SNP_PICK_SLOT)
				v = t[v];
			else
				ck_assert_int_eq(kind, SNP_PICK_INDEX);
			ck_assert_uint_eq(v, idx);
		}
	}
	/* an IPv6 view is no NAT64 target; an empty one fails closed */
	f4.fam = SNP_FAM6;
	ck_assert_int_eq(snp_dispatch_nat64(SNATPOOL_ALGO_XXH3_V1, &f4, 0, srcs[0], &v),
			 SNP_PICK_ENOFAMILY);
	f4.fam = SNP_FAM4;
	f4.n = 0;
	ck_assert_int_eq(snp_dispatch_nat64(SNATPOOL_ALGO_XXH3_V1, &f4, 0, srcs[0], &v),
			 SNP_PICK_ENOFAMILY);
	ck_assert_int_eq(snp_dispatch_nat64(99, &f4, 0, srcs[0], &v), SNP_PICK_ENOFAMILY);
	f4.n = 3;
	ck_assert_int_eq(snp_dispatch_nat64(99, &f4, 0, srcs[0], &v), SNP_PICK_EALGO);
	snatpool_pool_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nat64");
	TCase *tc = tcase_create("select_nat64");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_legacy_rule);
	tcase_add_test(tc, test_xxh3_rule);
	tcase_add_test(tc, test_maglev_rule);
	tcase_add_test(tc, test_maglev_order_free);
	tcase_add_test(tc, test_maglev_minimal_move);
	tcase_add_test(tc, test_burst_equals_single);
	tcase_add_test(tc, test_default_algo);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_single_family_unchanged);
	tcase_add_test(tc, test_dispatch_nat64_vs_library);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

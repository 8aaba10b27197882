/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* check_select.c - snatpool_select(), the burst form, errors, threads. */
#include <errno.h>
#include <pthread.h>

#include "testutil.h"

/* Every registered algorithm: the registry's list (tests/algo_lists.py). */
static uint32_t all_algos[64];
static size_t nalgos;

static void load_algos(void)
{
	int n = snatpool_algo_list(all_algos, 64);

	ck_assert_int_gt(n, 0);
	ck_assert_int_le(n, 64);
	nalgos = (size_t)n;
}

START_TEST(test_fails_closed)
{
	struct snatpool *p = tu_pool("198.51.100.1-198.51.100.4", 0);
	uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8 }, addr[16] = { 0xee };
	uint32_t idx = 777;
	size_t i;

	load_algos();
	for (i = 0; i < nalgos; i++) {
		ck_assert_int_eq(snatpool_select(p, AF_INET6, src, all_algos[i], &idx, addr),
				 -SNATPOOL_ENOFAMILY);
		ck_assert_int_eq(snatpool_select_burst(p, AF_INET6, src, 1, all_algos[i], &idx),
				 -SNATPOOL_ENOFAMILY);
	}
	ck_assert_uint_eq(idx, 777);		/* untouched */
	ck_assert_uint_eq(addr[0], 0xee);
	ck_assert_int_eq(snatpool_select(p, AF_INET, src, (uint32_t)nalgos + 1, &idx, addr),
			 -SNATPOOL_EALGO);
	ck_assert_int_eq(snatpool_select(p, AF_INET, src, UINT32_MAX, &idx, addr), -SNATPOOL_EALGO);
	ck_assert_int_eq(snatpool_select(p, 3, src, 1, &idx, addr), -EINVAL);
	ck_assert_int_eq(snatpool_select(NULL, AF_INET, src, 1, &idx, addr), -EINVAL);
	ck_assert_int_eq(snatpool_select(p, AF_INET, NULL, 1, &idx, addr), -EINVAL);
	ck_assert_int_eq(snatpool_select_burst(p, AF_INET, src, 1, 1, NULL), -EINVAL);
	ck_assert_int_eq(snatpool_select_burst(p, AF_INET, src, 0, 1, &idx), 0);
	ck_assert_int_eq(snatpool_select(p, AF_INET, src, 1, NULL, NULL), 0);
	ck_assert_uint_eq(idx, 777);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_nf_needs_range)
{
	static const char *const bad[] = {
		"198.51.100.2,198.51.100.1", "198.51.100.1,198.51.100.3",
		"2001:db8::ffff:ffff-2001:db8::1:0:1", "2001:db8::1,2001:db8:1::2",
		"255.255.255.255,0.0.0.0",
	};
	static const char *const good[] = {
		"198.51.100.1", "198.51.100.1,198.51.100.2,198.51.100.3",
		"198.51.100.0/24,198.51.101.0", "2001:db8::ffff:fff0-2001:db8::ffff:ffff",
	};
	uint8_t src[16] = { 10, 1, 2, 3 };
	uint32_t idx;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct snatpool *p = tu_pool(bad[i], 0);
		int fam = snatpool_pool_count(p, AF_INET) ? AF_INET : AF_INET6;

		ck_assert_msg(snatpool_select(p, fam, src, SNATPOOL_ALGO_LINUX_NF_PERSIST,
					      &idx, NULL) == -SNATPOOL_ENOTRANGE, "%s", bad[i]);
		/* The other algorithms take any pool. */
		ck_assert_int_eq(snatpool_select(p, fam, src, SNATPOOL_ALGO_XXH3_V1, &idx, NULL), 0);
		snatpool_pool_free(p);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct snatpool *p = tu_pool(good[i], 0);
		int fam = snatpool_pool_count(p, AF_INET) ? AF_INET : AF_INET6;

		ck_assert_msg(snatpool_select(p, fam, src, SNATPOOL_ALGO_LINUX_NF_PERSIST,
					      &idx, NULL) == 0, "%s", good[i]);
		snatpool_pool_free(p);
	}
}
END_TEST

/* Every algorithm: index in range, address = pool address at index,
 * burst = single, default algo honoured. */
START_TEST(test_index_addr_burst)
{
	static const char *const specs[] = {
		"198.51.100.9", "198.51.100.0-198.51.100.2,2001:db8::1-2001:db8::3",
		"100.64.0.0/22,2001:db8:400::/118",
	};
	uint64_t rng = 99;
	size_t s, a, i;

	load_algos();
	for (s = 0; s < 3; s++) {
		struct snatpool *p = tu_pool(specs[s], 0x1234);

		for (a = 0; a < nalgos; a++) {
			int fam;

			for (fam = AF_INET; fam; fam = fam == AF_INET ? AF_INET6 : 0) {
				int alen = fam == AF_INET ? 4 : 16;
				uint8_t srcs[256 * 16], got[16], want[16];
				uint32_t idx[256], one;
				size_t n = snatpool_pool_count(p, fam);

				if (!n)
					continue;
				tu_randbytes(&rng, srcs, sizeof(srcs));
				ck_assert_int_eq(snatpool_select_burst(p, fam, srcs, 256,
								       all_algos[a], idx), 256);
				for (i = 0; i < 256; i++) {
					ck_assert_int_eq(snatpool_select(p, fam, srcs + i * alen,
									 all_algos[a], &one, got), 0);
					ck_assert_uint_eq(one, idx[i]);
					ck_assert_uint_lt(one, n);
					snatpool_pool_addr(p, fam, one, want);
					ck_assert_mem_eq(got, want, (size_t)alen);
				}
			}
		}
		snatpool_pool_free(p);
	}
}
END_TEST

START_TEST(test_default_algo)
{
	SNATPOOL_OPTS(snatpool_pool_opts, o, .default_algo = SNATPOOL_ALGO_XPF_LEGACY_V0);
	struct snatpool *p;
	uint8_t src[4] = { 10, 0, 1, 100 };
	uint32_t idx;

	ck_assert_int_eq(snatpool_pool_from_spec("198.51.100.1-198.51.100.7", &o, &p, NULL), 0);
	ck_assert_int_eq(snatpool_select(p, AF_INET, src, 0, &idx, NULL), 0);
	ck_assert_uint_eq(idx, 0x6401000au % 7);
	snatpool_pool_free(p);
}
END_TEST

/* The seed moves the seeded algorithms only. */
START_TEST(test_seed)
{
	struct snatpool *p0 = tu_pool("100.64.0.0/22", 0), *p1 = tu_pool("100.64.0.0/22", 1);
	uint64_t rng = 5;
	int moved[6] = { 0 };
	uint32_t a, i0, i1;
	int k;

	for (k = 0; k < 200; k++) {
		uint8_t src[4];

		tu_randbytes(&rng, src, 4);
		for (a = 1; a <= 5; a++) {
			snatpool_select(p0, AF_INET, src, a, &i0, NULL);
			snatpool_select(p1, AF_INET, src, a, &i1, NULL);
			moved[a] += i0 != i1;
		}
	}
	ck_assert_int_eq(moved[1] + moved[2] + moved[3], 0);
	ck_assert_int_gt(moved[4], 150);
	ck_assert_int_gt(moved[5], 150);
	snatpool_pool_free(p0);
	snatpool_pool_free(p1);
}
END_TEST

struct thr {
	const struct snatpool *p;
	uint64_t seed;
	uint32_t out[2000];
};

static void *thr_run(void *arg)
{
	struct thr *t = arg;
	uint64_t rng = t->seed;
	int i;

	for (i = 0; i < 2000; i++) {
		uint8_t src[16];
		uint32_t algo = (uint32_t)(i % 5) + 1;

		tu_randbytes(&rng, src, 16);
		if (snatpool_select(t->p, i & 1 ? AF_INET6 : AF_INET, src, algo, &t->out[i], NULL))
			t->out[i] = UINT32_MAX;
	}
	return NULL;
}

/* One pool, many threads, no lock: the same answers as one thread. */
START_TEST(test_threads)
{
	struct snatpool *p = tu_pool("198.51.100.0-198.51.100.63,2001:db8::-2001:db8::3f", 7);
	static struct thr t[4], ref;
	pthread_t th[4];
	int i;

	ref.p = p;
	ref.seed = 1;
	thr_run(&ref);
	for (i = 0; i < 4; i++) {
		t[i].p = p;
		t[i].seed = 1;
		ck_assert_int_eq(pthread_create(&th[i], NULL, thr_run, &t[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_mem_eq(t[i].out, ref.out, sizeof(ref.out));
	}
	for (i = 0; i < 2000; i++)
		ck_assert_uint_lt(ref.out[i], 64);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_maglev_export)
{
	struct snatpool *p = tu_pool("198.51.100.0-198.51.100.2", 0);
	const uint16_t *tab = NULL;
	uint32_t m = 0, i;

	ck_assert_int_eq(snatpool_maglev_table(p, AF_INET, &tab, &m), 0);
	ck_assert_uint_eq(m, SNATPOOL_MAGLEV_SIZE);
	for (i = 0; i < m; i++)
		ck_assert_uint_lt(tab[i], 3);
	ck_assert_int_eq(snatpool_maglev_table(p, AF_INET6, &tab, &m), -SNATPOOL_ENOFAMILY);
	ck_assert_int_eq(snatpool_maglev_table(p, 5, &tab, &m), -EINVAL);
	ck_assert_int_eq(snatpool_maglev_table(p, AF_INET, NULL, &m), -EINVAL);
	snatpool_pool_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("select");
	TCase *tc = tcase_create("select");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_fails_closed);
	tcase_add_test(tc, test_nf_needs_range);
	tcase_add_test(tc, test_index_addr_burst);
	tcase_add_test(tc, test_default_algo);
	tcase_add_test(tc, test_seed);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_maglev_export);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

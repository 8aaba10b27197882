/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * check_maglev.c - snatpool-maglev-v1: a second implementation written from
 * docs/algorithms.md (table size, permutation, population) must give the
 * library's table slot for slot; then the properties the algorithm
 * promises: order independence, disruption on removal, balance.
 */
#include <stdbool.h>
#include <stdio.h>

#include "testutil.h"
#include "xxh_ref.h"

static uint32_t doc_is_prime(uint32_t m)
{
	uint32_t d;

	for (d = 2; d * d <= m; d++)
		if (m % d == 0)
			return 0;
	return m >= 2;
}

/* The doc's default table size: the largest prime below 2^18. */
static uint32_t doc_size(void)
{
	uint32_t m = (1u << 18) - 1;

	while (!doc_is_prime(m))
		m--;
	return m;
}

struct doc_addr {
	uint8_t key[17];
	size_t klen;
	uint32_t cfg;		/* configured-order index */
};

static int doc_cmp(const void *a, const void *b)
{
	const struct doc_addr *x = a, *y = b;

	return memcmp(x->key + 1, y->key + 1, x->klen - 1);
}

/* The model's 32-bit entries against the library's 16-bit ones. */
static bool tables_equal(const uint32_t *doc, const uint16_t *lib, uint32_t m)
{
	uint32_t i;

	for (i = 0; i < m; i++)
		if (doc[i] != lib[i])
			return false;
	return true;
}

/* The doc's population, transcribed; returns a malloc'd table of *m entries. */
static uint32_t *doc_table(const struct snatpool *p, int fam, uint64_t seed,
			   uint32_t msize, uint32_t *m)
{
	uint32_t n = (uint32_t)snatpool_pool_count(p, fam), i, filled = 0;
	struct doc_addr *a = calloc(n, sizeof(*a));
	uint64_t *next = calloc(n, sizeof(*next)), *off = calloc(n, 8), *skip = calloc(n, 8);
	uint32_t *entry;

	*m = msize ? msize : doc_size();
	entry = malloc(sizeof(*entry) * *m);
	for (i = 0; i < n; i++) {
		a[i].key[0] = fam == AF_INET ? 4 : 6;
		a[i].klen = fam == AF_INET ? 5 : 17;
		a[i].cfg = i;
		snatpool_pool_addr(p, fam, i, a[i].key + 1);
	}
	qsort(a, n, sizeof(*a), doc_cmp);
	for (i = 0; i < n; i++) {
		off[i] = ref_xxh3(a[i].key, a[i].klen, seed) % *m;
		skip[i] = ref_xxh3(a[i].key, a[i].klen, seed ^ 0x9e3779b97f4a7c15ull) % (*m - 1) + 1;
	}
	for (i = 0; i < *m; i++)
		entry[i] = UINT32_MAX;
	for (;;) {
		for (i = 0; i < n; i++) {
			uint64_t c = (off[i] + next[i] * skip[i]) % *m;

			while (entry[c] != UINT32_MAX) {
				next[i]++;
				c = (off[i] + next[i] * skip[i]) % *m;
			}
			entry[c] = a[i].cfg;
			next[i]++;
			if (++filled == *m)
				goto done;
		}
	}
done:
	free(a); free(next); free(off); free(skip);
	return entry;
}

START_TEST(test_table_matches_doc)
{
	static const char *const specs[] = {
		"198.51.100.9", "203.0.113.9,198.51.100.1,192.0.2.77",
		"198.51.100.0/24,203.0.113.1", "2001:db8::1-2001:db8::3,2001:db8:1::/126",
	};
	static const uint64_t seeds[] = { 0, 0x0123456789abcdefull };
	static const uint32_t sizes[] = { 0, 1031, 65537 };
	size_t s, k, z;

	for (s = 0; s < 4; s++)
		for (k = 0; k < 2; k++)
		for (z = 0; z < 3; z++) {
			SNATPOOL_OPTS(snatpool_pool_opts, o, .seed = seeds[k],
				      .maglev_size = sizes[z]);
			struct snatpool *p;
			int fam;
			const uint16_t *lib;
			uint32_t m, lm, *doc;

			ck_assert_int_eq(snatpool_pool_from_spec(specs[s], &o, &p, NULL), 0);
			fam = snatpool_pool_count(p, AF_INET) ? AF_INET : AF_INET6;
			doc = doc_table(p, fam, seeds[k], sizes[z], &m);

			ck_assert_int_eq(snatpool_maglev_table(p, fam, &lib, &lm), 0);
			ck_assert_uint_eq(lm, m);
			ck_assert_msg(tables_equal(doc, lib, m), "%s", specs[s]);
			free(doc);
			snatpool_pool_free(p);
		}
}
END_TEST

/*
 * A full family (SNATPOOL_MAX_ADDRS = 2^16 addresses, the largest index
 * 65535) still matches the doc: the 16-bit entries hold every index.
 */
START_TEST(test_table_full_family)
{
	SNATPOOL_OPTS(snatpool_pool_opts, o, .seed = 5, .maglev_size = 65537);
	struct snatpool *p;
	const uint16_t *lib;
	uint32_t m, lm, *doc, i, top = 0;

	ck_assert_int_eq(snatpool_pool_from_spec("10.0.0.0/16", &o, &p, NULL), 0);
	ck_assert_uint_eq(snatpool_pool_count(p, AF_INET), SNATPOOL_MAX_ADDRS);
	doc = doc_table(p, AF_INET, 5, 65537, &m);
	ck_assert_int_eq(snatpool_maglev_table(p, AF_INET, &lib, &lm), 0);
	ck_assert_uint_eq(lm, m);
	ck_assert(tables_equal(doc, lib, m));
	for (i = 0; i < m; i++)
		top = lib[i] > top ? lib[i] : top;
	ck_assert_uint_eq(top, SNATPOOL_MAX_ADDRS - 1);
	free(doc);
	snatpool_pool_free(p);
}
END_TEST

/* Addresses 10.(i>>8).(i&255).1 for i in @ids, comma-joined. */
static char *spec_of(const uint32_t *ids, size_t n)
{
	char *s = malloc(n * 20 + 1), *q = s;
	size_t i;

	for (i = 0; i < n; i++)
		q += sprintf(q, "%s10.%u.%u.1", i ? "," : "", ids[i] >> 8, ids[i] & 255);
	return s;
}

static uint32_t pick_addr(const struct snatpool *p, const uint8_t *src)
{
	uint8_t a[4];
	uint32_t idx;

	ck_assert_int_eq(snatpool_select(p, AF_INET, src, SNATPOOL_ALGO_MAGLEV_V1, &idx, a), 0);
	return (uint32_t)a[1] << 8 | a[2];
}

#define NSRC 100000

START_TEST(test_order_independent)
{
	uint32_t ids[257], i;
	uint64_t rng = 77;
	struct snatpool *p1, *p2;
	char *s1, *s2;

	for (i = 0; i < 257; i++)
		ids[i] = i;
	s1 = spec_of(ids, 257);
	for (i = 256; i > 0; i--) {	/* Fisher-Yates */
		uint32_t j = (uint32_t)(tu_rand(&rng) % (i + 1)), t = ids[i];

		ids[i] = ids[j];
		ids[j] = t;
	}
	s2 = spec_of(ids, 257);
	p1 = tu_pool(s1, 9);
	p2 = tu_pool(s2, 9);
	for (i = 0; i < NSRC; i++) {
		uint8_t src[4];

		tu_randbytes(&rng, src, 4);
		ck_assert_uint_eq(pick_addr(p1, src), pick_addr(p2, src));
	}
	snatpool_pool_free(p1);
	snatpool_pool_free(p2);
	free(s1);
	free(s2);
}
END_TEST

/* Remove one address of n: only its own sources move, plus <= 1% of others. */
static void disruption(uint32_t n, uint32_t removed)
{
	uint32_t *ids = malloc(sizeof(*ids) * n), i, k = 0;
	uint64_t rng = n;
	size_t others = 0, moved = 0;
	struct snatpool *full, *less;
	char *s1, *s2;

	for (i = 0; i < n; i++)
		ids[i] = i;
	s1 = spec_of(ids, n);
	for (i = 0; i < n; i++)
		if (i != removed)
			ids[k++] = i;
	s2 = spec_of(ids, k);
	full = tu_pool(s1, 0);
	less = tu_pool(s2, 0);
	for (i = 0; i < NSRC; i++) {
		uint8_t src[4];
		uint32_t a, b;

		tu_randbytes(&rng, src, 4);
		a = pick_addr(full, src);
		b = pick_addr(less, src);
		ck_assert_uint_ne(b, removed);
		if (a == removed)
			continue;
		others++;
		moved += a != b;
	}
	ck_assert_msg(moved * 100 <= others, "n=%u: %zu of %zu others moved", n, moved, others);
	snatpool_pool_free(full);
	snatpool_pool_free(less);
	free(s1);
	free(s2);
	free(ids);
}

START_TEST(test_disruption)
{
	disruption(2, 1);
	disruption(8, 3);
	disruption(64, 0);
	disruption(257, 200);
	disruption(1000, 999);
	disruption(4096, 1234);
}
END_TEST

/* Every address within 2% of the mean share of slots (n <= 4096). */
START_TEST(test_balance)
{
	static const uint32_t ns[] = { 1, 3, 7, 64, 257, 1000, 4096 };
	size_t k;

	for (k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		uint32_t n = ns[k], *ids = malloc(sizeof(*ids) * n), m, i;
		uint64_t *cnt = calloc(n, sizeof(*cnt));
		const uint16_t *tab;
		struct snatpool *p;
		char *s;
		double mean;

		for (i = 0; i < n; i++)
			ids[i] = i;
		s = spec_of(ids, n);
		p = tu_pool(s, 3);
		ck_assert_int_eq(snatpool_maglev_table(p, AF_INET, &tab, &m), 0);
		ck_assert_uint_eq(m, doc_size());
		for (i = 0; i < m; i++)
			cnt[tab[i]]++;
		mean = (double)m / n;
		for (i = 0; i < n; i++)
			ck_assert_msg(cnt[i] >= mean * 0.98 && cnt[i] <= mean * 1.02,
				      "n=%u addr %u has %lu slots, mean %.1f", n, i,
				      (unsigned long)cnt[i], mean);
		snatpool_pool_free(p);
		free(s);
		free(ids);
		free(cnt);
	}
}
END_TEST

START_TEST(test_size_rule)
{
	struct snatpool *p = NULL;
	struct snatpool_diag d;
	const uint16_t *t;
	uint32_t m;

	ck_assert_uint_eq(doc_size(), SNATPOOL_MAGLEV_SIZE);
	p = tu_pool("10.0.0.1-10.0.0.9", 0);
	ck_assert_int_eq(snatpool_maglev_table(p, AF_INET, &t, &m), 0);
	ck_assert_uint_eq(m, SNATPOOL_MAGLEV_SIZE);
	snatpool_pool_free(p);
	{
		SNATPOOL_OPTS(snatpool_pool_opts, o, .maglev_size = 1000);	/* not prime */
		p = NULL;
		ck_assert_int_eq(snatpool_pool_from_spec("10.0.0.1", &o, &p, &d),
				 -SNATPOOL_EMAGLEV);
		ck_assert_str_eq(d.token, "1000");
		ck_assert_ptr_null(p);
	}
	{
		SNATPOOL_OPTS(snatpool_pool_opts, o, .maglev_size = 7);	/* prime < n */
		ck_assert_int_eq(snatpool_pool_from_spec("10.0.0.1-10.0.0.9", &o, &p, &d),
				 -SNATPOOL_EMAGLEV);
	}
	{
		SNATPOOL_OPTS(snatpool_pool_opts, o, .maglev_size = 11,
			      .default_algo = SNATPOOL_ALGO_MAGLEV_V1);
		ck_assert_int_eq(snatpool_pool_from_spec("10.0.0.1-10.0.0.9", &o, &p, &d), 0);
		ck_assert_int_eq(snatpool_maglev_table(p, AF_INET, &t, &m), 0);
		ck_assert_uint_eq(m, 11);
		snatpool_pool_free(p);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("maglev");
	TCase *tc = tcase_create("maglev");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_size_rule);
	tcase_add_test(tc, test_table_matches_doc);
	tcase_add_test(tc, test_table_full_family);
	tcase_add_test(tc, test_order_independent);
	tcase_add_test(tc, test_disruption);
	tcase_add_test(tc, test_balance);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

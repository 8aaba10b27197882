/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * check_table_workers.c - tables for several workers: snatpool_table_worker()
 * and the port stripes (snatpool_table_opts.workers).  A claim takes a port
 * of its worker's stripe, another stripe only when that one is full, so a
 * space is exhausted exactly when it is with one worker; what a stripe
 * frees goes back to that stripe; lookups, snapshots and the HA stream do
 * not care how a table was striped.
 */
#include <check.h>

#include "testutil.h"
#include "table_testutil.h"

#define LO 1024
#define HI 1279		/* 256 ports: stripes of 128 with 2 workers */

static struct snatpool *pool;

static struct snatpool_table *mk_on(struct snatpool *p, uint32_t workers, uint32_t shards,
				    uint32_t flags)
{
	SNATPOOL_OPTS(snatpool_table_opts, o, .permit = SNATPOOL_PERMIT_ANY_REMOTE_HOST,
		      .max_mappings = 4096, .seed = 5, .workers = workers, .shards = shards,
		      .flags = flags, .delta_capacity = 4096);
	struct snatpool_table *t = NULL;

	ck_assert_int_eq(snatpool_table_new(p, &o, &t), 0);
	return t;
}

static struct snatpool_table *mk(uint32_t workers, uint32_t shards, uint32_t flags)
{
	return mk_on(pool, workers, shards, flags);
}

/* The first source number >= @from whose worker is @w. */
static uint32_t src_of(struct snatpool_table *t, int w, uint32_t from)
{
	for (;; from++) {
		struct snatpool_flow f = tt_flown(IPPROTO_UDP, from, 1);

		if (snatpool_table_worker(t, AF_INET, f.src) == w)
			return from;
	}
}

START_TEST(test_opts_and_worker)
{
	SNATPOOL_OPTS(snatpool_table_opts, o, .workers = 65, .shards = 64);
	struct snatpool_portblock *pb = NULL;
	struct snatpool_table *t = NULL;
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	int seen[4] = { 0 }, w;
	uint32_t i;

	ck_assert_int_eq(snatpool_table_new(pool, &o, &t), -EINVAL);	/* > shards */
	ck_assert_ptr_null(t);
	o.workers = 2;
	{
		SNATPOOL_OPTS(snatpool_portblock_opts, po, .family = AF_INET, .count = 2,
			      .block_size = 128, .base = { 100, 64, 0, 0 });

		ck_assert_int_eq(snatpool_portblock_new(pool, &po, &pb), 0);
	}
	o.portblock = pb;
	ck_assert_int_eq(snatpool_table_new(pool, &o, &t), -EINVAL);	/* blocks: one stripe */
	ck_assert_ptr_null(t);
	snatpool_portblock_free(pb);

	t = mk(4, 16, 0);
	ck_assert_int_eq(snatpool_table_worker(NULL, AF_INET, v6), -EINVAL);
	ck_assert_int_eq(snatpool_table_worker(t, AF_INET, NULL), -EINVAL);
	ck_assert_int_eq(snatpool_table_worker(t, 99, v6), -EINVAL);
	for (i = 0; i < 1000; i++) {
		struct snatpool_flow f = tt_flown(IPPROTO_UDP, i, 1);

		w = snatpool_table_worker(t, AF_INET, f.src);
		ck_assert_int_ge(w, 0);
		ck_assert_int_lt(w, 4);
		ck_assert_int_eq(snatpool_table_worker(t, AF_INET, f.src), w);	/* stable */
		seen[w]++;
	}
	for (w = 0; w < 4; w++)	/* shards are spread: each worker gets a fair share */
		ck_assert_int_gt(seen[w], 150);
	w = snatpool_table_worker(t, AF_INET6, v6);
	ck_assert_int_ge(w, 0);
	/* a NAT64 key lives in its IPv6 source's shard */
	ck_assert_int_eq(snatpool_table_worker(t, SNATPOOL_AF_NAT64, v6), w);
	snatpool_table_free(t);

	t = mk(0, 16, 0);		/* one worker: always 0 */
	for (i = 0; i < 100; i++) {
		struct snatpool_flow f = tt_flown(IPPROTO_UDP, i, 1);

		ck_assert_int_eq(snatpool_table_worker(t, AF_INET, f.src), 0);
	}
	snatpool_table_free(t);
}
END_TEST

/* Each worker's claims take its own stripe first; the original port is kept
 * only inside it. */
START_TEST(test_home_stripe)
{
	struct snatpool_table *t = mk(2, 2, 0);
	struct snatpool_mapping m;
	uint32_t s0 = src_of(t, 0, 0), s1 = src_of(t, 1, 0);
	struct snatpool_flow f;
	uint16_t i;

	for (i = 0; i < 100; i++) {
		f = tt_flown(IPPROTO_UDP, s0, (uint16_t)(20000 + i));	/* not in range */
		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
		ck_assert_uint_lt(m.xport, LO + 128);
		f = tt_flown(IPPROTO_UDP, s1, (uint16_t)(20000 + i));
		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
		ck_assert_uint_ge(m.xport, LO + 128);
	}
	/* an original port in the worker's stripe is kept ... */
	f = tt_flown(IPPROTO_UDP, s1, HI);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_uint_eq(m.xport, HI);
	ck_assert(m.flags & SNATPOOL_MAP_F_PRESERVED);
	/* ... one in the other worker's stripe is not, while its own has room */
	f = tt_flown(IPPROTO_UDP, s1, LO + 127);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_uint_ge(m.xport, LO + 128);
	ck_assert(!(m.flags & SNATPOOL_MAP_F_PRESERVED));
	snatpool_table_free(t);
}
END_TEST

/* One worker alone can take every port: its stripe, then the other; the
 * space is exhausted exactly when every port is owned; ports freed go
 * back to their own stripe. */
START_TEST(test_fallback_exhaustion)
{
	SNATPOOL_OPTS(snatpool_table_stats, st);
	struct snatpool_table *t = mk(2, 2, SNATPOOL_TABLE_F_NO_PRESERVE);
	struct snatpool_mapping m;
	uint32_t s0 = src_of(t, 0, 0), s1 = src_of(t, 1, 0);
	uint8_t seen[HI - LO + 1] = { 0 };
	struct snatpool_flow f;
	uint16_t i, last = 0;

	for (i = 0; i <= HI - LO; i++) {
		f = tt_flown(IPPROTO_UDP, s0, (uint16_t)(1 + i));
		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
		ck_assert_uint_ge(m.xport, LO);
		ck_assert_uint_le(m.xport, HI);
		ck_assert(!seen[m.xport - LO]);
		seen[m.xport - LO] = 1;
		/* its own stripe first */
		ck_assert(i < 128 ? m.xport < LO + 128 : m.xport >= LO + 128);
		last = m.xport;
	}
	f = tt_flown(IPPROTO_UDP, s0, 5000);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), -SNATPOOL_EEXHAUSTED);
	f = tt_flown(IPPROTO_UDP, s1, 5000);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), -SNATPOOL_EEXHAUSTED);
	ck_assert_int_eq(snatpool_table_stats(t, &st), 0);
	ck_assert_uint_eq(st.ports_allocated, HI - LO + 1);

	/* the last port, of stripe 1, rolled back: worker 1 gets it at once */
	f = tt_flown(IPPROTO_UDP, s0, (uint16_t)(1 + HI - LO));
	ck_assert_int_eq(snatpool_table_rollback(t, &f, 1), 0);
	f = tt_flown(IPPROTO_UDP, s1, 5000);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_uint_eq(m.xport, last);
	/* inbound lookups find owners in both stripes */
	ck_assert_int_eq(snatpool_table_lookup_xlat(t, AF_INET, IPPROTO_UDP, m.xaddr, LO, 1,
						    &m), 0);
	ck_assert_uint_eq(m.sport, 1);
	ck_assert_int_eq(snatpool_table_lookup_xlat(t, AF_INET, IPPROTO_UDP, m.xaddr, HI - 1,
						    1, &m), 0);
	ck_assert_uint_eq(m.sport, HI - LO);
	snatpool_table_free(t);
}
END_TEST

/* Spaces too small for every stripe: stripes start on 64-port words, so
 * some are empty; every port is still reachable from every worker. */
START_TEST(test_small_space)
{
	struct snatpool *p = tt_pool("198.51.100.7", LO, LO + 76);	/* 77 ports */
	SNATPOOL_OPTS(snatpool_table_opts, o, .permit = SNATPOOL_PERMIT_NONE,
		      .max_mappings = 4096, .seed = 5, .workers = 4, .shards = 4,
		      .flags = SNATPOOL_TABLE_F_NO_PRESERVE);
	struct snatpool_table *t = NULL;
	struct snatpool_mapping m;
	struct snatpool_flow f;
	uint8_t seen[77] = { 0 };
	int w, n = 0;

	ck_assert_int_eq(snatpool_table_new(p, &o, &t), 0);
	for (w = 0; w < 4; w++) {
		uint32_t s = src_of(t, w, 0);
		int i;

		for (i = 0; i < 19 + (w == 3); i++, n++) {
			f = tt_flown(IPPROTO_TCP, s, (uint16_t)(100 + i));
			ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
			ck_assert(!seen[m.xport - LO]);
			seen[m.xport - LO] = 1;
		}
	}
	ck_assert_int_eq(n, 77);
	f = tt_flown(IPPROTO_TCP, src_of(t, 2, 0), 99);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), -SNATPOOL_EEXHAUSTED);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

static int count_cb(const struct snatpool_mapping *m, void *ctx)
{
	(void)m;
	(*(int *)ctx)++;
	return 0;
}

/* Snapshots and the HA stream move between tables of any worker count. */
START_TEST(test_snapshot_and_stream)
{
	struct snatpool *p = tt_pool("198.51.100.16/28", 1024, 65535);
	struct snatpool_table *a = mk_on(p, 2, 4, 0), *b = mk_on(p, 0, 4, 0),
			      *c = mk_on(p, 4, 4, 0);
	struct snatpool_mapping m, n;
	uint8_t *buf, rec[4096 * SNATPOOL_DELTA_RECORD_SIZE];
	uint32_t i;
	long len, dl;
	int cnt = 0;

	for (i = 0; i < 500; i++) {
		struct snatpool_flow f = tt_flown(IPPROTO_UDP, i, (uint16_t)(1024 + i % 200));

		ck_assert_int_eq(snatpool_table_claim(a, &f, 1, NULL), 0);
		if (i % 3 == 0)
			ck_assert_int_eq(snatpool_table_release(a, &f, 2), 0);
	}
	len = snatpool_table_snapshot(a, 3, NULL, 0);
	ck_assert_int_gt(len, 0);
	buf = malloc((size_t)len);
	ck_assert_int_eq(snatpool_table_snapshot(a, 3, buf, (size_t)len), len);
	ck_assert_int_eq(snatpool_table_load_mem(b, buf, (size_t)len, 3), 500);
	dl = snatpool_table_delta_export(a, rec, sizeof(rec));
	ck_assert_int_gt(dl, 0);
	ck_assert_int_ge(snatpool_table_delta_import(c, rec, (size_t)dl, 3, NULL), 0);
	for (i = 0; i < 500; i++) {
		struct snatpool_flow f = tt_flown(IPPROTO_UDP, i, (uint16_t)(1024 + i % 200));

		ck_assert_int_eq(snatpool_table_lookup(a, &f, 3, &m), 0);
		ck_assert_int_eq(snatpool_table_lookup(b, &f, 3, &n), 0);
		ck_assert_uint_eq(m.xport, n.xport);
		ck_assert_uint_eq(m.xindex, n.xindex);
		ck_assert_int_eq(snatpool_table_lookup(c, &f, 3, &n), 0);
		ck_assert_uint_eq(m.xport, n.xport);
		ck_assert_uint_eq(m.xindex, n.xindex);
	}
	ck_assert_int_eq(snatpool_table_walk(c, 3, count_cb, &cnt), 0);
	ck_assert_int_eq(cnt, 500);
	free(buf);
	snatpool_table_free(a);
	snatpool_table_free(b);
	snatpool_table_free(c);
	snatpool_pool_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("table_workers");
	TCase *tc = tcase_create("workers");
	int rc;

	pool = tt_pool("198.51.100.1", LO, HI);
	tcase_add_test(tc, test_opts_and_worker);
	tcase_add_test(tc, test_home_stripe);
	tcase_add_test(tc, test_fallback_exhaustion);
	tcase_add_test(tc, test_small_space);
	tcase_add_test(tc, test_snapshot_and_stream);
	suite_add_tcase(s, tc);
	rc = tu_run(s);
	snatpool_pool_free(pool);
	return rc;
}

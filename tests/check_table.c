/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* check_table.c - claim, release, rollback, leases, expiry, permits, counters, events. */
#include <limits.h>
#include <pthread.h>

#include "testutil.h"
#include "table_testutil.h"

static struct snatpool_table *mk(const struct snatpool *p, struct snatpool_table_opts *o)
{
	struct snatpool_table *t = NULL;
	int err = snatpool_table_new(p, o, &t);

	ck_assert_msg(!err, "table_new: %s", snatpool_strerror(err));
	return t;
}

static struct snatpool_table_stats stats(struct snatpool_table *t)
{
	SNATPOOL_OPTS(snatpool_table_stats, st);

	ck_assert_int_eq(snatpool_table_stats(t, &st), 0);
	return st;
}

START_TEST(test_new_errors)
{
	struct snatpool *p = tt_pool("198.51.100.1", 1024, 65535);
	struct snatpool_table *t = (void *)1;
	struct {
		struct snatpool_table_opts o;
		uint64_t tail;
	} big;

	ck_assert_int_eq(snatpool_table_new(NULL, NULL, &t), -EINVAL);
	ck_assert_int_eq(snatpool_table_new(p, NULL, NULL), -EINVAL);
	{
		SNATPOOL_OPTS(snatpool_table_opts, o, .shards = 3);
		ck_assert_int_eq(snatpool_table_new(p, &o, &t), -EINVAL);
	}
	{
		SNATPOOL_OPTS(snatpool_table_opts, o, .strategy = 7);
		ck_assert_int_eq(snatpool_table_new(p, &o, &t), -EINVAL);
	}
	{
		SNATPOOL_OPTS(snatpool_table_opts, o, .flags = 1u << 20);
		ck_assert_int_eq(snatpool_table_new(p, &o, &t), -EINVAL);
	}
	{
		SNATPOOL_OPTS(snatpool_table_opts, o, .permit = 9);
		ck_assert_int_eq(snatpool_table_new(p, &o, &t), -EINVAL);
	}
	{
		SNATPOOL_OPTS(snatpool_table_opts, o, .util_raise_pct = 50, .util_clear_pct = 60);
		ck_assert_int_eq(snatpool_table_new(p, &o, &t), -EINVAL);
	}
	{
		SNATPOOL_OPTS(snatpool_table_opts, o, .algo = 999);
		ck_assert_int_eq(snatpool_table_new(p, &o, &t), -SNATPOOL_EALGO);
	}
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.tail = 1;
	ck_assert_int_eq(snatpool_table_new(p, &big.o, &t), -EINVAL);
	ck_assert_ptr_eq(t, (void *)1);		/* untouched on error */
	big.tail = 0;
	ck_assert_int_eq(snatpool_table_new(p, &big.o, &t), 0);
	snatpool_table_free(t);
	snatpool_table_free(NULL);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_claim_release)
{
	struct snatpool *p = tt_pool("198.51.100.1-198.51.100.2", 1024, 65535);
	struct snatpool_table *t = mk(p, NULL);
	struct snatpool_flow f = tt_flow(IPPROTO_UDP, "10.0.0.1", 5000, "192.0.2.1", 53);
	struct snatpool_mapping m, m2;
	struct snatpool_table_stats st;

	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert(m.flags & SNATPOOL_MAP_F_NEW);
	ck_assert(m.flags & SNATPOOL_MAP_F_PRESERVED);
	ck_assert_int_eq(m.xport, 5000);
	ck_assert_int_eq(m.flows, 1);
	ck_assert_int_eq(snatpool_table_lookup(t, &f, 1, &m2), 0);
	ck_assert_int_eq(m2.xport, 5000);
	ck_assert_int_eq(m2.xindex, m.xindex);
	ck_assert_int_eq(snatpool_table_lookup_xlat(t, AF_INET, IPPROTO_UDP, m.xaddr,
						    5000, 1, &m2), 0);
	ck_assert(!memcmp(m2.src, f.src, 4));
	ck_assert_int_eq(snatpool_table_lookup_xlat(t, AF_INET, IPPROTO_TCP, m.xaddr,
						    5000, 1, &m2), -ENOENT);
	/* a second flow of the same key shares the tuple */
	f.dport = 54;
	ck_assert_int_eq(snatpool_table_claim(t, &f, 2, &m2), 0);
	ck_assert(m2.flags & SNATPOOL_MAP_F_REUSED);
	ck_assert_int_eq(m2.xport, m.xport);
	ck_assert_int_eq(m2.flows, 2);
	st = stats(t);
	ck_assert_uint_eq(st.live_flows, 2);
	ck_assert_uint_eq(st.total_mappings, 1);
	ck_assert_uint_eq(st.total_udp_mappings, 1);
	ck_assert_uint_eq(st.ports_allocated, 1);
	ck_assert_uint_eq(st.allocations, 1);
	ck_assert_uint_eq(st.reuses, 1);
	ck_assert_int_eq(snatpool_table_release(t, &f, 3), 0);
	ck_assert_int_eq(snatpool_table_release(t, &f, 3), 0);
	ck_assert_int_eq(snatpool_table_release(t, &f, 3), -ENOENT);
	/* no persistent NAT: gone with its last flow */
	ck_assert_int_eq(snatpool_table_lookup(t, &f, 3, &m2), -ENOENT);
	st = stats(t);
	ck_assert_uint_eq(st.live_flows, 0);
	ck_assert_uint_eq(st.total_mappings, 0);
	ck_assert_uint_eq(st.ports_allocated, 0);
	ck_assert_uint_eq(st.releases, 2);
	/* bad input */
	ck_assert_int_eq(snatpool_table_claim(NULL, &f, 1, NULL), -EINVAL);
	ck_assert_int_eq(snatpool_table_claim(t, NULL, 1, NULL), -EINVAL);
	f.proto = 47;
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), -EPROTONOSUPPORT);
	f.proto = IPPROTO_ICMPV6;
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), -EPROTONOSUPPORT);
	f = tt_flow(IPPROTO_UDP, "2001:db8::1", 5000, "2001:db8::2", 53);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), -SNATPOOL_ENOFAMILY);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_protocols_and_v6)
{
	struct snatpool *p = tt_pool("198.51.100.1,2001:db8::10", 1024, 65535);
	struct snatpool_table *t = mk(p, NULL);
	struct snatpool_flow f = tt_flow(IPPROTO_UDP, "10.0.0.1", 5000, "192.0.2.1", 53);
	struct snatpool_mapping m;
	struct snatpool_table_stats st;

	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_int_eq(m.xport, 5000);
	f.proto = IPPROTO_TCP;	/* its own port space: 5000 again */
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_int_eq(m.xport, 5000);
	f.proto = IPPROTO_ICMP;
	f.sport = 77;		/* identifier below the range: not preserved */
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert(!(m.flags & SNATPOOL_MAP_F_PRESERVED));
	f = tt_flow(IPPROTO_ICMPV6, "2001:db8:1::5", 4000, "2001:db8:2::1", 0);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_int_eq(m.family, AF_INET6);
	ck_assert_int_eq(m.xaddr[15], 0x10);
	ck_assert_int_eq(m.xport, 4000);
	st = stats(t);
	ck_assert_uint_eq(st.total_mappings, 4);
	ck_assert_uint_eq(st.total_tcp_mappings, 1);
	ck_assert_uint_eq(st.total_udp_mappings, 1);
	ck_assert_uint_eq(st.total_icmp_mappings, 2);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_preserve_conflict)
{
	struct snatpool *p = tt_pool("198.51.100.1", 5000, 5003);
	struct snatpool_table *t = mk(p, NULL);
	struct snatpool_flow a = tt_flown(IPPROTO_UDP, 1, 5000), b = tt_flown(IPPROTO_UDP, 2, 5000);
	struct snatpool_mapping m;

	ck_assert_int_eq(snatpool_table_claim(t, &a, 1, &m), 0);
	ck_assert_int_eq(m.xport, 5000);
	ck_assert_int_eq(snatpool_table_claim(t, &b, 1, &m), 0);
	ck_assert_int_eq(m.xport, 5001);
	ck_assert(!(m.flags & SNATPOOL_MAP_F_PRESERVED));
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_sequential_fifo)
{
	struct snatpool *p = tt_pool("198.51.100.1", 2000, 2003);
	SNATPOOL_OPTS(snatpool_table_opts, o, .flags = SNATPOOL_TABLE_F_NO_PRESERVE);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_flow f[8];
	struct snatpool_mapping m;
	struct snatpool_table_stats st;
	int i;

	for (i = 0; i < 8; i++)
		f[i] = tt_flown(IPPROTO_TCP, (uint32_t)i + 1, 2000);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(snatpool_table_claim(t, &f[i], 1, &m), 0);
		ck_assert_int_eq(m.xport, 2000 + i);
		ck_assert(!(m.flags & SNATPOOL_MAP_F_PRESERVED));
	}
	ck_assert_int_eq(snatpool_table_claim(t, &f[4], 1, &m), -SNATPOOL_EEXHAUSTED);
	st = stats(t);
	ck_assert_uint_eq(st.exhausted_ports, 1);
	ck_assert_uint_eq(st.ports_free, 0);
	/* freed: oldest first */
	ck_assert_int_eq(snatpool_table_release(t, &f[2], 2), 0);
	ck_assert_int_eq(snatpool_table_release(t, &f[0], 3), 0);
	ck_assert_int_eq(snatpool_table_claim(t, &f[5], 4, &m), 0);
	ck_assert_int_eq(m.xport, 2002);
	ck_assert_int_eq(snatpool_table_claim(t, &f[6], 4, &m), 0);
	ck_assert_int_eq(m.xport, 2000);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_hold_down)
{
	struct snatpool *p = tt_pool("198.51.100.1", 2000, 2001);
	SNATPOOL_OPTS(snatpool_table_opts, o, .hold_down = 120);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_flow a = tt_flown(IPPROTO_UDP, 1, 2000), b = tt_flown(IPPROTO_UDP, 2, 2001),
			     c = tt_flown(IPPROTO_UDP, 3, 2000);
	struct snatpool_mapping m;
	struct snatpool_table_stats st;

	ck_assert_int_eq(snatpool_table_claim(t, &a, 10, &m), 0);
	ck_assert_int_eq(snatpool_table_claim(t, &b, 10, &m), 0);
	ck_assert_int_eq(snatpool_table_release(t, &a, 100), 0);
	/* 2000 is free but resting: even preservation must not take it */
	ck_assert_int_eq(snatpool_table_claim(t, &c, 150, &m), -SNATPOOL_EEXHAUSTED);
	st = stats(t);
	ck_assert_uint_eq(st.exhausted_holddown, 1);
	ck_assert_int_eq(snatpool_table_claim(t, &c, 219, &m), -SNATPOOL_EEXHAUSTED);
	ck_assert_int_eq(snatpool_table_claim(t, &c, 220, &m), 0);
	ck_assert_int_eq(m.xport, 2000);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_parity)
{
	struct snatpool *p = tt_pool("198.51.100.1", 2000, 2009);
	SNATPOOL_OPTS(snatpool_table_opts, o, .flags = SNATPOOL_TABLE_F_PRESERVE_PARITY);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_mapping m;
	struct snatpool_flow f;
	int i;

	f = tt_flown(IPPROTO_UDP, 1, 5001);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_int_eq(m.xport, 2001);
	f = tt_flown(IPPROTO_UDP, 2, 4000);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_int_eq(m.xport, 2000);
	f = tt_flown(IPPROTO_UDP, 3, 4000);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_int_eq(m.xport, 2002);
	/* odd ports: 2001 taken, 4 more, then none even though evens remain */
	for (i = 0; i < 4; i++) {
		f = tt_flown(IPPROTO_UDP, 10 + (uint32_t)i, 7);
		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
		ck_assert_int_eq(m.xport & 1, 1);
	}
	f = tt_flown(IPPROTO_UDP, 20, 7);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), -SNATPOOL_EEXHAUSTED);
	f = tt_flown(IPPROTO_UDP, 21, 8);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_int_eq(m.xport & 1, 0);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

static int seen_port(const struct snatpool_mapping *m, void *ctx)
{
	uint8_t *seen = ctx;

	ck_assert(!seen[m->xport - 2000]);
	seen[m->xport - 2000] = 1;
	return 0;
}

START_TEST(test_random)
{
	struct snatpool *p = tt_pool("198.51.100.1", 2000, 2099);
	SNATPOOL_OPTS(snatpool_table_opts, o, .strategy = SNATPOOL_PORTS_RANDOM,
		      .flags = SNATPOOL_TABLE_F_NO_PRESERVE, .seed = 3);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_mapping m;
	struct snatpool_flow f;
	uint8_t seen[100] = { 0 };
	uint32_t i, inorder = 0;

	for (i = 0; i < 100; i++) {
		f = tt_flown(IPPROTO_UDP, i, 1);
		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
		inorder += m.xport == 2000 + i;
	}
	ck_assert_uint_lt(inorder, 50);		/* not sequential */
	ck_assert_int_eq(snatpool_table_walk(t, 1, seen_port, seen), 0);
	f = tt_flown(IPPROTO_UDP, 100, 1);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), -SNATPOOL_EEXHAUSTED);
	f = tt_flown(IPPROTO_UDP, 42, 1);
	ck_assert_int_eq(snatpool_table_lookup(t, &f, 1, &m), 0);
	ck_assert_int_eq(snatpool_table_release(t, &f, 1), 0);
	f = tt_flown(IPPROTO_UDP, 100, 1);
	{
		struct snatpool_mapping m2;

		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m2), 0);
		ck_assert_int_eq(m2.xport, m.xport);
	}
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_paired)
{
	struct snatpool *p = tt_pool("198.51.100.1-198.51.100.4", 2000, 2001);
	SNATPOOL_OPTS(snatpool_table_opts, o, .flags = SNATPOOL_TABLE_F_PAIRED,
		      .algo = SNATPOOL_ALGO_XXH3_V1);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_mapping m;
	struct snatpool_flow f;
	struct snatpool_table_stats st;
	uint32_t want, idx, n, got = 0;

	f = tt_flown(IPPROTO_TCP, 1, 1);
	ck_assert_int_eq(snatpool_select(p, AF_INET, f.src, SNATPOOL_ALGO_XXH3_V1, &want, NULL), 0);
	/* every source selecting the same address lands on it, and only there */
	for (n = 1; n < 5000 && got < 3; n++) {
		f = tt_flown(IPPROTO_TCP, n, 1);
		snatpool_select(p, AF_INET, f.src, SNATPOOL_ALGO_XXH3_V1, &idx, NULL);
		if (idx != want)
			continue;
		if (got < 2) {
			ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
			ck_assert_uint_eq(m.xindex, want);
		} else {
			ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), -SNATPOOL_EEXHAUSTED);
		}
		got++;
	}
	ck_assert_uint_eq(got, 3);
	st = stats(t);
	ck_assert_uint_eq(st.exhausted_paired, 1);
	ck_assert_uint_eq(st.exhausted_ports, 0);
	/* another source with another address still works */
	for (n = 1;; n++) {
		f = tt_flown(IPPROTO_TCP, n, 1);
		snatpool_select(p, AF_INET, f.src, SNATPOOL_ALGO_XXH3_V1, &idx, NULL);
		if (idx != want)
			break;
	}
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_uint_eq(m.xindex, idx);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_spread)
{
	struct snatpool *p = tt_pool("198.51.100.1-198.51.100.4", 2000, 2001);
	struct snatpool_table *t = mk(p, NULL);
	struct snatpool_mapping m;
	struct snatpool_flow f;
	int per[4] = { 0 }, i;

	for (i = 0; i < 8; i++) {
		f = tt_flown(IPPROTO_TCP, (uint32_t)i, 9);
		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
		per[m.xindex]++;
	}
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(per[i], 2);
	f = tt_flown(IPPROTO_TCP, 99, 9);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), -SNATPOOL_EEXHAUSTED);
	ck_assert_uint_eq(stats(t).exhausted_ports, 1);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_full_and_quota)
{
	struct snatpool *p = tt_pool("198.51.100.1", 1024, 65535);
	SNATPOOL_OPTS(snatpool_table_opts, o, .max_mappings = 4, .port_quota = 2, .shards = 4);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_flow f;
	struct snatpool_table_stats st;

	f = tt_flown(IPPROTO_UDP, 1, 1000);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), 0);
	f.sport = 1001;
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), 0);
	f.sport = 1002;
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), -SNATPOOL_EQUOTA);
	f.sport = 1000;
	ck_assert_int_eq(snatpool_table_release(t, &f, 1), 0);
	f.sport = 1002;
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), 0);
	f = tt_flown(IPPROTO_UDP, 2, 1000);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), 0);
	f = tt_flown(IPPROTO_UDP, 3, 1000);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), 0);
	f = tt_flown(IPPROTO_UDP, 4, 1000);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), -SNATPOOL_EFULL);
	st = stats(t);
	ck_assert_uint_eq(st.quota_exceeded, 1);
	ck_assert_uint_eq(st.table_full, 1);
	ck_assert_uint_eq(st.total_mappings, 4);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_lease_timeout)
{
	struct snatpool *p = tt_pool("198.51.100.1", 1024, 65535);
	SNATPOOL_OPTS(snatpool_table_opts, o, .permit = SNATPOOL_PERMIT_ANY_REMOTE_HOST);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_flow f = tt_flown(IPPROTO_UDP, 1, 3000), g;
	struct snatpool_mapping m, m2;
	struct snatpool_table_stats st;

	ck_assert_int_eq(snatpool_table_claim(t, &f, 10, &m), 0);
	ck_assert_int_eq(snatpool_table_release(t, &f, 20), 0);
	ck_assert_int_eq(snatpool_table_lookup(t, &f, 21, &m2), 0);
	ck_assert_uint_eq(m2.expires, 320);
	ck_assert_uint_eq(m2.flows, 0);
	st = stats(t);
	ck_assert_uint_eq(st.leases, 1);
	ck_assert_uint_eq(st.total_mappings, 1);
	/* a new flow of the key, any remote: same tuple (endpoint-independent) */
	f.dport = 9999;
	ck_assert_int_eq(snatpool_table_claim(t, &f, 100, &m2), 0);
	ck_assert(m2.flags & SNATPOOL_MAP_F_REUSED);
	ck_assert_int_eq(m2.xport, m.xport);
	ck_assert_uint_eq(stats(t).leases, 0);
	ck_assert_int_eq(snatpool_table_release(t, &f, 100), 0);
	ck_assert_int_eq(snatpool_table_lookup(t, &f, 399, NULL), 0);
	ck_assert_int_eq(snatpool_table_lookup(t, &f, 400, NULL), -ENOENT);
	/* another source wanting the same port cannot have it until expiry */
	g = tt_flown(IPPROTO_UDP, 2, 3000);
	ck_assert_int_eq(snatpool_table_claim(t, &g, 399, &m2), 0);
	ck_assert_int_ne(m2.xport, 3000);
	ck_assert_int_eq(snatpool_table_release(t, &g, 399), 0);
	ck_assert_int_eq(snatpool_table_expire(t, 400, 0), 1);
	st = stats(t);
	ck_assert_uint_eq(st.expirations, 1);
	ck_assert_uint_eq(st.leases, 1);	/* g's */
	ck_assert_int_eq(snatpool_table_expire(t, 10000, 0), 1);
	st = stats(t);
	ck_assert_uint_eq(st.total_mappings, 0);
	ck_assert_uint_eq(st.ports_allocated, 0);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

/*
 * One shard holds every flow of a source: far more than its share of
 * max_mappings, so its hash slots grow; removals shift entries back.
 */
START_TEST(test_one_source_many_flows)
{
	struct snatpool *p = tt_pool("198.51.100.1-198.51.100.2", 1024, 65535);
	SNATPOOL_OPTS(snatpool_table_opts, o, .max_mappings = 6000);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_mapping m[64];
	struct snatpool_flow f[64];
	int i, k, ret[64];

	for (i = 0; i < 6000; i++) {
		f[0] = tt_flown(IPPROTO_TCP, 7, (uint16_t)(1024 + i));
		ck_assert_int_eq(snatpool_table_claim(t, &f[0], 1, NULL), 0);
	}
	f[0] = tt_flown(IPPROTO_TCP, 7, 9);
	ck_assert_int_eq(snatpool_table_claim(t, &f[0], 1, NULL), -SNATPOOL_EFULL);
	for (i = 0; i < 6000; i += 3) {		/* free every third: no lease */
		f[0] = tt_flown(IPPROTO_TCP, 7, (uint16_t)(1024 + i));
		ck_assert_int_eq(snatpool_table_release(t, &f[0], 2), 0);
	}
	for (i = 0; i < 6000; i += 64) {
		for (k = 0; k < 64; k++)
			f[k] = tt_flown(IPPROTO_TCP, 7, (uint16_t)(1024 + i + k));
		snatpool_table_lookup_burst(t, f, 64, 3, m, ret);
		for (k = 0; k < 64 && i + k < 6000; k++) {
			ck_assert_int_eq(ret[k], (i + k) % 3 ? 0 : -ENOENT);
			ck_assert_int_eq(snatpool_table_lookup(t, &f[k], 3, NULL), ret[k]);
		}
	}
	ck_assert_uint_eq(stats(t).total_mappings, 4000);
	ck_assert_int_eq(snatpool_table_expire(t, 1000, 0), 0);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

/* A burst lookup gives what single lookups give, flow by flow. */
START_TEST(test_lookup_burst)
{
	struct snatpool *p = tt_pool("198.51.100.1-198.51.100.3,2001:db8::1", 1024, 65535);
	SNATPOOL_OPTS(snatpool_table_opts, o, .permit = SNATPOOL_PERMIT_ANY_REMOTE_HOST);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_flow f[53];
	struct snatpool_mapping m[53], one;
	int ret[53], i, want = 0, err;

	for (i = 0; i < 53; i++) {
		f[i] = tt_flown(i % 3 ? IPPROTO_UDP : IPPROTO_TCP, (uint32_t)i / 2,
				(uint16_t)(2000 + i));
		if (i % 11 == 4) {	/* IPv6 */
			f[i] = tt_flow(IPPROTO_UDP, "2001:db8:1::9", (uint16_t)(2000 + i),
				       "2001:db8:2::1", 53);
		}
		if (i % 4 != 3) {	/* every fourth is never claimed */
			ck_assert_int_eq(snatpool_table_claim(t, &f[i], 10, &one), 0);
			want++;
		}
		if (i % 8 == 5) {	/* an idle lease: found until 10 + 300 */
			ck_assert_int_eq(snatpool_table_release(t, &f[i], 10), 0);
		}
	}
	f[17].family = 99;		/* bad flows fail alone */
	f[29].proto = 200;
	want -= 2;
	memset(m, 0xa5, sizeof(m));
	ck_assert_int_eq(snatpool_table_lookup_burst(t, f, 53, 11, m, ret), want);
	for (i = 0; i < 53; i++) {
		err = snatpool_table_lookup(t, &f[i], 11, &one);
		ck_assert_int_eq(ret[i], err);
		if (!err)
			ck_assert_mem_eq(&m[i], &one, sizeof(one));
	}
	ck_assert_int_eq(ret[17], -EINVAL);
	ck_assert_int_eq(ret[29], -EPROTONOSUPPORT);
	/* after the idle leases' deadline only the live ones are found */
	want = 0;
	for (i = 0; i < 53; i++)
		want += i % 4 != 3 && i % 8 != 5 && i != 17 && i != 29;
	ck_assert_int_eq(snatpool_table_lookup_burst(t, f, 53, 310, m, ret), want);
	for (i = 0; i < 53; i++)
		ck_assert_int_eq(ret[i], snatpool_table_lookup(t, &f[i], 310, NULL));
	/* sizes, arguments */
	ck_assert_int_eq(snatpool_table_lookup_burst(t, f, 0, 11, NULL, NULL), 0);
	ck_assert_int_eq(snatpool_table_lookup_burst(t, f, 1, 11, m, ret), 1);
	ck_assert_int_eq(snatpool_table_lookup_burst(NULL, f, 1, 11, m, ret), -EINVAL);
	ck_assert_int_eq(snatpool_table_lookup_burst(t, NULL, 1, 11, m, ret), -EINVAL);
	ck_assert_int_eq(snatpool_table_lookup_burst(t, f, 1, 11, NULL, ret), -EINVAL);
	ck_assert_int_eq(snatpool_table_lookup_burst(t, f, 1, 11, m, NULL), -EINVAL);
	ck_assert_int_eq(snatpool_table_lookup_burst(t, f, (size_t)INT_MAX + 1, 11, m, ret),
			 -EINVAL);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_expire_budget)
{
	struct snatpool *p = tt_pool("198.51.100.1", 1024, 65535);
	SNATPOOL_OPTS(snatpool_table_opts, o, .permit = SNATPOOL_PERMIT_ANY_REMOTE_HOST,
		      .inactivity_timeout = 60, .expire_budget = 2, .shards = 1);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_flow f;
	uint32_t i;

	for (i = 0; i < 100; i++) {
		f = tt_flown(IPPROTO_UDP, i, 3000);
		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), 0);
		ck_assert_int_eq(snatpool_table_release(t, &f, 1 + i / 10), 0);
	}
	/* each call pays for at most expire_budget due leases */
	f = tt_flown(IPPROTO_UDP, 500, 3000);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1000, NULL), 0);
	ck_assert_uint_eq(stats(t).expirations, 2);
	ck_assert_int_eq(snatpool_table_expire(t, 1000, 10), 10);
	/* time never goes back: 65 counts as 1000 */
	ck_assert_int_eq(snatpool_table_expire(t, 65, 0), 88);
	ck_assert_int_eq(snatpool_table_expire(t, 1000, 0), 0);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_sessions)
{
	struct snatpool *p = tt_pool("198.51.100.1", 1024, 65535);
	SNATPOOL_OPTS(snatpool_table_opts, o, .permit = SNATPOOL_PERMIT_ANY_REMOTE_HOST,
		      .max_session_number = 2);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_flow f = tt_flown(IPPROTO_TCP, 1, 3000);

	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), 0);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), 0);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), -SNATPOOL_ESESSIONS);
	ck_assert_uint_eq(stats(t).session_limit, 1);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_rollback)
{
	struct snatpool *p = tt_pool("198.51.100.1", 2000, 2003);
	SNATPOOL_OPTS(snatpool_table_opts, o, .permit = SNATPOOL_PERMIT_ANY_REMOTE_HOST,
		      .hold_down = 120, .flags = SNATPOOL_TABLE_F_NO_PRESERVE);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_flow a = tt_flown(IPPROTO_UDP, 1, 1), b = tt_flown(IPPROTO_UDP, 2, 1),
			     c = tt_flown(IPPROTO_UDP, 3, 1);
	struct snatpool_mapping m;
	struct snatpool_table_stats st;

	ck_assert_int_eq(snatpool_table_claim(t, &a, 1, &m), 0);
	ck_assert_int_eq(m.xport, 2000);
	ck_assert_int_eq(snatpool_table_rollback(t, &a, 1), 0);
	st = stats(t);
	ck_assert_uint_eq(st.total_mappings, 0);
	ck_assert_uint_eq(st.leases, 0);		/* no lease pinned */
	ck_assert_uint_eq(st.rollbacks, 1);
	ck_assert_uint_eq(st.ports_allocated, 0);
	/* free at once: the next claim gets it despite the hold-down */
	ck_assert_int_eq(snatpool_table_claim(t, &b, 2, &m), 0);
	ck_assert_int_eq(m.xport, 2000);
	ck_assert_int_eq(snatpool_table_claim(t, &c, 2, &m), 0);
	ck_assert_int_eq(m.xport, 2001);
	/* b's second flow rolls back: b stays */
	ck_assert_int_eq(snatpool_table_claim(t, &b, 3, &m), 0);
	ck_assert_int_eq(snatpool_table_rollback(t, &b, 3), 0);
	ck_assert_int_eq(snatpool_table_lookup(t, &b, 3, &m), 0);
	ck_assert_int_eq(m.flows, 1);
	/* a rolled-back reuse of a lease leaves a lease that expires as usual */
	ck_assert_int_eq(snatpool_table_release(t, &b, 4), 0);
	ck_assert_int_eq(snatpool_table_claim(t, &b, 5, &m), 0);
	ck_assert(m.flags & SNATPOOL_MAP_F_REUSED);
	ck_assert_int_eq(snatpool_table_rollback(t, &b, 5), 0);
	ck_assert_int_eq(snatpool_table_lookup(t, &b, 6, &m), 0);
	ck_assert_uint_eq(m.expires, 305);
	ck_assert_int_eq(snatpool_table_lookup(t, &b, 305, &m), -ENOENT);
	/* rollback of a port from the middle: back in front of the FIFO */
	ck_assert_int_eq(snatpool_table_claim(t, &a, 6, &m), 0);
	ck_assert_int_eq(m.xport, 2002);
	ck_assert_int_eq(snatpool_table_rollback(t, &c, 6), 0);	/* c holds 2001 */
	ck_assert_int_eq(snatpool_table_rollback(t, &c, 6), -ENOENT);
	ck_assert_int_eq(snatpool_table_claim(t, &c, 7, &m), 0);
	ck_assert_int_eq(m.xport, 2003);			/* cursor first */
	ck_assert_int_eq(snatpool_table_claim(t, &(struct snatpool_flow){ .family = AF_INET,
			 .proto = IPPROTO_UDP, .sport = 1, .src = { 10, 0, 0, 9 } }, 7, &m), 0);
	ck_assert_int_eq(m.xport, 2001);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_permit)
{
	static const uint32_t modes[] = { SNATPOOL_PERMIT_NONE, SNATPOOL_PERMIT_ANY_REMOTE_HOST,
					  SNATPOOL_PERMIT_TARGET_HOST,
					  SNATPOOL_PERMIT_TARGET_HOST_PORT };
	struct snatpool *p = tt_pool("198.51.100.1", 1024, 65535);
	uint8_t d1[4] = { 192, 0, 2, 1 }, d2[4] = { 192, 0, 2, 2 }, other[4] = { 198, 51, 100, 9 };
	size_t i;

	for (i = 0; i < 4; i++) {
		SNATPOOL_OPTS(snatpool_table_opts, o, .permit = modes[i]);
		struct snatpool_table *t = mk(p, &o);
		struct snatpool_flow f = tt_flow(IPPROTO_UDP, "10.0.0.1", 4000, "192.0.2.1", 80);
		struct snatpool_mapping m;
		int same, host, any;

		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
		same = snatpool_table_permit(t, AF_INET, IPPROTO_UDP, m.xaddr, m.xport, d1, 80, 1);
		host = snatpool_table_permit(t, AF_INET, IPPROTO_UDP, m.xaddr, m.xport, d1, 81, 1);
		any = snatpool_table_permit(t, AF_INET, IPPROTO_UDP, m.xaddr, m.xport, d2, 80, 1);
		switch (modes[i]) {
		case SNATPOOL_PERMIT_NONE:
			ck_assert_int_eq(same, -ENOENT);
			break;
		case SNATPOOL_PERMIT_ANY_REMOTE_HOST:
			ck_assert(same == 1 && host == 1 && any == 1);
			break;
		case SNATPOOL_PERMIT_TARGET_HOST:
			ck_assert(same == 1 && host == 1 && any == 0);
			ck_assert_uint_eq(stats(t).permit_denied, 1);
			break;
		default:
			ck_assert(same == 1 && host == 0 && any == 0);
			ck_assert_uint_eq(stats(t).permit_denied, 2);
			/* a second flow to d2:80 admits d2:80, also while idle */
			f.dst[3] = 2;
			ck_assert_int_eq(snatpool_table_claim(t, &f, 2, NULL), 0);
			ck_assert_int_eq(snatpool_table_release(t, &f, 3), 0);
			ck_assert_int_eq(snatpool_table_release(t, &f, 3), 0);
			ck_assert_int_eq(snatpool_table_permit(t, AF_INET, IPPROTO_UDP, m.xaddr,
							       m.xport, d2, 80, 4), 1);
			ck_assert_int_eq(snatpool_table_permit(t, AF_INET, IPPROTO_UDP, m.xaddr,
							       m.xport, d2, 80, 303), -ENOENT);
			break;
		}
		ck_assert_int_eq(snatpool_table_permit(t, AF_INET, IPPROTO_UDP, m.xaddr,
						       (uint16_t)(m.xport + 1), d1, 80, 1), -ENOENT);
		ck_assert_int_eq(snatpool_table_permit(t, AF_INET, IPPROTO_UDP, other,
						       m.xport, d1, 80, 1), -ENOENT);
		ck_assert_int_eq(snatpool_table_permit(t, AF_INET, 47, m.xaddr, m.xport, d1, 80, 1),
				 -EPROTONOSUPPORT);
		/* a protocol the family cannot carry: claim's answer, not -ENOENT */
		ck_assert_int_eq(snatpool_table_permit(t, AF_INET, IPPROTO_ICMPV6, m.xaddr,
						       m.xport, d1, 80, 1), -EPROTONOSUPPORT);
		ck_assert_int_eq(snatpool_table_lookup_xlat(t, AF_INET, IPPROTO_ICMPV6, m.xaddr,
							    m.xport, 1, NULL), -EPROTONOSUPPORT);
		ck_assert_int_eq(snatpool_table_permit(t, AF_INET, IPPROTO_UDP, m.xaddr,
						       m.xport, NULL, 80, 1), -EINVAL);
		snatpool_table_free(t);
	}
	snatpool_pool_free(p);
}
END_TEST

struct evlog {
	int n;
	uint32_t type[64];
	uint32_t pct[64];
};

static void on_event(const struct snatpool_table_event *ev, void *ctx)
{
	struct evlog *l = ctx;

	if (l->n < 64) {
		l->type[l->n] = ev->type;
		l->pct[l->n] = ev->util_pct;
		l->n++;
	}
}

START_TEST(test_events_alarm)
{
	struct snatpool *p = tt_pool("198.51.100.1", 2000, 2003);
	struct evlog log = { 0 };
	SNATPOOL_OPTS(snatpool_table_opts, o, .permit = SNATPOOL_PERMIT_ANY_REMOTE_HOST,
		      .util_raise_pct = 50, .util_clear_pct = 25,
		      .event_cb = on_event, .event_ctx = &log);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_flow a = tt_flown(IPPROTO_UDP, 1, 1), b = tt_flown(IPPROTO_UDP, 2, 1),
			     c = tt_flown(IPPROTO_UDP, 3, 1);
	struct snatpool_table_stats st;

	ck_assert_int_eq(snatpool_table_claim(t, &a, 1, NULL), 0);	/* 25% */
	ck_assert_int_eq(snatpool_table_claim(t, &b, 1, NULL), 0);	/* 50%: raise */
	st = stats(t);
	ck_assert_uint_eq(st.util_pct, 50);
	ck_assert_uint_eq(st.util_alarm, 1);
	ck_assert_int_eq(snatpool_table_claim(t, &c, 1, NULL), 0);
	ck_assert_int_eq(snatpool_table_rollback(t, &c, 1), 0);	/* 50%: stays */
	ck_assert_int_eq(snatpool_table_release(t, &b, 2), 0);	/* lease: still owned */
	ck_assert_int_eq(snatpool_table_expire(t, 400, 0), 1);	/* 25%: clear */
	st = stats(t);
	ck_assert_uint_eq(st.util_alarm, 0);
	ck_assert_uint_eq(st.util_raised, 1);
	ck_assert_uint_eq(st.util_cleared, 1);
	ck_assert_int_eq(log.n, 7);
	ck_assert_uint_eq(log.type[0], SNATPOOL_EV_CREATED);
	ck_assert_uint_eq(log.type[1], SNATPOOL_EV_UTIL_RAISE);
	ck_assert_uint_eq(log.pct[1], 50);
	ck_assert_uint_eq(log.type[2], SNATPOOL_EV_CREATED);
	ck_assert_uint_eq(log.type[3], SNATPOOL_EV_CREATED);
	ck_assert_uint_eq(log.type[4], SNATPOOL_EV_ROLLEDBACK);
	ck_assert_uint_eq(log.type[5], SNATPOOL_EV_UTIL_CLEAR);
	ck_assert_uint_eq(log.type[6], SNATPOOL_EV_EXPIRED);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_events_release)
{
	struct snatpool *p = tt_pool("198.51.100.1", 2000, 2003);
	struct evlog log = { 0 };
	SNATPOOL_OPTS(snatpool_table_opts, o, .event_cb = on_event, .event_ctx = &log);
	struct snatpool_table *t = mk(p, &o);
	struct snatpool_flow a = tt_flown(IPPROTO_UDP, 1, 1);

	ck_assert_int_eq(snatpool_table_claim(t, &a, 1, NULL), 0);
	ck_assert_int_eq(snatpool_table_release(t, &a, 1), 0);
	ck_assert_int_eq(log.n, 2);
	ck_assert_uint_eq(log.type[1], SNATPOOL_EV_RELEASED);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_stats_sz)
{
	struct snatpool *p = tt_pool("198.51.100.1", 2000, 2003);
	struct snatpool_table *t = mk(p, NULL);
	struct snatpool_table_stats st;

	memset(&st, 0xee, sizeof(st));
	st.sz = offsetof(struct snatpool_table_stats, total_mappings);
	ck_assert_int_eq(snatpool_table_stats(t, &st), 0);
	ck_assert_uint_eq(st.live_flows, 0);
	ck_assert_uint_eq(st.total_mappings, 0xeeeeeeeeeeeeeeeeull);	/* past sz: untouched */
	st.sz = 1;
	ck_assert_int_eq(snatpool_table_stats(t, &st), -EINVAL);
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

/*
 * max_mappings holds exactly under concurrent claims: shards spend it as
 * credit handed out in batches and take back what others hold when the
 * table has none left, so 4 threads racing for 1000 mappings get exactly
 * 1000, whatever the shards' shares; freed mappings give all of it back.
 */
struct full_job {
	struct snatpool_table *t;
	uint32_t base, n, round;
	int ok, full, other;
	bool claimed[600];
};

static void *full_worker(void *arg)
{
	struct full_job *j = arg;
	uint32_t i;

	for (i = 0; i < j->n; i++) {
		struct snatpool_flow f = tt_flown(IPPROTO_UDP, j->base + i,
						  (uint16_t)(1000 + j->round));
		int err = snatpool_table_claim(j->t, &f, 1, NULL);

		j->claimed[i] = !err;
		if (!err)
			j->ok++;
		else if (err == -SNATPOOL_EFULL)
			j->full++;
		else
			j->other++;
	}
	return NULL;
}

static void *release_worker(void *arg)
{
	struct full_job *j = arg;
	uint32_t i;

	for (i = 0; i < j->n; i++) {
		struct snatpool_flow f = tt_flown(IPPROTO_UDP, j->base + i,
						  (uint16_t)(1000 + j->round));

		if (j->claimed[i] && snatpool_table_release(j->t, &f, 2))
			j->other++;
	}
	return NULL;
}

START_TEST(test_full_threads)
{
	struct snatpool *p = tt_pool("198.51.100.1-198.51.100.4", 1024, 65535);
	SNATPOOL_OPTS(snatpool_table_opts, o, .max_mappings = 1000, .shards = 64);
	struct snatpool_table *t = mk(p, &o);
	struct full_job j[4];
	pthread_t th[4];
	uint32_t round;
	int i, ok, full;

	for (round = 0; round < 3; round++) {
		struct snatpool_table_stats st;

		memset(j, 0, sizeof(j));
		for (i = 0; i < 4; i++) {
			j[i] = (struct full_job){ .t = t, .base = (uint32_t)i * 600, .n = 600,
						  .round = round };
			ck_assert_int_eq(pthread_create(&th[i], NULL, full_worker, &j[i]), 0);
		}
		ok = full = 0;
		for (i = 0; i < 4; i++) {
			pthread_join(th[i], NULL);
			ok += j[i].ok;
			full += j[i].full;
			ck_assert_int_eq(j[i].other, 0);
		}
		ck_assert_int_eq(ok, 1000);
		ck_assert_int_eq(full, 1400);
		st = stats(t);
		ck_assert_uint_eq(st.total_mappings, 1000);
		ck_assert_uint_eq(st.table_full, 1401 * round + 1400);	/* and one each round below */
		/* full: one more claim from any source fails */
		{
			struct snatpool_flow f = tt_flown(IPPROTO_UDP, 9999, 7);

			ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), -SNATPOOL_EFULL);
		}
		for (i = 0; i < 4; i++)
			ck_assert_int_eq(pthread_create(&th[i], NULL, release_worker, &j[i]), 0);
		for (i = 0; i < 4; i++) {
			pthread_join(th[i], NULL);
			ck_assert_int_eq(j[i].other, 0);
		}
		st = stats(t);
		ck_assert_uint_eq(st.total_mappings, 0);
		ck_assert_uint_eq(st.ports_allocated, 0);
	}
	snatpool_table_free(t);
	snatpool_pool_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_new_errors);
	tcase_add_test(tc, test_claim_release);
	tcase_add_test(tc, test_protocols_and_v6);
	tcase_add_test(tc, test_preserve_conflict);
	tcase_add_test(tc, test_sequential_fifo);
	tcase_add_test(tc, test_hold_down);
	tcase_add_test(tc, test_parity);
	tcase_add_test(tc, test_random);
	tcase_add_test(tc, test_paired);
	tcase_add_test(tc, test_spread);
	tcase_add_test(tc, test_full_and_quota);
	tcase_add_test(tc, test_full_threads);
	tcase_add_test(tc, test_lease_timeout);
	tcase_add_test(tc, test_lookup_burst);
	tcase_add_test(tc, test_one_source_many_flows);
	tcase_add_test(tc, test_expire_budget);
	tcase_add_test(tc, test_sessions);
	tcase_add_test(tc, test_rollback);
	tcase_add_test(tc, test_permit);
	tcase_add_test(tc, test_events_alarm);
	tcase_add_test(tc, test_events_release);
	tcase_add_test(tc, test_stats_sz);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * check_table_nat64.c - NAT64 mappings in tables (SNATPOOL_AF_NAT64 flows):
 * claim, lookup, lookup_xlat, release, expiry, permit, paired selection
 * through snatpool_select_nat64(), quota, burst, walk, snapshots and the HA
 * delta stream, and the records an older reader must refuse.
 */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "testutil.h"
#include "table_testutil.h"

#define SPEC "198.51.100.1-198.51.100.4,2001:db8::/126"

static struct snatpool *pool;

static struct snatpool_table *mk(uint32_t flags, uint32_t algo, uint32_t permit,
				 uint32_t delta)
{
	SNATPOOL_OPTS(snatpool_table_opts, o, .flags = flags, .algo = algo,
		      .permit = permit, .delta_capacity = delta, .max_mappings = 4096,
		      .seed = 9, .shards = 8, .inactivity_timeout = 30);
	struct snatpool_table *t = NULL;

	ck_assert_int_eq(snatpool_table_new(pool, &o, &t), 0);
	return t;
}

/* A NAT64 flow from @src6:@sport to the IPv4 remote @dst4:@dport. */
static struct snatpool_flow nat64_flow(uint8_t proto, const char *src6, uint16_t sport,
				       const char *dst4, uint16_t dport)
{
	struct snatpool_flow f;
	int fam = 0;

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(snatpool_addr_parse(src6, &fam, f.src), 0);
	ck_assert_int_eq(fam, AF_INET6);
	ck_assert_int_eq(snatpool_addr_parse(dst4, &fam, f.dst), 0);
	ck_assert_int_eq(fam, AF_INET);
	f.family = SNATPOOL_AF_NAT64;
	f.proto = proto;
	f.sport = sport;
	f.dport = dport;
	return f;
}

static uint64_t stat_mappings(struct snatpool_table *t)
{
	SNATPOOL_OPTS(snatpool_table_stats, st);

	ck_assert_int_eq(snatpool_table_stats(t, &st), 0);
	return st.total_mappings;
}

START_TEST(test_claim_lookup_xlat_release_expire)
{
	struct snatpool_table *t = mk(SNATPOOL_TABLE_F_PAIRED, SNATPOOL_ALGO_XXH3_V1,
				      SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
	struct snatpool_flow f = nat64_flow(IPPROTO_UDP, "2001:db8:1::5", 4000, "192.0.2.1", 53);
	struct snatpool_flow f6 = tt_flow(IPPROTO_UDP, "2001:db8:1::5", 4000, "2001:db8:99::1", 53);
	struct snatpool_mapping m, l, x, m6;
	uint8_t want[4], zero[12] = { 0 };
	uint32_t widx;

	ck_assert_int_eq(snatpool_select_nat64(pool, f.src, SNATPOOL_ALGO_XXH3_V1, &widx, want), 0);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 100, &m), 0);
	ck_assert_int_eq(m.family, SNATPOOL_AF_NAT64);
	ck_assert_uint_eq(m.proto, IPPROTO_UDP);
	ck_assert_uint_eq(m.sport, 4000);
	ck_assert_mem_eq(m.src, f.src, 16);
	ck_assert_uint_eq(m.xindex, widx);
	ck_assert_mem_eq(m.xaddr, want, 4);
	ck_assert_mem_eq(m.xaddr + 4, zero, 12);
	ck_assert_uint_eq(m.xport, 4000);		/* preserved, in range */
	ck_assert_uint_eq(m.flags, SNATPOOL_MAP_F_NEW | SNATPOOL_MAP_F_PRESERVED);
	ck_assert_uint_eq(m.flows, 1);

	/* the lookup by key, and the native IPv6 key beside it is another one */
	ck_assert_int_eq(snatpool_table_lookup(t, &f, 101, &l), 0);
	m.flags &= ~SNATPOOL_MAP_F_NEW;
	ck_assert_mem_eq(&l, &m, sizeof(m));
	ck_assert_int_eq(snatpool_table_lookup(t, &f6, 101, &l), -ENOENT);
	ck_assert_int_eq(snatpool_table_claim(t, &f6, 101, &m6), 0);
	ck_assert_int_eq(m6.family, AF_INET6);
	ck_assert_uint_eq(m6.flags & SNATPOOL_MAP_F_NEW, SNATPOOL_MAP_F_NEW);
	ck_assert_uint_eq(stat_mappings(t), 2);
	ck_assert_int_eq(snatpool_table_claim(t, &f, 102, &l), 0);	/* reuse */
	ck_assert_uint_eq(l.flags & SNATPOOL_MAP_F_REUSED, SNATPOOL_MAP_F_REUSED);
	ck_assert_uint_eq(l.flows, 2);

	/* inbound: the IPv4 tuple finds the IPv6 source */
	ck_assert_int_eq(snatpool_table_lookup_xlat(t, AF_INET, IPPROTO_UDP, want, m.xport,
						    102, &x), 0);
	ck_assert_int_eq(x.family, SNATPOOL_AF_NAT64);
	ck_assert_mem_eq(x.src, f.src, 16);
	ck_assert_uint_eq(x.sport, 4000);
	ck_assert_int_eq(snatpool_table_lookup_xlat(t, AF_INET, IPPROTO_TCP, want, m.xport,
						    102, &x), -ENOENT);
	ck_assert_int_eq(snatpool_table_lookup_xlat(t, AF_INET6, IPPROTO_UDP, m6.xaddr,
						    m6.xport, 102, &x), 0);
	ck_assert_int_eq(x.family, AF_INET6);
	ck_assert_int_eq(snatpool_table_lookup_xlat(t, SNATPOOL_AF_NAT64, IPPROTO_UDP, want,
						    m.xport, 102, &x), -EINVAL);

	/* release twice: an idle lease, found until it expires */
	ck_assert_int_eq(snatpool_table_release(t, &f, 103), 0);
	ck_assert_int_eq(snatpool_table_release(t, &f, 104), 0);
	ck_assert_int_eq(snatpool_table_release(t, &f, 104), -ENOENT);
	ck_assert_int_eq(snatpool_table_lookup(t, &f, 110, &l), 0);
	ck_assert_uint_eq(l.flows, 0);
	ck_assert_uint_eq(l.expires, 134);
	ck_assert_int_eq(snatpool_table_permit(t, AF_INET, IPPROTO_UDP, want, m.xport,
					       (const uint8_t *)"\xcb\x00\x71\x09", 9, 110), 1);
	ck_assert_int_eq(snatpool_table_expire(t, 134, 0), 1);
	ck_assert_int_eq(snatpool_table_lookup(t, &f, 134, &l), -ENOENT);
	ck_assert_int_eq(snatpool_table_lookup_xlat(t, AF_INET, IPPROTO_UDP, want, m.xport,
						    134, &x), -ENOENT);
	ck_assert_int_eq(snatpool_table_lookup(t, &f6, 134, &l), 0);	/* untouched */
	ck_assert_uint_eq(stat_mappings(t), 1);
	snatpool_table_free(t);
}
END_TEST

START_TEST(test_rollback)
{
	struct snatpool_table *t = mk(0, 0, SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
	struct snatpool_flow f = nat64_flow(IPPROTO_TCP, "2001:db8:1::7", 5000, "192.0.2.1", 80);
	struct snatpool_mapping m, x;

	ck_assert_int_eq(snatpool_table_claim(t, &f, 10, &m), 0);
	ck_assert_int_eq(snatpool_table_rollback(t, &f, 10), 0);
	ck_assert_int_eq(snatpool_table_lookup(t, &f, 10, NULL), -ENOENT);
	ck_assert_int_eq(snatpool_table_lookup_xlat(t, AF_INET, IPPROTO_TCP, m.xaddr, m.xport,
						    10, &x), -ENOENT);
	ck_assert_uint_eq(stat_mappings(t), 0);
	snatpool_table_free(t);
}
END_TEST

/* Paired pooling: every flow of an IPv6 source gets snatpool_select_nat64()'s address. */
START_TEST(test_paired)
{
	static const uint32_t algos[] = { SNATPOOL_ALGO_XPF_LEGACY_V0, SNATPOOL_ALGO_XXH3_V1,
					  SNATPOOL_ALGO_MAGLEV_V1 };
	uint64_t seed = 77;
	size_t a;
	int i, k;

	for (a = 0; a < sizeof(algos) / sizeof(algos[0]); a++) {
		struct snatpool_table *t = mk(SNATPOOL_TABLE_F_PAIRED, algos[a],
					      SNATPOOL_PERMIT_NONE, 0);
		uint32_t seen = 0;

		for (i = 0; i < 64; i++) {
			struct snatpool_flow f = nat64_flow(IPPROTO_TCP, "2001:db8::1", 0,
							    "192.0.2.1", 443);
			uint32_t want;

			tu_randbytes(&seed, f.src, 16);
			ck_assert_int_eq(snatpool_select_nat64(pool, f.src, algos[a], &want,
							       NULL), 0);
			for (k = 0; k < 4; k++) {
				struct snatpool_mapping m;

				f.sport = (uint16_t)(2000 + 7 * k + i);
				f.proto = k & 1 ? IPPROTO_UDP : IPPROTO_TCP;
				ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
				ck_assert_uint_eq(m.xindex, want);
				ck_assert_int_eq(snatpool_pool_addr(pool, AF_INET, want,
								    (uint8_t[4]){ 0 }), 0);
			}
			seen |= 1u << want;
		}
		ck_assert_uint_eq(seen, 0xf);	/* 64 sources reach all 4 addresses */
		snatpool_table_free(t);
	}
}
END_TEST

/* An algorithm without a NAT64 rule refuses paired NAT64 claims; state unchanged. */
START_TEST(test_enonat64)
{
	static const uint32_t algos[] = { SNATPOOL_ALGO_XPF_USERSPACE_V1,
					  SNATPOOL_ALGO_LINUX_NF_PERSIST };
	struct snatpool_flow f = nat64_flow(IPPROTO_UDP, "2001:db8:1::5", 4000, "192.0.2.1", 53);
	struct snatpool_flow f4 = tt_flow(IPPROTO_UDP, "10.0.0.1", 4000, "192.0.2.1", 53);
	size_t a;

	for (a = 0; a < 2; a++) {
		struct snatpool_table *t = mk(SNATPOOL_TABLE_F_PAIRED, algos[a],
					      SNATPOOL_PERMIT_ANY_REMOTE_HOST, 8);
		SNATPOOL_OPTS(snatpool_table_stats, st);
		uint8_t buf[SNATPOOL_DELTA_RECORD_SIZE];

		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), -SNATPOOL_ENONAT64);
		ck_assert_int_eq(snatpool_table_lookup(t, &f, 1, NULL), -ENOENT);
		ck_assert_int_eq(snatpool_table_stats(t, &st), 0);
		ck_assert_uint_eq(st.total_mappings, 0);
		ck_assert_uint_eq(st.live_flows, 0);
		ck_assert_uint_eq(st.ports_allocated, 0);
		ck_assert_int_eq(snatpool_table_delta_export(t, buf, sizeof(buf)), 0);
		ck_assert_int_eq(snatpool_table_claim(t, &f4, 1, NULL), 0);	/* IPv4 still works */
		snatpool_table_free(t);
		/* without PAIRED no algorithm is asked */
		t = mk(0, algos[a], SNATPOOL_PERMIT_NONE, 0);
		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, NULL), 0);
		snatpool_table_free(t);
	}
}
END_TEST

START_TEST(test_errors)
{
	struct snatpool_table *t = mk(0, 0, SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0), *t6;
	struct snatpool_flow f = nat64_flow(IPPROTO_ICMP, "2001:db8:1::5", 7, "192.0.2.1", 0);
	struct snatpool_mapping m;
	struct snatpool *p6 = tt_pool("2001:db8::/126", 1024, 65535);
	SNATPOOL_OPTS(snatpool_table_opts, o);

	/* ICMP is IPv4's: a NAT64 flow's source is IPv6 */
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), -EPROTONOSUPPORT);
	ck_assert_int_eq(snatpool_table_lookup(t, &f, 1, &m), -EPROTONOSUPPORT);
	ck_assert_int_eq(snatpool_table_release(t, &f, 1), -EPROTONOSUPPORT);
	ck_assert_int_eq(snatpool_table_rollback(t, &f, 1), -EPROTONOSUPPORT);
	f.proto = 47;	/* GRE: not taken at all */
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), -EPROTONOSUPPORT);
	/* a family that is none of the three */
	f.proto = IPPROTO_ICMPV6;
	f.family = SNATPOOL_AF_NAT64 + 1;
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), -EINVAL);
	ck_assert_int_eq(snatpool_table_lookup(t, &f, 1, &m), -EINVAL);
	ck_assert_int_eq(snatpool_table_release(t, &f, 1), -EINVAL);
	f.family = SNATPOOL_AF_NAT64;
	ck_assert_int_eq(snatpool_table_claim(NULL, &f, 1, &m), -EINVAL);
	ck_assert_int_eq(snatpool_table_lookup(NULL, &f, 1, &m), -EINVAL);
	/* ICMPv6 echo: its identifier lives in the IPv4 ICMP space */
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_int_eq(m.family, SNATPOOL_AF_NAT64);
	ck_assert_int_eq(snatpool_table_lookup_xlat(t, AF_INET, IPPROTO_ICMP, m.xaddr, m.xport,
						    1, NULL), 0);
	ck_assert_int_eq(snatpool_table_lookup_xlat(t, AF_INET, IPPROTO_ICMPV6, m.xaddr,
						    m.xport, 1, NULL), -EPROTONOSUPPORT);
	ck_assert_int_eq(snatpool_table_release(t, &f, 1), 0);
	/* a pool without IPv4 addresses: nothing to translate to */
	ck_assert_int_eq(snatpool_table_new(p6, &o, &t6), 0);
	ck_assert_int_eq(snatpool_table_claim(t6, &f, 1, &m), -SNATPOOL_ENOFAMILY);
	ck_assert_uint_eq(stat_mappings(t6), 0);
	snatpool_table_free(t6);
	snatpool_pool_free(p6);
	snatpool_table_free(t);
}
END_TEST

/* NAT64 and IPv4 sources share the IPv4 port spaces; the quota counts a
 * source's NAT64 and native IPv6 mappings together. */
START_TEST(test_shared_ports_quota)
{
	struct snatpool *p1 = tt_pool("198.51.100.1,2001:db8::1", 3000, 3001);
	SNATPOOL_OPTS(snatpool_table_opts, o, .port_quota = 1);
	struct snatpool_table *t;
	struct snatpool_flow a = nat64_flow(IPPROTO_UDP, "2001:db8:1::5", 3000, "192.0.2.1", 53);
	struct snatpool_flow b = tt_flow(IPPROTO_UDP, "10.0.0.1", 3000, "192.0.2.1", 53);
	struct snatpool_flow c = tt_flow(IPPROTO_UDP, "10.0.0.2", 3000, "192.0.2.1", 53);
	struct snatpool_flow d = tt_flow(IPPROTO_UDP, "2001:db8:1::5", 3000, "2001:db8::9", 53);
	struct snatpool_mapping ma, mb;

	ck_assert_int_eq(snatpool_table_new(p1, &o, &t), 0);
	ck_assert_int_eq(snatpool_table_claim(t, &a, 1, &ma), 0);
	ck_assert_uint_eq(ma.xport, 3000);
	ck_assert_int_eq(snatpool_table_claim(t, &b, 1, &mb), 0);
	ck_assert_uint_eq(mb.xport, 3001);	/* 3000 is the NAT64 mapping's */
	ck_assert_int_eq(snatpool_table_claim(t, &c, 1, NULL), -SNATPOOL_EEXHAUSTED);
	ck_assert_int_eq(snatpool_table_claim(t, &d, 1, NULL), -SNATPOOL_EQUOTA);
	ck_assert_int_eq(snatpool_table_release(t, &a, 2), 0);	/* no lease: freed */
	ck_assert_int_eq(snatpool_table_claim(t, &d, 2, NULL), 0);
	snatpool_table_free(t);
	snatpool_pool_free(p1);
}
END_TEST

START_TEST(test_permit_target)
{
	static const uint32_t modes[] = { SNATPOOL_PERMIT_TARGET_HOST,
					  SNATPOOL_PERMIT_TARGET_HOST_PORT };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct snatpool_table *t = mk(0, 0, modes[i], 0);
		struct snatpool_flow f = nat64_flow(IPPROTO_UDP, "2001:db8:1::5", 4000,
						    "192.0.2.1", 53);
		struct snatpool_mapping m;
		uint8_t r1[4] = { 192, 0, 2, 1 }, r2[4] = { 192, 0, 2, 2 };

		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
		ck_assert_int_eq(snatpool_table_release(t, &f, 2), 0);
		ck_assert_int_eq(snatpool_table_permit(t, AF_INET, IPPROTO_UDP, m.xaddr, m.xport,
						       r1, 53, 3), 1);
		ck_assert_int_eq(snatpool_table_permit(t, AF_INET, IPPROTO_UDP, m.xaddr, m.xport,
						       r1, 54, 3),
				 modes[i] == SNATPOOL_PERMIT_TARGET_HOST ? 1 : 0);
		ck_assert_int_eq(snatpool_table_permit(t, AF_INET, IPPROTO_UDP, m.xaddr, m.xport,
						       r2, 53, 3), 0);
		ck_assert_int_eq(snatpool_table_permit(t, AF_INET6, IPPROTO_UDP, m.xaddr,
						       m.xport, r1, 53, 3), -ENOENT);
		snatpool_table_free(t);
	}
}
END_TEST

static int count_nat64(const struct snatpool_mapping *m, void *ctx)
{
	size_t *n = ctx;

	n[m->family == SNATPOOL_AF_NAT64]++;
	return 0;
}

/* The burst gives what single lookups give, NAT64 flows among others; walk sees them. */
START_TEST(test_burst_walk)
{
	struct snatpool_table *t = mk(SNATPOOL_TABLE_F_PAIRED, SNATPOOL_ALGO_MAGLEV_V1,
				      SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
	struct snatpool_flow fl[40];
	struct snatpool_mapping out[40], one;
	int ret[40], i, found = 0;
	size_t n[2] = { 0, 0 };

	for (i = 0; i < 40; i++) {
		char s[64];

		if (i % 3 == 0) {
			snprintf(s, sizeof(s), "2001:db8:5::%x", i);
			fl[i] = nat64_flow(IPPROTO_TCP, s, (uint16_t)(1000 + i), "192.0.2.7", 80);
		} else if (i % 3 == 1) {
			snprintf(s, sizeof(s), "2001:db8:5::%x", i);
			fl[i] = tt_flow(IPPROTO_TCP, s, (uint16_t)(1000 + i), "2001:db8::7", 80);
		} else {
			fl[i] = tt_flown(IPPROTO_TCP, (uint32_t)i, (uint16_t)(1000 + i));
		}
		if (i % 5 != 4)
			ck_assert_int_eq(snatpool_table_claim(t, &fl[i], 1, NULL), 0);
	}
	fl[39].family = SNATPOOL_AF_NAT64;	/* an IPv4-style flow as NAT64: a valid key */
	fl[38].family = 77;
	ck_assert_int_eq(snatpool_table_lookup_burst(t, fl, 40, 2, out, ret), 31);
	for (i = 0; i < 40; i++) {
		int r = snatpool_table_lookup(t, &fl[i], 2, &one);

		ck_assert_int_eq(ret[i], r);
		if (!r) {
			ck_assert_mem_eq(&out[i], &one, sizeof(one));
			found++;
		}
	}
	ck_assert_int_eq(found, 31);
	ck_assert_int_eq(ret[38], -EINVAL);
	ck_assert_int_eq(snatpool_table_walk(t, 2, count_nat64, n), 0);
	ck_assert_uint_eq(n[1], 11);	/* i % 3 == 0, i % 5 != 4, below 39 */
	ck_assert_uint_eq(n[0] + n[1], stat_mappings(t));
	snatpool_table_free(t);
}
END_TEST

/* ---- snapshots and the HA stream ---- */

struct wset {
	size_t n;
	struct snatpool_mapping m[256];
};

static int collect(const struct snatpool_mapping *m, void *ctx)
{
	struct wset *w = ctx;

	ck_assert_uint_lt(w->n, 256);
	w->m[w->n++] = *m;
	return 0;
}

static int cmp_map(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct snatpool_mapping));
}

static void walk_sorted(struct snatpool_table *t, uint32_t now, struct wset *w)
{
	size_t i;

	w->n = 0;
	ck_assert_int_eq(snatpool_table_walk(t, now, collect, w), 0);
	for (i = 0; i < w->n; i++)
		w->m[i].flags &= SNATPOOL_MAP_F_PRESERVED;
	qsort(w->m, w->n, sizeof(w->m[0]), cmp_map);
}

/* NAT64, IPv6 and IPv4 mappings, live and idle, with remotes. */
static void populate(struct snatpool_table *t, uint32_t now)
{
	int i;

	for (i = 0; i < 24; i++) {
		char s[64];
		struct snatpool_flow f;

		snprintf(s, sizeof(s), "2001:db8:7::%x", i / 2);
		if (i % 3 == 0)
			f = nat64_flow(i & 1 ? IPPROTO_UDP : IPPROTO_ICMPV6, s,
				       (uint16_t)(1500 + i), "192.0.2.9", (uint16_t)(53 + i));
		else if (i % 3 == 1)
			f = tt_flow(IPPROTO_UDP, s, (uint16_t)(1500 + i), "2001:db8::9", 53);
		else
			f = tt_flown(IPPROTO_TCP, (uint32_t)i, (uint16_t)(1500 + i));
		ck_assert_int_eq(snatpool_table_claim(t, &f, now, NULL), 0);
		if (i % 4 == 1)
			ck_assert_int_eq(snatpool_table_release(t, &f, now), 0);
	}
}

static uint64_t xxh(const void *p, size_t n)
{
	return XXH64(p, n, 0x736e6174706f6f6cull);
}

/* Little-endian u64 at @p. */
static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

START_TEST(test_snapshot_roundtrip)
{
	struct snatpool_table *a = mk(SNATPOOL_TABLE_F_PAIRED, SNATPOOL_ALGO_XXH3_V1,
				      SNATPOOL_PERMIT_TARGET_HOST_PORT, 0);
	struct snatpool_table *b = mk(SNATPOOL_TABLE_F_PAIRED, SNATPOOL_ALGO_XXH3_V1,
				      SNATPOOL_PERMIT_TARGET_HOST_PORT, 0);
	static struct wset wa, wb;
	struct snatpool_flow f = nat64_flow(IPPROTO_UDP, "2001:db8:7::1", 1503, "192.0.2.9",
					    56);
	struct snatpool_mapping m, x;
	uint8_t *buf;
	long len;
	size_t off, nat64 = 0, i;

	populate(a, 50);
	len = snatpool_table_snapshot(a, 50, NULL, 0);
	ck_assert_int_gt(len, 64);
	buf = malloc((size_t)len);
	ck_assert_int_eq(snatpool_table_snapshot(a, 50, buf, (size_t)len), len);
	/* the NAT64 records: family 6, flag 8, remotes IPv4 */
	for (off = 64; off < (size_t)len - 8; off += 48 + 20 * (size_t)(buf[off + 14] |
							buf[off + 15] << 8)) {
		if (buf[off + 2] & 8) {
			ck_assert_uint_eq(buf[off], 6);
			nat64++;
		}
	}
	ck_assert_uint_eq(nat64, 8);
	ck_assert_int_eq(snatpool_table_load_mem(b, buf, (size_t)len, 1000), 24);
	walk_sorted(a, 50, &wa);
	walk_sorted(b, 1000, &wb);
	ck_assert_uint_eq(wa.n, wb.n);
	for (i = 0; i < wa.n; i++) {
		if (wa.m[i].expires)	/* leases rebased on the loading clock */
			wa.m[i].expires += 950;
		ck_assert_mem_eq(&wa.m[i], &wb.m[i], sizeof(wa.m[i]));
	}
	/* the loaded table answers for them */
	ck_assert_int_eq(snatpool_table_lookup(b, &f, 1000, &m), 0);
	ck_assert_int_eq(m.family, SNATPOOL_AF_NAT64);
	ck_assert_int_eq(snatpool_table_lookup_xlat(b, AF_INET, IPPROTO_UDP, m.xaddr, m.xport,
						    1000, &x), 0);
	ck_assert_mem_eq(x.src, f.src, 16);
	ck_assert_int_eq(snatpool_table_permit(b, AF_INET, IPPROTO_UDP, m.xaddr, m.xport,
					       (const uint8_t *)"\xc0\x00\x02\x09", 56, 1000), 1);
	free(buf);
	snatpool_table_free(a);
	snatpool_table_free(b);
}
END_TEST

/* Records this reader refuses: the checks that keep NAT64 records apart. */
START_TEST(test_snapshot_refused)
{
	struct snatpool_table *a = mk(0, 0, SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0), *b;
	struct snatpool_flow f = nat64_flow(IPPROTO_UDP, "2001:db8:1::5", 4000, "192.0.2.1", 53);
	uint8_t buf[64 + 48 + 8], bad[sizeof(buf)];
	struct snatpool_mapping m;

	ck_assert_int_eq(snatpool_table_claim(a, &f, 1, &m), 0);
	ck_assert_int_eq(snatpool_table_snapshot(a, 1, buf, sizeof(buf)), (long)sizeof(buf));
	ck_assert_uint_eq(buf[64 + 2], 8 | 4);	/* NAT64, preserved */
	/* a reader from before NAT64 accepts flags 1 and 4 only: flag 8 is
	 * outside that set, so it refuses the snapshot rather than read the
	 * record as a native IPv6 mapping */
	ck_assert_uint_ne(buf[64 + 2] & ~(1 | 4), 0);
	b = mk(0, 0, SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
	ck_assert_int_eq(snatpool_table_load_mem(b, buf, sizeof(buf), 1), 1);
	snatpool_table_free(b);

	/* flag 8 on an IPv4 record */
	memcpy(bad, buf, sizeof(buf));
	bad[64] = 4;
	memset(bad + 64 + 24, 0, 12);
	put64(bad + sizeof(bad) - 8, xxh(bad, sizeof(bad) - 8));
	b = mk(0, 0, SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
	ck_assert_int_eq(snatpool_table_load_mem(b, bad, sizeof(bad), 1), -SNATPOOL_ESNAPSHOT);
	/* an IPv4 index past the IPv4 addresses */
	memcpy(bad, buf, sizeof(buf));
	bad[64 + 8] = 4;
	put64(bad + sizeof(bad) - 8, xxh(bad, sizeof(bad) - 8));
	ck_assert_int_eq(snatpool_table_load_mem(b, bad, sizeof(bad), 1), -SNATPOOL_ESNAPSHOT);
	/* ICMP (IPv4's) under a NAT64 key */
	memcpy(bad, buf, sizeof(buf));
	bad[64 + 1] = IPPROTO_ICMP;
	put64(bad + sizeof(bad) - 8, xxh(bad, sizeof(bad) - 8));
	ck_assert_int_eq(snatpool_table_load_mem(b, bad, sizeof(bad), 1), -SNATPOOL_ESNAPSHOT);
	/* an unknown flag, as flag 8 is to an older reader */
	memcpy(bad, buf, sizeof(buf));
	bad[64 + 2] |= 16;
	put64(bad + sizeof(bad) - 8, xxh(bad, sizeof(bad) - 8));
	ck_assert_int_eq(snatpool_table_load_mem(b, bad, sizeof(bad), 1), -SNATPOOL_ESNAPSHOT);
	ck_assert_uint_eq(stat_mappings(b), 0);
	snatpool_table_free(b);
	snatpool_table_free(a);
}
END_TEST

/* A NAT64 tuple and an IPv4 source's are one space: a snapshot giving both the same is refused. */
START_TEST(test_snapshot_tuple_clash)
{
	struct snatpool_table *a = mk(0, 0, SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0), *b;
	struct snatpool_flow f = nat64_flow(IPPROTO_UDP, "2001:db8:1::5", 4000, "192.0.2.1", 53);
	struct snatpool_flow g = tt_flow(IPPROTO_UDP, "10.0.0.1", 4000, "192.0.2.1", 53);
	struct snatpool_mapping mf, mg;
	uint8_t buf[64 + 2 * 48 + 8];
	uint8_t *rf, *rg;

	ck_assert_int_eq(snatpool_table_claim(a, &f, 1, &mf), 0);
	ck_assert_int_eq(snatpool_table_claim(a, &g, 1, &mg), 0);
	ck_assert_int_eq(snatpool_table_snapshot(a, 1, buf, sizeof(buf)), (long)sizeof(buf));
	rf = buf[64] == 6 ? buf + 64 : buf + 112;
	rg = rf == buf + 64 ? buf + 112 : buf + 64;
	/* give the IPv4 source the NAT64 mapping's tuple */
	memcpy(rg + 6, rf + 6, 6);
	put64(buf + sizeof(buf) - 8, xxh(buf, sizeof(buf) - 8));
	b = mk(0, 0, SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
	ck_assert_int_eq(snatpool_table_load_mem(b, buf, sizeof(buf), 1), -SNATPOOL_ESNAPSHOT);
	ck_assert_uint_eq(stat_mappings(b), 0);
	snatpool_table_free(b);
	snatpool_table_free(a);
}
END_TEST

START_TEST(test_delta_replay)
{
	struct snatpool_table *a = mk(SNATPOOL_TABLE_F_PAIRED, SNATPOOL_ALGO_XXH3_V1,
				      SNATPOOL_PERMIT_TARGET_HOST, 1024);
	struct snatpool_table *b = mk(SNATPOOL_TABLE_F_PAIRED, SNATPOOL_ALGO_XXH3_V1,
				      SNATPOOL_PERMIT_TARGET_HOST, 0);
	struct snatpool_flow f = nat64_flow(IPPROTO_UDP, "2001:db8:7::1", 1503, "192.0.2.9", 56);
	static struct wset wa, wb;
	static uint8_t buf[1024 * SNATPOOL_DELTA_RECORD_SIZE];
	struct snatpool_mapping m;
	size_t used, off, nat64 = 0, i;
	long len;

	populate(a, 50);
	ck_assert_int_eq(snatpool_table_claim(a, &f, 51, NULL), 0);	/* refresh */
	len = snatpool_table_delta_export(a, buf, sizeof(buf));
	ck_assert_int_gt(len, 0);
	for (off = 0; off < (size_t)len; off += SNATPOOL_DELTA_RECORD_SIZE)
		if (buf[off + 30] & 8) {
			ck_assert_uint_eq(buf[off + 6], 6);
			nat64++;
		}
	ck_assert_uint_ge(nat64, 8);
	ck_assert_int_eq(snatpool_table_delta_import(b, buf, (size_t)len, 50, &used),
			 (int)(len / SNATPOOL_DELTA_RECORD_SIZE));
	ck_assert_uint_eq(used, (size_t)len);
	/* replayed: duplicates, nothing changes */
	ck_assert_int_eq(snatpool_table_delta_import(b, buf, (size_t)len, 50, NULL), 0);
	walk_sorted(a, 51, &wa);
	walk_sorted(b, 51, &wb);
	ck_assert_uint_eq(wa.n, wb.n);
	for (i = 0; i < wa.n; i++)
		ck_assert_mem_eq(&wa.m[i], &wb.m[i], sizeof(wa.m[i]));
	ck_assert_int_eq(snatpool_table_lookup(b, &f, 51, &m), 0);
	ck_assert_int_eq(m.family, SNATPOOL_AF_NAT64);
	ck_assert_int_eq(snatpool_table_permit(b, AF_INET, IPPROTO_UDP, m.xaddr, m.xport,
					       (const uint8_t *)"\xc0\x00\x02\x09", 1, 51), 1);
	/* the NAT64 flow ends on the active side and its lease expires: the peer follows */
	ck_assert_int_eq(snatpool_table_release(a, &f, 60), 0);
	ck_assert_int_eq(snatpool_table_release(a, &f, 60), 0);
	ck_assert_int_ge(snatpool_table_expire(a, 1000, 0), 1);
	len = snatpool_table_delta_export(a, buf, sizeof(buf));
	ck_assert_int_gt(snatpool_table_delta_import(b, buf, (size_t)len, 60, NULL), 0);
	ck_assert_int_eq(snatpool_table_lookup(b, &f, 61, NULL), -ENOENT);
	ck_assert_int_eq(snatpool_table_lookup_xlat(b, AF_INET, IPPROTO_UDP, m.xaddr, m.xport,
						    61, NULL), -ENOENT);
	snatpool_table_free(a);
	snatpool_table_free(b);
}
END_TEST

START_TEST(test_delta_refused)
{
	struct snatpool_table *a = mk(0, 0, SNATPOOL_PERMIT_ANY_REMOTE_HOST, 16), *b;
	struct snatpool_flow f = nat64_flow(IPPROTO_UDP, "2001:db8:1::5", 4000, "192.0.2.1", 53);
	uint8_t r[SNATPOOL_DELTA_RECORD_SIZE], bad[SNATPOOL_DELTA_RECORD_SIZE];

	ck_assert_int_eq(snatpool_table_claim(a, &f, 1, NULL), 0);
	ck_assert_int_eq(snatpool_table_delta_export(a, r, sizeof(r)), (long)sizeof(r));
	ck_assert_uint_eq(r[6], 6);
	ck_assert_uint_eq(r[30] & 8, 8);
	/* a reader from before NAT64 accepts flags 1, 2, 4 only */
	ck_assert_uint_ne(r[30] & ~(1 | 2 | 4), 0);
	b = mk(0, 0, SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
	/* flag 8 on an IPv4 record */
	memcpy(bad, r, sizeof(r));
	bad[6] = 4;
	memset(bad + 40, 0, 12);
	put64(bad + 88, xxh(bad, 88));
	ck_assert_int_eq(snatpool_table_delta_import(b, bad, sizeof(bad), 1, NULL),
			 -SNATPOOL_EDELTA);
	/* an IPv4 index past the IPv4 addresses */
	memcpy(bad, r, sizeof(r));
	bad[24] = 4;
	put64(bad + 88, xxh(bad, 88));
	ck_assert_int_eq(snatpool_table_delta_import(b, bad, sizeof(bad), 1, NULL),
			 -SNATPOOL_EDELTA);
	/* an unknown flag, as flag 8 is to an older reader */
	memcpy(bad, r, sizeof(r));
	bad[30] |= 16;
	put64(bad + 88, xxh(bad, 88));
	ck_assert_int_eq(snatpool_table_delta_import(b, bad, sizeof(bad), 1, NULL),
			 -SNATPOOL_EDELTA);
	ck_assert_uint_eq(stat_mappings(b), 0);
	ck_assert_int_eq(snatpool_table_delta_import(b, r, sizeof(r), 1, NULL), 1);
	ck_assert_uint_eq(stat_mappings(b), 1);
	snatpool_table_free(b);
	snatpool_table_free(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("table_nat64");
	TCase *tc = tcase_create("nat64");
	int rc;

	pool = tt_pool(SPEC, 1024, 65535);
	tcase_add_test(tc, test_claim_lookup_xlat_release_expire);
	tcase_add_test(tc, test_rollback);
	tcase_add_test(tc, test_paired);
	tcase_add_test(tc, test_enonat64);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_shared_ports_quota);
	tcase_add_test(tc, test_permit_target);
	tcase_add_test(tc, test_burst_walk);
	tcase_add_test(tc, test_snapshot_roundtrip);
	tcase_add_test(tc, test_snapshot_refused);
	tcase_add_test(tc, test_snapshot_tuple_clash);
	tcase_add_test(tc, test_delta_replay);
	tcase_add_test(tc, test_delta_refused);
	suite_add_tcase(s, tc);
	rc = tu_run(s);
	snatpool_pool_free(pool);
	return rc;
}

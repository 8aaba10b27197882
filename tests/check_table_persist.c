/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* check_table_persist.c - snapshots (save/load) and the HA delta stream. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "testutil.h"
#include "table_testutil.h"

static struct snatpool *pool;

static struct snatpool_table *mk(uint32_t permit, uint32_t delta)
{
	SNATPOOL_OPTS(snatpool_table_opts, o, .permit = permit, .delta_capacity = delta,
		      .max_mappings = 4096, .seed = 5, .shards = 16);
	struct snatpool_table *t = NULL;

	ck_assert_int_eq(snatpool_table_new(pool, &o, &t), 0);
	return t;
}

/* A deterministic mix of mappings: live, idle leases, v4 and v6, remotes. */
static void populate(struct snatpool_table *t, uint64_t seed, int n, uint32_t now)
{
	int i;

	for (i = 0; i < n; i++) {
		struct snatpool_flow f = tt_flown(i % 3 ? IPPROTO_UDP : IPPROTO_TCP,
						  (uint32_t)(tu_rand(&seed) % 200),
						  (uint16_t)(1000 + tu_rand(&seed) % 50));
		uint64_t r = tu_rand(&seed);

		if (r % 5 == 0) {
			struct snatpool_flow g = tt_flow(IPPROTO_UDP, "2001:db8:9::1",
							 (uint16_t)(2000 + i), "2001:db8::99", 53);
			f = g;
		}
		f.dst[3] = (uint8_t)(r >> 8);
		if (snatpool_table_claim(t, &f, now, NULL))
			continue;
		if (r % 3 == 0)
			snatpool_table_release(t, &f, now);
		else if (r % 11 == 0)
			snatpool_table_rollback(t, &f, now);
	}
}

struct wset {
	size_t n;
	struct snatpool_mapping m[8192];
};

static int collect(const struct snatpool_mapping *m, void *ctx)
{
	struct wset *w = ctx;

	ck_assert_uint_lt(w->n, 8192);
	w->m[w->n++] = *m;
	return 0;
}

static int cmp_map(const void *a, const void *b)
{
	const struct snatpool_mapping *x = a, *y = b;

	if (x->family != y->family)
		return x->family - y->family;
	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->sport != y->sport)
		return x->sport - y->sport;
	return memcmp(x->src, y->src, 16);
}

static struct wset *dump(struct snatpool_table *t, uint32_t now)
{
	struct wset *w = calloc(1, sizeof(*w));

	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(snatpool_table_walk(t, now, collect, w), 0);
	qsort(w->m, w->n, sizeof(w->m[0]), cmp_map);
	return w;
}

/* Same mappings: keys, tuples, flows, lease deadlines (shifted by @shift). */
static bool same(struct snatpool_table *a, uint32_t na, struct snatpool_table *b,
		 uint32_t nb)
{
	struct wset *x = dump(a, na), *y = dump(b, nb);
	bool eq = x->n == y->n;
	size_t i;

	for (i = 0; eq && i < x->n; i++) {
		const struct snatpool_mapping *p = &x->m[i], *q = &y->m[i];

		eq = !cmp_map(p, q) && p->xindex == q->xindex && p->xport == q->xport &&
		     p->flows == q->flows &&
		     (p->expires ? p->expires - na : 0) == (q->expires ? q->expires - nb : 0);
	}
	free(x);
	free(y);
	return eq;
}

static size_t count(struct snatpool_table *t)
{
	SNATPOOL_OPTS(snatpool_table_stats, st);

	ck_assert_int_eq(snatpool_table_stats(t, &st), 0);
	return st.total_mappings;
}

static uint8_t *snap(struct snatpool_table *t, uint32_t now, size_t *len)
{
	long n = snatpool_table_snapshot(t, now, NULL, 0);
	uint8_t *buf;

	ck_assert_int_gt(n, 0);
	buf = malloc((size_t)n);
	ck_assert_int_eq(snatpool_table_snapshot(t, now, buf, (size_t)n), n);
	*len = (size_t)n;
	return buf;
}

START_TEST(test_roundtrip_file)
{
	struct snatpool_table *a = mk(SNATPOOL_PERMIT_TARGET_HOST_PORT, 0), *b, *c;
	char dir[] = "/tmp/snp-snapXXXXXX", path[64], bad[96];
	struct snatpool_mapping m;
	uint8_t r[4] = { 192, 0, 2, 7 };
	struct snatpool_flow f = tt_flow(IPPROTO_UDP, "10.9.9.9", 7000, "192.0.2.7", 99);
	int n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/table.snp", dir);
	populate(a, 1, 600, 1000);
	ck_assert_int_eq(snatpool_table_claim(a, &f, 1000, &m), 0);
	ck_assert_int_eq(snatpool_table_release(a, &f, 1000), 0);
	ck_assert_int_eq(snatpool_table_save(a, path, 1000), 0);
	/* load after a "restart": the clock started again at 50 */
	b = mk(SNATPOOL_PERMIT_TARGET_HOST_PORT, 0);
	n = snatpool_table_load(b, path, 50);
	ck_assert_int_eq(n, (int)count(a));
	ck_assert(same(a, 1000, b, 50));
	/* permitted remotes came along; the lease's lifetime was rebased */
	ck_assert_int_eq(snatpool_table_permit(b, AF_INET, IPPROTO_UDP, m.xaddr, m.xport, r, 99,
					       50), 1);
	ck_assert_int_eq(snatpool_table_permit(b, AF_INET, IPPROTO_UDP, m.xaddr, m.xport, r, 98,
					       50), 0);
	ck_assert_int_eq(snatpool_table_lookup(b, &f, 50, &m), 0);
	ck_assert_uint_eq(m.expires, 350);
	/* a loaded table is not empty */
	ck_assert_int_eq(snatpool_table_load(b, path, 50), -EBUSY);
	/* a failed save leaves the old file alone */
	snprintf(bad, sizeof(bad), "%s/nodir/x.snp", dir);
	ck_assert_int_eq(snatpool_table_save(a, bad, 1000), -ENOENT);
	ck_assert_int_eq(snatpool_table_load(b, bad, 1), -ENOENT);
	c = mk(SNATPOOL_PERMIT_TARGET_HOST_PORT, 0);
	ck_assert_int_eq(snatpool_table_load(c, path, 1000), n);
	snatpool_table_free(c);
	unlink(path);
	rmdir(dir);
	snatpool_table_free(a);
	snatpool_table_free(b);
}
END_TEST

/* Every truncation and every flipped octet fails and leaves the table empty. */
START_TEST(test_load_bad)
{
	struct snatpool_table *a = mk(SNATPOOL_PERMIT_TARGET_HOST, 0), *b;
	size_t len, i;
	uint8_t *buf;

	populate(a, 2, 60, 1000);
	buf = snap(a, 1000, &len);
	b = mk(SNATPOOL_PERMIT_TARGET_HOST, 0);
	for (i = 0; i < len; i++) {
		int err = snatpool_table_load_mem(b, buf, i, 1000);

		ck_assert_msg(err == -SNATPOOL_ESNAPSHOT, "cut at %zu: %d", i, err);
		ck_assert_uint_eq(count(b), 0);
	}
	for (i = 0; i < len; i++) {
		int err;

		buf[i] ^= 0x20;
		err = snatpool_table_load_mem(b, buf, len, 1000);
		buf[i] ^= 0x20;
		ck_assert_msg(err == -SNATPOOL_ESNAPSHOT, "flip at %zu: %d", i, err);
		ck_assert_uint_eq(count(b), 0);
	}
	ck_assert_int_eq(snatpool_table_load_mem(b, buf, len, 1000), (int)count(a));
	snatpool_table_free(b);
	free(buf);
	snatpool_table_free(a);
}
END_TEST

static void reseal(uint8_t *buf, size_t len);

/* Checksummed but wrong: foreign version, tuple twice, another pool, too many. */
START_TEST(test_load_inconsistent)
{
	struct snatpool_table *a = mk(SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0), *b;
	struct snatpool *other = tt_pool("203.0.113.1-203.0.113.4,2001:db8::/126", 1024, 65535);
	struct snatpool_table *o = NULL;
	SNATPOOL_OPTS(snatpool_table_opts, small, .max_mappings = 3);
	struct snatpool_flow f1 = tt_flown(IPPROTO_UDP, 1, 5000), f2 = tt_flown(IPPROTO_UDP, 2, 6000);
	size_t len;
	uint8_t *buf;

	ck_assert_int_eq(snatpool_table_claim(a, &f1, 10, NULL), 0);
	ck_assert_int_eq(snatpool_table_claim(a, &f2, 10, NULL), 0);
	buf = snap(a, 10, &len);
	b = mk(SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
	/* version 2 */
	buf[8] = 2;
	reseal(buf, len);
	ck_assert_int_eq(snatpool_table_load_mem(b, buf, len, 10), -SNATPOOL_ESNAPSHOT);
	buf[8] = 1;
	reseal(buf, len);
	ck_assert_int_eq(snatpool_table_load_mem(b, buf, len, 10), 2);
	snatpool_table_free(b);
	/* second mapping given the first one's tuple (both on one address) */
	b = mk(SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
	memcpy(buf + 64 + 48 + 6, buf + 64 + 6, 6);	/* xport and xidx */
	reseal(buf, len);
	ck_assert_int_eq(snatpool_table_load_mem(b, buf, len, 10), -SNATPOOL_ESNAPSHOT);
	ck_assert_uint_eq(count(b), 0);
	/* same key twice */
	memcpy(buf + 64 + 48, buf + 64, 6);
	memcpy(buf + 64 + 48 + 20, buf + 64 + 20, 16);
	buf[64 + 48 + 6] ^= 1;
	reseal(buf, len);
	ck_assert_int_eq(snatpool_table_load_mem(b, buf, len, 10), -SNATPOOL_ESNAPSHOT);
	free(buf);
	/* address index outside the pool */
	buf = snap(a, 10, &len);
	buf[64 + 8] = 200;
	reseal(buf, len);
	ck_assert_int_eq(snatpool_table_load_mem(b, buf, len, 10), -SNATPOOL_ESNAPSHOT);
	free(buf);
	buf = snap(a, 10, &len);
	/* another pool */
	ck_assert_int_eq(snatpool_table_new(other, NULL, &o), 0);
	ck_assert_int_eq(snatpool_table_load_mem(o, buf, len, 10), -SNATPOOL_ESNAPSHOT);
	snatpool_table_free(o);
	/* more than fits */
	o = NULL;
	ck_assert_int_eq(snatpool_table_new(pool, &small, &o), 0);
	ck_assert_int_eq(snatpool_table_claim(a, &(struct snatpool_flow){ .family = AF_INET,
			 .proto = IPPROTO_TCP, .sport = 1, .src = { 10 } }, 10, NULL), 0);
	ck_assert_int_eq(snatpool_table_claim(a, &(struct snatpool_flow){ .family = AF_INET,
			 .proto = IPPROTO_TCP, .sport = 2, .src = { 10 } }, 10, NULL), 0);
	free(buf);
	buf = snap(a, 10, &len);
	ck_assert_int_eq(snatpool_table_load_mem(o, buf, len, 10), -SNATPOOL_EFULL);
	ck_assert_int_eq(snatpool_table_load_mem(o, NULL, 0, 10), -SNATPOOL_ESNAPSHOT);
	ck_assert_int_eq(snatpool_table_load_mem(NULL, buf, len, 10), -EINVAL);
	snatpool_table_free(o);
	snatpool_pool_free(other);
	free(buf);
	snatpool_table_free(b);
	snatpool_table_free(a);
}
END_TEST

/* Reseal an edited snapshot: XXH64, seed "snatpool", as lib/table_snapshot.c documents. */
static void reseal(uint8_t *buf, size_t len)
{
	uint64_t c = XXH64(buf, len - 8, 0x736e6174706f6f6cull);
	int i;

	for (i = 0; i < 8; i++)
		buf[len - 8 + i] = (uint8_t)(c >> (8 * i));
}

/* ---- HA delta stream ---- */

static uint8_t *stream(struct snatpool_table *t, size_t *len)
{
	size_t cap = 1u << 22;
	uint8_t *buf = malloc(cap);
	long n;

	ck_assert_ptr_nonnull(buf);
	n = snatpool_table_delta_export(t, buf, cap);
	ck_assert_int_ge(n, 0);
	ck_assert_int_eq(n % SNATPOOL_DELTA_RECORD_SIZE, 0);
	*len = (size_t)n;
	return buf;
}

START_TEST(test_delta_mirror)
{
	struct snatpool_table *a = mk(SNATPOOL_PERMIT_TARGET_HOST, 1u << 16);
	struct snatpool_table *b = mk(SNATPOOL_PERMIT_TARGET_HOST, 0);
	SNATPOOL_OPTS(snatpool_table_stats, st);
	size_t len, used;
	uint8_t *buf;
	int n;

	populate(a, 3, 2000, 100);
	ck_assert_int_eq(snatpool_table_expire(a, 100, 0), 0);
	buf = stream(a, &len);
	ck_assert_uint_gt(len, 0);
	n = snatpool_table_delta_import(b, buf, len, 100, &used);
	ck_assert_int_eq(n, (int)(len / SNATPOOL_DELTA_RECORD_SIZE));
	ck_assert_uint_eq(used, len);
	ck_assert(same(a, 100, b, 100));
	/* a replay is a no-op */
	ck_assert_int_eq(snatpool_table_delta_import(b, buf, len, 100, &used), 0);
	ck_assert_int_eq(snatpool_table_stats(b, &st), 0);
	ck_assert_uint_eq(st.imports_duplicate, len / SNATPOOL_DELTA_RECORD_SIZE);
	ck_assert_uint_eq(st.imports_rejected, 0);
	ck_assert(same(a, 100, b, 100));
	free(buf);
	/* expiry reaches the peer too */
	ck_assert_int_gt(snatpool_table_expire(a, 1000, 0), 0);
	buf = stream(a, &len);
	ck_assert_int_eq(snatpool_table_delta_import(b, buf, len, 1000, NULL),
			 (int)(len / SNATPOOL_DELTA_RECORD_SIZE));
	ck_assert(same(a, 1000, b, 1000));
	ck_assert_int_eq(snatpool_table_stats(a, &st), 0);
	ck_assert_uint_eq(st.delta_lost, 0);
	free(buf);
	snatpool_table_free(a);
	snatpool_table_free(b);
}
END_TEST

/* Cut at every record boundary and at random octets: never half-applied. */
START_TEST(test_delta_cuts)
{
	struct snatpool_table *a = mk(SNATPOOL_PERMIT_ANY_REMOTE_HOST, 1u << 16), *ref;
	size_t len, cut, nrec;
	uint64_t seed = 9;
	uint8_t *buf;

	populate(a, 4, 150, 100);
	buf = stream(a, &len);
	nrec = len / SNATPOOL_DELTA_RECORD_SIZE;
	for (cut = 0; cut <= nrec; cut++) {
		struct snatpool_table *b = mk(SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
		size_t used;
		int n = snatpool_table_delta_import(b, buf, cut * SNATPOOL_DELTA_RECORD_SIZE,
						    100, &used);

		ck_assert_int_eq(n, (int)cut);
		n = snatpool_table_delta_import(b, buf + used, len - used, 100, &used);
		ck_assert_int_eq(n, (int)(nrec - cut));
		ck_assert(same(a, 100, b, 100));
		snatpool_table_free(b);
	}
	/* random octet cuts, fed piecewise with the leftover carried over */
	for (cut = 0; cut < 20; cut++) {
		struct snatpool_table *b = mk(SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
		size_t off = 0;

		while (off < len) {
			size_t piece = 1 + tu_rand(&seed) % (3 * SNATPOOL_DELTA_RECORD_SIZE);
			size_t used;
			int n;

			if (piece > len - off)
				piece = len - off;
			n = snatpool_table_delta_import(b, buf + off, piece, 100, &used);
			ck_assert_int_ge(n, 0);
			ck_assert_uint_eq(used % SNATPOOL_DELTA_RECORD_SIZE, 0);
			/* the leftover goes again with more */
			off += used;
			if (!used && piece == len - off)
				break;
		}
		ck_assert_uint_eq(off, len);
		ck_assert(same(a, 100, b, 100));
		snatpool_table_free(b);
	}
	/* a flipped octet in record k: records before k applied, nothing after */
	ref = mk(SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
	for (cut = 0; cut < 40 && cut < nrec; cut++) {
		struct snatpool_table *b = mk(SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
		size_t at = cut * SNATPOOL_DELTA_RECORD_SIZE + tu_rand(&seed) % SNATPOOL_DELTA_RECORD_SIZE;
		size_t used;
		int n;

		buf[at] ^= 0x01;
		n = snatpool_table_delta_import(b, buf, len, 100, &used);
		buf[at] ^= 0x01;
		ck_assert_int_eq(n, -SNATPOOL_EDELTA);
		ck_assert_uint_eq(used, cut * SNATPOOL_DELTA_RECORD_SIZE);
		if (cut)	/* ref holds records 0..cut-1 */
			ck_assert_int_eq(snatpool_table_delta_import(ref, buf + (cut - 1) *
				SNATPOOL_DELTA_RECORD_SIZE, SNATPOOL_DELTA_RECORD_SIZE, 100, NULL), 1);
		ck_assert(same(ref, 100, b, 100));
		snatpool_table_free(b);
	}
	snatpool_table_free(ref);
	free(buf);
	snatpool_table_free(a);
}
END_TEST

START_TEST(test_delta_gap_conflict)
{
	struct snatpool *one = tt_pool("198.51.100.1", 1024, 65535);
	SNATPOOL_OPTS(snatpool_table_opts, oa, .permit = SNATPOOL_PERMIT_ANY_REMOTE_HOST,
		      .delta_capacity = 64);
	SNATPOOL_OPTS(snatpool_table_opts, ob, .permit = SNATPOOL_PERMIT_ANY_REMOTE_HOST);
	struct snatpool_table *a = NULL, *b = NULL, *o = NULL;
	struct snatpool *other = tt_pool("203.0.113.1", 1024, 65535);
	struct snatpool_flow f1 = tt_flown(IPPROTO_UDP, 1, 5000), f2 = tt_flown(IPPROTO_UDP, 2, 5000);
	SNATPOOL_OPTS(snatpool_table_stats, st);
	struct snatpool_mapping m;
	uint8_t *buf;
	size_t len, used;
	int i;

	ck_assert_int_eq(snatpool_table_new(one, &oa, &a), 0);
	ck_assert_int_eq(snatpool_table_new(one, &ob, &b), 0);
	ck_assert_int_eq(snatpool_table_claim(a, &f1, 1, &m), 0);
	ck_assert_int_eq(snatpool_table_claim(a, &f1, 1, NULL), 0);
	buf = stream(a, &len);
	ck_assert_uint_eq(len, 2 * SNATPOOL_DELTA_RECORD_SIZE);
	/* a gap: record 2 without record 1 */
	ck_assert_int_eq(snatpool_table_delta_import(b, buf + SNATPOOL_DELTA_RECORD_SIZE,
						     SNATPOOL_DELTA_RECORD_SIZE, 1, &used),
			 -SNATPOOL_EGAP);
	ck_assert_uint_eq(used, 0);
	ck_assert_uint_eq(count(b), 0);
	/* the standby's own mapping holds the tuple: the peer's records are refused */
	ck_assert_int_eq(snatpool_table_claim(b, &f2, 1, NULL), 0);
	ck_assert_int_eq(snatpool_table_lookup(b, &f2, 1, &m), 0);
	ck_assert_int_eq(m.xport, 5000);
	ck_assert_int_eq(snatpool_table_delta_import(b, buf, len, 1, &used), 0);
	ck_assert_uint_eq(used, len);
	ck_assert_int_eq(snatpool_table_stats(b, &st), 0);
	ck_assert_uint_eq(st.imports_rejected, 2);
	ck_assert_uint_eq(st.imports_applied, 0);
	ck_assert_int_eq(snatpool_table_lookup(b, &f1, 1, NULL), -ENOENT);
	ck_assert_int_eq(snatpool_table_lookup(b, &f2, 1, &m), 0);
	ck_assert_int_eq(m.xport, 5000);
	free(buf);
	/* another pool's records are refused outright */
	ck_assert_int_eq(snatpool_table_new(other, NULL, &o), 0);
	ck_assert_int_eq(snatpool_table_claim(a, &f2, 2, NULL), 0);
	buf = stream(a, &len);
	ck_assert_int_eq(snatpool_table_delta_import(o, buf, len, 1, &used), -SNATPOOL_EDELTA);
	free(buf);
	/* overflow: the oldest records are dropped and counted, the peer sees a gap */
	for (i = 0; i < 100; i++) {
		struct snatpool_flow g = tt_flown(IPPROTO_TCP, 50 + (uint32_t)i, 1);

		ck_assert_int_eq(snatpool_table_claim(a, &g, 3, NULL), 0);
	}
	ck_assert_int_eq(snatpool_table_stats(a, &st), 0);
	ck_assert_uint_eq(st.delta_lost, 100 - 64 + 0);
	buf = stream(a, &len);
	ck_assert_uint_eq(len, 64 * SNATPOOL_DELTA_RECORD_SIZE);
	ck_assert_int_eq(snatpool_table_delta_import(b, buf, len, 3, NULL), -SNATPOOL_EGAP);
	free(buf);
	ck_assert_int_eq(snatpool_table_delta_export(a, NULL, 0), 0);
	ck_assert_int_eq(snatpool_table_delta_export(NULL, NULL, 0), -EINVAL);
	snatpool_table_free(o);
	snatpool_pool_free(other);
	snatpool_table_free(a);
	snatpool_table_free(b);
	snatpool_pool_free(one);
}
END_TEST

/* A snapshot carries the stream position: a peer resyncs with it, then follows. */
START_TEST(test_delta_resync)
{
	struct snatpool_table *a = mk(SNATPOOL_PERMIT_ANY_REMOTE_HOST, 1u << 12);
	struct snatpool_table *b = mk(SNATPOOL_PERMIT_ANY_REMOTE_HOST, 0);
	size_t len, slen;
	uint8_t *buf, *s;

	populate(a, 5, 300, 100);
	free(stream(a, &len));		/* lost: the peer never saw these */
	s = snap(a, 100, &slen);
	ck_assert_int_ge(snatpool_table_load_mem(b, s, slen, 100), 0);
	populate(a, 6, 300, 100);
	buf = stream(a, &len);
	ck_assert_int_eq(snatpool_table_delta_import(b, buf, len, 100, NULL),
			 (int)(len / SNATPOOL_DELTA_RECORD_SIZE));
	ck_assert(same(a, 100, b, 100));
	free(buf);
	free(s);
	snatpool_table_free(a);
	snatpool_table_free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("table_persist");
	TCase *tc = tcase_create("persist");
	int rc;

	pool = tt_pool("198.51.100.1-198.51.100.8,2001:db8::/126", 1024, 65535);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_roundtrip_file);
	tcase_add_test(tc, test_load_bad);
	tcase_add_test(tc, test_load_inconsistent);
	tcase_add_test(tc, test_delta_mirror);
	tcase_add_test(tc, test_delta_cuts);
	tcase_add_test(tc, test_delta_gap_conflict);
	tcase_add_test(tc, test_delta_resync);
	suite_add_tcase(s, tc);
	rc = tu_run(s);
	snatpool_pool_free(pool);
	return rc;
}

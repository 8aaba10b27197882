/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_stress.c - several threads claim, release, roll back, look up and
 * expire at random on one table (IPv4 and NAT64 flows) while another
 * thread drains the HA delta stream; then the same operations are replayed
 * on one thread into a second table, and the stream into a third.  Final
 * counters and ownership must agree exactly.  Run it under ThreadSanitizer
 * too (see lib/table.mk).
 *
 * Each thread owns its sources; time moves in rounds separated by barriers,
 * all threads using the round's time, so every operation's result is the
 * same in any interleaving (the pool is large enough never to run out),
 * while the threads still race on shards, port spaces, the expiry of each
 * other's leases and the stream.
 *
 * usage: table_stress [threads] [rounds] [ops per round]
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>

#include "testutil.h"
#include "table_testutil.h"

#define KEYS_PER_THREAD 512

enum { OP_CLAIM, OP_RELEASE, OP_ROLLBACK, OP_LOOKUP, OP_EXPIRE, OP_PERMIT };

struct op {
	uint8_t  kind;
	uint16_t key;
	int      result;
};

static int nthreads = 4, rounds = 60, per_round = 300;
static struct snatpool *pool;
static struct snatpool_table *table;
static pthread_barrier_t barrier;
static struct op **logs;		/* [thread][round * per_round + i] */
static _Atomic int done;
static uint8_t *stream;
static size_t stream_len, stream_cap;

static uint32_t round_time(int r)
{
	return 1000 + (uint32_t)r * 7;
}

static struct snatpool_flow flow_of(int thread, int key)
{
	struct snatpool_flow f = tt_flown(key % 3 ? IPPROTO_UDP : IPPROTO_TCP,
					  (uint32_t)thread << 12 | (uint32_t)(key / 4),
					  (uint16_t)(30000 + key % 4));

	f.dst[3] = (uint8_t)(key % 5);
	if (key % 8 == 7) {	/* NAT64: an IPv6 source, IPv4 tuples shared with the rest */
		f.family = SNATPOOL_AF_NAT64;
		memset(f.src, 0, 16);
		f.src[0] = 0x20;
		f.src[1] = 0x01;
		f.src[13] = (uint8_t)thread;
		f.src[14] = (uint8_t)(key >> 8);
		f.src[15] = (uint8_t)key;
	}
	return f;
}

static int apply(struct snatpool_table *t, int thread, const struct op *o, uint32_t now)
{
	struct snatpool_flow f = flow_of(thread, o->key);
	struct snatpool_mapping m;
	int r;

	switch (o->kind) {
	case OP_CLAIM:
		return snatpool_table_claim(t, &f, now, NULL);
	case OP_RELEASE:
		return snatpool_table_release(t, &f, now);
	case OP_ROLLBACK:
		return snatpool_table_rollback(t, &f, now);
	case OP_LOOKUP:
		if (o->key & 1) {	/* the burst path: same answer */
			int one;

			r = snatpool_table_lookup_burst(t, &f, 1, now, &m, &one);
			r = r < 0 ? r : one;
		} else {
			r = snatpool_table_lookup(t, &f, now, &m);
		}
		return r ? r : (int)m.flows;
	case OP_EXPIRE:
		snatpool_table_expire(t, now, o->key % 4);
		return 0;	/* how many is interleaving-dependent */
	default:
		r = snatpool_table_lookup(t, &f, now, &m);
		if (r)
			return r;
		return snatpool_table_permit(t, m.family == SNATPOOL_AF_NAT64 ? AF_INET : m.family,
					     m.proto, m.xaddr, m.xport, f.dst, f.dport, now);
	}
}

static void *worker(void *arg)
{
	int thread = (int)(intptr_t)arg, r, i;
	uint64_t seed = 77 + (uint64_t)thread;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < per_round; i++) {
			struct op *o = &logs[thread][r * per_round + i];
			uint64_t x = tu_rand(&seed);

			o->key = (uint16_t)((x >> 16) % KEYS_PER_THREAD);
			switch (x % 20) {
			case 0 ... 7:	o->kind = OP_CLAIM; break;
			case 8 ... 12:	o->kind = OP_RELEASE; break;
			case 13 ... 14:	o->kind = OP_ROLLBACK; break;
			case 15 ... 16:	o->kind = OP_LOOKUP; break;
			case 17:	o->kind = OP_EXPIRE; break;
			default:	o->kind = OP_PERMIT; break;
			}
			o->result = apply(table, thread, o, round_time(r));
		}
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

static void drain(struct snatpool_table *t)
{
	long n;

	do {
		if (stream_cap - stream_len < (1u << 16)) {
			stream_cap = stream_cap * 2 + (1u << 20);
			stream = realloc(stream, stream_cap);
			if (!stream)
				abort();
		}
		n = snatpool_table_delta_export(t, stream + stream_len, stream_cap - stream_len);
		if (n < 0)
			abort();
		stream_len += (size_t)n;
	} while (n > 0);
}

static void *exporter(void *arg)
{
	(void)arg;
	while (!atomic_load(&done))
		drain(table);
	return NULL;
}

struct wset {
	size_t n, cap;
	struct snatpool_mapping *m;
};

static int collect(const struct snatpool_mapping *mp, void *ctx)
{
	struct wset *w = ctx;

	if (w->n == w->cap) {
		w->cap = w->cap * 2 + 1024;
		w->m = realloc(w->m, w->cap * sizeof(*w->m));
		if (!w->m)
			abort();
	}
	w->m[w->n++] = *mp;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	const struct snatpool_mapping *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->sport != y->sport)
		return x->sport - y->sport;
	return memcmp(x->src, y->src, 16);
}

static int cmp_tuple(const void *a, const void *b)
{
	const struct snatpool_mapping *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->xindex != y->xindex)
		return x->xindex < y->xindex ? -1 : 1;
	return x->xport - y->xport;
}

static struct wset walk(struct snatpool_table *t, uint32_t now)
{
	struct wset w = { 0, 0, NULL };

	snatpool_table_walk(t, now, collect, &w);
	qsort(w.m, w.n, sizeof(*w.m), cmp_key);
	return w;
}

static int fails;

#define CHECK(c, ...) do {						\
	if (!(c)) {							\
		fprintf(stderr, "table_stress: " __VA_ARGS__);		\
		fputc('\n', stderr);					\
		fails++;						\
	}								\
} while (0)

/* Same keys, flows, lease deadlines and addresses; @ports: same ports too. */
static void same(struct snatpool_table *a, struct snatpool_table *b, uint32_t now,
		 bool ports, const char *what)
{
	struct wset x = walk(a, now), y = walk(b, now);
	size_t i;

	CHECK(x.n == y.n, "%s: %zu mappings vs %zu", what, x.n, y.n);
	for (i = 0; i < x.n && i < y.n; i++) {
		const struct snatpool_mapping *p = &x.m[i], *q = &y.m[i];

		CHECK(!cmp_key(p, q) && p->flows == q->flows && p->expires == q->expires &&
		      p->xindex == q->xindex && (!ports || p->xport == q->xport),
		      "%s: mapping %zu differs", what, i);
	}
	/* no tuple has two owners */
	qsort(x.m, x.n, sizeof(*x.m), cmp_tuple);
	for (i = 1; i < x.n; i++)
		CHECK(cmp_tuple(&x.m[i - 1], &x.m[i]), "%s: tuple owned twice", what);
	free(x.m);
	free(y.m);
}

static uint32_t workers;	/* the tables' (port stripes) */

static struct snatpool_table *mk(uint32_t delta)
{
	SNATPOOL_OPTS(snatpool_table_opts, o, .permit = SNATPOOL_PERMIT_TARGET_HOST,
		      .inactivity_timeout = 20, .max_session_number = 3, .port_quota = 12,
		      .max_mappings = 1u << 18, .shards = 16, .seed = 99, .hold_down = 5,
		      .delta_capacity = delta, .workers = workers);
	struct snatpool_table *t = NULL;

	if (snatpool_table_new(pool, &o, &t))
		abort();
	return t;
}

/* One run: the threads, the replay, the stream. */
static void stress(void)
{
	SNATPOOL_OPTS(snatpool_table_stats, s1);
	SNATPOOL_OPTS(snatpool_table_stats, s2);
	struct snatpool_table *replay, *standby;
	pthread_t th[64], ex;
	uint32_t end;
	int t, r, i, n;

	stream_len = 0;
	atomic_store(&done, 0);
	table = mk(1u << 20);
	logs = calloc((size_t)nthreads, sizeof(*logs));
	for (t = 0; t < nthreads; t++)
		logs[t] = calloc((size_t)rounds * (size_t)per_round, sizeof(**logs));
	pthread_barrier_init(&barrier, NULL, (unsigned)nthreads);
	pthread_create(&ex, NULL, exporter, NULL);
	for (t = 0; t < nthreads; t++)
		pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t);
	for (t = 0; t < nthreads; t++)
		pthread_join(th[t], NULL);
	atomic_store(&done, 1);
	pthread_join(ex, NULL);
	end = round_time(rounds) + 100;
	snatpool_table_expire(table, end, 0);
	drain(table);

	/* the same operations, one thread, round by round */
	replay = mk(0);
	for (r = 0; r < rounds; r++)
		for (t = 0; t < nthreads; t++)
			for (i = 0; i < per_round; i++) {
				const struct op *o = &logs[t][r * per_round + i];
				int res = apply(replay, t, o, round_time(r));

				CHECK(res == o->result, "thread %d round %d op %d (kind %d key %d): "
				      "%d, threaded %d", t, r, i, o->kind, o->key, res, o->result);
			}
	snatpool_table_expire(replay, end, 0);
	snatpool_table_stats(table, &s1);
	snatpool_table_stats(replay, &s2);
	CHECK(s1.live_flows == s2.live_flows && s1.total_mappings == s2.total_mappings &&
	      s1.leases == s2.leases && s1.ports_allocated == s2.ports_allocated &&
	      s1.allocations == s2.allocations && s1.reuses == s2.reuses &&
	      s1.releases == s2.releases && s1.rollbacks == s2.rollbacks &&
	      s1.expirations == s2.expirations && s1.quota_exceeded == s2.quota_exceeded &&
	      s1.session_limit == s2.session_limit && s1.permit_denied == s2.permit_denied &&
	      s1.exhausted_ports == 0 && s1.table_full == 0,
	      "counters differ: flows %" PRIu64 "/%" PRIu64 " mappings %" PRIu64 "/%" PRIu64
	      " alloc %" PRIu64 "/%" PRIu64 " exp %" PRIu64 "/%" PRIu64, s1.live_flows,
	      s2.live_flows, s1.total_mappings, s2.total_mappings, s1.allocations,
	      s2.allocations, s1.expirations, s2.expirations);
	same(table, replay, end, false, "threads vs replay");

	/* the stream, drained while the threads ran, rebuilds the table exactly */
	standby = mk(0);
	n = snatpool_table_delta_import(standby, stream, stream_len, end, NULL);
	CHECK(n >= 0, "stream import: %s", snatpool_strerror(n));
	snatpool_table_expire(standby, end, 0);
	same(table, standby, end, true, "threads vs stream");
	snatpool_table_stats(standby, &s2);
	CHECK(s2.imports_rejected == 0, "%" PRIu64 " records rejected", s2.imports_rejected);
	snatpool_table_stats(table, &s1);
	CHECK(s1.delta_lost == 0, "stream lost records");

	printf("table_stress: %d threads, %u workers x %d rounds x %d ops: %" PRIu64
	       " allocations, %" PRIu64 " reuses, %" PRIu64 " expirations, %" PRIu64
	       " mappings at the end, %zu stream records: %s\n", nthreads, workers, rounds,
	       per_round, s1.allocations, s1.reuses, s1.expirations, s1.total_mappings,
	       stream_len / SNATPOOL_DELTA_RECORD_SIZE, fails ? "FAILED" : "agree");
	snatpool_table_free(table);
	snatpool_table_free(replay);
	snatpool_table_free(standby);
	for (t = 0; t < nthreads; t++)
		free(logs[t]);
	free(logs);
	pthread_barrier_destroy(&barrier);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		nthreads = atoi(argv[1]);
	if (argc > 2)
		rounds = atoi(argv[2]);
	if (argc > 3)
		per_round = atoi(argv[3]);
	if (nthreads < 1 || nthreads > 64 || rounds < 1 || per_round < 1)
		return 1;
	pool = tt_pool("198.51.100.0/26,2001:db8::/120", 1024, 65535);
	/* one worker, then a stripe of every port space per thread (the
	 * threads are not steered: every one claims in every stripe) */
	workers = 1;
	stress();
	workers = (uint32_t)(nthreads < 16 ? nthreads : 16);
	if (workers > 1)
		stress();
	free(stream);
	snatpool_pool_free(pool);
	return fails ? 1 : 0;
}

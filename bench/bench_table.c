/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * bench_table.c - persistent-NAT table throughput and memory, beside DPDK's
 * rte_hash doing the plain insert/lookup part on the same keys in the same
 * run.  Not a test: it never fails on speed.  Prints key=value lines.
 *
 * The table is measured at N live leases (default 1M): new-flow claims
 * (address choice, port allocation, mapping insert, amortized expiry),
 * lease lookups (hash, lock, deadline check, mapping copy) and releases
 * (the mapping becomes an idle lease in the expiry FIFO), single-threaded
 * and with 2 threads, on a table made for 2 workers
 * (snatpool_table_opts.workers).  The 2-thread figures have each thread on
 * the sources snatpool_table_worker() gives it, as a dataplane that
 * spreads flows by source does; the _unsteered ones have each thread on
 * half of the keys regardless (both threads on every shard and stripe).
 * claim_scaling_2t and release_scaling_2t are the 2-thread rates over the
 * 1-thread rates, measured side by side in alternating rounds (2.0:
 * perfect; on a machine shared with other work, a second thread may not
 * get a core of its own); table_figures() says how the rounds are set up.
 * Memory per lease is the growth of resident memory while the table was
 * created and first filled (its arena, mappings and port spaces), divided
 * by N.
 *
 * Lookups go in a shuffled order (not the insertion order), each side
 * reading its own natural input as a dataplane's packet ring would hand it
 * over, one after the other: the table a copy of the flows in that order,
 * rte_hash a copy of the same keys, as 20-octet structs, in that order.
 * So neither side pays a cache miss for its input and the comparison is
 * of the two structures.  Single lookups are measured against
 * rte_hash_lookup(), burst lookups (snatpool_table_lookup_burst(), bursts
 * of 32 consecutive flows) against rte_hash_lookup_bulk() on the same
 * bursts.
 *
 * The lookup comparison runs with both structures full, alternating table
 * and rte_hash measurements in 9 rounds and keeping each one's best round.
 *
 * usage: bench_table [N]   (EAL runs with --no-huge --no-pci, no shared config)
 */
#include <stdbool.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>

#include "snatpool.h"

struct key {		/* the mapping key, as rte_hash sees it */
	uint8_t  src[16];
	uint16_t sport;
	uint8_t  proto, fam;
};

static size_t nkeys = 1000000;
static struct snatpool_flow *flows;	/* insertion order */
static struct snatpool_flow *sflows;	/* the flows in a shuffled order */
static struct key *skeys;		/* their rte_hash keys, in that order */
static struct snatpool *pool;
static struct rte_hash *rh;
static volatile uint64_t sink;
static bool warming;
static uint32_t *own[2][2];	/* [shuffled][worker]: flow indexes */
static size_t own_n[2][2];		/* lookups of a still empty table: misses expected */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Resident memory: the table's arena is mmap()ed, so count pages, not malloc(). */
static size_t heap_used(void)
{
	unsigned long size = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (size_t)sysconf(_SC_PAGESIZE);
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The rte_hash key of a flow. */
static inline void key_of(const struct snatpool_flow *f, struct key *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->src, f->src, f->family == AF_INET6 ? 16 : 4);
	k->sport = f->sport;
	k->proto = f->proto;
	k->fam = f->family == AF_INET6 ? 6 : 4;
}

static void make_keys(void)
{
	uint32_t *order = malloc(nkeys * sizeof(*order));
	uint64_t s = 42;
	size_t i;

	flows = calloc(nkeys, sizeof(*flows));
	sflows = calloc(nkeys, sizeof(*sflows));
	skeys = calloc(nkeys, sizeof(*skeys));
	if (!flows || !order || !sflows || !skeys)
		abort();
	for (i = 0; i < nkeys; i++) {
		/* 8 flows per subscriber in 100.64.0.0/10, CGN style */
		uint32_t sub = (uint32_t)(i / 8), a = (100u << 24 | 64u << 16) + sub;
		struct snatpool_flow *f = &flows[i];

		f->family = AF_INET;
		f->proto = IPPROTO_UDP;
		f->src[0] = (uint8_t)(a >> 24);
		f->src[1] = (uint8_t)(a >> 16);
		f->src[2] = (uint8_t)(a >> 8);
		f->src[3] = (uint8_t)a;
		/* the subscriber's 8 ports are in 8 disjoint ranges: all distinct */
		f->sport = (uint16_t)(20000 + (i % 8) * 4000 + splitmix(&s) % 4000);
		f->dst[0] = 192;
		f->dst[3] = 1;
		f->dport = 443;
		order[i] = (uint32_t)i;
	}
	for (i = nkeys - 1; i > 0; i--) {
		size_t j = splitmix(&s) % (i + 1);
		uint32_t t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < nkeys; i++) {
		sflows[i] = flows[order[i]];
		key_of(&sflows[i], &skeys[i]);
	}
	free(order);
}

static struct snatpool_table *new_table(void);

/* Which of the 2 workers owns each flow's source (snatpool_table_worker()). */
static void make_owners(void)
{
	struct snatpool_table *t = new_table();
	int sh, w;
	size_t i;

	for (sh = 0; sh < 2; sh++) {
		const struct snatpool_flow *fl = sh ? sflows : flows;

		for (w = 0; w < 2; w++)
			if (!(own[sh][w] = malloc(nkeys * sizeof(uint32_t))))
				abort();
		for (i = 0; i < nkeys; i++) {
			w = snatpool_table_worker(t, fl[i].family, fl[i].src);
			if (w < 0)
				abort();
			own[sh][w][own_n[sh][w]++] = (uint32_t)i;
		}
	}
	snatpool_table_free(t);
}

static struct snatpool_table *new_table(void)
{
	SNATPOOL_OPTS(snatpool_table_opts, o, .max_mappings = 1u << 20,
		      .permit = SNATPOOL_PERMIT_ANY_REMOTE_HOST, .seed = 7, .workers = 2);
	struct snatpool_table *t = NULL;

	if (snatpool_table_new(pool, &o, &t))
		abort();
	return t;
}

enum op { OP_CLAIM, OP_LOOKUP, OP_RELEASE, OP_ROLLBACK, OP_RTE_LOOKUP, OP_BURST,
	  OP_RTE_BULK };

#define BURST 32
#define LOOKUP_ROUNDS 9	/* side by side lookup rounds, best of each kept */

/* A thread's work; a cache line of its own, and written once at the end,
 * so that the two threads' bookkeeping shares no line (false sharing
 * would tax both sides of every 2-thread figure). */
struct job {
	struct snatpool_table *t;
	enum op op;
	size_t lo, hi;
	const uint32_t *list;	/* NULL: flows lo..hi; else flows list[lo..hi] */
	bool shuffled;
	uint64_t fails;
} __attribute__((aligned(64)));

static void *worker(void *arg)
{
	struct job *j = arg;
	struct snatpool_mapping m;
	uint64_t acc = 0, fails = 0;
	size_t i;

	if (j->op == OP_BURST || j->op == OP_RTE_BULK) {
		struct snatpool_mapping bm[BURST];
		const void *bkp[BURST];
		int32_t pos[BURST];
		int ret[BURST];

		for (i = j->lo; i < j->hi; i += BURST) {
			size_t n = j->hi - i < BURST ? j->hi - i : BURST, b;
			int found;

			if (j->op == OP_BURST) {
				found = snatpool_table_lookup_burst(j->t, &sflows[i], n, 1000,
								    bm, ret);
				for (b = 0; b < n; b++)
					acc += bm[b].xport;
			} else {
				for (b = 0; b < n; b++)
					bkp[b] = &skeys[i + b];
				found = 0;
				if (rte_hash_lookup_bulk(rh, bkp, (uint32_t)n, pos) == 0)
					for (b = 0; b < n; b++) {
						found += pos[b] >= 0;
						acc += (uint64_t)pos[b];
					}
			}
			fails += n - (size_t)(found < 0 ? 0 : found);
		}
		j->fails = fails;
		sink += acc;
		return NULL;
	}
	for (i = j->lo; i < j->hi; i++) {
		size_t x = j->list ? j->list[i] : i;
		const struct snatpool_flow *f = j->shuffled ? &sflows[x] : &flows[x];
		int err = 0;

		switch (j->op) {
		case OP_CLAIM:
			err = snatpool_table_claim(j->t, f, 1000, &m);
			acc += m.xport;
			break;
		case OP_LOOKUP:
			err = snatpool_table_lookup(j->t, f, 1000, &m);
			acc += m.xport;
			break;
		case OP_RELEASE:
			err = snatpool_table_release(j->t, f, 1000);
			break;
		case OP_ROLLBACK:
			err = snatpool_table_rollback(j->t, f, 1000);
			break;
		case OP_RTE_LOOKUP:
			err = rte_hash_lookup(rh, &skeys[x]) < 0;
			acc += (uint64_t)err;
			break;
		default:
			break;
		}
		fails += err != 0;
	}
	j->fails = fails;
	sink += acc;
	return NULL;
}

/* Run @op over all keys with @threads threads, 2 threads each on half of
 * the keys or (@steer) on the sources snatpool_table_worker() gives it;
 * return ops/s. */
static double run(struct snatpool_table *t, enum op op, int threads, bool shuffled,
		  bool steer)
{
	pthread_t th[2];
	struct job j[2];
	double t0, t1;
	int i;

	for (i = 0; i < threads; i++) {
		j[i] = (struct job){ .t = t, .op = op, .shuffled = shuffled,
				     .lo = nkeys * (size_t)i / (size_t)threads,
				     .hi = nkeys * (size_t)(i + 1) / (size_t)threads };
		if (steer && threads == 2)
			j[i] = (struct job){ .t = t, .op = op, .shuffled = shuffled,
					     .list = own[shuffled][i], .lo = 0,
					     .hi = own_n[shuffled][i] };
	}
	t0 = now_s();
	if (threads == 1) {
		worker(&j[0]);
	} else {
		for (i = 0; i < threads; i++)
			pthread_create(&th[i], NULL, worker, &j[i]);
		for (i = 0; i < threads; i++)
			pthread_join(th[i], NULL);
	}
	t1 = now_s();
	for (i = 0; i < threads && !warming; i++)
		if (j[i].fails)
			fprintf(stderr, "bench_table: %lu failed operations\n",
				(unsigned long)j[i].fails);
	return (double)nkeys / (t1 - t0);
}

static double best(struct snatpool_table *t, enum op op, int threads)
{
	double b = 0, r;
	int i;

	for (i = 0; i < 3; i++) {
		r = run(t, op, threads, true, false);
		if (r > b)
			b = r;
	}
	return b;
}

/*
 * The table's figures, on one table: claims, lookups, releases and lookups
 * of leases, each with 1 thread, 2 threads steered (each on the sources
 * snatpool_table_worker() gives it, as a dataplane that spreads flows by
 * source does) and, for claims and releases, 2 threads unsteered (each on
 * half of the keys, every worker on every shard and stripe).  Claims and
 * releases go in ROUNDS rounds, each of the three ways in turn; the rates
 * printed are each way's best round, the scaling figures the median of
 * the rounds' ratios (each of two rates measured one right after the
 * other, so a neighbour's load on this shared machine hits both).
 * An untimed fill first pays the first touch of the table's memory (page
 * faults, zeroing); the rounds claim into memory a rollback gave back, as
 * a dataplane that has run for a while does.  Before each release
 * round, claims (untimed) make the idle leases live again.  @bytes gets
 * the resident memory the first fill took.
 */
#define ROUNDS 7

/* The median of @n ratios a[i] / b[i]. */
static double median_ratio(const double *a, const double *b, int n)
{
	double r[ROUNDS], x;
	int i, j;

	for (i = 0; i < n; i++) {
		x = a[i] / b[i];
		for (j = i; j > 0 && r[j - 1] > x; j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
	return n % 2 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
}

static double max_of(const double *a, int n)
{
	double m = 0;
	int i;

	for (i = 0; i < n; i++)
		m = a[i] > m ? a[i] : m;
	return m;
}

static void table_figures(size_t *bytes)
{
	static const int th[3] = { 1, 2, 2 };
	static const bool steer[3] = { false, true, false };
	size_t before = heap_used();
	struct snatpool_table *t = new_table();
	double c[3][ROUNDS], rel[3][ROUNDS];
	int k, m;

	warming = true;
	run(t, OP_LOOKUP, 1, true, false);		/* warm up: every lookup misses */
	warming = false;
	run(t, OP_CLAIM, 1, false, false);		/* first touch of the memory */
	*bytes = heap_used() - before;
	warming = true;
	run(t, OP_ROLLBACK, 1, false, false);
	warming = false;
	for (k = 0; k < ROUNDS; k++)
		for (m = 0; m < 3; m++) {
			c[m][k] = run(t, OP_CLAIM, th[m], false, steer[m]);
			warming = true;
			run(t, OP_ROLLBACK, th[m], false, steer[m]);
			warming = false;
		}
	warming = true;
	run(t, OP_CLAIM, 1, false, false);
	warming = false;
	printf("table_claims_per_s_1t=%.0f\n", max_of(c[0], ROUNDS));
	printf("table_claims_per_s_2t=%.0f\n", max_of(c[1], ROUNDS));
	printf("table_claims_per_s_2t_unsteered=%.0f\n", max_of(c[2], ROUNDS));
	printf("table_lookups_per_s_1t=%.0f\n", best(t, OP_LOOKUP, 1));
	printf("table_lookups_per_s_2t=%.0f\n", best(t, OP_LOOKUP, 2));
	for (k = 0; k < ROUNDS; k++)
		for (m = 0; m < 3; m++) {
			if (k || m) {
				warming = true;
				run(t, OP_CLAIM, 1, false, false);
				warming = false;
			}
			rel[m][k] = run(t, OP_RELEASE, th[m], true, steer[m]);
		}
	printf("table_releases_per_s_1t=%.0f\n", max_of(rel[0], ROUNDS));
	printf("table_releases_per_s_2t=%.0f\n", max_of(rel[1], ROUNDS));
	printf("table_releases_per_s_2t_unsteered=%.0f\n", max_of(rel[2], ROUNDS));
	printf("table_lease_lookups_per_s_1t=%.0f\n", best(t, OP_LOOKUP, 1));
	printf("table_lease_lookups_per_s_2t=%.0f\n", best(t, OP_LOOKUP, 2));
	/* how claims and releases scale with a second thread: the median of
	 * the rounds' 2-thread rate over the 1-thread rate measured just
	 * before it (2.0 is perfect) */
	printf("claim_scaling_2t=%.2f\n", median_ratio(c[1], c[0], ROUNDS));
	printf("release_scaling_2t=%.2f\n", median_ratio(rel[1], rel[0], ROUNDS));
	printf("claim_scaling_2t_unsteered=%.2f\n", median_ratio(c[2], c[0], ROUNDS));
	printf("release_scaling_2t_unsteered=%.2f\n", median_ratio(rel[2], rel[0], ROUNDS));
	snatpool_table_free(t);
}

int main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { argv[0], "--no-huge", "--no-pci", "-m", "512", "--no-shconf",
			"--file-prefix", prefix, "-l", "0", "--log-level", "error",
			"--no-telemetry", NULL };
	struct rte_hash_parameters hp = {
		.name = "bench_table", .key_len = sizeof(struct key),
		.hash_func = rte_hash_crc, .hash_func_init_val = 7, .socket_id = 0,
	};
	struct snatpool_diag d;
	SNATPOOL_OPTS(snatpool_pool_opts, po, .port_lo = 1024, .port_hi = 65535);
	double ins, rl1 = 0, rl2 = 0, tl1 = 0, tl2 = 0, rb1 = 0, rb2 = 0, tb1 = 0, tb2 = 0;
	size_t bytes = 0, i;
	cpu_set_t cpus;
	int ret;

	if (argc > 1)
		nkeys = strtoul(argv[1], NULL, 0);
	if (nkeys < 16 || nkeys > (1u << 20))
		nkeys = 1000000;
	snprintf(prefix, sizeof(prefix), "snpbench%d", (int)getpid());
	if (snatpool_pool_from_spec("198.51.100.1-198.51.100.24", &po, &pool, &d)) {
		fprintf(stderr, "pool: %s\n", d.token);
		return 1;
	}
	make_keys();
	printf("keys=%zu\n", nkeys);
	printf("pool_addresses=24\nports_per_address=64512\n");

	/* ---- rte_hash, same keys ---- */
	/*
	 * "-l 0" pins the calling thread to CPU 0, and threads inherit the
	 * mask: every 2-thread figure (the table's and rte_hash's alike) would
	 * then run both threads on one CPU.  Give the main thread back the
	 * CPUs it had, so the workers it starts spread over them.
	 */
	if (sched_getaffinity(0, sizeof(cpus), &cpus)) {
		perror("bench_table: sched_getaffinity");
		return 1;
	}
	ret = rte_eal_init((int)(sizeof(eal) / sizeof(eal[0]) - 1), eal);
	if (ret < 0) {
		fprintf(stderr, "bench_table: rte_eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
		perror("bench_table: sched_setaffinity");
		return 1;
	}
	printf("cpus=%d\n", CPU_COUNT(&cpus));
	hp.entries = (uint32_t)(nkeys + nkeys / 4);
	rh = rte_hash_create(&hp);
	if (!rh) {
		fprintf(stderr, "bench_table: rte_hash_create: %s\n", rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 1;
	}
	{
		double t0 = now_s();

		for (i = 0; i < nkeys; i++) {
			struct key key;

			key_of(&flows[i], &key);
			if (rte_hash_add_key(rh, &key) < 0) {
				fprintf(stderr, "bench_table: rte_hash_add_key failed at %zu\n", i);
				break;
			}
		}
		ins = (double)nkeys / (now_s() - t0);
	}

	/* ---- the table ---- */
	make_owners();
	table_figures(&bytes);
	printf("bytes_per_lease=%.1f\n", (double)bytes / (double)nkeys);

	/*
	 * Lookups side by side: both structures full, the measurements
	 * interleaved round by round, best round of each kept, so that a
	 * neighbour's load on this shared machine hits both sides alike.
	 */
	{
		static const enum op ops[4] = { OP_LOOKUP, OP_RTE_LOOKUP, OP_BURST, OP_RTE_BULK };
		struct snatpool_table *t = new_table();
		double b[4][2] = { { 0 } };
		int round, k, th;

		run(t, OP_CLAIM, 1, false, false);
		for (round = 0; round < LOOKUP_ROUNDS; round++)
			for (th = 1; th <= 2; th++)
				for (k = 0; k < 4; k++) {
					double r = run(t, ops[k], th, true, false);

					if (r > b[k][th - 1])
						b[k][th - 1] = r;
				}
		snatpool_table_free(t);
		tl1 = b[0][0], tl2 = b[0][1], rl1 = b[1][0], rl2 = b[1][1];
		tb1 = b[2][0], tb2 = b[2][1], rb1 = b[3][0], rb2 = b[3][1];
	}
	printf("rte_hash_inserts_per_s_1t=%.0f\n", ins);
	printf("rte_hash_lookups_per_s_1t=%.0f\n", rl1);
	printf("rte_hash_lookups_per_s_2t=%.0f\n", rl2);
	printf("table_lookups_per_s_1t_same_phase=%.0f\n", tl1);
	printf("table_lookups_per_s_2t_same_phase=%.0f\n", tl2);
	printf("lookup_ratio_vs_rte_hash=%.2f\n", tl1 / rl1);
	printf("lookup_ratio_vs_rte_hash_2t=%.2f\n", tl2 / rl2);
	printf("rte_hash_bulk_lookups_per_s_1t=%.0f\n", rb1);
	printf("rte_hash_bulk_lookups_per_s_2t=%.0f\n", rb2);
	printf("table_burst_lookups_per_s_1t=%.0f\n", tb1);
	printf("table_burst_lookups_per_s_2t=%.0f\n", tb2);
	printf("burst_lookup_ratio_vs_rte_hash_bulk=%.2f\n", tb1 / rb1);
	printf("burst_lookup_ratio_vs_rte_hash_bulk_2t=%.2f\n", tb2 / rb2);
	rte_hash_free(rh);
	rte_eal_cleanup();
	snatpool_pool_free(pool);
	free(flows);
	free(sflows);
	free(skeys);
	return 0;
}

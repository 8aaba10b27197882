/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* fuzz_table_common.h - the pool and checks shared by the snapshot and delta targets. */
#ifndef SNP_FUZZ_TABLE_COMMON_H
#define SNP_FUZZ_TABLE_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "snatpool.h"

/* The pool the corpora were made with (fuzz/corpus/README). */
#define FZ_POOL "198.51.100.1-198.51.100.4,2001:db8::/126"

static struct snatpool *fz_pool(void)
{
	static struct snatpool *pool;

	if (!pool) {
		SNATPOOL_OPTS(snatpool_pool_opts, o, .port_lo = 1024, .port_hi = 65535);
		struct snatpool_diag d;

		if (snatpool_pool_from_spec(FZ_POOL, &o, &pool, &d))
			abort();
	}
	return pool;
}

static struct snatpool_table *fz_table(uint32_t delta)
{
	SNATPOOL_OPTS(snatpool_table_opts, o, .permit = SNATPOOL_PERMIT_TARGET_HOST_PORT,
		      .max_mappings = 4096, .shards = 4, .seed = 1, .delta_capacity = delta);
	struct snatpool_table *t = NULL;

	if (snatpool_table_new(fz_pool(), &o, &t))
		abort();
	return t;
}

/* The format's checksum (XXH64, seed "snatpool"), so the fuzzer can get past it. */
static void fz_reseal(uint8_t *p, size_t len)
{
	uint64_t c;
	int i;

	if (len < 8)
		return;
	c = XXH64(p, len - 8, 0x736e6174706f6f6cull);
	for (i = 0; i < 8; i++)
		p[len - 8 + i] = (uint8_t)(c >> (8 * i));
}

struct fz_walk {
	size_t n;
	uint64_t *tuples;
};

static int fz_collect(const struct snatpool_mapping *m, void *ctx)
{
	struct fz_walk *w = ctx;
	int slot = m->proto == 58 ? 1 : m->proto;	/* ICMP and ICMPv6 share a space */

	w->tuples[w->n++] = (uint64_t)(m->family == AF_INET6) << 40 |
			    (uint64_t)slot << 32 | (uint64_t)m->xindex << 16 | m->xport;
	return 0;
}

static int fz_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Invariants after any input: counters agree, no tuple has two owners. */
static size_t fz_check(struct snatpool_table *t)
{
	SNATPOOL_OPTS(snatpool_table_stats, st);
	struct fz_walk w;
	size_t i;

	if (snatpool_table_stats(t, &st))
		abort();
	if (st.ports_allocated != st.total_mappings)
		abort();
	w.n = 0;
	w.tuples = malloc((st.total_mappings + 1) * sizeof(uint64_t));
	if (!w.tuples)
		abort();
	snatpool_table_walk(t, 0, fz_collect, &w);
	if (w.n != st.total_mappings)
		abort();
	qsort(w.tuples, w.n, sizeof(uint64_t), fz_cmp);
	for (i = 1; i < w.n; i++)
		if (w.tuples[i] == w.tuples[i - 1])
			abort();
	free(w.tuples);
	return (size_t)st.total_mappings;
}

#endif

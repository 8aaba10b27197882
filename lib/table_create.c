/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_create.c - snatpool_table_new() and snatpool_table_free(): check
 * the options, size the shards, their slots and chunk tables, map the
 * arena (table_arena.c), sort the pool's addresses (table_order.c).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "table.h"
#include "table_key.h"
#include "table_record.h"

static void table_destroy(struct snatpool_table *t)
{
	struct snp_slots *sl, *next;
	uint32_t i, j;

	if (!t)
		return;
	for (i = 0; t->shards && i < t->nshards; i++) {
		struct snp_shard *s = &t->shards[i];

		for (j = 0; j < s->nchunks; j++) {
			if (s->pchunks) {
				uint32_t k;

				for (k = 0; k < SNP_CHUNK; k++)
					free(s->pchunks[j][k]);
				free(s->pchunks[j]);
			}
			if (!snp_in_arena(t, s->chunks[j]))
				free(s->chunks[j]);
		}
		free(s->chunks);
		free(s->pchunks);
		sl = snp_slots_of(s);
		if (sl && !sl->from_arena)
			free(sl);
		for (sl = s->retired; sl; sl = next) {
			next = sl->next;
			if (!sl->from_arena)
				free(sl);
		}
		free(s->subs);
		pthread_mutex_destroy(&s->lock);
	}
	free(t->shards);
	if (t->arena)
		munmap(t->arena, t->arena_sz);
	snp_ports_free_all(t);
	free(t->order[0]);
	free(t->order[1]);
	pthread_mutex_destroy(&t->delta.lock);
	pthread_mutex_destroy(&t->ilock);
	free(t->delta.buf);
	free(t);
}

SNP_API void snatpool_table_free(struct snatpool_table *t)
{
	table_destroy(t);
}

SNP_API int snatpool_table_new(const struct snatpool *pool,
			       const struct snatpool_table_opts *opts,
			       struct snatpool_table **out)
{
	const uint32_t known_flags = SNATPOOL_TABLE_F_PAIRED |
		SNATPOOL_TABLE_F_NO_PRESERVE | SNATPOOL_TABLE_F_PRESERVE_PARITY;
	struct snatpool_table *t;
	uint32_t per, nslots, i;
	struct snp_slots *sl;
	int v6;

	if (!pool || !out || !SNP_OPTS_VALID(opts, workers))
		return -EINVAL;
	t = aligned_alloc(64, sizeof(*t));	/* the counters' line is its own */
	if (!t)
		return -ENOMEM;
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->delta.lock, NULL);
	pthread_mutex_init(&t->ilock, NULL);
	t->pool = pool;
	t->max_mappings = SNP_OPTS_GET(opts, max_mappings, 0);
	t->flags = SNP_OPTS_GET(opts, flags, 0);
	t->permit = SNP_OPTS_GET(opts, permit, 0);
	t->strategy = SNP_OPTS_GET(opts, strategy, 0);
	t->algo = SNP_OPTS_GET(opts, algo, 0);
	t->timeout = SNP_OPTS_GET(opts, inactivity_timeout, 0);
	t->max_sessions = SNP_OPTS_GET(opts, max_session_number, 0);
	t->hold_down = SNP_OPTS_GET(opts, hold_down, 0);
	t->quota = SNP_OPTS_GET(opts, port_quota, 0);
	t->nshards = SNP_OPTS_GET(opts, shards, 0);
	t->seed = SNP_OPTS_GET(opts, seed, 0);
	t->util_raise = SNP_OPTS_GET(opts, util_raise_pct, 0);
	t->util_clear = SNP_OPTS_GET(opts, util_clear_pct, 0);
	t->delta.cap = SNP_OPTS_GET(opts, delta_capacity, 0);
	t->expire_budget = SNP_OPTS_GET(opts, expire_budget, 0);
	t->event_cb = SNP_OPTS_GET(opts, event_cb, NULL);
	t->event_ctx = SNP_OPTS_GET(opts, event_ctx, NULL);
	t->pb = SNP_OPTS_GET(opts, portblock, NULL);
	t->workers = SNP_OPTS_GET(opts, workers, 0);

	if (!t->max_mappings)
		t->max_mappings = 65536;
	if (!t->timeout)
		t->timeout = 300;
	if (!t->max_sessions)
		t->max_sessions = 65535;
	if (!t->nshards)
		t->nshards = 64;
	if (!t->workers)
		t->workers = 1;
	if (!t->expire_budget)
		t->expire_budget = 8;
	if (t->util_raise && !t->util_clear)
		t->util_clear = t->util_raise > 10 ? t->util_raise - 10 : 0;
	if ((t->flags & ~known_flags) || t->permit > SNATPOOL_PERMIT_TARGET_HOST_PORT ||
	    t->strategy > SNATPOOL_PORTS_DET44 || t->max_sessions > 65535 ||
	    t->nshards > SNP_MAX_SHARDS || (t->nshards & (t->nshards - 1)) ||
	    t->workers > t->nshards || (t->workers > 1 && t->pb) ||
	    t->util_raise > 100 || (t->util_raise && t->util_clear >= t->util_raise) ||
	    t->max_mappings > (1u << 30) || t->timeout > (1u << 30) ||
	    t->hold_down > (1u << 30) || t->delta.cap > (1u << 24)) {
		table_destroy(t);
		return -EINVAL;
	}
	if (t->pb || t->strategy == SNATPOOL_PORTS_DET44) {	/* tables inside the block */
		int fam = 0, xfam = 0;

		if (!t->pb || snp_portblock_pool(t->pb, &fam, &xfam) != pool || fam != xfam ||
		    (t->flags & SNATPOOL_TABLE_F_PAIRED)) {
			table_destroy(t);
			return -EINVAL;
		}
	}
	if (t->algo) {
		struct snatpool_algo_info info;

		if (snatpool_algo_info(t->algo, &info)) {
			table_destroy(t);
			return -SNATPOOL_EALGO;
		}
	}
	if (!t->algo)
		t->algo = snatpool_pool_default_algo(pool);
	if (!t->seed && getrandom(&t->seed, sizeof(t->seed), 0) != sizeof(t->seed))
		t->seed = (uint64_t)(uintptr_t)t ^ 0x5a5a5a5a5a5a5a5aull;
	t->seed_mix = mix64(t->seed);
	snatpool_pool_ports(pool, &t->port_lo, &t->port_hi);
	t->nports = (uint32_t)t->port_hi - t->port_lo + 1;
	t->fingerprint = snp_pool_fingerprint(pool);
	for (v6 = 0; v6 < 2; v6++) {
		t->nfam[v6] = (uint32_t)snatpool_pool_count(pool, v6 ? AF_INET6 : AF_INET);
		if (!t->nfam[v6])
			continue;
		t->ports[v6] = calloc((size_t)SNP_NPROTO * t->nfam[v6], sizeof(*t->ports[v6]));
		if (!t->ports[v6] || snp_order_build(t, v6))
			goto nomem;
	}
	atomic_init(&t->hot.credit, t->max_mappings);
	t->shard_mask = t->nshards - 1;
	t->shards = calloc(t->nshards, sizeof(*t->shards));
	if (!t->shards)
		goto nomem;
	/* slots for twice a shard's share, so at most half full */
	per = (t->max_mappings + t->nshards - 1) / t->nshards;
	for (nslots = 16; nslots < 2 * per; nslots <<= 1)
		;
	snp_arena_map(t, (size_t)t->nshards * snp_slots_bytes(nslots));	/* else malloc() */
	for (i = 0; i < t->nshards; i++) {
		struct snp_shard *s = &t->shards[i];

		s->freelist = s->qhead = s->qtail = SNP_NIL;
		/* the chunk table never moves, so lock-free lookups may read it */
		s->chunks_cap = (uint32_t)((((size_t)t->max_mappings < (1u << SNP_IDX_BITS) ?
				 (size_t)t->max_mappings : (1u << SNP_IDX_BITS)) + SNP_CHUNK - 1) /
				 SNP_CHUNK);
		s->chunks = calloc(s->chunks_cap, sizeof(*s->chunks));
		if (t->permit >= SNATPOOL_PERMIT_TARGET_HOST)
			s->pchunks = calloc(s->chunks_cap, sizeof(*s->pchunks));
		if (!s->chunks || (t->permit >= SNATPOOL_PERMIT_TARGET_HOST && !s->pchunks)) {
			t->nshards = i + 1;
			goto nomem;
		}
		sl = t->arena ? (struct snp_slots *)(void *)(t->arena + (size_t)i *
							      snp_slots_bytes(nslots))
			      : aligned_alloc(64, snp_slots_bytes(nslots));
		if (!sl || pthread_mutex_init(&s->lock, NULL)) {
			if (!snp_in_arena(t, sl))
				free(sl);
			t->nshards = i;
			goto nomem;
		}
		snp_slots_init(sl, nslots, snp_in_arena(t, sl));
		atomic_init(&s->slots, sl);
	}
	if (t->delta.cap) {
		t->delta.buf = malloc((size_t)t->delta.cap * SNATPOOL_DELTA_RECORD_SIZE);
		if (!t->delta.buf)
			goto nomem;
	}
	*out = t;
	return 0;
nomem:
	table_destroy(t);
	return -ENOMEM;
}

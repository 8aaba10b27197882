/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_arena.c - where entries live.  One mapping (transparent huge pages
 * asked for) holds every shard's hash slots and, as far as it goes, the
 * entry chunks; later chunks come from malloc().  Each shard keeps its
 * 32-octet entries in chunks of SNP_CHUNK (an entry's index never changes,
 * so port spaces can name their owner by shard and index) and reuses freed
 * indexes through a freelist linked by the entries' aux word.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "table.h"

#define SNP_HUGE (2u << 20)

static struct snp_ent *arena_chunk(struct snatpool_table *t)
{
	const size_t sz = SNP_CHUNK_BYTES;
	size_t off;

	if (!t->arena)
		return NULL;
	off = atomic_fetch_add_explicit(&t->hot.arena_next, sz, memory_order_relaxed);
	if (off + sz > t->arena_sz)
		return NULL;	/* spent: later chunks come from malloc() */
	return (struct snp_ent *)(void *)(t->arena + off);
}

bool snp_in_arena(const struct snatpool_table *t, const void *p)
{
	return t->arena && (const uint8_t *)p >= t->arena &&
	       (const uint8_t *)p < t->arena + t->arena_sz;
}

/* Slots of all shards, then room for the chunks max_mappings needs. */
int snp_arena_map(struct snatpool_table *t, size_t slots)
{
	size_t chunks = ((size_t)t->max_mappings + SNP_CHUNK - 1) / SNP_CHUNK + t->nshards;
	size_t want = (slots + 63) / 64 * 64 + chunks * SNP_CHUNK_BYTES;
	size_t sz = (want + SNP_HUGE - 1) / SNP_HUGE * SNP_HUGE;
	uint8_t *p = mmap(NULL, sz + SNP_HUGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return -ENOMEM;
	/* align to a huge page, give back the ends */
	a = ((uintptr_t)p + SNP_HUGE - 1) & ~(uintptr_t)(SNP_HUGE - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	if ((uintptr_t)p + sz + SNP_HUGE > a + sz)
		munmap((void *)(a + sz), (uintptr_t)p + sz + SNP_HUGE - (a + sz));
	t->arena = (uint8_t *)a;
	t->arena_sz = sz;
	madvise(t->arena, sz, MADV_HUGEPAGE);	/* a hint: fine if refused */
	t->slots_sz = (slots + 63) / 64 * 64;
	atomic_store(&t->hot.arena_next, t->slots_sz);
	return 0;
}

uint32_t snp_ent_alloc(struct snatpool_table *t, struct snp_shard *s)
{
	uint32_t idx = s->freelist;

	if (idx != SNP_NIL) {
		s->freelist = snp_ent_at(s, idx)->aux;
		return idx;
	}
	if (s->hiwater >= SNP_IDX_MASK)
		return SNP_NIL;
	if ((s->hiwater >> SNP_CHUNK_BITS) >= s->nchunks) {
		struct snp_ent *c;

		if (s->nchunks == s->chunks_cap)	/* sized at creation, never moved */
			return SNP_NIL;
		c = arena_chunk(t);
		if (!c)
			c = aligned_alloc(64, SNP_CHUNK_BYTES);
		if (!c)
			return SNP_NIL;
		if (t->permit >= SNATPOOL_PERMIT_TARGET_HOST) {
			struct snp_permit **pc = calloc(SNP_CHUNK, sizeof(*pc));

			if (!pc) {
				if (!snp_in_arena(t, c))
					free(c);
				return SNP_NIL;
			}
			s->pchunks[s->nchunks] = pc;
		}
		s->chunks[s->nchunks++] = c;
	}
	return s->hiwater++;
}

void snp_ent_free(struct snatpool_table *t, struct snp_shard *s, uint32_t idx)
{
	struct snp_ent *e = snp_ent_at(s, idx);

	if (t->permit >= SNATPOOL_PERMIT_TARGET_HOST) {
		struct snp_permit **pp = snp_permit_at(s, idx);

		free(*pp);
		*pp = NULL;
	}
	e->flags = 0;
	e->aux = s->freelist;
	s->freelist = idx;
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_index.c - a shard's index: an open-addressing array of 4-octet
 * slots (an 8-bit tag and the entry index, linear probing, backward-shift
 * deletion, at most 7/8 full).  A lookup reads the key's home line of
 * slots and the one entry whose tag matches: two cache misses.  The shard
 * lock is held here; the lock-free readers are in table_lookup.c.
 */
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "table_key.h"
#include "table_probe.h"

size_t snp_slots_bytes(uint32_t n)
{
	return sizeof(struct snp_slots) + (size_t)n * sizeof(uint32_t);
}

void snp_slots_init(struct snp_slots *sl, uint32_t n, bool from_arena)
{
	sl->mask = n - 1;
	sl->limit = n / 8 * 7;
	sl->next = NULL;
	sl->from_arena = from_arena;
	memset(sl->v, 0xff, (size_t)n * sizeof(uint32_t));
}

static void slots_put(struct snp_slots *sl, uint32_t home, uint32_t v)
{
	uint32_t pos = home & sl->mask;

	while (sl->v[pos] != SNP_SLOT_EMPTY)
		pos = (pos + 1) & sl->mask;
	sl->v[pos] = v;
}

/*
 * Make room for one more entry: double the slots if they are at their
 * limit.  The old array is retired, not freed (a reader may be in it; seq
 * tells it to retry).  Return: 0; -ENOMEM; -SNATPOOL_EFULL (at the index
 * space's end).
 */
int snp_slots_reserve(struct snp_shard *s)
{
	struct snp_slots *old = snp_slots_of(s), *sl;
	uint32_t n = (old->mask + 1) * 2, i;

	if (s->c.mappings < old->limit)
		return 0;
	if (n > (2u << SNP_IDX_BITS))
		return -SNATPOOL_EFULL;
	sl = aligned_alloc(64, snp_slots_bytes(n));
	if (!sl)
		return -ENOMEM;
	snp_slots_init(sl, n, false);
	for (i = 0; i <= old->mask; i++)
		if (old->v[i] != SNP_SLOT_EMPTY)
			slots_put(sl, snp_ent_at(s, old->v[i] & SNP_IDX_MASK)->aux,
				  old->v[i]);
	old->next = s->retired;
	s->retired = old;
	atomic_store_explicit(&s->slots, sl, memory_order_release);
	return 0;
}

void snp_hash_link(struct snp_shard *s, uint32_t idx, uint64_t kh)
{
	snp_ent_at(s, idx)->aux = (uint32_t)kh;
	slots_put(snp_slots_of(s), (uint32_t)kh, snp_slot_tag(kh) | idx);
}

struct unlink_ctx {
	struct snp_shard *s;
	struct snp_slots *sl;
};

static inline bool slot_used(void *c, uint32_t j)
{
	return ((struct unlink_ctx *)c)->sl->v[j] != SNP_SLOT_EMPTY;
}

static inline uint32_t slot_home(void *c, uint32_t j)
{
	struct unlink_ctx *u = c;

	return snp_ent_at(u->s, u->sl->v[j] & SNP_IDX_MASK)->aux;
}

static inline void slot_move(void *c, uint32_t from, uint32_t to)
{
	struct snp_slots *sl = ((struct unlink_ctx *)c)->sl;

	sl->v[to] = sl->v[from];
}

/* Remove @idx, shifting back the entries after it that may move closer to home. */
void snp_hash_unlink(struct snp_shard *s, uint32_t idx)
{
	struct unlink_ctx u = { s, snp_slots_of(s) };
	uint32_t i = snp_ent_at(s, idx)->aux & u.sl->mask;

	while ((u.sl->v[i] & SNP_IDX_MASK) != idx)
		i = (i + 1) & u.sl->mask;
	i = snp_probe_delete(u.sl->mask, i, &u, slot_used, slot_home, slot_move);
	u.sl->v[i] = SNP_SLOT_EMPTY;
}

uint32_t snp_find(struct snp_shard *s, uint64_t kh, int family, uint8_t proto,
		  const uint8_t *src, uint16_t sport)
{
	const struct snp_slots *sl = snp_slots_of(s);
	uint32_t pos = (uint32_t)kh & sl->mask, tag = snp_slot_tag(kh), v;
	struct snp_rkey k = snp_rkey_kfam(family, proto, src, sport);

	for (; (v = sl->v[pos]) != SNP_SLOT_EMPTY; pos = (pos + 1) & sl->mask)
		if ((v & ~SNP_IDX_MASK) == tag && snp_rkey_eq(snp_ent_at(s, v & SNP_IDX_MASK), &k))
			return v & SNP_IDX_MASK;
	return SNP_NIL;
}

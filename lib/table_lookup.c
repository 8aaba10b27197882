/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_lookup.c - the lock-free readers: single and burst lookups read a
 * shard's index and entries under its seqlock, without taking the lock
 * (table.h: snp_read_begin()); a burst prefetches slots, then entries, for
 * SNP_LOOKUP_BURST flows at a time.  Raced reads retry, then lock.  Also
 * the walk over every mapping, under each shard's lock in turn.
 */
#include <limits.h>
#include <string.h>

#include "table.h"
#include "table_key.h"

/* The error of a flow snp_flow_ok() refused: 0 for a valid NAT64 flow,
 * which the lookups then take on their slow path. */
static __attribute__((noinline, cold)) int
flow_err(const struct snatpool_table *t, const struct snatpool_flow *f)
{
	int slot;

	return snp_flow_check(t, f, &slot);
}

/*
 * The seqlock reader: copy the entry of the key, or learn there is none,
 * without the lock; 1 found, 0 not found, -1 raced (retry or lock).  It reads
 * what writers may be changing: every chunk index is checked before use
 * (chunks and slot arrays never go away while the table lives, and an entry
 * not in use never matches), the probe is bounded, and the result counts
 * only if seq did not move.  Not instrumented by ThreadSanitizer: the races
 * are the design, and seq orders the rest.
 *
 * It is on every lookup's path, and lean on purpose: a core overlaps the
 * cache misses of consecutive lookups only as far as its out-of-order
 * window reaches, so the work around the two misses sets the pace at 1M
 * leases.  (Not linearly: a reader and mapping fill in 20% fewer
 * instructions measured no faster than this one, so it is not here.)
 */
SNP_NO_TSAN static SNP_READER_INLINE int
find_unlocked(const struct snp_shard *s, uint64_t kh, const struct snp_rkey *k,
	      struct snp_ent *copy)
{
	uint32_t seq = snp_read_begin(s);
	const struct snp_slots *sl = atomic_load_explicit(&s->slots, memory_order_acquire);
	uint32_t mask = sl->mask, pos = (uint32_t)kh & mask, tag = snp_slot_tag(kh);
	uint32_t left = mask, v, idx;
	const struct snp_ent *c;

	for (;; pos = (pos + 1) & mask) {
		v = *(const volatile uint32_t *)&sl->v[pos];
		if (v == SNP_SLOT_EMPTY)
			return snp_read_valid(s, seq) ? 0 : -1;
		if ((v & ~SNP_IDX_MASK) == tag) {
			idx = v & SNP_IDX_MASK;
			if ((idx >> SNP_CHUNK_BITS) >= s->chunks_cap)
				return -1;
			c = ((struct snp_ent *const volatile *)s->chunks)[idx >> SNP_CHUNK_BITS];
			if (!c)
				return -1;
			*copy = c[idx & (SNP_CHUNK - 1)];	/* a few loads, inline */
			if (snp_rkey_eq(copy, k))
				return snp_read_valid(s, seq) ? 1 : -1;
		}
		if (!left--)
			return -1;
	}
}

/*
 * The lookup of a flow whose key hash is @kh, in shard @s, after a raced
 * lock-free read: retried, then under the lock.
 */
static __attribute__((noinline)) int
lookup_hashed(struct snatpool_table *t, struct snp_shard *s, uint64_t kh,
	      const struct snatpool_flow *f, uint32_t now, struct snatpool_mapping *out)
{
	struct snp_rkey k = snp_rkey_kfam(f->family, f->proto, f->src, f->sport);
	struct snp_ent copy;
	uint32_t idx;
	int err = 0, tries, r;

	for (tries = 0; tries < 4; tries++) {
		r = find_unlocked(s, kh, &k, &copy);
		if (r < 0)
			continue;
		if (!r || !snp_ent_alive(&copy, now))
			return -ENOENT;
		if (out)
			snp_fill_mapping(t, &copy, out);
		return 0;
	}
	snp_shard_lock(s);
	idx = snp_find(s, kh, f->family, f->proto, f->src, f->sport);
	if (idx == SNP_NIL || !snp_ent_alive(snp_ent_at(s, idx), now)) {
		err = -ENOENT;
	} else if (out) {
		snp_fill_mapping(t, snp_ent_at(s, idx), out);
	}
	snp_shard_unlock(s);
	return err;
}

/* The lookup of a flow of family @v6 (NAT64: @x4), constants: few
 * instructions, see above. */
static inline __attribute__((always_inline)) int
lookup_fam(struct snatpool_table *t, const struct snatpool_flow *f, uint32_t now,
	   struct snatpool_mapping *out, const bool v6, const bool x4)
{
	const int family = x4 ? SNATPOOL_AF_NAT64 : v6 ? AF_INET6 : AF_INET;
	uint64_t h = snp_src_hash(t, family, f->src);
	uint64_t kh = snp_key_hash(t, h, family, f->proto, f->src, f->sport);
	struct snp_shard *s = snp_shard_of(t, h);
	struct snp_rkey k = snp_rkey_of(f, v6, x4);
	struct snp_ent copy;
	int r = find_unlocked(s, kh, &k, &copy);

	if (r < 0)
		return lookup_hashed(t, s, kh, f, now, out);
	if (!r || !snp_ent_alive(&copy, now))
		return -ENOENT;
	if (out)
		snp_fill_mapping_fam(t, &copy, out, v6);
	return 0;
}

/* A flow snp_flow_ok() refused: a NAT64 flow, or an error. */
static __attribute__((noinline)) int
lookup_slow(struct snatpool_table *t, const struct snatpool_flow *f, uint32_t now,
	    struct snatpool_mapping *out)
{
	int err = flow_err(t, f);

	if (err)
		return err;
	return lookup_fam(t, f, now, out, true, true);	/* NAT64 */
}

SNP_API int snatpool_table_lookup(struct snatpool_table *t,
				  const struct snatpool_flow *f, uint32_t now,
				  struct snatpool_mapping *out)
{
	if (!snp_flow_ok(t, f))
		return lookup_slow(t, f, now, out);
	if (f->family == AF_INET)
		return lookup_fam(t, f, now, out, false, false);
	return lookup_fam(t, f, now, out, true, false);
}

/*
 * Prefetch the entries whose tag matches in a key's home cache line of
 * slots.  An unlocked peek, like find_unlocked(): a stale slot only
 * prefetches the wrong line.
 */
SNP_NO_TSAN static const struct snp_ent *prefetch_entries(const struct snp_shard *s,
							  uint64_t kh)
{
	const struct snp_slots *sl = atomic_load_explicit(&s->slots, memory_order_acquire);
	uint32_t pos = (uint32_t)kh & sl->mask, tag = snp_slot_tag(kh), v, idx, k;
	const struct snp_ent *c;

	for (k = 0; k < 4; k++, pos = (pos + 1) & sl->mask) {
		v = *(const volatile uint32_t *)&sl->v[pos];
		if (v == SNP_SLOT_EMPTY)
			return NULL;
		idx = v & SNP_IDX_MASK;
		if ((v & ~SNP_IDX_MASK) != tag || (idx >> SNP_CHUNK_BITS) >= s->chunks_cap)
			continue;
		c = ((struct snp_ent *const volatile *)s->chunks)[idx >> SNP_CHUNK_BITS];
		if (!c)
			return NULL;
		__builtin_prefetch(&c[idx & (SNP_CHUNK - 1)]);
		return &c[idx & (SNP_CHUNK - 1)];	/* a second match is one in 2^8 */
	}
	return NULL;
}

/*
 * The burst's fast path: the entry its slots pointed to, read under the
 * seqlock.  An entry in use that holds the key is the key's mapping (keys
 * are unique), whatever the slots did meanwhile.  1 found, -1 otherwise
 * (the full lookup then decides).
 */
SNP_NO_TSAN static SNP_READER_INLINE int
read_candidate(const struct snp_shard *s, const struct snp_ent *cand,
	       const struct snatpool_flow *f, struct snp_ent *copy)
{
	uint32_t seq = snp_read_begin(s);
	struct snp_rkey k = snp_rkey_kfam(f->family, f->proto, f->src, f->sport);

	*copy = *cand;
	if (!snp_rkey_eq(copy, &k))
		return -1;
	return snp_read_valid(s, seq) ? 1 : -1;
}

#define SNP_LOOKUP_BURST 16

SNP_NO_TSAN static const void *slot_line(const struct snp_shard *s, uint64_t kh)
{
	const struct snp_slots *sl = atomic_load_explicit(&s->slots, memory_order_acquire);

	return &sl->v[(uint32_t)kh & sl->mask];
}

SNP_API int snatpool_table_lookup_burst(struct snatpool_table *t,
					const struct snatpool_flow *flows,
					size_t count, uint32_t now,
					struct snatpool_mapping *out, int *ret)
{
	const struct snp_ent *cand[SNP_LOOKUP_BURST];
	struct snp_shard *sh[SNP_LOOKUP_BURST];
	uint64_t kh[SNP_LOOKUP_BURST];
	size_t base, n, i;
	int found = 0;

	if (!t || count > INT_MAX || (count && (!flows || !out || !ret)))
		return -EINVAL;
	for (base = 0; base < count; base += n) {
		const struct snatpool_flow *f = flows + base;

		n = count - base < SNP_LOOKUP_BURST ? count - base : SNP_LOOKUP_BURST;
		/* the misses of a burst overlap: hash slots, then entries */
		for (i = 0; i < n; i++) {
			uint64_t h;

			if (!snp_flow_ok(t, &f[i])) {	/* an error, or NAT64 */
				ret[base + i] = lookup_slow(t, &f[i], now, &out[base + i]);
				found += !ret[base + i];
				sh[i] = NULL;
				continue;
			}
			ret[base + i] = 0;
			h = snp_src_hash(t, f[i].family, f[i].src);
			kh[i] = snp_key_hash(t, h, f[i].family, f[i].proto, f[i].src, f[i].sport);
			sh[i] = snp_shard_of(t, h);
			__builtin_prefetch(slot_line(sh[i], kh[i]));
		}
		for (i = 0; i < n; i++)
			cand[i] = sh[i] ? prefetch_entries(sh[i], kh[i]) : NULL;
		for (i = 0; i < n; i++) {
			struct snp_ent copy;

			if (!sh[i])
				continue;
			if (cand[i] && read_candidate(sh[i], cand[i], &f[i], &copy) > 0) {
				ret[base + i] = snp_ent_alive(&copy, now) ? 0 : -ENOENT;
				if (!ret[base + i])
					snp_fill_mapping(t, &copy, &out[base + i]);
			} else {
				ret[base + i] = lookup_hashed(t, sh[i], kh[i], &f[i], now,
							      &out[base + i]);
			}
			found += !ret[base + i];
		}
	}
	return found;
}


SNP_API int snatpool_table_walk(struct snatpool_table *t, uint32_t now,
				snatpool_table_walk_cb cb, void *ctx)
{
	const struct snp_slots *sl;
	uint32_t i, j;
	int ret = 0;

	if (!t || !cb)
		return -EINVAL;
	for (i = 0; i < t->nshards && !ret; i++) {
		struct snp_shard *s = &t->shards[i];

		snp_shard_lock(s);
		sl = snp_slots_of(s);
		for (j = 0; j <= sl->mask && !ret; j++) {
			const struct snp_ent *e;
			struct snatpool_mapping m;

			if (sl->v[j] == SNP_SLOT_EMPTY)
				continue;
			e = snp_ent_at(s, sl->v[j] & SNP_IDX_MASK);
			if (!snp_ent_alive(e, now))
				continue;
			snp_fill_mapping(t, e, &m);
			ret = cb(&m, ctx);
		}
		snp_shard_unlock(s);
	}
	return ret;
}

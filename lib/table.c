/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table.c - mapping tables: claim, release, rollback, persistent leases,
 * expiry, permit queries.
 *
 * Each shard keeps 32-octet entries in chunks of 1024 (an entry's index
 * never changes, so port spaces can name their owner by shard and index)
 * and finds them through an open-addressing array of 4-octet slots (an
 * 8-bit tag and the index, linear probing, backward-shift deletion, at
 * most 7/8 full): a lookup reads the key's home line of slots and the one
 * entry whose tag matches, so two cache misses, and a burst prefetches
 * both for 16 flows at a time.  A persistent mapping whose last flow ends joins the
 * shard's idle FIFO; since every lease gets the same lifetime and time
 * never goes back, the FIFO is sorted by deadline and expiry pops its head:
 * amortized O(1), each lease is queued and popped once per idle period.
 * Every claim first expires up to expire_budget due leases of its shard.
 */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <netinet/in.h>

#include "table.h"

/*
 * The protocols a table takes: each one's port-space slot (plus one; 0: not
 * taken) and the families it may come in (bit 0 IPv4, bit 1 IPv6).
 */
static const struct { uint8_t slot1, fams; } protos[256] = {
	[IPPROTO_TCP]		= { 1, 3 },
	[IPPROTO_UDP]		= { 2, 3 },
	[IPPROTO_ICMP]		= { 3, 1 },
	[IPPROTO_ICMPV6]	= { 3, 2 },	/* one identifier space per family */
	[IPPROTO_DCCP]		= { 4, 3 },
	[IPPROTO_SCTP]		= { 5, 3 },
	[IPPROTO_UDPLITE]	= { 6, 3 },
};

int snp_proto_slot(uint8_t proto)
{
	return (int)protos[proto].slot1 - 1;
}

struct snp_shard *snp_shard_of(struct snatpool_table *t, uint64_t h)
{
	return &t->shards[(h >> 56) & t->shard_mask];	/* nshards <= 256 */
}

uint32_t snp_clamp_now(uint32_t *last, uint32_t now)
{
	if ((int32_t)(now - *last) < 0)
		return *last;
	*last = now;
	return now;
}

static inline bool addr_eq(const uint8_t *a, const uint8_t *b, bool v6)
{
	uint64_t x0, y0, x1, y1;
	uint32_t x, y;

	if (!v6) {
		memcpy(&x, a, 4);
		memcpy(&y, b, 4);
		return x == y;
	}
	memcpy(&x0, a, 8);
	memcpy(&y0, b, 8);
	memcpy(&x1, a + 8, 8);
	memcpy(&y1, b + 8, 8);
	return !((x0 ^ y0) | (x1 ^ y1));
}

/*
 * A key as every find compares it, with the lock or without: the entry's
 * octets 16-19 (sport, proto, flags) must equal @word under SNP_KEYW_MASK
 * (the flags' SNP_E_USED and SNP_E_V6), and its source the key's.  An
 * entry not in use never matches.
 */
#define SNP_KEYW_MASK	(0xffffffu | (uint32_t)(SNP_E_USED | SNP_E_V6) << 24)

struct snp_rkey {
	const uint8_t *src;
	uint32_t word;
	bool v6;
};

static inline __attribute__((always_inline)) struct snp_rkey
rkey_make(bool v6, uint8_t proto, const uint8_t *src, uint16_t sport)
{
	struct snp_rkey k = { src, 0, v6 };
	union { struct { uint16_t sport; uint8_t proto, flags; } f; uint32_t w; } u;

	u.f.sport = sport;
	u.f.proto = proto;
	u.f.flags = SNP_E_USED | (v6 ? SNP_E_V6 : 0);
	k.word = u.w;
	return k;
}

static inline __attribute__((always_inline)) struct snp_rkey
rkey_of(const struct snatpool_flow *f, const bool v6)
{
	return rkey_make(v6, f->proto, f->src, f->sport);
}

static inline bool rkey_eq(const struct snp_ent *e, const struct snp_rkey *k)
{
	uint32_t w;

	memcpy(&w, &e->sport, 4);
	return !((w ^ k->word) & SNP_KEYW_MASK) && addr_eq(e->src, k->src, k->v6);
}

static inline uint32_t slot_tag(uint64_t kh)
{
	return (uint32_t)(kh >> 56) << SNP_IDX_BITS;
}

/* Shard locked: the slots are ours to read plainly. */
static inline struct snp_slots *slots_of(struct snp_shard *s)
{
	return atomic_load_explicit(&s->slots, memory_order_relaxed);
}

uint32_t snp_find(struct snp_shard *s, uint64_t kh, int family, uint8_t proto,
		  const uint8_t *src, uint16_t sport)
{
	const struct snp_slots *sl = slots_of(s);
	uint32_t pos = (uint32_t)kh & sl->mask, tag = slot_tag(kh), v;
	struct snp_rkey k = rkey_make(family == AF_INET6, proto, src, sport);

	for (; (v = sl->v[pos]) != SNP_SLOT_EMPTY; pos = (pos + 1) & sl->mask)
		if ((v & ~SNP_IDX_MASK) == tag && rkey_eq(snp_ent_at(s, v & SNP_IDX_MASK), &k))
			return v & SNP_IDX_MASK;
	return SNP_NIL;
}

static inline uint32_t owner_id(const struct snatpool_table *t,
				const struct snp_shard *s, uint32_t idx)
{
	return (uint32_t)(s - t->shards) << SNP_IDX_BITS | idx;
}

/* ---- entry slots ---- */

#define SNP_HUGE (2u << 20)

static struct snp_ent *arena_chunk(struct snatpool_table *t)
{
	const size_t sz = SNP_CHUNK_BYTES;
	size_t off;

	if (!t->arena)
		return NULL;
	off = atomic_fetch_add_explicit(&t->arena_next, sz, memory_order_relaxed);
	if (off + sz > t->arena_sz)
		return NULL;	/* spent: later chunks come from malloc() */
	return (struct snp_ent *)(void *)(t->arena + off);
}

static bool in_arena(const struct snatpool_table *t, const void *p)
{
	return t->arena && (const uint8_t *)p >= t->arena &&
	       (const uint8_t *)p < t->arena + t->arena_sz;
}

/* Slots of all shards, then room for the chunks max_mappings needs. */
static int arena_map(struct snatpool_table *t, size_t slots)
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
	atomic_store(&t->arena_next, t->slots_sz);
	return 0;
}

static uint32_t slot_alloc(struct snatpool_table *t, struct snp_shard *s)
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
				if (!in_arena(t, c))
					free(c);
				return SNP_NIL;
			}
			s->pchunks[s->nchunks] = pc;
		}
		s->chunks[s->nchunks++] = c;
	}
	return s->hiwater++;
}

static void slot_free(struct snatpool_table *t, struct snp_shard *s, uint32_t idx)
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

/* ---- hash slots ---- */

static size_t slots_bytes(uint32_t n)
{
	return sizeof(struct snp_slots) + (size_t)n * sizeof(uint32_t);
}

static void slots_init(struct snp_slots *sl, uint32_t n, bool from_arena)
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
static int slots_reserve(struct snp_shard *s)
{
	struct snp_slots *old = slots_of(s), *sl;
	uint32_t n = (old->mask + 1) * 2, i;

	if (s->c.mappings < old->limit)
		return 0;
	if (n > (2u << SNP_IDX_BITS))
		return -SNATPOOL_EFULL;
	sl = aligned_alloc(64, slots_bytes(n));
	if (!sl)
		return -ENOMEM;
	slots_init(sl, n, false);
	for (i = 0; i <= old->mask; i++)
		if (old->v[i] != SNP_SLOT_EMPTY)
			slots_put(sl, snp_ent_at(s, old->v[i] & SNP_IDX_MASK)->aux,
				  old->v[i]);
	old->next = s->retired;
	s->retired = old;
	atomic_store_explicit(&s->slots, sl, memory_order_release);
	return 0;
}

static void hash_link(struct snp_shard *s, uint32_t idx, uint64_t kh)
{
	snp_ent_at(s, idx)->aux = (uint32_t)kh;
	slots_put(slots_of(s), (uint32_t)kh, slot_tag(kh) | idx);
}

/* Remove @idx, shifting back the entries after it that may move closer to home. */
static void hash_unlink(struct snp_shard *s, uint32_t idx)
{
	struct snp_slots *sl = slots_of(s);
	uint32_t i = snp_ent_at(s, idx)->aux & sl->mask, j, home, v;

	while ((sl->v[i] & SNP_IDX_MASK) != idx)
		i = (i + 1) & sl->mask;
	for (j = (i + 1) & sl->mask; (v = sl->v[j]) != SNP_SLOT_EMPTY;
	     j = (j + 1) & sl->mask) {
		home = snp_ent_at(s, v & SNP_IDX_MASK)->aux & sl->mask;
		if (((j - home) & sl->mask) >= ((j - i) & sl->mask)) {
			sl->v[i] = v;
			i = j;
		}
	}
	sl->v[i] = SNP_SLOT_EMPTY;
}

/* ---- the idle FIFO ---- */

void snp_idle_enqueue(struct snp_shard *s, uint32_t idx)
{
	struct snp_link *l = snp_link_at(s, idx);

	snp_ent_at(s, idx)->flags |= SNP_E_IDLE;
	l->qnext = SNP_NIL;
	l->qprev = s->qtail;
	if (s->qtail != SNP_NIL)
		snp_link_at(s, s->qtail)->qnext = idx;
	else
		s->qhead = idx;
	s->qtail = idx;
	s->c.leases++;
}

void snp_idle_insert(struct snp_shard *s, uint32_t idx)
{
	struct snp_ent *e = snp_ent_at(s, idx);
	struct snp_link *l = snp_link_at(s, idx);
	uint32_t after = s->qtail;

	while (after != SNP_NIL &&
	       (int32_t)(snp_ent_at(s, after)->deadline - e->deadline) > 0)
		after = snp_link_at(s, after)->qprev;
	if (after == s->qtail) {
		snp_idle_enqueue(s, idx);
		return;
	}
	e->flags |= SNP_E_IDLE;
	l->qprev = after;
	l->qnext = after == SNP_NIL ? s->qhead : snp_link_at(s, after)->qnext;
	snp_link_at(s, l->qnext)->qprev = idx;
	if (after == SNP_NIL)
		s->qhead = idx;
	else
		snp_link_at(s, after)->qnext = idx;
	s->c.leases++;
}

void snp_idle_dequeue(struct snp_shard *s, uint32_t idx)
{
	struct snp_link *l = snp_link_at(s, idx);

	if (l->qprev != SNP_NIL)
		snp_link_at(s, l->qprev)->qnext = l->qnext;
	else
		s->qhead = l->qnext;
	if (l->qnext != SNP_NIL)
		snp_link_at(s, l->qnext)->qprev = l->qprev;
	else
		s->qtail = l->qprev;
	snp_ent_at(s, idx)->flags &= ~SNP_E_IDLE;
	s->c.leases--;
}

/* ---- per-source port counts (quota) ---- */

static uint32_t sub_hash(const uint8_t *addr, bool v6)
{
	uint64_t a = 0, b = 0;

	memcpy(&a, addr, v6 ? 8 : 4);
	if (v6)
		memcpy(&b, addr + 8, 8);
	return (uint32_t)mix64(a ^ mix64(b + v6));
}

static struct snp_sub *sub_find(struct snp_shard *s, const uint8_t *addr, bool v6)
{
	uint32_t i;

	if (!s->subs)
		return NULL;
	for (i = sub_hash(addr, v6) & s->sub_mask;; i = (i + 1) & s->sub_mask) {
		struct snp_sub *u = &s->subs[i];

		if (!u->cnt)
			return NULL;
		if (u->v6 == v6 && !memcmp(u->addr, addr, v6 ? 16 : 4))
			return u;
	}
}

static int sub_grow(struct snp_shard *s)
{
	uint32_t ncap = s->subs ? (s->sub_mask + 1) * 2 : 16, i;
	struct snp_sub *old = s->subs, *nu = calloc(ncap, sizeof(*nu));
	uint32_t omask = s->sub_mask;

	if (!nu)
		return -ENOMEM;
	s->subs = nu;
	s->sub_mask = ncap - 1;
	if (old) {
		for (i = 0; i <= omask; i++) {
			uint32_t j;

			if (!old[i].cnt)
				continue;
			for (j = sub_hash(old[i].addr, old[i].v6) & s->sub_mask;
			     s->subs[j].cnt; j = (j + 1) & s->sub_mask)
				;
			s->subs[j] = old[i];
		}
		free(old);
	}
	return 0;
}

/* One more port for @addr; -SNATPOOL_EQUOTA or -ENOMEM. */
static int sub_inc(struct snatpool_table *t, struct snp_shard *s,
		   const uint8_t *addr, bool v6, bool enforce)
{
	struct snp_sub *u = sub_find(s, addr, v6);
	uint32_t i;

	if (u) {
		if (enforce && u->cnt >= t->quota)
			return -SNATPOOL_EQUOTA;
		u->cnt++;
		return 0;
	}
	if ((s->nsubs + 1) * 2 > (s->subs ? s->sub_mask + 1 : 0) && sub_grow(s))
		return -ENOMEM;
	for (i = sub_hash(addr, v6) & s->sub_mask; s->subs[i].cnt;
	     i = (i + 1) & s->sub_mask)
		;
	memset(&s->subs[i], 0, sizeof(s->subs[i]));
	memcpy(s->subs[i].addr, addr, v6 ? 16 : 4);
	s->subs[i].v6 = v6;
	s->subs[i].cnt = 1;
	s->nsubs++;
	return 0;
}

static void sub_dec(struct snp_shard *s, const uint8_t *addr, bool v6)
{
	struct snp_sub *u = sub_find(s, addr, v6);
	uint32_t i, j;

	if (!u || --u->cnt)
		return;
	/* linear probing: shift back the entries that followed */
	i = (uint32_t)(u - s->subs);
	for (j = (i + 1) & s->sub_mask; s->subs[j].cnt; j = (j + 1) & s->sub_mask) {
		uint32_t h = sub_hash(s->subs[j].addr, s->subs[j].v6) & s->sub_mask;

		if (((j - h) & s->sub_mask) >= ((j - i) & s->sub_mask)) {
			s->subs[i] = s->subs[j];
			s->subs[j].cnt = 0;
			i = j;
		}
	}
	s->nsubs--;
}

/* ---- mappings ---- */

/* Fill @m from @e, an entry of family @v6 (a constant in the lookups). */
static inline __attribute__((always_inline)) void
fill_mapping_fam(const struct snatpool_table *t, const struct snp_ent *e,
		 struct snatpool_mapping *m, const bool v6)
{
	bool idle = e->flags & SNP_E_IDLE;

	/* every field and gap written once: no memset first */
	memset(&m->proto, 0, offsetof(struct snatpool_mapping, sport) -
	       offsetof(struct snatpool_mapping, proto));
	m->family = v6 ? AF_INET6 : AF_INET;
	m->proto = e->proto;
	m->sport = e->sport;
	m->xindex = e->xidx;
	if (v6) {
		memcpy(m->src, e->src, 16);
		memcpy(m->xaddr, t->pool->v6.addrs + (size_t)e->xidx * 16, 16);
	} else {
		memset(m->src, 0, 16);
		memcpy(m->src, e->src, 4);
		memset(m->xaddr, 0, 16);
		memcpy(m->xaddr, t->pool->v4.addrs + (size_t)e->xidx * 4, 4);
	}
	memset(&m->xport, 0, offsetof(struct snatpool_mapping, flows) -
	       offsetof(struct snatpool_mapping, xport));
	m->xport = e->xport;
	m->flows = idle ? 0 : e->nflows;
	m->expires = idle ? e->deadline : 0;
	m->flags = e->flags & SNP_E_PRESERVED ? SNATPOOL_MAP_F_PRESERVED : 0;
}

static inline void fill_mapping(const struct snatpool_table *t,
				const struct snp_ent *e, struct snatpool_mapping *m)
{
	fill_mapping_fam(t, e, m, e->flags & SNP_E_V6);
}

void snp_fill_mapping(const struct snatpool_table *t, const struct snp_ent *e,
		      struct snatpool_mapping *m)
{
	fill_mapping(t, e, m);
}

static void count_mapping(struct snp_shard *s, const struct snp_ent *e, int d)
{
	int slot = snp_proto_slot(e->proto);

	s->c.mappings += (uint64_t)(int64_t)d;
	if (slot <= 2)
		s->c.byproto[slot] += (uint64_t)(int64_t)d;
}

/*
 * Remove entry @idx: unhash, free its port (resting or at once), free the
 * slot.  The HA record (@dtype, 0: none) is queued under the port's lock so
 * that a peer sees the free before anyone's claim of the same tuple.
 */
void snp_remove(struct snatpool_table *t, struct snp_shard *s, uint32_t idx,
		int mode, uint32_t now, int dtype)
{
	struct snp_ent *e = snp_ent_at(s, idx);
	int family = snp_ent_family(e), slot = snp_proto_slot(e->proto);
	struct snp_ports *ps = snp_ports_peek(t, family, slot, e->xidx);

	s->c.live_flows -= snp_ent_flows(e);
	if (e->flags & SNP_E_IDLE)
		snp_idle_dequeue(s, idx);
	hash_unlink(s, idx);
	count_mapping(s, e, -1);
	if (t->quota)
		sub_dec(s, e->src, family == AF_INET6);
	if (ps) {
		pthread_mutex_lock(&ps->lock);
		snp_ports_release(t, ps, slot, e->xport, mode, now);
		if (dtype)
			snp_delta_emit(t, dtype, e, now, NULL, 0);
		if (t->util_raise)
			snp_util_check(t, slot, now);
		pthread_mutex_unlock(&ps->lock);
	}
	atomic_fetch_sub_explicit(&t->hot.nmappings, 1, memory_order_relaxed);
	slot_free(t, s, idx);
}

/* Delete with event and HA record. */
static void drop_mapping(struct snatpool_table *t, struct snp_shard *s,
			 uint32_t idx, uint32_t ev, int dtype, bool rest,
			 uint32_t now)
{
	struct snp_ent copy = *snp_ent_at(s, idx);

	snp_remove(t, s, idx, rest ? SNP_FREE_REST : SNP_FREE_NOW, now, dtype);
	if (ev)
		snp_event(t, ev, now, &copy);
}

/* Expire up to @budget (0: all) due leases of @s. */
static int expire_shard(struct snatpool_table *t, struct snp_shard *s,
			uint32_t now, size_t budget)
{
	int n = 0;

	while (s->qhead != SNP_NIL && (!budget || (size_t)n < budget)) {
		struct snp_ent *e = snp_ent_at(s, s->qhead);

		if ((int32_t)(e->deadline - now) > 0)
			break;
		drop_mapping(t, s, s->qhead, SNATPOOL_EV_EXPIRED, SNP_D_EXPIRED,
			     true, now);
		s->c.expirations++;
		n++;
	}
	return n;
}

int snp_permit_add(struct snatpool_table *t, struct snp_shard *s, uint32_t idx,
		   const uint8_t *addr, uint16_t port)
{
	struct snp_permit **pp = snp_permit_at(s, idx), *p = *pp;
	size_t alen = snp_ent_family(snp_ent_at(s, idx)) == AF_INET6 ? 16 : 4;
	uint32_t i;

	if (t->permit == SNATPOOL_PERMIT_TARGET_HOST)
		port = 0;
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return -ENOMEM;
		*pp = p;
	}
	for (i = 0; i < p->n; i++)
		if (p->r[i].port == port && !memcmp(p->r[i].addr, addr, alen))
			return 0;
	i = p->n < SNP_PERMIT_MAX ? p->n++ : p->next++ % SNP_PERMIT_MAX;
	memset(&p->r[i], 0, sizeof(p->r[i]));
	memcpy(p->r[i].addr, addr, alen);
	p->r[i].port = port;
	return 1;
}

/* A flow a table takes, in a few instructions for the lookups' paths. */
static inline bool flow_ok(const struct snatpool_table *t, const struct snatpool_flow *f)
{
	return t && f && (f->family == AF_INET || f->family == AF_INET6) &&
	       (protos[f->proto].fams >> (f->family == AF_INET6) & 1);
}

/* 0 and the flow's protocol slot; -EINVAL; -EPROTONOSUPPORT. */
static inline int check_flow(const struct snatpool_table *t, const struct snatpool_flow *f,
			     int *slot)
{
	if (!t || !f || (f->family != AF_INET && f->family != AF_INET6))
		return -EINVAL;
	if (!flow_ok(t, f))
		return -EPROTONOSUPPORT;
	*slot = snp_proto_slot(f->proto);
	return 0;
}

/* The error of a flow flow_ok() refused. */
static __attribute__((noinline, cold)) int
check_flow_err(const struct snatpool_table *t, const struct snatpool_flow *f)
{
	int slot;

	return check_flow(t, f, &slot);
}

/* Pick the address and port for a new mapping of entry @idx (filled but for xidx, xport). */
static int place(struct snatpool_table *t, struct snp_shard *s, uint32_t idx,
		 const struct snatpool_flow *f, int slot, uint64_t h, uint32_t now)
{
	struct snp_ent *e = snp_ent_at(s, idx);
	uint32_t n = t->nfam[f->family == AF_INET6], first, k, xidx;
	bool holddown = false, hd, pres;
	int err;

	if (t->flags & SNATPOOL_TABLE_F_PAIRED) {
		err = snatpool_select(t->pool, f->family, f->src, t->algo, &first, NULL);
		if (err)
			return err;
		n = 1;
	} else {
		first = (uint32_t)(((h & 0xffffffffu) * n) >> 32);
	}
	for (k = 0; k < n; k++) {
		struct snp_ports *ps;

		xidx = first + k;
		if (xidx >= t->nfam[f->family == AF_INET6])
			xidx -= t->nfam[f->family == AF_INET6];
		ps = snp_ports_get(t, f->family, slot, xidx);
		if (!ps)
			return -ENOMEM;
		/* a full space is skipped without its lock; rechecked under it */
		if (atomic_load_explicit(&ps->owned, memory_order_relaxed) >= ps->n)
			continue;
		pthread_mutex_lock(&ps->lock);
		err = snp_ports_alloc(t, ps, slot, f->sport, now, owner_id(t, s, idx),
				      &e->xport, &pres, &hd);
		if (!err) {
			e->xidx = (uint16_t)xidx;
			if (pres)
				e->flags |= SNP_E_PRESERVED;
			snp_delta_emit(t, SNP_D_CREATED, e, now,
				       t->permit >= SNATPOOL_PERMIT_TARGET_HOST ? f->dst : NULL,
				       f->dport);
			if (t->util_raise)
				snp_util_check(t, slot, now);
			pthread_mutex_unlock(&ps->lock);
			return 0;
		}
		pthread_mutex_unlock(&ps->lock);
		holddown |= hd;
	}
	if (t->flags & SNATPOOL_TABLE_F_PAIRED)
		s->c.exhausted_paired++;
	else
		s->c.exhausted_ports++;
	if (holddown)
		s->c.exhausted_holddown++;
	return -SNATPOOL_EEXHAUSTED;
}

/* A new entry slot, counted against max_mappings; SNP_NIL if full. */
static uint32_t ent_new(struct snatpool_table *t, struct snp_shard *s, int *err)
{
	uint32_t n = atomic_fetch_add_explicit(&t->hot.nmappings, 1, memory_order_relaxed);
	uint32_t idx;

	if (n >= t->max_mappings) {
		atomic_fetch_sub_explicit(&t->hot.nmappings, 1, memory_order_relaxed);
		*err = -SNATPOOL_EFULL;
		return SNP_NIL;
	}
	*err = slots_reserve(s);
	idx = *err ? SNP_NIL : slot_alloc(t, s);
	if (idx == SNP_NIL) {
		atomic_fetch_sub_explicit(&t->hot.nmappings, 1, memory_order_relaxed);
		if (!*err)
			*err = s->hiwater >= SNP_IDX_MASK ? -SNATPOOL_EFULL : -ENOMEM;
	}
	return idx;
}

static void ent_init(struct snp_ent *e, int family, uint8_t proto,
		     const uint8_t *src, uint16_t sport)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->src, src, family == AF_INET6 ? 16 : 4);
	e->sport = sport;
	e->proto = proto;
	e->flags = SNP_E_USED | (family == AF_INET6 ? SNP_E_V6 : 0);
}

SNP_API int snatpool_table_claim(struct snatpool_table *t,
				 const struct snatpool_flow *f, uint32_t now,
				 struct snatpool_mapping *out)
{
	uint64_t h, kh;
	struct snp_shard *s;
	struct snp_ent *e;
	uint32_t idx, mflags;
	int slot, err;

	err = check_flow(t, f, &slot);
	if (err)
		return err;
	if (!t->nfam[f->family == AF_INET6])
		return -SNATPOOL_ENOFAMILY;
	h = snp_src_hash(t, f->family, f->src);
	kh = snp_key_hash(t, h, f->family, f->proto, f->src, f->sport);
	s = snp_shard_of(t, h);
	snp_shard_lock(s);
	now = snp_clamp_now(&s->last_now, now);
	expire_shard(t, s, now, t->expire_budget);
	idx = snp_find(s, kh, f->family, f->proto, f->src, f->sport);
	if (idx != SNP_NIL) {
		e = snp_ent_at(s, idx);
		if ((e->flags & SNP_E_IDLE) && (int32_t)(e->deadline - now) <= 0) {
			drop_mapping(t, s, idx, SNATPOOL_EV_EXPIRED, SNP_D_EXPIRED,
				     true, now);
			s->c.expirations++;
			idx = SNP_NIL;
		}
	}
	if (idx != SNP_NIL) {
		bool added = false;

		e = snp_ent_at(s, idx);
		if (snp_ent_flows(e) >= t->max_sessions) {
			s->c.session_limit++;
			err = -SNATPOOL_ESESSIONS;
			goto out;
		}
		if (t->permit >= SNATPOOL_PERMIT_TARGET_HOST) {
			err = snp_permit_add(t, s, idx, f->dst, f->dport);
			if (err < 0)
				goto out;
			added = err > 0;
		}
		if (e->flags & SNP_E_IDLE) {
			snp_idle_dequeue(s, idx);
			e->nflows = 0;		/* was the deadline */
		}
		e->nflows++;
		s->c.live_flows++;
		s->c.reuses++;
		snp_delta_emit(t, SNP_D_REFRESHED, e, now, added ? f->dst : NULL,
			       f->dport);
		mflags = SNATPOOL_MAP_F_REUSED;
		err = 0;
		goto done;
	}
	if (t->quota) {
		err = sub_inc(t, s, f->src, f->family == AF_INET6, true);
		if (err) {
			if (err == -SNATPOOL_EQUOTA)
				s->c.quota_exceeded++;
			goto out;
		}
	}
	idx = ent_new(t, s, &err);
	if (idx == SNP_NIL && err == -SNATPOOL_EFULL) {
		/* due leases of this shard make room before we give up */
		if (expire_shard(t, s, now, 0))
			idx = ent_new(t, s, &err);
	}
	if (idx == SNP_NIL) {
		if (err == -SNATPOOL_EFULL)
			s->c.table_full++;
		goto undo_quota;
	}
	e = snp_ent_at(s, idx);
	ent_init(e, f->family, f->proto, f->src, f->sport);
	e->nflows = 1;
	if (t->permit >= SNATPOOL_PERMIT_TARGET_HOST) {
		err = snp_permit_add(t, s, idx, f->dst, f->dport);
		if (err < 0)
			goto undo_slot;
	}
	err = place(t, s, idx, f, slot, kh, now);
	if (err)
		goto undo_slot;
	e->flags |= SNP_E_FRESH;
	hash_link(s, idx, kh);
	count_mapping(s, e, 1);
	s->c.live_flows++;
	s->c.allocations++;
	snp_event(t, SNATPOOL_EV_CREATED, now, e);
	mflags = SNATPOOL_MAP_F_NEW;
done:
	if (out) {
		fill_mapping(t, e, out);
		out->flags |= mflags;
	}
	snp_shard_unlock(s);
	return 0;
undo_slot:
	atomic_fetch_sub_explicit(&t->hot.nmappings, 1, memory_order_relaxed);
	slot_free(t, s, idx);
undo_quota:
	if (t->quota)
		sub_dec(s, f->src, f->family == AF_INET6);
out:
	snp_shard_unlock(s);
	return err;
}

static int end_flow(struct snatpool_table *t, const struct snatpool_flow *f,
		    uint32_t now, bool rollback)
{
	struct snp_shard *s;
	struct snp_ent *e;
	uint64_t h, kh;
	uint32_t idx;
	int slot, err;

	err = check_flow(t, f, &slot);
	if (err)
		return err;
	h = snp_src_hash(t, f->family, f->src);
	kh = snp_key_hash(t, h, f->family, f->proto, f->src, f->sport);
	s = snp_shard_of(t, h);
	snp_shard_lock(s);
	now = snp_clamp_now(&s->last_now, now);
	idx = snp_find(s, kh, f->family, f->proto, f->src, f->sport);
	if (idx == SNP_NIL || !snp_ent_flows(snp_ent_at(s, idx))) {
		snp_shard_unlock(s);
		return -ENOENT;
	}
	e = snp_ent_at(s, idx);
	e->nflows--;
	s->c.live_flows--;
	if (rollback)
		s->c.rollbacks++;
	else
		s->c.releases++;
	if (e->nflows) {
		if (!rollback)
			e->flags &= ~SNP_E_FRESH;
		snp_delta_emit(t, SNP_D_REFRESHED, e, now, NULL, 0);
	} else if (rollback && (e->flags & SNP_E_FRESH)) {
		drop_mapping(t, s, idx, SNATPOOL_EV_ROLLEDBACK, SNP_D_ROLLEDBACK,
			     false, now);
	} else if (t->permit != SNATPOOL_PERMIT_NONE) {
		e->flags &= ~SNP_E_FRESH;
		e->deadline = now + t->timeout;
		snp_idle_enqueue(s, idx);
		snp_delta_emit(t, SNP_D_RELEASED, e, now, NULL, 0);
	} else {
		drop_mapping(t, s, idx, SNATPOOL_EV_RELEASED, SNP_D_FREED, true, now);
	}
	expire_shard(t, s, now, t->expire_budget);
	snp_shard_unlock(s);
	return 0;
}

SNP_API int snatpool_table_release(struct snatpool_table *t,
				   const struct snatpool_flow *f, uint32_t now)
{
	return end_flow(t, f, now, false);
}

SNP_API int snatpool_table_rollback(struct snatpool_table *t,
				    const struct snatpool_flow *f, uint32_t now)
{
	return end_flow(t, f, now, true);
}

static inline bool ent_alive(const struct snp_ent *e, uint32_t now)
{
	return !(e->flags & SNP_E_IDLE) || (int32_t)(e->deadline - now) > 0;
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
	uint32_t mask = sl->mask, pos = (uint32_t)kh & mask, tag = slot_tag(kh);
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
			if (rkey_eq(copy, k))
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
	struct snp_rkey k = rkey_of(f, f->family == AF_INET6);
	struct snp_ent copy;
	uint32_t idx;
	int err = 0, tries, r;

	for (tries = 0; tries < 4; tries++) {
		r = find_unlocked(s, kh, &k, &copy);
		if (r < 0)
			continue;
		if (!r || !ent_alive(&copy, now))
			return -ENOENT;
		if (out)
			fill_mapping(t, &copy, out);
		return 0;
	}
	snp_shard_lock(s);
	idx = snp_find(s, kh, f->family, f->proto, f->src, f->sport);
	if (idx == SNP_NIL || !ent_alive(snp_ent_at(s, idx), now)) {
		err = -ENOENT;
	} else if (out) {
		fill_mapping(t, snp_ent_at(s, idx), out);
	}
	snp_shard_unlock(s);
	return err;
}

/* The lookup of a flow of family @v6, a constant: few instructions, see above. */
static inline __attribute__((always_inline)) int
lookup_fam(struct snatpool_table *t, const struct snatpool_flow *f, uint32_t now,
	   struct snatpool_mapping *out, const bool v6)
{
	const int family = v6 ? AF_INET6 : AF_INET;
	uint64_t h = snp_src_hash(t, family, f->src);
	uint64_t kh = snp_key_hash(t, h, family, f->proto, f->src, f->sport);
	struct snp_shard *s = snp_shard_of(t, h);
	struct snp_rkey k = rkey_of(f, v6);
	struct snp_ent copy;
	int r = find_unlocked(s, kh, &k, &copy);

	if (r < 0)
		return lookup_hashed(t, s, kh, f, now, out);
	if (!r || !ent_alive(&copy, now))
		return -ENOENT;
	if (out)
		fill_mapping_fam(t, &copy, out, v6);
	return 0;
}

SNP_API int snatpool_table_lookup(struct snatpool_table *t,
				  const struct snatpool_flow *f, uint32_t now,
				  struct snatpool_mapping *out)
{
	if (!flow_ok(t, f))
		return check_flow_err(t, f);
	if (f->family == AF_INET)
		return lookup_fam(t, f, now, out, false);
	return lookup_fam(t, f, now, out, true);
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
	uint32_t pos = (uint32_t)kh & sl->mask, tag = slot_tag(kh), v, idx, k;
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
	struct snp_rkey k = rkey_of(f, f->family == AF_INET6);

	*copy = *cand;
	if (!rkey_eq(copy, &k))
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

			ret[base + i] = flow_ok(t, &f[i]) ? 0 : check_flow_err(t, &f[i]);
			if (ret[base + i]) {
				sh[i] = NULL;
				continue;
			}
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
				ret[base + i] = ent_alive(&copy, now) ? 0 : -ENOENT;
				if (!ret[base + i])
					fill_mapping(t, &copy, &out[base + i]);
			} else {
				ret[base + i] = lookup_hashed(t, sh[i], kh[i], &f[i], now,
							      &out[base + i]);
			}
			found += !ret[base + i];
		}
	}
	return found;
}

/*
 * Find the mapping owning a translated tuple and lock its shard.  The port
 * space names the owner; its lock is dropped before the shard's is taken
 * (lock order), so the owner is checked again under the shard lock.
 */
static int xlat_locked(struct snatpool_table *t, int family, uint8_t proto,
		       const uint8_t *xaddr, uint16_t xport,
		       struct snp_shard **sp, uint32_t *idxp)
{
	uint32_t xidx, owner;
	struct snp_ports *ps;
	struct snp_shard *s;
	struct snp_ent *e;
	int slot = snp_proto_slot(proto);
	bool own;

	if (!t || !xaddr || (family != AF_INET && family != AF_INET6))
		return -EINVAL;
	if (slot < 0 || !(protos[proto].fams >> (family == AF_INET6) & 1))
		return -EPROTONOSUPPORT;	/* as claim: ICMPv6 over IPv4 too */
	if (xport < t->port_lo || xport > t->port_hi)
		return -ENOENT;
	xidx = snp_xindex(t, family, xaddr);
	if (xidx == SNP_NIL)
		return -ENOENT;
	ps = snp_ports_peek(t, family, slot, xidx);
	if (!ps)
		return -ENOENT;
	pthread_mutex_lock(&ps->lock);
	own = snp_ports_owned(t, ps, xport, &owner);
	pthread_mutex_unlock(&ps->lock);
	if (!own || (owner >> SNP_IDX_BITS) >= t->nshards)
		return -ENOENT;
	s = &t->shards[owner >> SNP_IDX_BITS];
	owner &= (1u << SNP_IDX_BITS) - 1;
	snp_shard_lock(s);
	if (owner < s->hiwater) {
		e = snp_ent_at(s, owner);
		if ((e->flags & SNP_E_USED) && e->xidx == xidx && e->xport == xport &&
		    snp_proto_slot(e->proto) == slot &&
		    snp_ent_family(e) == family) {
			*sp = s;
			*idxp = owner;
			return 0;
		}
	}
	snp_shard_unlock(s);
	return -ENOENT;
}

SNP_API int snatpool_table_lookup_xlat(struct snatpool_table *t, int family,
				       uint8_t proto, const uint8_t *xaddr,
				       uint16_t xport, uint32_t now,
				       struct snatpool_mapping *out)
{
	struct snp_shard *s;
	uint32_t idx;
	int err = xlat_locked(t, family, proto, xaddr, xport, &s, &idx);

	if (err)
		return err;
	if (!ent_alive(snp_ent_at(s, idx), now))
		err = -ENOENT;
	else if (out)
		fill_mapping(t, snp_ent_at(s, idx), out);
	snp_shard_unlock(s);
	return err;
}

SNP_API int snatpool_table_permit(struct snatpool_table *t, int family,
				  uint8_t proto, const uint8_t *xaddr,
				  uint16_t xport, const uint8_t *remote,
				  uint16_t rport, uint32_t now)
{
	struct snp_shard *s;
	struct snp_permit *p;
	uint32_t idx, i;
	int err, ok = 0;

	if (!remote)
		return -EINVAL;
	err = xlat_locked(t, family, proto, xaddr, xport, &s, &idx);
	if (err)
		return err;
	if (!ent_alive(snp_ent_at(s, idx), now) || t->permit == SNATPOOL_PERMIT_NONE) {
		snp_shard_unlock(s);
		return -ENOENT;
	}
	if (t->permit == SNATPOOL_PERMIT_ANY_REMOTE_HOST) {
		ok = 1;
	} else if ((p = *snp_permit_at(s, idx))) {
		if (t->permit == SNATPOOL_PERMIT_TARGET_HOST)
			rport = 0;
		for (i = 0; i < p->n && !ok; i++)
			ok = p->r[i].port == rport &&
			     !memcmp(p->r[i].addr, remote, family == AF_INET6 ? 16 : 4);
	}
	if (!ok)
		s->c.permit_denied++;
	snp_shard_unlock(s);
	return ok;
}

SNP_API int snatpool_table_expire(struct snatpool_table *t, uint32_t now,
				  size_t budget)
{
	uint32_t i;
	int n = 0;

	if (!t)
		return -EINVAL;
	for (i = 0; i < t->nshards; i++) {
		struct snp_shard *s = &t->shards[i];
		uint32_t snow;

		snp_shard_lock(s);
		snow = snp_clamp_now(&s->last_now, now);
		n += expire_shard(t, s, snow, budget ? budget - (size_t)n : 0);
		snp_shard_unlock(s);
		if (budget && (size_t)n >= budget)
			break;
	}
	return n;
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
		sl = slots_of(s);
		for (j = 0; j <= sl->mask && !ret; j++) {
			const struct snp_ent *e;
			struct snatpool_mapping m;

			if (sl->v[j] == SNP_SLOT_EMPTY)
				continue;
			e = snp_ent_at(s, sl->v[j] & SNP_IDX_MASK);
			if (!ent_alive(e, now))
				continue;
			fill_mapping(t, e, &m);
			ret = cb(&m, ctx);
		}
		snp_shard_unlock(s);
	}
	return ret;
}

void snp_lock_all(struct snatpool_table *t)
{
	uint32_t i;

	for (i = 0; i < t->nshards; i++)
		snp_shard_lock(&t->shards[i]);
}

void snp_unlock_all(struct snatpool_table *t)
{
	uint32_t i;

	for (i = t->nshards; i-- > 0;)
		snp_shard_unlock(&t->shards[i]);
}

bool snp_table_empty(struct snatpool_table *t)
{
	return atomic_load(&t->hot.nmappings) == 0;
}

int snp_insert_at(struct snatpool_table *t, struct snp_shard *s, uint64_t kh,
		  int family, uint8_t proto, const uint8_t *src, uint16_t sport,
		  uint32_t xidx, uint16_t xport, uint16_t nflows, bool idle,
		  uint32_t deadline, uint32_t *idx_out)
{
	int slot = snp_proto_slot(proto), err;
	struct snp_ports *ps;
	struct snp_ent *e;
	uint32_t idx;

	ps = snp_ports_get(t, family, slot, xidx);
	if (!ps)
		return -ENOMEM;
	idx = ent_new(t, s, &err);
	if (idx == SNP_NIL)
		return err;
	if (t->quota) {
		err = sub_inc(t, s, src, family == AF_INET6, false);
		if (err) {
			atomic_fetch_sub_explicit(&t->hot.nmappings, 1, memory_order_relaxed);
			slot_free(t, s, idx);
			return err;
		}
	}
	e = snp_ent_at(s, idx);
	ent_init(e, family, proto, src, sport);
	e->xidx = (uint16_t)xidx;
	e->xport = xport;
	e->nflows = nflows;
	pthread_mutex_lock(&ps->lock);
	err = snp_ports_take(t, ps, slot, xport, owner_id(t, s, idx));
	if (!err && t->util_raise)
		snp_util_check(t, slot, s->last_now);
	pthread_mutex_unlock(&ps->lock);
	if (err) {
		if (t->quota)
			sub_dec(s, src, family == AF_INET6);
		atomic_fetch_sub_explicit(&t->hot.nmappings, 1, memory_order_relaxed);
		slot_free(t, s, idx);
		return err;
	}
	hash_link(s, idx, kh);
	count_mapping(s, e, 1);
	s->c.live_flows += nflows;
	if (idle) {
		e->deadline = deadline;
		snp_idle_insert(s, idx);
	}
	*idx_out = idx;
	return 0;
}

/* ---- create and free ---- */

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
			if (!in_arena(t, s->chunks[j]))
				free(s->chunks[j]);
		}
		free(s->chunks);
		free(s->pchunks);
		sl = slots_of(s);
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

/* ---- translated address to index: sorted once per table ---- */

static const struct snatpool *sort_pool;
static int sort_fam;

static int by_addr(const void *a, const void *b)
{
	const struct snp_family *f = snp_family_of(sort_pool, sort_fam);

	return memcmp(f->addrs + (size_t)*(const uint32_t *)a * f->alen,
		      f->addrs + (size_t)*(const uint32_t *)b * f->alen, f->alen);
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static int build_order(struct snatpool_table *t, int v6)
{
	uint32_t i, n = t->nfam[v6];

	t->order[v6] = malloc((size_t)n * sizeof(uint32_t));
	if (!t->order[v6])
		return -ENOMEM;
	for (i = 0; i < n; i++)
		t->order[v6][i] = i;
	pthread_mutex_lock(&sort_lock);	/* qsort has no context argument */
	sort_pool = t->pool;
	sort_fam = v6 ? AF_INET6 : AF_INET;
	qsort(t->order[v6], n, sizeof(uint32_t), by_addr);
	pthread_mutex_unlock(&sort_lock);
	return 0;
}

uint32_t snp_xindex(const struct snatpool_table *t, int family, const uint8_t *xaddr)
{
	const struct snp_family *f = snp_family_of(t->pool, family);
	const uint32_t *ord = t->order[family == AF_INET6];
	uint32_t lo = 0, hi = f->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(f->addrs + (size_t)ord[mid] * f->alen, xaddr, f->alen);

		if (!c)
			return ord[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SNP_NIL;
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

	if (!pool || !out || !SNP_OPTS_VALID(opts, event_ctx))
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

	if (!t->max_mappings)
		t->max_mappings = 65536;
	if (!t->timeout)
		t->timeout = 300;
	if (!t->max_sessions)
		t->max_sessions = 65535;
	if (!t->nshards)
		t->nshards = 64;
	if (!t->expire_budget)
		t->expire_budget = 8;
	if (t->util_raise && !t->util_clear)
		t->util_clear = t->util_raise > 10 ? t->util_raise - 10 : 0;
	if ((t->flags & ~known_flags) || t->permit > SNATPOOL_PERMIT_TARGET_HOST_PORT ||
	    t->strategy > SNATPOOL_PORTS_RANDOM || t->max_sessions > 65535 ||
	    t->nshards > SNP_MAX_SHARDS || (t->nshards & (t->nshards - 1)) ||
	    t->util_raise > 100 || (t->util_raise && t->util_clear >= t->util_raise) ||
	    t->max_mappings > (1u << 30) || t->timeout > (1u << 30) ||
	    t->hold_down > (1u << 30) || t->delta.cap > (1u << 24)) {
		table_destroy(t);
		return -EINVAL;
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
		if (!t->ports[v6] || build_order(t, v6))
			goto nomem;
	}
	t->shard_mask = t->nshards - 1;
	t->shards = calloc(t->nshards, sizeof(*t->shards));
	if (!t->shards)
		goto nomem;
	/* slots for twice a shard's share, so at most half full */
	per = (t->max_mappings + t->nshards - 1) / t->nshards;
	for (nslots = 16; nslots < 2 * per; nslots <<= 1)
		;
	arena_map(t, (size_t)t->nshards * slots_bytes(nslots));	/* else malloc() */
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
							      slots_bytes(nslots))
			      : aligned_alloc(64, slots_bytes(nslots));
		if (!sl || pthread_mutex_init(&s->lock, NULL)) {
			if (!in_arena(t, sl))
				free(sl);
			t->nshards = i;
			goto nomem;
		}
		slots_init(sl, nslots, in_arena(t, sl));
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

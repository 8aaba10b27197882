/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_ports.c - the port space of one (protocol, pool address).
 *
 * Offsets count from the pool's port_lo.  A port is owned (bm_owned,
 * owner[] names the mapping), resting (bm_rest: queued in a FIFO ring
 * after being freed) or fresh.  The sequential strategy hands out fresh
 * ports in order with a cursor and then freed ports oldest first, so a
 * port rests as long as the space allows; with a hold-down time the ring's
 * head is usable only once it has rested that long.  Hold-down times are
 * kept as marks (push number, time) rather than per port: when the marks
 * run out the newest mark's time moves forward, which only lengthens a
 * rest.  With PRESERVE_PARITY each parity has its own cursor and ring.
 *
 * The random strategy (RFC 6056 algorithm 1) picks a random offset and
 * takes the next port neither owned nor resting.
 *
 * A table for several workers (snatpool_table_opts.workers) splits each
 * space into that many stripes of contiguous offsets, each with its own
 * lock, cursor(s) and ring(s): a claim takes a port of its worker's stripe
 * (snp_shard_worker()), and another stripe only when that one has none, so
 * workers whose sources are steered to them (snatpool_table_worker())
 * write no line in common.  All of the above then holds per stripe.
 */
#include <stdlib.h>
#include <string.h>

#include "table.h"

static inline bool bm_get(const uint64_t *bm, uint32_t i)
{
	return (bm[i >> 6] >> (i & 63)) & 1;
}

static inline void bm_set(uint64_t *bm, uint32_t i)
{
	bm[i >> 6] |= 1ull << (i & 63);
}

static inline void bm_clr(uint64_t *bm, uint32_t i)
{
	bm[i >> 6] &= ~(1ull << (i & 63));
}

/*
 * Port spaces are used by claims on every core: each one's struct and
 * arrays start on a cache line of their own, so that two spaces never
 * share a line (no false sharing between claims on different addresses).
 */
static void *line_alloc(size_t n)
{
	return aligned_alloc(64, (n + 63) / 64 * 64);
}

static void *line_calloc(size_t n)
{
	void *p = line_alloc(n);

	if (p)
		memset(p, 0, n);
	return p;
}

static void ring_free(struct snp_ring *r)
{
	free(r->buf);
}

static int ring_init(struct snp_ring *r, uint32_t cap)
{
	memset(r, 0, sizeof(*r));
	r->cap = cap ? cap : 1;
	r->buf = line_alloc(r->cap * sizeof(*r->buf));
	return r->buf ? 0 : -ENOMEM;
}

/* Drop the marks of entries already popped: mk[0] is the last mark <= seq_head. */
static void marks_trim(struct snp_ring *r)
{
	while (r->mk_cnt >= 2 &&
	       (int32_t)(r->mk[(r->mk_head + 1) % SNP_MARKS].seq - r->seq_head) <= 0) {
		r->mk_head = (r->mk_head + 1) % SNP_MARKS;
		r->mk_cnt--;
	}
}

static void ring_push_back(struct snp_ring *r, uint16_t off, uint32_t now,
			   uint32_t hold)
{
	uint32_t seq = r->seq_head + r->cnt;

	marks_trim(r);

	r->buf[(r->head + r->cnt) % r->cap] = off;
	r->cnt++;
	if (!hold)
		return;
	if (r->mk_cnt) {
		uint32_t last = (r->mk_head + r->mk_cnt - 1) % SNP_MARKS;

		if (r->mk[last].t == now)
			return;
		if (r->mk_cnt == SNP_MARKS) {
			r->mk[last].t = now;	/* later, so only longer rests */
			return;
		}
	}
	r->mk[(r->mk_head + r->mk_cnt) % SNP_MARKS].seq = seq;
	r->mk[(r->mk_head + r->mk_cnt) % SNP_MARKS].t = now;
	r->mk_cnt++;
}

/* Next in line and usable at once: no mark may cover it. */
static void ring_push_front(struct snp_ring *r, uint16_t off)
{
	marks_trim(r);
	r->head = (r->head + r->cap - 1) % r->cap;
	r->buf[r->head] = off;
	r->cnt++;
	r->seq_head--;
	if (r->mk_cnt && (int32_t)(r->mk[r->mk_head].seq - r->seq_head) <= 0)
		r->mk[r->mk_head].seq = r->seq_head + 1;
}

/* Has the ring's head rested long enough?  Marks before it are dropped. */
static bool ring_head_ready(struct snp_ring *r, uint32_t now, uint32_t hold)
{
	if (!r->cnt)
		return false;
	if (!hold)
		return true;
	marks_trim(r);
	if (!r->mk_cnt || (int32_t)(r->mk[r->mk_head].seq - r->seq_head) > 0)
		return true;	/* pushed back to the front by a rollback */
	return now - r->mk[r->mk_head].t >= hold;
}

static uint16_t ring_pop(struct snp_ring *r)
{
	uint16_t off = r->buf[r->head];

	r->head = (r->head + 1) % r->cap;
	r->cnt--;
	r->seq_head++;
	return off;
}

static void ports_destroy(struct snp_ports *ps)
{
	uint32_t k;

	if (!ps)
		return;
	for (k = 0; k < ps->nstripes; k++) {
		pthread_mutex_destroy(&ps->st[k].lock);
		ring_free(&ps->st[k].ring[0]);
		ring_free(&ps->st[k].ring[1]);
	}
	free(ps->bm_owned);
	free(ps->bm_rest);
	free(ps->owner);
	free(ps);
}

/* Stripe @k of @w over @n offsets starts here: a multiple of 64 (a bitmap
 * word is never under two locks); stripes may be empty in a small space. */
static uint32_t stripe_start(uint32_t n, uint32_t w, uint32_t k)
{
	return k >= w ? n : (uint32_t)((uint64_t)n * k / w) & ~63u;
}

static int stripe_init(struct snatpool_table *t, struct snp_stripe *st, uint32_t lo,
		       uint32_t hi, uint64_t rng)
{
	bool parity = t->flags & SNATPOOL_TABLE_F_PRESERVE_PARITY;
	uint32_t n = hi - lo;

	st->lo = lo;
	st->hi = hi;
	/* class c starts at the stripe's first offset whose port has parity c */
	st->cursor[0] = lo + ((t->port_lo + lo) & 1);
	st->cursor[1] = lo + !((t->port_lo + lo) & 1);
	st->rng = rng;
	if (ring_init(&st->ring[0], parity ? n / 2 + 1 : n) ||
	    ring_init(&st->ring[1], parity ? n / 2 + 1 : 0))
		return -ENOMEM;
	return 0;
}

static struct snp_ports *ports_create(struct snatpool_table *t, int family,
				      int slot, uint32_t xidx)
{
	uint32_t n = t->nports, words = (n + 63) / 64, w = t->workers, made;
	struct snp_ports *ps = line_calloc(sizeof(*ps) + w * sizeof(ps->st[0]));
	uint64_t rng;

	if (!ps)
		return NULL;
	ps->n = n;
	ps->bm_owned = line_calloc((size_t)words * 8);
	ps->bm_rest = line_calloc((size_t)words * 8);
	ps->owner = line_alloc((size_t)n * sizeof(*ps->owner));
	rng = t->seed ^ ((uint64_t)xidx << 20) ^ ((uint64_t)slot << 8) ^ (uint64_t)family;
	for (made = 0; made < w; made++) {
		if (pthread_mutex_init(&ps->st[made].lock, NULL))
			break;
		ps->nstripes = made + 1;
		/* stripe 0 keeps the space's seed: one stripe is the old space */
		if (stripe_init(t, &ps->st[made], stripe_start(n, w, made),
				stripe_start(n, w, made + 1), rng ^ ((uint64_t)made << 40)))
			break;
	}
	if (made < w || !ps->bm_owned || !ps->bm_rest || !ps->owner) {
		ports_destroy(ps);
		return NULL;
	}
	return ps;
}

struct snp_stripe *snp_stripe_of(const struct snatpool_table *t, struct snp_ports *ps,
				 uint16_t port)
{
	uint32_t off = (uint32_t)port - t->port_lo, k;

	if (ps->nstripes == 1)
		return &ps->st[0];
	k = (uint32_t)((uint64_t)off * ps->nstripes / ps->n);	/* near it */
	while (k && off < ps->st[k].lo)
		k--;
	while (k + 1 < ps->nstripes && off >= ps->st[k].hi)
		k++;
	return &ps->st[k];
}

struct snp_ports *snp_ports_peek(struct snatpool_table *t, int family, int slot,
				 uint32_t xidx)
{
	int v6 = family == AF_INET6;

	return atomic_load_explicit(&t->ports[v6][(size_t)slot * t->nfam[v6] + xidx],
				    memory_order_acquire);
}

/* The port space, created on first use (lock-free: the loser of a race frees its copy). */
struct snp_ports *snp_ports_get(struct snatpool_table *t, int family, int slot,
				uint32_t xidx)
{
	int v6 = family == AF_INET6;
	_Atomic(struct snp_ports *) *pp = &t->ports[v6][(size_t)slot * t->nfam[v6] + xidx];
	struct snp_ports *ps = atomic_load_explicit(pp, memory_order_acquire), *exp = NULL;

	if (ps)
		return ps;
	ps = ports_create(t, family, slot, xidx);
	if (!ps)
		return NULL;
	if (!atomic_compare_exchange_strong_explicit(pp, &exp, ps, memory_order_acq_rel,
						     memory_order_acquire)) {
		ports_destroy(ps);
		return exp;
	}
	atomic_fetch_or(&t->slot_used, 1u << slot);
	return ps;
}

void snp_ports_free_all(struct snatpool_table *t)
{
	int v6;
	size_t i;

	for (v6 = 0; v6 < 2; v6++) {
		if (!t->ports[v6])
			continue;
		for (i = 0; i < (size_t)SNP_NPROTO * t->nfam[v6]; i++)
			ports_destroy(atomic_load(&t->ports[v6][i]));
		free(t->ports[v6]);
		t->ports[v6] = NULL;
	}
}

static void take(struct snatpool_table *t, struct snp_ports *ps, struct snp_stripe *st,
		 int slot, uint32_t off, uint32_t owner)
{
	bm_set(ps->bm_owned, off);
	ps->owner[off] = owner;
	atomic_store_explicit(&st->owned, atomic_load_explicit(&st->owned, memory_order_relaxed) + 1,
			      memory_order_relaxed);
	if (t->util_raise)
		atomic_fetch_add_explicit(&t->hot.owned_slot[slot], 1, memory_order_relaxed);
}

static inline bool usable(const struct snp_ports *ps, uint32_t off)
{
	return !bm_get(ps->bm_owned, off) && !bm_get(ps->bm_rest, off);
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* First offset >= @from (wrapping once) of @st that is neither owned nor
 * resting, of parity class @cls (-1: any); the word scan keeps a nearly
 * full space cheap.  @st's bounds are word-aligned but for the space's end. */
static int64_t scan_free(const struct snp_ports *ps, const struct snp_stripe *st,
			 uint32_t from, int cls, uint16_t port_lo)
{
	uint32_t w0 = st->lo / 64, words = (st->hi + 63) / 64 - w0, k;
	uint64_t pmask = ~0ull;

	if (cls >= 0)	/* offsets whose port (port_lo + off) has parity cls */
		pmask = ((port_lo & 1) == (uint32_t)cls) ? 0x5555555555555555ull
							 : 0xaaaaaaaaaaaaaaaaull;
	for (k = 0; k <= words; k++) {
		uint32_t w = w0 + ((from / 64 - w0) + k) % words;
		uint64_t freeb = ~(ps->bm_owned[w] | ps->bm_rest[w]) & pmask;

		if (k == 0)
			freeb &= ~0ull << (from % 64);
		if (w == (st->hi - 1) / 64 && st->hi % 64)
			freeb &= (1ull << (st->hi % 64)) - 1;
		if (freeb)
			return (int64_t)w * 64 + __builtin_ctzll(freeb);
	}
	return -1;
}

/*
 * Claim a port of stripe @st for @owner: the original port @want (-1: none)
 * when it is in @st, free and not resting, then by the strategy.  Return:
 * 0; -SNATPOOL_EEXHAUSTED (*@holddown set when only resting ports stood in
 * the way).
 */
int snp_ports_alloc(struct snatpool_table *t, struct snp_ports *ps, struct snp_stripe *st,
		    int slot, int want, uint32_t now, uint32_t owner, uint16_t *port,
		    bool *preserved, bool *holddown)
{
	bool parity = (t->flags & SNATPOOL_TABLE_F_PRESERVE_PARITY) && want >= 0;
	int cls = parity ? (want & 1) : -1;
	uint32_t hold = t->hold_down, off, step = 1, size = st->hi - st->lo;
	struct snp_ring *r;
	int64_t found;

	now = snp_clamp_now(&st->last_now, now);
	*preserved = false;
	*holddown = false;
	if (!size)
		return -SNATPOOL_EEXHAUSTED;
	off = (uint32_t)(want - t->port_lo);	/* out of @st if @want is out of range */
	if (!(t->flags & SNATPOOL_TABLE_F_NO_PRESERVE) && off >= st->lo && off < st->hi &&
	    usable(ps, off)) {
		*preserved = true;
		goto got;
	}
	if (t->strategy == SNATPOOL_PORTS_RANDOM) {
		int c;

		/* ports that have rested long enough leave their rings */
		for (c = 0; c < 2; c++) {
			r = &st->ring[c];
			while (ring_head_ready(r, now, hold)) {
				off = ring_pop(r);
				bm_clr(ps->bm_rest, off);
			}
		}
		found = scan_free(ps, st, st->lo + (uint32_t)(xorshift(&st->rng) % size), cls,
				  t->port_lo);
		if (found < 0) {
			*holddown = st->ring[0].cnt || st->ring[1].cnt;
			return -SNATPOOL_EEXHAUSTED;
		}
		off = (uint32_t)found;
		goto got;
	}
	/* sequential: cursor over fresh ports, then the oldest freed port */
	if (t->flags & SNATPOOL_TABLE_F_PRESERVE_PARITY) {
		int c = cls >= 0 ? cls : (int)(st->cursor[0] <= st->cursor[1] ? 0 : 1);
		int tries;

		/* no original port to match: use either class */
		for (tries = 0; tries < (cls >= 0 ? 1 : 2); tries++, c ^= 1) {
			step = 2;
			while (st->cursor[c] < st->hi) {
				off = st->cursor[c];
				st->cursor[c] += step;
				if (usable(ps, off))
					goto got;
			}
			r = &st->ring[c];
			while (ring_head_ready(r, now, hold)) {
				off = ring_pop(r);
				bm_clr(ps->bm_rest, off);
				if (!bm_get(ps->bm_owned, off))
					goto got;
			}
			if (r->cnt)
				*holddown = true;
		}
		return -SNATPOOL_EEXHAUSTED;
	}
	while (st->cursor[0] < st->hi) {
		off = st->cursor[0]++;
		if (usable(ps, off))
			goto got;
	}
	r = &st->ring[0];
	while (ring_head_ready(r, now, hold)) {
		off = ring_pop(r);
		bm_clr(ps->bm_rest, off);
		if (!bm_get(ps->bm_owned, off))
			goto got;	/* else taken meanwhile by an import */
	}
	*holddown = r->cnt != 0;
	return -SNATPOOL_EEXHAUSTED;
got:
	take(t, ps, st, slot, off, owner);
	*port = (uint16_t)(t->port_lo + off);
	return 0;
}

/*
 * Tables inside the block: claim a port of @lo..@hi only (the source's
 * deterministic block): the original port @want when it is inside, free and
 * not resting, else by the strategy within the block (SEQUENTIAL: the
 * lowest free port; RANDOM: a random start, the next free one, wrapping
 * inside the block; DET44: block start + (want + i) mod size for the first
 * free i).  Freed ports rest only with hold-down (snp_ports_release()), so
 * ready ones leave their rings first.  Return: 0; -SNATPOOL_EEXHAUSTED
 * (*@holddown set when only resting ports stood in the way).
 */
int snp_ports_alloc_block(struct snatpool_table *t, struct snp_ports *ps,
			  struct snp_stripe *st, int slot, int want, uint32_t now,
			  uint32_t owner, uint16_t lo, uint16_t hi, uint16_t *port,
			  bool *preserved, bool *holddown)
{
	bool parity = (t->flags & SNATPOOL_TABLE_F_PRESERVE_PARITY) && want >= 0 &&
		      t->strategy != SNATPOOL_PORTS_DET44;
	uint32_t a = (uint32_t)lo - t->port_lo, size = (uint32_t)hi - lo + 1, i, start, off;
	uint32_t base = want >= 0 ? (uint32_t)want : 0;
	bool rested = false;
	int c;

	now = snp_clamp_now(&st->last_now, now);
	*preserved = false;
	*holddown = false;
	for (c = 0; c < 2; c++) {	/* rested long enough: usable again */
		struct snp_ring *r = &st->ring[c];

		while (ring_head_ready(r, now, t->hold_down)) {
			off = ring_pop(r);
			bm_clr(ps->bm_rest, off);
		}
	}
	if (want >= lo && want <= hi && !(t->flags & SNATPOOL_TABLE_F_NO_PRESERVE) &&
	    usable(ps, (uint32_t)want - t->port_lo)) {
		off = (uint32_t)want - t->port_lo;
		*preserved = true;
		goto got;
	}
	switch (t->strategy) {
	case SNATPOOL_PORTS_RANDOM:
		start = (uint32_t)(xorshift(&st->rng) % size);
		break;
	case SNATPOOL_PORTS_DET44:
		start = base % size;
		break;
	default:
		start = 0;
	}
	for (i = 0; i < size; i++) {
		off = a + (start + i) % size;
		if (parity && ((t->port_lo + off) & 1) != (base & 1))
			continue;
		if (usable(ps, off))
			goto got;
		rested |= bm_get(ps->bm_rest, off) && !bm_get(ps->bm_owned, off);
	}
	*holddown = rested;
	return -SNATPOOL_EEXHAUSTED;
got:
	take(t, ps, st, slot, off, owner);
	*port = (uint16_t)(t->port_lo + off);
	return 0;
}

/* Claim exactly @port (snapshot and HA import).  Return: 0; -SNATPOOL_ECONFLICT. */
int snp_ports_take(struct snatpool_table *t, struct snp_ports *ps, struct snp_stripe *st,
		   int slot, uint16_t port, uint32_t owner)
{
	uint32_t off = (uint32_t)port - t->port_lo;

	if (bm_get(ps->bm_owned, off))
		return -SNATPOOL_ECONFLICT;
	/* a resting port keeps its ring slot; the ring skips it while owned */
	take(t, ps, st, slot, off, owner);
	return 0;
}

/*
 * Free @port.  @rest: it rests in the FIFO (a release or an expiry);
 * otherwise (a rollback) it is free again at once: the cursor steps back
 * over it if it was the last one handed out, else it goes to the ring's
 * front, next in line.
 */
void snp_ports_release(struct snatpool_table *t, struct snp_ports *ps,
		       struct snp_stripe *st, int slot, uint16_t port, int mode,
		       uint32_t now)
{
	uint32_t off = (uint32_t)port - t->port_lo;
	bool parity = t->flags & SNATPOOL_TABLE_F_PRESERVE_PARITY;
	int c = parity ? (port & 1) : 0;
	uint32_t step = parity ? 2 : 1;
	bool rest = mode == SNP_FREE_REST;

	now = snp_clamp_now(&st->last_now, now);
	if (!bm_get(ps->bm_owned, off))
		return;
	bm_clr(ps->bm_owned, off);
	atomic_store_explicit(&st->owned, atomic_load_explicit(&st->owned, memory_order_relaxed) - 1,
			      memory_order_relaxed);
	if (t->util_raise)
		atomic_fetch_sub_explicit(&t->hot.owned_slot[slot], 1, memory_order_relaxed);
	if (mode == SNP_FREE_RAW || bm_get(ps->bm_rest, off))
		return;		/* RAW, or still queued from an earlier rest */
	if (t->strategy == SNATPOOL_PORTS_RANDOM || t->pb) {	/* no cursor: rest only */
		if (rest && t->hold_down) {
			bm_set(ps->bm_rest, off);
			ring_push_back(&st->ring[c], (uint16_t)off, now, t->hold_down);
		}
		return;
	}
	if (rest) {
		bm_set(ps->bm_rest, off);
		ring_push_back(&st->ring[c], (uint16_t)off, now, t->hold_down);
		return;
	}
	if (off >= st->cursor[c])
		return;
	if (off + step == st->cursor[c]) {
		st->cursor[c] = off;
		return;
	}
	bm_set(ps->bm_rest, off);
	ring_push_front(&st->ring[c], (uint16_t)off);
}

bool snp_ports_owned(const struct snatpool_table *t, struct snp_ports *ps,
		     uint16_t port, uint32_t *owner)
{
	struct snp_stripe *st = snp_stripe_of(t, ps, port);
	uint32_t off = (uint32_t)port - t->port_lo;
	bool own;

	pthread_mutex_lock(&st->lock);
	own = bm_get(ps->bm_owned, off);
	if (own && owner)
		*owner = ps->owner[off];
	pthread_mutex_unlock(&st->lock);
	return own;
}

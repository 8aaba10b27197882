/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_mapping.c - mappings change here, under their shard's lock: claim,
 * release, rollback, expiry of idle leases, and the insert and remove that
 * snapshot loads and HA imports use.  A claim places a new mapping on a
 * pool address and port (table_ports.c), queues its HA record
 * (table_delta.c) and reports it (table_stats.c).  Every claim and release
 * first expires up to expire_budget due leases of its shard.
 */
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "table_key.h"

/* The event hook and the HA stream, called only when there is one: a claim
 * or release without them pays a test each, not a call. */
static inline void snp_event(struct snatpool_table *t, uint32_t type, uint32_t now,
			     const struct snp_ent *e)
{
	if (t->event_cb)
		snp_event_put(t, type, now, e);
}

static inline void snp_delta_emit(struct snatpool_table *t, int type,
				  const struct snp_ent *e, uint32_t now,
				  const uint8_t *remote, uint16_t rport)
{
	if (snp_delta_on(t))
		snp_delta_put(t, type, e, now, remote, rport);
}

static void count_mapping(struct snp_shard *s, const struct snp_ent *e, int d)
{
	int slot = snp_proto_slot(e->proto);

	s->c.mappings += (uint64_t)(int64_t)d;
	s->c.byslot[slot] += (uint64_t)(int64_t)d;
}

/*
 * max_mappings is spent as credit: the table hands it to shards in
 * batches, a shard spends it under its lock and gets it back when a
 * mapping goes, returning a batch when it holds two.  So claims on
 * different shards share no counter.  Only when the table has none left
 * does a shard take back what others hold.  Credit moving between the
 * table and a shard, or between shards, is counted while in flight
 * (moves begun, moves done), so that a claim that finds none anywhere
 * knows whether it looked while none was moving: then there was none,
 * and it fails as it did with one table-wide counter.
 */
#define SNP_CREDIT_BATCH 32u

static void move_begin(struct snatpool_table *t)
{
	atomic_fetch_add(&t->hot.moves_begun, 1);
}

static void move_end(struct snatpool_table *t)
{
	atomic_fetch_add(&t->hot.moves_done, 1);
}

/* Move up to a batch of the table's credit to @s and spend one of it. */
static bool credit_from_table(struct snatpool_table *t, struct snp_shard *s)
{
	uint32_t c = atomic_load(&t->hot.credit), n;
	bool ok = false;

	while (c && !ok) {
		n = c < SNP_CREDIT_BATCH ? c : SNP_CREDIT_BATCH;
		move_begin(t);
		ok = atomic_compare_exchange_weak(&t->hot.credit, &c, c - n);
		if (ok)
			atomic_fetch_add(&s->credit, n - 1);
		move_end(t);
	}
	return ok;
}

/* Move all the credit of the first shard that holds any to @s and spend one. */
static bool credit_from_shards(struct snatpool_table *t, struct snp_shard *s)
{
	uint32_t i, c;

	for (i = 0; i < t->nshards; i++) {
		if (!atomic_load_explicit(&t->shards[i].credit, memory_order_relaxed))
			continue;
		move_begin(t);
		c = atomic_exchange(&t->shards[i].credit, 0);
		if (c)
			atomic_fetch_add(&s->credit, c - 1);
		move_end(t);
		if (c)
			return true;
	}
	return false;
}

static bool credit_take(struct snatpool_table *t, struct snp_shard *s)
{
	uint32_t c = atomic_load_explicit(&s->credit, memory_order_relaxed), done, begun;

	while (c)
		if (atomic_compare_exchange_weak_explicit(&s->credit, &c, c - 1,
							  memory_order_relaxed,
							  memory_order_relaxed))
			return true;
	for (;;) {
		done = atomic_load(&t->hot.moves_done);
		begun = atomic_load(&t->hot.moves_begun);
		if (credit_from_table(t, s) || credit_from_shards(t, s))
			return true;
		if (done == begun && atomic_load(&t->hot.moves_begun) == begun)
			return false;	/* looked everywhere while nothing moved */
	}
}

static void credit_give(struct snatpool_table *t, struct snp_shard *s)
{
	uint32_t c = atomic_fetch_add_explicit(&s->credit, 1, memory_order_relaxed) + 1;

	if (c < 2 * SNP_CREDIT_BATCH)
		return;
	move_begin(t);
	if (atomic_compare_exchange_strong(&s->credit, &c, c - SNP_CREDIT_BATCH))
		atomic_fetch_add(&t->hot.credit, SNP_CREDIT_BATCH);
	move_end(t);
}

/* A new entry slot, counted against max_mappings; SNP_NIL if full. */
static uint32_t ent_new(struct snatpool_table *t, struct snp_shard *s, int *err)
{
	uint32_t idx;

	if (!credit_take(t, s)) {
		*err = -SNATPOOL_EFULL;
		return SNP_NIL;
	}
	*err = snp_slots_reserve(s);
	idx = *err ? SNP_NIL : snp_ent_alloc(t, s);
	if (idx == SNP_NIL) {
		credit_give(t, s);
		if (!*err)
			*err = s->hiwater >= SNP_IDX_MASK ? -SNATPOOL_EFULL : -ENOMEM;
	}
	return idx;
}

/* Undo ent_new(). */
static void ent_drop(struct snatpool_table *t, struct snp_shard *s, uint32_t idx)
{
	snp_ent_free(t, s, idx);
	credit_give(t, s);
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
	int slot = snp_proto_slot(e->proto);
	struct snp_ports *ps = snp_ports_peek(t, snp_ent_xfamily(e), slot, e->xidx);

	s->c.live_flows -= snp_ent_flows(e);
	if (e->flags & SNP_E_IDLE)
		snp_idle_dequeue(s, idx);
	snp_hash_unlink(s, idx);
	count_mapping(s, e, -1);
	if (t->quota)
		snp_quota_dec(s, e->src, e->flags & SNP_E_V6);
	if (ps) {
		struct snp_stripe *st = snp_stripe_of(t, ps, e->xport);

		pthread_mutex_lock(&st->lock);
		snp_ports_release(t, ps, st, slot, e->xport, mode, now);
		if (dtype)
			snp_delta_emit(t, dtype, e, now, NULL, 0);
		if (t->util_raise)
			snp_util_check(t, now);
		pthread_mutex_unlock(&st->lock);
	}
	ent_drop(t, s, idx);
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

int snp_expire_shard(struct snatpool_table *t, struct snp_shard *s, uint32_t now,
		     size_t budget)
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

/*
 * Give entry @idx a port of stripe @st of address @xidx's space @ps
 * (@blo..@bhi: the source's block, tables inside the block) and queue its
 * HA record under the stripe's lock.  A full stripe is skipped without its
 * lock (rechecked under it).  Return: 0; -SNATPOOL_EEXHAUSTED (*@holddown
 * set when only resting ports stood in the way).
 */
static int place_in(struct snatpool_table *t, struct snp_shard *s, uint32_t idx,
		    const struct snatpool_flow *f, int slot, uint32_t now, uint32_t xidx,
		    struct snp_ports *ps, struct snp_stripe *st, uint16_t blo, uint16_t bhi,
		    bool *holddown)
{
	struct snp_ent *e = snp_ent_at(s, idx);
	uint32_t owner = snp_owner_id(t, s, idx);
	bool pres;
	int err;

	*holddown = false;
	if (atomic_load_explicit(&st->owned, memory_order_relaxed) >= st->hi - st->lo)
		return -SNATPOOL_EEXHAUSTED;
	pthread_mutex_lock(&st->lock);
	if (t->pb)
		err = snp_ports_alloc_block(t, ps, st, slot, f->sport, now, owner, blo, bhi,
					    &e->xport, &pres, holddown);
	else
		err = snp_ports_alloc(t, ps, st, slot, f->sport, now, owner, &e->xport,
				      &pres, holddown);
	if (!err) {
		e->xidx = (uint16_t)xidx;
		if (pres)
			e->flags |= SNP_E_PRESERVED;
		snp_delta_emit(t, SNP_D_CREATED, e, now,
			       t->permit >= SNATPOOL_PERMIT_TARGET_HOST ? f->dst : NULL,
			       f->dport);
		if (t->util_raise)
			snp_util_check(t, now);
	}
	pthread_mutex_unlock(&st->lock);
	return err;
}

/*
 * Pick the address and port for a new mapping of entry @idx (filled but for
 * xidx, xport).  PAIRED: the address the pool's algorithm selects for the
 * source (NAT64: by its NAT64 rule, among the IPv4 addresses); else the
 * key hash @kh picks the first address tried.
 */
static int place(struct snatpool_table *t, struct snp_shard *s, uint32_t idx,
		 const struct snatpool_flow *f, int slot, uint64_t kh, uint32_t now)
{
	int xfam = snp_kfam_x(f->family);
	uint32_t nx = t->nfam[xfam == AF_INET6], n = nx, first, k, xidx;
	uint32_t home = snp_shard_worker(t, (uint32_t)(s - t->shards));
	bool holddown = false, hd;
	uint16_t blo = 0, bhi = 0;
	int err;

	if (t->pb) {	/* inside the source's deterministic block, nowhere else */
		int pfam, pxfam;

		snp_portblock_pool(t->pb, &pfam, &pxfam);
		if (f->family != pfam ||
		    snp_portblock_block(t->pb, f->src, &first, &blo, &bhi))
			return -ENOENT;
		n = 1;
	} else if (t->flags & SNATPOOL_TABLE_F_PAIRED) {
		if (f->family == SNATPOOL_AF_NAT64)
			err = snatpool_select_nat64(t->pool, f->src, t->algo, &first, NULL);
		else
			err = snatpool_select(t->pool, f->family, f->src, t->algo, &first,
					      NULL);
		if (err)
			return err;
		n = 1;
	} else {
		first = (uint32_t)(((kh & 0xffffffffu) * n) >> 32);
	}
	for (k = 0; k < n; k++) {
		struct snp_ports *ps;
		uint32_t j;

		xidx = first + k;
		if (xidx >= nx)
			xidx -= nx;
		ps = snp_ports_get(t, xfam, slot, xidx);
		if (!ps)
			return -ENOMEM;
		/* this worker's stripe first, the others only when it is full */
		for (j = 0; j < ps->nstripes; j++) {
			err = place_in(t, s, idx, f, slot, now, xidx, ps,
				       &ps->st[(home + j) % ps->nstripes], blo, bhi, &hd);
			if (!err)
				return 0;
			holddown |= hd;
		}
	}
	if (t->flags & SNATPOOL_TABLE_F_PAIRED || t->pb)
		s->c.exhausted_paired++;	/* the one address it may use */
	else
		s->c.exhausted_ports++;
	if (holddown)
		s->c.exhausted_holddown++;
	return -SNATPOOL_EEXHAUSTED;
}

/* @family: the key family (AF_INET, AF_INET6, SNATPOOL_AF_NAT64). */
static void ent_init(struct snp_ent *e, int family, uint8_t proto,
		     const uint8_t *src, uint16_t sport)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->src, src, family != AF_INET ? 16 : 4);
	e->sport = sport;
	e->proto = proto;
	e->flags = SNP_E_USED | (family != AF_INET ? SNP_E_V6 : 0) |
		   (family == SNATPOOL_AF_NAT64 ? SNP_E_X4 : 0);
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

	err = snp_flow_check(t, f, &slot);
	if (err)
		return err;
	if (!t->nfam[snp_kfam_x(f->family) == AF_INET6])
		return -SNATPOOL_ENOFAMILY;
	h = snp_src_hash(t, f->family, f->src);
	kh = snp_key_hash(t, h, f->family, f->proto, f->src, f->sport);
	s = snp_shard_of(t, h);
	snp_shard_lock(s);
	now = snp_clamp_now(&s->last_now, now);
	snp_expire_shard(t, s, now, t->expire_budget);
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
		err = snp_quota_inc(t, s, f->src, f->family != AF_INET, true);
		if (err) {
			if (err == -SNATPOOL_EQUOTA)
				s->c.quota_exceeded++;
			goto out;
		}
	}
	idx = ent_new(t, s, &err);
	if (idx == SNP_NIL && err == -SNATPOOL_EFULL) {
		/* due leases of this shard make room before we give up */
		if (snp_expire_shard(t, s, now, 0))
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
	snp_hash_link(s, idx, kh);
	count_mapping(s, e, 1);
	s->c.live_flows++;
	s->c.allocations++;
	snp_event(t, SNATPOOL_EV_CREATED, now, e);
	mflags = SNATPOOL_MAP_F_NEW;
done:
	if (out) {
		snp_fill_mapping(t, e, out);
		out->flags |= mflags;
	}
	snp_shard_unlock(s);
	return 0;
undo_slot:
	ent_drop(t, s, idx);
undo_quota:
	if (t->quota)
		snp_quota_dec(s, f->src, f->family != AF_INET);
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

	err = snp_flow_check(t, f, &slot);
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
	snp_expire_shard(t, s, now, t->expire_budget);
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
		n += snp_expire_shard(t, s, snow, budget ? budget - (size_t)n : 0);
		snp_shard_unlock(s);
		if (budget && (size_t)n >= budget)
			break;
	}
	return n;
}

bool snp_table_empty(struct snatpool_table *t)
{
	uint32_t i;

	for (i = 0; i < t->nshards; i++)
		if (t->shards[i].c.mappings)
			return false;
	return true;
}

int snp_insert_at(struct snatpool_table *t, struct snp_shard *s, uint64_t kh,
		  int family, uint8_t proto, const uint8_t *src, uint16_t sport,
		  uint32_t xidx, uint16_t xport, uint16_t nflows, bool idle,
		  uint32_t deadline, uint32_t *idx_out)
{
	int slot = snp_proto_slot(proto), err;
	struct snp_stripe *st;
	struct snp_ports *ps;
	struct snp_ent *e;
	uint32_t idx;

	ps = snp_ports_get(t, snp_kfam_x(family), slot, xidx);
	if (!ps)
		return -ENOMEM;
	idx = ent_new(t, s, &err);
	if (idx == SNP_NIL)
		return err;
	if (t->quota) {
		err = snp_quota_inc(t, s, src, family != AF_INET, false);
		if (err) {
			ent_drop(t, s, idx);
			return err;
		}
	}
	e = snp_ent_at(s, idx);
	ent_init(e, family, proto, src, sport);
	e->xidx = (uint16_t)xidx;
	e->xport = xport;
	e->nflows = nflows;
	st = snp_stripe_of(t, ps, xport);
	pthread_mutex_lock(&st->lock);
	err = snp_ports_take(t, ps, st, slot, xport, snp_owner_id(t, s, idx));
	if (!err && t->util_raise)
		snp_util_check(t, s->last_now);
	pthread_mutex_unlock(&st->lock);
	if (err) {
		if (t->quota)
			snp_quota_dec(s, src, family != AF_INET);
		ent_drop(t, s, idx);
		return err;
	}
	snp_hash_link(s, idx, kh);
	count_mapping(s, e, 1);
	s->c.live_flows += nflows;
	if (idle) {
		e->deadline = deadline;
		snp_idle_insert(s, idx);
	}
	*idx_out = idx;
	return 0;
}

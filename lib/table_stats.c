/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_stats.c - counters, the mapping event hook and the pool
 * utilization alarm (raise and clear thresholds, as Junos's
 * address-pooling utilization alarms).
 *
 * Counters live in the shards, under their locks, and are summed on
 * demand: a claim writes no table-wide counter.  Only with the alarm on
 * (util_raise) are owned ports per protocol slot also kept in table-wide
 * atomics, so that the alarm can be evaluated inside any port space's
 * critical section.
 */
#include <string.h>

#include "table.h"
#include "table_key.h"

void snp_event_put(struct snatpool_table *t, uint32_t type, uint32_t now,
		   const struct snp_ent *e)
{
	struct snatpool_table_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.now = now;
	if (e)
		snp_fill_mapping(t, e, &ev.map);
	t->event_cb(&ev, t->event_ctx);
}

/* Tuples of one protocol slot across the pool's addresses. */
uint64_t snp_slot_capacity(const struct snatpool_table *t)
{
	return (uint64_t)t->nports * (t->nfam[0] + t->nfam[1]);
}

/* Utilization: the fullest protocol slot, of @owned ports per slot. */
static uint32_t util_pct(const struct snatpool_table *t, const uint64_t *owned)
{
	uint64_t cap = snp_slot_capacity(t), best = 0;
	int i;

	for (i = 0; i < SNP_NPROTO; i++)
		if (owned[i] > best)
			best = owned[i];
	return cap ? (uint32_t)(best * 100 / cap) : 0;
}

/* Raise or clear the alarm (hysteresis between the thresholds): the fullest
 * protocol slot decides, whichever slot changed. */
void snp_util_check(struct snatpool_table *t, uint32_t now)
{
	struct snatpool_table_event ev;
	uint64_t owned[SNP_NPROTO];
	uint32_t pct, exp;
	int i;

	for (i = 0; i < SNP_NPROTO; i++)
		owned[i] = atomic_load_explicit(&t->hot.owned_slot[i], memory_order_relaxed);
	pct = util_pct(t, owned);

	if (pct >= t->util_raise) {
		exp = 0;
		if (!atomic_compare_exchange_strong(&t->alarm, &exp, 1))
			return;
		atomic_fetch_add(&t->util_raised, 1);
		ev.type = SNATPOOL_EV_UTIL_RAISE;
	} else if (pct <= t->util_clear) {
		exp = 1;
		if (!atomic_compare_exchange_strong(&t->alarm, &exp, 0))
			return;
		atomic_fetch_add(&t->util_cleared, 1);
		ev.type = SNATPOOL_EV_UTIL_CLEAR;
	} else {
		return;
	}
	if (!t->event_cb)
		return;
	memset(&ev.map, 0, sizeof(ev.map));
	ev.now = now;
	ev.util_pct = pct;
	t->event_cb(&ev, t->event_ctx);
}

#define ST_SET(st, f, v) do {						\
	if ((st)->sz >= offsetof(struct snatpool_table_stats, f) + sizeof((st)->f)) \
		(st)->f = (v);						\
} while (0)

SNP_API int snatpool_table_stats(struct snatpool_table *t,
				 struct snatpool_table_stats *st)
{
	struct snp_shard_ctr c;
	uint64_t owned = 0, freep = 0;
	uint32_t i, used;

	if (!t || !st || st->sz < sizeof(size_t))
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	for (i = 0; i < t->nshards; i++) {
		struct snp_shard *s = &t->shards[i];
		const uint64_t *src = (const uint64_t *)&s->c;
		uint64_t *dst = (uint64_t *)&c;
		size_t k;

		snp_shard_lock(s);
		for (k = 0; k < sizeof(c) / sizeof(uint64_t); k++)
			dst[k] += src[k];
		snp_shard_unlock(s);
	}
	used = atomic_load(&t->slot_used);
	for (i = 0; i < SNP_NPROTO; i++) {
		owned += c.byslot[i];	/* a mapping owns one port */
		if (used & (1u << i))
			freep += snp_slot_capacity(t) - c.byslot[i];
	}
	ST_SET(st, live_flows, c.live_flows);
	ST_SET(st, total_mappings, c.mappings);
	ST_SET(st, total_tcp_mappings, c.byslot[0]);
	ST_SET(st, total_udp_mappings, c.byslot[1]);
	ST_SET(st, total_icmp_mappings, c.byslot[2]);
	ST_SET(st, leases, c.leases);
	ST_SET(st, ports_allocated, owned);
	ST_SET(st, ports_free, freep);
	ST_SET(st, allocations, c.allocations);
	ST_SET(st, reuses, c.reuses);
	ST_SET(st, releases, c.releases);
	ST_SET(st, rollbacks, c.rollbacks);
	ST_SET(st, expirations, c.expirations);
	ST_SET(st, exhausted_ports, c.exhausted_ports);
	ST_SET(st, exhausted_paired, c.exhausted_paired);
	ST_SET(st, exhausted_holddown, c.exhausted_holddown);
	ST_SET(st, table_full, c.table_full);
	ST_SET(st, quota_exceeded, c.quota_exceeded);
	ST_SET(st, session_limit, c.session_limit);
	ST_SET(st, permit_denied, c.permit_denied);
	pthread_mutex_lock(&t->delta.lock);
	ST_SET(st, delta_exported, t->delta.exported);
	ST_SET(st, delta_lost, t->delta.lost);
	pthread_mutex_unlock(&t->delta.lock);
	pthread_mutex_lock(&t->ilock);
	ST_SET(st, imports_applied, t->imp_applied);
	ST_SET(st, imports_duplicate, t->imp_dup);
	ST_SET(st, imports_rejected, t->imp_rejected);
	pthread_mutex_unlock(&t->ilock);
	ST_SET(st, util_pct, util_pct(t, c.byslot));
	ST_SET(st, util_alarm, atomic_load(&t->alarm));
	ST_SET(st, util_raised, atomic_load(&t->util_raised));
	ST_SET(st, util_cleared, atomic_load(&t->util_cleared));
	return 0;
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_idle.c - a shard's idle-lease FIFO.  A persistent mapping whose
 * last flow ends joins it; since every lease gets the same lifetime and
 * time never goes back, the FIFO is sorted by deadline and expiry pops its
 * head: amortized O(1), each lease is queued and popped once per idle
 * period.  Imports, whose lifetimes vary, insert in deadline order.  The
 * links live apart from the entries (struct snp_link): lookups never read
 * them.
 */
#include "table.h"

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

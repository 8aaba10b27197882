/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_import.c - the HA delta stream, import side: each record checked
 * completely (the format is in table_delta.c; the mapping itself is
 * checked by snp_rec_check(), as a snapshot's), then applied under the
 * importer's lock in sequence-number order.  Duplicates are skipped, a gap
 * stops the import.
 */
#include <string.h>

#include "table.h"
#include "table_key.h"
#include "table_record.h"

struct drec {
	struct snp_rec m;
	int      type;
	uint64_t seq;
	uint16_t rport;
	uint8_t  remote[16];
};

/* Check one record completely before anything is applied. */
static int decode(const struct snatpool_table *t, const uint8_t *r, struct drec *d)
{
	struct snp_rec *m = &d->m;
	size_t alen;

	if (snp_get64(r + 88) != snp_checksum(r, 88) || snp_get32(r) != SNP_D_MAGIC ||
	    r[4] != SNP_D_VERSION || snp_get32(r + 16) != t->fingerprint ||
	    r[31] || !snp_zero(r + 70, 18))
		return -SNATPOOL_EDELTA;
	memset(d, 0, sizeof(*d));
	d->type = r[5];
	m->family = snp_rec_family(r[6]);
	m->proto = r[7];
	d->seq = snp_get64(r + 8);
	m->sport = snp_get16(r + 20);
	m->xport = snp_get16(r + 22);
	m->xidx = snp_get32(r + 24);
	m->nflows = snp_get16(r + 28);
	m->flags = r[30];
	m->remaining = snp_get32(r + 32);
	d->rport = snp_get16(r + 68);
	if (d->type < SNP_D_CREATED || d->type > SNP_D_ROLLEDBACK || !d->seq ||
	    !snp_rec_check(t, m, r + 36, SNP_R_IDLE | SNP_R_REMOTE | SNP_R_PRESERVED |
			   SNP_R_NAT64, d->type <= SNP_D_RELEASED, UINT16_MAX))
		return -SNATPOOL_EDELTA;
	alen = snp_kfam_x(m->family) == AF_INET6 ? 16 : 4;	/* the remote's */
	if (!snp_zero(r + 52 + alen, 16 - alen))
		return -SNATPOOL_EDELTA;
	if (!(m->flags & SNP_R_REMOTE) && (!snp_zero(r + 52, 16) || d->rport))
		return -SNATPOOL_EDELTA;
	memcpy(d->remote, r + 52, alen);
	return 0;
}

/* Apply one decoded record (ilock held).  Return: 1 applied, 0 rejected, -ENOMEM. */
static int apply(struct snatpool_table *t, const struct drec *d, uint32_t now)
{
	uint64_t h = snp_src_hash(t, d->m.family, d->m.src);
	uint64_t kh = snp_key_hash(t, h, d->m.family, d->m.proto, d->m.src, d->m.sport);
	struct snp_shard *s = snp_shard_of(t, h);
	uint32_t idx, remaining = d->m.remaining < t->timeout ? d->m.remaining : t->timeout;
	bool idle = d->m.flags & SNP_R_IDLE;
	struct snp_ent *e;
	int ret = 1, err;

	snp_shard_lock(s);
	now = snp_clamp_now(&s->last_now, now);
	idx = snp_find(s, kh, d->m.family, d->m.proto, d->m.src, d->m.sport);
	e = idx == SNP_NIL ? NULL : snp_ent_at(s, idx);
	if (d->type >= SNP_D_EXPIRED) {
		if (e && e->xidx == d->m.xidx && e->xport == d->m.xport)
			snp_remove(t, s, idx, d->type == SNP_D_ROLLEDBACK ?
				   SNP_FREE_NOW : SNP_FREE_REST, now, 0);
		goto out;
	}
	if (e && (e->xidx != d->m.xidx || e->xport != d->m.xport)) {
		/* the peer moved this source: is the new tuple free? */
		struct snp_ports *ps = snp_ports_get(t, snp_kfam_x(d->m.family),
						     snp_proto_slot(d->m.proto), d->m.xidx);
		bool busy;

		if (!ps) {
			ret = -ENOMEM;
			goto out;
		}
		busy = snp_ports_owned(t, ps, d->m.xport, NULL);
		if (busy) {
			ret = 0;
			goto out;
		}
		snp_remove(t, s, idx, SNP_FREE_REST, now, 0);
		e = NULL;
	}
	if (!e) {
		err = snp_insert_at(t, s, kh, d->m.family, d->m.proto, d->m.src, d->m.sport,
				    d->m.xidx, d->m.xport, d->m.nflows, idle, now + remaining,
				    &idx);
		if (err) {
			ret = err == -ENOMEM ? -ENOMEM : 0;
			goto out;
		}
		e = snp_ent_at(s, idx);
	} else {
		s->c.live_flows += d->m.nflows;
		s->c.live_flows -= snp_ent_flows(e);
		e->nflows = d->m.nflows;
		if (e->flags & SNP_E_IDLE)
			snp_idle_dequeue(s, idx);
		if (idle) {
			e->deadline = now + remaining;
			snp_idle_insert(s, idx);
		}
	}
	e->flags &= ~(SNP_E_FRESH | SNP_E_PRESERVED);
	if (d->m.flags & SNP_R_PRESERVED)
		e->flags |= SNP_E_PRESERVED;
	if ((d->m.flags & SNP_R_REMOTE) && t->permit >= SNATPOOL_PERMIT_TARGET_HOST &&
	    snp_permit_add(t, s, idx, d->remote, d->rport) < 0)
		ret = -ENOMEM;	/* the mapping itself is applied */
out:
	snp_shard_unlock(s);
	return ret;
}

SNP_API int snatpool_table_delta_import(struct snatpool_table *t,
					const void *buf, size_t len,
					uint32_t now, size_t *consumed)
{
	const uint8_t *p = buf;
	size_t off = 0;
	int applied = 0, err = 0;

	if (!t || (!buf && len))
		return -EINVAL;
	pthread_mutex_lock(&t->ilock);
	for (; len - off >= SNATPOOL_DELTA_RECORD_SIZE; off += SNATPOOL_DELTA_RECORD_SIZE) {
		struct drec d;
		int r;

		err = decode(t, p + off, &d);
		if (err)
			break;
		if (d.seq <= t->iseq) {
			t->imp_dup++;
			continue;
		}
		if (d.seq != t->iseq + 1) {
			err = -SNATPOOL_EGAP;
			break;
		}
		r = apply(t, &d, now);
		if (r < 0) {
			err = r;
			break;
		}
		t->iseq = d.seq;
		if (r) {
			t->imp_applied++;
			applied++;
		} else {
			t->imp_rejected++;
		}
	}
	pthread_mutex_unlock(&t->ilock);
	if (consumed)
		*consumed = off;
	return err ? err : applied;
}

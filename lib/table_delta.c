/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_delta.c - the HA delta stream.
 *
 * Every record carries the whole resulting state of one mapping, so that
 * applying it twice changes nothing.  Layout (SNATPOOL_DELTA_RECORD_SIZE =
 * 96 octets, little-endian):
 *
 *    0  u32 magic "SNPD"      4  u8 version (1)   5 u8 type (snp_delta_type)
 *    6  u8 family (4 or 6)    7  u8 protocol
 *    8  u64 sequence number (1, 2, ... per exporting table)
 *   16  u32 pool fingerprint
 *   20  u16 source port      22  u16 translated port
 *   24  u32 translated address index
 *   28  u16 live flows       30  u8 flags (1 idle, 2 remote set, 4 preserved)
 *   31  u8 zero
 *   32  u32 idle lease: seconds left (relative, so clocks need not agree)
 *   36  16 octets source address (IPv4: 4, then zeros)
 *   52  16 octets remote address a target-host mapping now admits
 *   68  u16 remote port      70..87 zero
 *   88  u64 XXH64 of octets 0..87
 *
 * CREATED, REFRESHED and RELEASED set the mapping to the record's state;
 * EXPIRED, FREED and ROLLEDBACK remove it.  Sequence numbers are handed out
 * under the stream's lock, which is taken inside the port space's lock for
 * records that claim or free a tuple, so a tuple's free always precedes its
 * next claim in the stream.
 */
#include <stdlib.h>
#include <string.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "table.h"

#define D_MAGIC		0x44504e53u	/* "SNPD" */
#define D_VERSION	1
#define D_F_IDLE	1
#define D_F_REMOTE	2
#define D_F_PRESERVED	4

uint64_t snp_checksum(const void *p, size_t len)
{
	return XXH64(p, len, 0x736e6174706f6f6cull);	/* "snatpool" */
}

void snp_delta_emit(struct snatpool_table *t, int type, const struct snp_ent *e,
		    uint32_t now, const uint8_t *remote, uint16_t rport)
{
	struct snp_delta *d = &t->delta;
	uint8_t *r;
	int family;

	if (!d->cap)
		return;
	family = snp_ent_family(e);
	pthread_mutex_lock(&d->lock);
	if (d->cnt == d->cap) {		/* the consumer fell behind: drop the oldest */
		d->head = (d->head + 1) % d->cap;
		d->cnt--;
		d->lost++;
	}
	r = d->buf + (size_t)((d->head + d->cnt) % d->cap) * SNATPOOL_DELTA_RECORD_SIZE;
	d->cnt++;
	memset(r, 0, SNATPOOL_DELTA_RECORD_SIZE);
	snp_put32(r, D_MAGIC);
	r[4] = D_VERSION;
	r[5] = (uint8_t)type;
	r[6] = family == AF_INET6 ? 6 : 4;
	r[7] = e->proto;
	snp_put64(r + 8, ++d->seq);
	snp_put32(r + 16, t->fingerprint);
	snp_put16(r + 20, e->sport);
	snp_put16(r + 22, e->xport);
	snp_put32(r + 24, e->xidx);
	snp_put16(r + 28, (uint16_t)snp_ent_flows(e));
	r[30] = (uint8_t)(((e->flags & SNP_E_IDLE) ? D_F_IDLE : 0) |
			  (remote ? D_F_REMOTE : 0) |
			  ((e->flags & SNP_E_PRESERVED) ? D_F_PRESERVED : 0));
	if (e->flags & SNP_E_IDLE)
		snp_put32(r + 32, (int32_t)(e->deadline - now) > 0 ? e->deadline - now : 0);
	memcpy(r + 36, e->src, family == AF_INET6 ? 16 : 4);
	if (remote) {
		memcpy(r + 52, remote, family == AF_INET6 ? 16 : 4);
		snp_put16(r + 68, rport);
	}
	snp_put64(r + 88, snp_checksum(r, 88));
	d->exported++;
	pthread_mutex_unlock(&d->lock);
}

SNP_API long snatpool_table_delta_export(struct snatpool_table *t, void *buf,
					 size_t cap)
{
	struct snp_delta *d;
	size_t n = 0;

	if (!t || (!buf && cap))
		return -EINVAL;
	d = &t->delta;
	pthread_mutex_lock(&d->lock);
	while (d->cnt && cap - n >= SNATPOOL_DELTA_RECORD_SIZE) {
		memcpy((uint8_t *)buf + n,
		       d->buf + (size_t)d->head * SNATPOOL_DELTA_RECORD_SIZE,
		       SNATPOOL_DELTA_RECORD_SIZE);
		d->head = (d->head + 1) % d->cap;
		d->cnt--;
		n += SNATPOOL_DELTA_RECORD_SIZE;
	}
	pthread_mutex_unlock(&d->lock);
	return (long)n;
}

struct drec {
	int      type, family;
	uint8_t  proto, flags;
	uint64_t seq;
	uint16_t sport, xport, nflows, rport;
	uint32_t xidx, remaining;
	uint8_t  src[16], remote[16];
};

static bool zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Check one record completely before anything is applied. */
static int decode(const struct snatpool_table *t, const uint8_t *r, struct drec *d)
{
	size_t alen;
	int slot;

	if (snp_get64(r + 88) != snp_checksum(r, 88) || snp_get32(r) != D_MAGIC ||
	    r[4] != D_VERSION || snp_get32(r + 16) != t->fingerprint ||
	    r[31] || !zero(r + 70, 18))
		return -SNATPOOL_EDELTA;
	memset(d, 0, sizeof(*d));
	d->type = r[5];
	d->family = r[6] == 4 ? AF_INET : r[6] == 6 ? AF_INET6 : 0;
	d->proto = r[7];
	d->seq = snp_get64(r + 8);
	d->sport = snp_get16(r + 20);
	d->xport = snp_get16(r + 22);
	d->xidx = snp_get32(r + 24);
	d->nflows = snp_get16(r + 28);
	d->flags = r[30];
	d->remaining = snp_get32(r + 32);
	d->rport = snp_get16(r + 68);
	slot = snp_proto_slot(d->proto);
	if (d->type < SNP_D_CREATED || d->type > SNP_D_ROLLEDBACK || !d->family ||
	    slot < 0 || !d->seq || (d->flags & ~(D_F_IDLE | D_F_REMOTE | D_F_PRESERVED)) ||
	    d->xidx >= t->nfam[d->family == AF_INET6] ||
	    d->xport < t->port_lo || d->xport > t->port_hi ||
	    (d->proto == IPPROTO_ICMP && d->family != AF_INET) ||
	    (d->proto == IPPROTO_ICMPV6 && d->family != AF_INET6))
		return -SNATPOOL_EDELTA;
	alen = d->family == AF_INET6 ? 16 : 4;
	if (!zero(r + 36 + alen, 16 - alen) || !zero(r + 52 + alen, 16 - alen))
		return -SNATPOOL_EDELTA;
	if (!(d->flags & D_F_REMOTE) && (!zero(r + 52, 16) || d->rport))
		return -SNATPOOL_EDELTA;
	if (d->type <= SNP_D_RELEASED &&
	    (!!(d->flags & D_F_IDLE) != !d->nflows))	/* idle exactly when no flow */
		return -SNATPOOL_EDELTA;
	if (!(d->flags & D_F_IDLE) && d->remaining)
		return -SNATPOOL_EDELTA;
	memcpy(d->src, r + 36, alen);
	memcpy(d->remote, r + 52, alen);
	return 0;
}

/* Apply one decoded record (ilock held).  Return: 1 applied, 0 rejected, -ENOMEM. */
static int apply(struct snatpool_table *t, const struct drec *d, uint32_t now)
{
	uint64_t h = snp_src_hash(t, d->family, d->src);
	uint64_t kh = snp_key_hash(t, h, d->family, d->proto, d->src, d->sport);
	struct snp_shard *s = snp_shard_of(t, h);
	uint32_t idx, remaining = d->remaining < t->timeout ? d->remaining : t->timeout;
	bool idle = d->flags & D_F_IDLE;
	struct snp_ent *e;
	int ret = 1, err;

	snp_shard_lock(s);
	now = snp_clamp_now(&s->last_now, now);
	idx = snp_find(s, kh, d->family, d->proto, d->src, d->sport);
	e = idx == SNP_NIL ? NULL : snp_ent_at(s, idx);
	if (d->type >= SNP_D_EXPIRED) {
		if (e && e->xidx == d->xidx && e->xport == d->xport)
			snp_remove(t, s, idx, d->type == SNP_D_ROLLEDBACK ?
				   SNP_FREE_NOW : SNP_FREE_REST, now, 0);
		goto out;
	}
	if (e && (e->xidx != d->xidx || e->xport != d->xport)) {
		/* the peer moved this source: is the new tuple free? */
		struct snp_ports *ps = snp_ports_get(t, d->family, snp_proto_slot(d->proto),
						     d->xidx);
		bool busy;

		if (!ps) {
			ret = -ENOMEM;
			goto out;
		}
		pthread_mutex_lock(&ps->lock);
		busy = snp_ports_owned(t, ps, d->xport, NULL);
		pthread_mutex_unlock(&ps->lock);
		if (busy) {
			ret = 0;
			goto out;
		}
		snp_remove(t, s, idx, SNP_FREE_REST, now, 0);
		e = NULL;
	}
	if (!e) {
		err = snp_insert_at(t, s, kh, d->family, d->proto, d->src, d->sport,
				    d->xidx, d->xport, d->nflows, idle, now + remaining,
				    &idx);
		if (err) {
			ret = err == -ENOMEM ? -ENOMEM : 0;
			goto out;
		}
		e = snp_ent_at(s, idx);
	} else {
		s->c.live_flows += d->nflows;
		s->c.live_flows -= snp_ent_flows(e);
		e->nflows = d->nflows;
		if (e->flags & SNP_E_IDLE)
			snp_idle_dequeue(s, idx);
		if (idle) {
			e->deadline = now + remaining;
			snp_idle_insert(s, idx);
		}
	}
	e->flags &= ~(SNP_E_FRESH | SNP_E_PRESERVED);
	if (d->flags & D_F_PRESERVED)
		e->flags |= SNP_E_PRESERVED;
	if ((d->flags & D_F_REMOTE) && t->permit >= SNATPOOL_PERMIT_TARGET_HOST &&
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

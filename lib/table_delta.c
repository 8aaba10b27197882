/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_delta.c - the HA delta stream, export side (the import is
 * table_import.c).
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
 *   28  u16 live flows       30  u8 flags (1 idle, 2 remote set, 4 preserved,
 *                                          8 NAT64)
 *   31  u8 zero
 *   32  u32 idle lease: seconds left (relative, so clocks need not agree)
 *   36  16 octets source address (IPv4: 4, then zeros)
 *   52  16 octets remote address a target-host mapping now admits (of the
 *       translated family: IPv4 for NAT64)
 *   68  u16 remote port      70..87 zero
 *   88  u64 XXH64 of octets 0..87
 *
 * A NAT64 mapping (an IPv6 source owning an IPv4 tuple) is family 6 with
 * flag 8, its index and port in the IPv4 port space.  The version stays 1,
 * so records of every other mapping are what they were; a reader from
 * before NAT64 refuses flag 8 as an unknown flag (-SNATPOOL_EDELTA), so it
 * never reads such a record as a native IPv6 mapping.
 *
 * CREATED, REFRESHED and RELEASED set the mapping to the record's state;
 * EXPIRED, FREED and ROLLEDBACK remove it.  Sequence numbers are handed out
 * under the stream's lock, which is taken inside the port space's lock for
 * records that claim or free a tuple, so a tuple's free always precedes its
 * next claim in the stream.
 */
#include <string.h>

#include "table.h"
#include "table_record.h"

void snp_delta_put(struct snatpool_table *t, int type, const struct snp_ent *e,
		   uint32_t now, const uint8_t *remote, uint16_t rport)
{
	struct snp_delta *d = &t->delta;
	uint8_t *r;
	int family, xfamily;

	family = snp_kfam_src(snp_ent_family(e));
	xfamily = snp_ent_xfamily(e);
	pthread_mutex_lock(&d->lock);
	if (d->cnt == d->cap) {		/* the consumer fell behind: drop the oldest */
		d->head = (d->head + 1) % d->cap;
		d->cnt--;
		d->lost++;
	}
	r = d->buf + (size_t)((d->head + d->cnt) % d->cap) * SNATPOOL_DELTA_RECORD_SIZE;
	d->cnt++;
	memset(r, 0, SNATPOOL_DELTA_RECORD_SIZE);
	snp_put32(r, SNP_D_MAGIC);
	r[4] = SNP_D_VERSION;
	r[5] = (uint8_t)type;
	r[6] = family == AF_INET6 ? 6 : 4;
	r[7] = e->proto;
	snp_put64(r + 8, ++d->seq);
	snp_put32(r + 16, t->fingerprint);
	snp_put16(r + 20, e->sport);
	snp_put16(r + 22, e->xport);
	snp_put32(r + 24, e->xidx);
	snp_put16(r + 28, (uint16_t)snp_ent_flows(e));
	r[30] = (uint8_t)(((e->flags & SNP_E_IDLE) ? SNP_R_IDLE : 0) |
			  (remote ? SNP_R_REMOTE : 0) |
			  ((e->flags & SNP_E_PRESERVED) ? SNP_R_PRESERVED : 0) |
			  ((e->flags & SNP_E_X4) ? SNP_R_NAT64 : 0));
	if (e->flags & SNP_E_IDLE)
		snp_put32(r + 32, (int32_t)(e->deadline - now) > 0 ? e->deadline - now : 0);
	memcpy(r + 36, e->src, family == AF_INET6 ? 16 : 4);
	if (remote) {
		memcpy(r + 52, remote, xfamily == AF_INET6 ? 16 : 4);
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

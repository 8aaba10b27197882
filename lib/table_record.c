/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_record.c - what snapshots (table_snapshot.c) and HA records
 * (table_delta.c, table_import.c) share: the checksum, the pool
 * fingerprint both carry, and the one check of a mapping record.
 */
#include <string.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "table.h"
#include "table_record.h"

uint64_t snp_checksum(const void *p, size_t len)
{
	return XXH64(p, len, 0x736e6174706f6f6cull);	/* "snatpool" */
}

uint32_t snp_pool_fingerprint(const struct snatpool *pool)
{
	XXH64_state_t state, *st = &state;
	uint8_t hdr[16];
	uint64_t h;
	int v6;

	XXH64_reset(st, 0);
	for (v6 = 0; v6 < 2; v6++) {
		const struct snp_family *f = v6 ? &pool->v6 : &pool->v4;

		snp_put32(hdr, f->n);
		XXH64_update(st, hdr, 4);
		XXH64_update(st, f->addrs, (size_t)f->n * f->alen);
	}
	snp_put16(hdr, pool->port_lo);
	snp_put16(hdr + 2, pool->port_hi);
	XXH64_update(st, hdr, 4);
	h = XXH64_digest(st);
	return (uint32_t)(h ^ (h >> 32));
}

bool snp_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/*
 * A table inside the block (snatpool_table_opts.portblock) holds no port
 * outside its source's deterministic block, whatever a snapshot or an HA
 * peer sends: a record whose source has no block, or whose address or port
 * is not that block's, is refused like any other bad record.
 */
static bool rec_in_block(const struct snatpool_table *t, const struct snp_rec *r)
{
	uint32_t x;
	uint16_t lo, hi;
	int fam, xfam;

	if (!t->pb)
		return true;
	snp_portblock_pool(t->pb, &fam, &xfam);
	return r->family == fam && !snp_portblock_block(t->pb, r->src, &x, &lo, &hi) &&
	       r->xidx == x && r->xport >= lo && r->xport <= hi;
}

bool snp_rec_check(const struct snatpool_table *t, struct snp_rec *r,
		   const uint8_t *src16, uint8_t flags_ok, bool state,
		   uint32_t max_flows)
{
	size_t alen;

	if (r->flags & ~flags_ok)
		return false;
	if (r->flags & SNP_R_NAT64) {
		if (r->family != AF_INET6)
			return false;
		r->family = SNATPOOL_AF_NAT64;
	}
	if (!snp_key_carries(r->proto, r->family) ||
	    r->xidx >= t->nfam[snp_kfam_x(r->family) == AF_INET6] ||
	    r->xport < t->port_lo || r->xport > t->port_hi ||
	    (state && !!(r->flags & SNP_R_IDLE) != !r->nflows) ||	/* idle exactly when no flow */
	    (!(r->flags & SNP_R_IDLE) && r->remaining) || r->nflows > max_flows)
		return false;
	alen = r->family != AF_INET ? 16 : 4;
	if (!snp_zero(src16 + alen, 16 - alen))
		return false;
	memset(r->src, 0, sizeof(r->src));
	memcpy(r->src, src16, alen);
	return rec_in_block(t, r);
}

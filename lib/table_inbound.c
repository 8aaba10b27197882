/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_inbound.c - from the translated side: which mapping owns a
 * translated tuple (snatpool_table_lookup_xlat) and whether it admits a
 * remote (snatpool_table_permit).  The port space names the owner.
 */
#include <string.h>

#include "table.h"
#include "table_key.h"

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
	if (!snp_proto_carries(proto, family))
		return -EPROTONOSUPPORT;	/* as claim: ICMPv6 over IPv4 too */
	if (xport < t->port_lo || xport > t->port_hi)
		return -ENOENT;
	xidx = snp_xindex(t, family, xaddr);
	if (xidx == SNP_NIL)
		return -ENOENT;
	ps = snp_ports_peek(t, family, slot, xidx);
	if (!ps)
		return -ENOENT;
	own = snp_ports_owned(t, ps, xport, &owner);
	if (!own || (owner >> SNP_IDX_BITS) >= t->nshards)
		return -ENOENT;
	s = &t->shards[owner >> SNP_IDX_BITS];
	owner &= (1u << SNP_IDX_BITS) - 1;
	snp_shard_lock(s);
	if (owner < s->hiwater) {
		e = snp_ent_at(s, owner);
		if ((e->flags & SNP_E_USED) && e->xidx == xidx && e->xport == xport &&
		    snp_proto_slot(e->proto) == slot &&
		    snp_ent_xfamily(e) == family) {	/* NAT64 ones too */
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
	if (!snp_ent_alive(snp_ent_at(s, idx), now))
		err = -ENOENT;
	else if (out)
		snp_fill_mapping(t, snp_ent_at(s, idx), out);
	snp_shard_unlock(s);
	return err;
}

SNP_API int snatpool_table_permit(struct snatpool_table *t, int family,
				  uint8_t proto, const uint8_t *xaddr,
				  uint16_t xport, const uint8_t *remote,
				  uint16_t rport, uint32_t now)
{
	struct snp_shard *s;
	uint32_t idx;
	int err, ok = 0;

	if (!remote)
		return -EINVAL;
	err = xlat_locked(t, family, proto, xaddr, xport, &s, &idx);
	if (err)
		return err;
	if (!snp_ent_alive(snp_ent_at(s, idx), now) || t->permit == SNATPOOL_PERMIT_NONE) {
		snp_shard_unlock(s);
		return -ENOENT;
	}
	if (t->permit == SNATPOOL_PERMIT_ANY_REMOTE_HOST)
		ok = 1;
	else if (t->permit >= SNATPOOL_PERMIT_TARGET_HOST)
		ok = snp_permit_has(t, s, idx, remote, rport);
	if (!ok)
		s->c.permit_denied++;
	snp_shard_unlock(s);
	return ok;
}

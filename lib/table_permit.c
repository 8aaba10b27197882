/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_permit.c - the remotes a target-host mapping sent to (permit
 * modes TARGET_HOST and TARGET_HOST_PORT): up to SNP_PERMIT_MAX per
 * mapping, the oldest replaced when full.  TARGET_HOST keeps port 0.
 */
#include <stdlib.h>
#include <string.h>

#include "table.h"

bool snp_permit_has(const struct snatpool_table *t, struct snp_shard *s, uint32_t idx,
		    const uint8_t *addr, uint16_t port)
{
	const struct snp_permit *p = *snp_permit_at(s, idx);
	size_t alen = snp_ent_xfamily(snp_ent_at(s, idx)) == AF_INET6 ? 16 : 4;
	uint32_t i;

	if (!p)
		return false;
	if (t->permit == SNATPOOL_PERMIT_TARGET_HOST)
		port = 0;
	for (i = 0; i < p->n; i++)
		if (p->r[i].port == port && !memcmp(p->r[i].addr, addr, alen))
			return true;
	return false;
}

int snp_permit_add(struct snatpool_table *t, struct snp_shard *s, uint32_t idx,
		   const uint8_t *addr, uint16_t port)
{
	struct snp_permit **pp = snp_permit_at(s, idx), *p = *pp;
	size_t alen = snp_ent_xfamily(snp_ent_at(s, idx)) == AF_INET6 ? 16 : 4;
	uint32_t i;

	if (snp_permit_has(t, s, idx, addr, port))
		return 0;
	if (t->permit == SNATPOOL_PERMIT_TARGET_HOST)
		port = 0;
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return -ENOMEM;
		*pp = p;
	}
	i = p->n < SNP_PERMIT_MAX ? p->n++ : p->next++ % SNP_PERMIT_MAX;
	memset(&p->r[i], 0, sizeof(p->r[i]));
	memcpy(p->r[i].addr, addr, alen);
	p->r[i].port = port;
	return 1;
}

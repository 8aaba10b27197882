/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table.c - what every file of the mapping table shares and calls no other
 * for: the protocols a table takes, the clock clamp, locking all shards.
 * The table itself is spread one concept per file: see table.h.
 */
#include <netinet/in.h>

#include "table.h"

const struct snp_proto snp_protos[256] = {
	[IPPROTO_TCP]		= { 1, 3 },
	[IPPROTO_UDP]		= { 2, 3 },
	[IPPROTO_ICMP]		= { 3, 1 },
	[IPPROTO_ICMPV6]	= { 3, 2 },	/* one identifier space per family */
	[IPPROTO_DCCP]		= { 4, 3 },
	[IPPROTO_SCTP]		= { 5, 3 },
	[IPPROTO_UDPLITE]	= { 6, 3 },
};

uint32_t snp_clamp_now(uint32_t *last, uint32_t now)
{
	if ((int32_t)(now - *last) < 0)
		return *last;
	*last = now;
	return now;
}

void snp_lock_all(struct snatpool_table *t)
{
	uint32_t i;

	for (i = 0; i < t->nshards; i++)
		snp_shard_lock(&t->shards[i]);
}

void snp_unlock_all(struct snatpool_table *t)
{
	uint32_t i;

	for (i = t->nshards; i-- > 0;)
		snp_shard_unlock(&t->shards[i]);
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_steer.c - which worker owns a source: the shards are divided among
 * the table's workers in contiguous ranges (snp_shard_worker()), so that a
 * dispatcher (an RSS indirection table, a software hand-off ring) can send
 * every flow of a source to the one worker whose shards and port stripes
 * hold it.
 */
#include "table.h"
#include "table_key.h"

SNP_API int snatpool_table_worker(const struct snatpool_table *t, int family,
				  const uint8_t *src)
{
	if (!t || !src || !snp_kfam_ok(family))
		return -EINVAL;
	return (int)snp_shard_worker(t, snp_shard_idx(t, snp_src_hash(t, family, src)));
}

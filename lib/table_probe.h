/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_probe.h - the one linear-probing delete, shared by both
 * open-addressing hashes of a shard (table_index.c, table_quota.c).
 */
#ifndef SNP_TABLE_PROBE_H
#define SNP_TABLE_PROBE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Backward-shift deletion from a linear-probing array of mask + 1 places,
 * the one both open-addressing hashes (the index, the quota counts) use.
 * Place @i was just vacated; each following occupied place j until an empty
 * one moves into the hole if its home is not between the hole and j.
 * Return the place left empty (the caller marks it so).  Inlined with its
 * callbacks: @used(ctx, j), @home(ctx, j), @move(ctx, from, to).
 */
static inline __attribute__((always_inline)) uint32_t
snp_probe_delete(uint32_t mask, uint32_t i, void *ctx,
		 bool (*used)(void *ctx, uint32_t j),
		 uint32_t (*home)(void *ctx, uint32_t j),
		 void (*move)(void *ctx, uint32_t from, uint32_t to))
{
	uint32_t j;

	for (j = (i + 1) & mask; used(ctx, j); j = (j + 1) & mask) {
		if (((j - (home(ctx, j) & mask)) & mask) >= ((j - i) & mask)) {
			move(ctx, j, i);
			i = j;
		}
	}
	return i;
}

#endif /* SNP_TABLE_PROBE_H */

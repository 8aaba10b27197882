/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * nat64.c - cross-family selection: an IPv6 source chooses among the pool's
 * IPv4 addresses (docs/algorithms.md, "NAT64"), through the one dispatch
 * (core/snp_dispatch.h, snp_dispatch_nat64()), which holds each
 * algorithm's NAT64 rule or its refusal, SNP_PICK_ENONAT64; select.c's
 * snp_pick_x() runs it and looks Maglev slots up, as for every pick.
 */
#include <string.h>

#include "internal.h"

/* One source; the algorithm ID was checked. */
static inline int snp_nat64_pick(const struct snatpool *pool, const uint8_t *src6,
				 uint32_t algo, uint32_t *idx)
{
	return snp_pick_x(pool, &pool->v4, 1, src6, algo, idx);
}

/* Checks shared by the single and burst forms; *@algo resolved. */
static int snp_nat64_prepare(const struct snatpool *pool, const void *src,
			     uint32_t *algo)
{
	if (!pool || !src)
		return -EINVAL;
	if (!*algo)
		*algo = pool->default_algo;
	if (!snp_algo_known(*algo))
		return -SNATPOOL_EALGO;
	return 0;
}

SNP_API int snatpool_select_nat64(const struct snatpool *pool, const uint8_t *src6,
				  uint32_t algo, uint32_t *index, uint8_t *addr4)
{
	uint32_t idx;
	int err = snp_nat64_prepare(pool, src6, &algo);

	if (!err)
		err = snp_nat64_pick(pool, src6, algo, &idx);
	if (err)
		return err;
	if (index)
		*index = idx;
	if (addr4)
		memcpy(addr4, pool->v4.addrs + (size_t)idx * 4, 4);
	return 0;
}

/*
 * The burst answers what count single calls would, errors included: an
 * empty burst still asks the dispatch once (with the zero address), so that
 * a refusal does not depend on the count.
 */
SNP_API int snatpool_select_nat64_burst(const struct snatpool *pool,
					const uint8_t *srcs6, size_t count,
					uint32_t algo, uint32_t *indexes)
{
	static const uint8_t zero[16];
	uint32_t idx;
	size_t i;
	int err = snp_nat64_prepare(pool, srcs6, &algo);

	if (err)
		return err;
	if (!indexes || count > INT32_MAX)
		return -EINVAL;
	if (!count)
		return (err = snp_nat64_pick(pool, zero, algo, &idx)) ? err : 0;
	for (i = 0; i < count; i++) {
		err = snp_nat64_pick(pool, srcs6 + i * 16, algo, &indexes[i]);
		if (err)
			return err;
	}
	return (int)count;
}

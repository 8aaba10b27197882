/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * nat64.c - cross-family selection: an IPv6 source chooses among the pool's
 * IPv4 addresses (docs/algorithms.md, "NAT64").  The rules live in the
 * cores (core/snp_legacy.h, snp_xxh3.h, snp_maglev.h); algorithms without
 * one refuse with -SNATPOOL_ENONAT64.
 */
#include <string.h>

#include "internal.h"
#include "core/snp_legacy.h"
#include "core/snp_xxh3.h"
#include "core/snp_maglev.h"

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
	if (!pool->v4.n)		/* as snatpool_select(): family, then rule */
		return -SNATPOOL_ENOFAMILY;
	if (*algo != SNATPOOL_ALGO_XPF_LEGACY_V0 && *algo != SNATPOOL_ALGO_XXH3_V1 &&
	    *algo != SNATPOOL_ALGO_MAGLEV_V1)
		return -SNATPOOL_ENONAT64;
	return 0;
}

static inline int snp_nat64_pick(const struct snatpool *pool, const uint8_t *src6,
				 uint32_t algo, uint32_t *idx)
{
	const struct snp_family *f = &pool->v4;
	const uint16_t *t;

	switch (algo) {
	case SNATPOOL_ALGO_XPF_LEGACY_V0:
		*idx = snp_legacy_nat64(src6, f->n);
		return 0;
	case SNATPOOL_ALGO_XXH3_V1:
		*idx = snp_xxh3_nat64(src6, pool->seed, f->n);
		return 0;
	case SNATPOOL_ALGO_MAGLEV_V1:
		t = __atomic_load_n(&f->maglev, __ATOMIC_ACQUIRE);
		if (__builtin_expect(!t, 0) && !(t = snp_maglev_get(pool, f)))
			return -ENOMEM;
		*idx = t[snp_maglev_nat64_slot(src6, pool->seed, pool->maglev_size)];
		return 0;
	}
	return -SNATPOOL_ENONAT64;
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

SNP_API int snatpool_select_nat64_burst(const struct snatpool *pool,
					const uint8_t *srcs6, size_t count,
					uint32_t algo, uint32_t *indexes)
{
	size_t i;
	int err = snp_nat64_prepare(pool, srcs6, &algo);

	if (err)
		return err;
	if (!indexes || count > INT32_MAX)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		err = snp_nat64_pick(pool, srcs6 + i * 16, algo, &indexes[i]);
		if (err)
			return err;
	}
	return (int)count;
}

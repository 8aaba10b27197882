/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * pool.c - building, reading and freeing pools.
 *
 * A pool is checked whole before anything is published: on any error the
 * caller's out-parameter is untouched and everything built so far is freed.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pool.h"

struct snp_sortent {
	const uint8_t *addr;
	size_t idx;		/* position in the caller's array */
};

static int snp_sortent_cmp(const void *a, const void *b, void *arg)
{
	const struct snp_sortent *x = a, *y = b;
	int c = memcmp(x->addr, y->addr, *(const uint8_t *)arg);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * The first address (lowest position) that repeats an earlier one, or
 * SIZE_MAX.  @ents: the @k addresses of one family.
 */
static size_t snp_find_dup(struct snp_sortent *ents, size_t k, uint8_t alen)
{
	size_t best = SIZE_MAX, i;

	qsort_r(ents, k, sizeof(*ents), snp_sortent_cmp, &alen);
	for (i = 1; i < k; i++)
		if (!memcmp(ents[i - 1].addr, ents[i].addr, alen) &&
		    (i < 2 || memcmp(ents[i - 2].addr, ents[i].addr, alen)) &&
		    ents[i].idx < best)
			best = ents[i].idx;	/* second of its group */
	return best;
}

static bool snp_contiguous(const struct snp_family *f)
{
	uint32_t base, i;
	size_t off = f->alen - 4;

	for (i = 1; i < f->n; i++)
		if (memcmp(f->addrs, f->addrs + (size_t)i * f->alen, off))
			return false;
	base = snp_load_be32(f->addrs + off);
	if ((uint64_t)base + f->n - 1 > UINT32_MAX)
		return false;
	for (i = 1; i < f->n; i++)
		if (snp_load_be32(f->addrs + (size_t)i * f->alen + off) != base + i)
			return false;
	return true;
}

static void snp_family_free(struct snp_family *f)
{
	free(f->addrs);
	free(f->maglev);
}

/* The table size: @want or the default, a prime >= every family's count. */
static int snp_maglev_size_check(const struct snatpool_pool_opts *opts,
				 size_t n4, size_t n6, uint32_t *msize,
				 struct snatpool_diag *diag)
{
	uint32_t m = SNP_OPTS_GET(opts, maglev_size, 0);
	char tok[16];
	int len;

	if (!m)
		m = SNATPOOL_MAGLEV_SIZE;
	if (!snp_is_prime(m) || m < n4 || m < n6) {
		len = snprintf(tok, sizeof(tok), "%u", m);
		return snp_diag(diag, SNATPOOL_EMAGLEV, 0, tok, (size_t)len);
	}
	*msize = m;
	return 0;
}

SNP_API void snatpool_pool_free(struct snatpool *pool)
{
	if (!pool)
		return;
	snp_family_free(&pool->v4);
	snp_family_free(&pool->v6);
	pthread_mutex_destroy(&pool->maglev_lock);
	free(pool);
}

static int snp_opts_check(const struct snatpool_pool_opts *opts,
			  uint16_t *lo, uint16_t *hi, uint32_t *algo,
			  struct snatpool_diag *diag)
{
	char tok[32];
	int len;

	if (!SNP_OPTS_VALID(opts, maglev_size))
		return -EINVAL;
	*lo = SNP_OPTS_GET(opts, port_lo, 0);
	*hi = SNP_OPTS_GET(opts, port_hi, 0);
	*algo = SNP_OPTS_GET(opts, default_algo, 0);
	if (!*lo && !*hi) {
		*lo = 1024;
		*hi = 65535;
	} else if (!*lo || *lo > *hi) {
		len = snprintf(tok, sizeof(tok), "%u-%u", *lo, *hi);
		return snp_diag(diag, SNATPOOL_EPORT, 0, tok, (size_t)len);
	}
	if (!*algo)
		*algo = SNATPOOL_ALGO_DEFAULT;
	if (!snp_algo_known(*algo)) {
		len = snprintf(tok, sizeof(tok), "%u", *algo);
		return snp_diag(diag, SNATPOOL_EALGO, 0, tok, (size_t)len);
	}
	return 0;
}

static int snp_family_fill(struct snp_family *f, int family,
			   const struct snatpool_addr *addrs, size_t count)
{
	size_t i, k = 0;

	f->fam = family == AF_INET ? SNP_FAM4 : SNP_FAM6;
	f->alen = (uint8_t)snp_alen(family);
	for (i = 0; i < count; i++)
		k += addrs[i].family == family;
	if (!k)
		return 0;
	f->addrs = malloc(k * f->alen);
	if (!f->addrs)
		return -ENOMEM;
	for (i = 0; i < count; i++)
		if (addrs[i].family == family)
			memcpy(f->addrs + (size_t)f->n++ * f->alen, addrs[i].addr, f->alen);
	f->contiguous = snp_contiguous(f);
	return 0;
}

int snp_pool_build(const struct snatpool_addr *addrs, size_t count,
		   const struct snatpool_pool_opts *opts, struct snatpool **out,
		   size_t *bad, struct snatpool_diag *diag)
{
	struct snp_sortent *ents = NULL;
	struct snatpool *pool;
	size_t n4 = 0, n6 = 0, i, k, dup = SIZE_MAX;
	uint16_t lo, hi;
	uint32_t algo, msize = 0;
	int fam, err;

	*bad = SIZE_MAX;
	if (!out || (count && !addrs))
		return -EINVAL;
	err = snp_opts_check(opts, &lo, &hi, &algo, diag);
	if (err)
		return err;
	for (i = 0; i < count; i++) {
		size_t *cnt = addrs[i].family == AF_INET ? &n4 :
			      addrs[i].family == AF_INET6 ? &n6 : NULL;

		if (!cnt) {
			*bad = i;
			return -SNATPOOL_EFAMILY;
		}
		if (++*cnt > SNATPOOL_MAX_ADDRS) {
			*bad = i;
			return -SNATPOOL_ELIMIT;
		}
	}
	if (!count)
		return -SNATPOOL_EEMPTY;
	err = snp_maglev_size_check(opts, n4, n6, &msize, diag);
	if (err)
		return err;

	ents = malloc(sizeof(*ents) * count);
	if (!ents)
		return -ENOMEM;
	for (fam = AF_INET; fam; fam = fam == AF_INET ? AF_INET6 : 0) {
		size_t d;

		for (i = 0, k = 0; i < count; i++)
			if (addrs[i].family == fam)
				ents[k++] = (struct snp_sortent){ addrs[i].addr, i };
		d = snp_find_dup(ents, k, (uint8_t)snp_alen(fam));
		if (d < dup)
			dup = d;
	}
	free(ents);
	if (dup != SIZE_MAX) {
		*bad = dup;
		return -SNATPOOL_EDUP;
	}

	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return -ENOMEM;
	pool->seed = SNP_OPTS_GET(opts, seed, 0);
	pool->port_lo = lo;
	pool->port_hi = hi;
	pool->default_algo = algo;
	pool->maglev_size = msize;
	pthread_mutex_init(&pool->maglev_lock, NULL);
	err = snp_family_fill(&pool->v4, AF_INET, addrs, count);
	if (!err)
		err = snp_family_fill(&pool->v6, AF_INET6, addrs, count);
	pool->v4.msize = pool->v6.msize = msize;
	/* A pool whose default is Maglev gets its tables now, not per packet. */
	if (!err && algo == SNATPOOL_ALGO_MAGLEV_V1 &&
	    ((pool->v4.n && !snp_maglev_get(pool, &pool->v4)) ||
	     (pool->v6.n && !snp_maglev_get(pool, &pool->v6))))
		err = -ENOMEM;
	if (err) {
		snatpool_pool_free(pool);
		return err;
	}
	*out = pool;
	return 0;
}

SNP_API int snatpool_pool_new(const struct snatpool_addr *addrs, size_t count,
			      const struct snatpool_pool_opts *opts,
			      struct snatpool **out, struct snatpool_diag *diag)
{
	size_t bad;
	int err = snp_pool_build(addrs, count, opts, out, &bad, diag);

	if (err < 0 && bad != SIZE_MAX) {
		char text[64] = "";

		if (snp_alen(addrs[bad].family))
			snatpool_addr_format(addrs[bad].family, addrs[bad].addr,
					     text, sizeof(text));
		else
			snprintf(text, sizeof(text), "family %d", addrs[bad].family);
		snp_diag(diag, -err, bad, text, strlen(text));
	} else if (err < 0 && err != -SNATPOOL_EPORT && err != -SNATPOOL_EALGO &&
		   err != -SNATPOOL_EMAGLEV) {
		snp_diag(diag, -err, 0, NULL, 0);
	}
	return err;
}

SNP_API size_t snatpool_pool_count(const struct snatpool *pool, int family)
{
	const struct snp_family *f = pool ? snp_family_of(pool, family) : NULL;

	return f ? f->n : 0;
}

SNP_API int snatpool_pool_addr(const struct snatpool *pool, int family,
			       uint32_t index, uint8_t *out)
{
	const struct snp_family *f;

	if (!pool || !out)
		return -EINVAL;
	f = snp_family_of(pool, family);
	if (!f)
		return -EINVAL;
	if (!f->n)
		return -SNATPOOL_ENOFAMILY;
	if (index >= f->n)
		return -ERANGE;
	memcpy(out, f->addrs + (size_t)index * f->alen, f->alen);
	return 0;
}

SNP_API uint64_t snatpool_pool_seed(const struct snatpool *pool)
{
	return pool ? pool->seed : 0;
}

SNP_API void snatpool_pool_ports(const struct snatpool *pool, uint16_t *lo,
				 uint16_t *hi)
{
	if (lo)
		*lo = pool ? pool->port_lo : 0;
	if (hi)
		*hi = pool ? pool->port_hi : 0;
}

SNP_API uint32_t snatpool_pool_default_algo(const struct snatpool *pool)
{
	return pool ? pool->default_algo : 0;
}

SNP_API int snatpool_maglev_table(const struct snatpool *pool, int family,
				  const uint16_t **table, uint32_t *size)
{
	const struct snp_family *f;
	const uint16_t *t;

	if (!pool || !table || !size)
		return -EINVAL;
	f = snp_family_of(pool, family);
	if (!f)
		return -EINVAL;
	if (!f->n)
		return -SNATPOOL_ENOFAMILY;
	t = snp_maglev_get(pool, f);
	if (!t)
		return -ENOMEM;
	*table = t;
	*size = pool->maglev_size;
	return 0;
}

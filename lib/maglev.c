/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * maglev.c - building the snatpool-maglev-v1 lookup table (the lookup
 * itself is in core/snp_maglev.h).  docs/algorithms.md defines the
 * permutation and the population order; this follows it.  The table size M
 * is the pool's (SNATPOOL_MAGLEV_SIZE unless set): it must not depend on
 * the address count, or removing one address would reshuffle everything.
 * Tables are built on first use, once, under the pool's lock, and published
 * with release order so that readers never lock.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "core/snp_maglev.h"

bool snp_is_prime(uint32_t m)
{
	uint32_t d;

	if (m < 2)
		return false;
	if (m % 2 == 0)
		return m == 2;
	for (d = 3; (uint64_t)d * d <= m; d += 2)
		if (m % d == 0)
			return false;
	return true;
}

static int snp_addr_cmp(const void *a, const void *b, void *arg)
{
	const struct snp_family *f = arg;

	return memcmp(f->addrs + (size_t)*(const uint32_t *)a * f->alen,
		      f->addrs + (size_t)*(const uint32_t *)b * f->alen, f->alen);
}

/*
 * Entries are 16-bit (n <= SNATPOOL_MAX_ADDRS = 2^16): every value is a
 * valid index when n = 2^16, so the slots taken are kept in a bitmap.
 */
static uint16_t *snp_maglev_build(const struct snp_family *f, uint64_t seed,
				  uint32_t m)
{
	uint32_t filled = 0, i;
	uint32_t *order = malloc(sizeof(*order) * f->n);
	uint32_t *pos = malloc(sizeof(*pos) * f->n);
	uint32_t *skip = malloc(sizeof(*skip) * f->n);
	uint64_t *taken = calloc((m + 63) / 64, sizeof(*taken));
	uint16_t *table = malloc(sizeof(*table) * m);

	if (!order || !pos || !skip || !taken || !table) {
		free(order); free(pos); free(skip); free(taken); free(table);
		return NULL;
	}
	for (i = 0; i < f->n; i++)
		order[i] = i;
	/* Canonical order: addresses sorted by octets, so that the table does
	 * not depend on the configured order. */
	qsort_r(order, f->n, sizeof(*order), snp_addr_cmp, (void *)f);

	for (i = 0; i < f->n; i++)
		snp_maglev_perm(f->fam, f->addrs + (size_t)order[i] * f->alen,
				seed, m, &pos[i], &skip[i]);
	while (filled < m) {
		for (i = 0; i < f->n && filled < m; i++) {
			uint32_t c = pos[i];

			while (taken[c / 64] >> (c % 64) & 1) {
				c += skip[i];
				if (c >= m)
					c -= m;
			}
			taken[c / 64] |= 1ull << (c % 64);
			table[c] = (uint16_t)order[i];
			c += skip[i];
			pos[i] = c >= m ? c - m : c;
			filled++;
		}
	}
	free(order); free(pos); free(skip); free(taken);
	return table;
}

const uint16_t *snp_maglev_get(const struct snatpool *pool, const struct snp_family *f)
{
	struct snatpool *mp = (struct snatpool *)pool;	/* the lazy part only */
	struct snp_family *mf = (struct snp_family *)f;
	uint16_t *t = __atomic_load_n(&f->maglev, __ATOMIC_ACQUIRE);

	if (t)
		return t;
	pthread_mutex_lock(&mp->maglev_lock);
	t = mf->maglev;
	if (!t) {
		t = snp_maglev_build(f, pool->seed, pool->maglev_size);
		if (t)
			__atomic_store_n(&mf->maglev, t, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&mp->maglev_lock);
	return t;
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * maglev.c - building the snatpool-maglev-v1 lookup table (the lookup
 * itself is in core/snp_maglev.h).  docs/algorithms.md defines the table
 * size, the permutation and the population order; this follows it.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "core/snp_maglev.h"

static bool snp_is_prime(uint32_t m)
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

/* Smallest prime >= min(1024 * n, 2^22). */
static uint32_t snp_maglev_size(uint32_t n)
{
	uint64_t t = (uint64_t)n * SNP_MAGLEV_SLOTS_PER_ADDR;
	uint32_t m = t < SNP_MAGLEV_MAX_TARGET ? (uint32_t)t : SNP_MAGLEV_MAX_TARGET;

	while (!snp_is_prime(m))
		m++;
	return m;
}

static int snp_addr_cmp(const void *a, const void *b, void *arg)
{
	const struct snp_family *f = arg;

	return memcmp(f->addrs + (size_t)*(const uint32_t *)a * f->alen,
		      f->addrs + (size_t)*(const uint32_t *)b * f->alen, f->alen);
}

int snp_maglev_build(struct snp_family *f, uint64_t seed)
{
	uint32_t m = snp_maglev_size(f->n), filled = 0, i;
	uint32_t *order = malloc(sizeof(*order) * f->n);
	uint32_t *pos = malloc(sizeof(*pos) * f->n);
	uint32_t *skip = malloc(sizeof(*skip) * f->n);
	uint32_t *table = malloc(sizeof(*table) * m);

	if (!order || !pos || !skip || !table) {
		free(order); free(pos); free(skip); free(table);
		return -ENOMEM;
	}
	for (i = 0; i < f->n; i++)
		order[i] = i;
	/* Canonical order: addresses sorted by octets, so that the table does
	 * not depend on the configured order. */
	qsort_r(order, f->n, sizeof(*order), snp_addr_cmp, f);

	for (i = 0; i < f->n; i++)
		snp_maglev_perm(f->fam, f->addrs + (size_t)order[i] * f->alen,
				seed, m, &pos[i], &skip[i]);
	memset(table, 0xff, sizeof(*table) * m);
	while (filled < m) {
		for (i = 0; i < f->n && filled < m; i++) {
			uint32_t c = pos[i];

			while (table[c] != UINT32_MAX) {
				c += skip[i];
				if (c >= m)
					c -= m;
			}
			table[c] = order[i];
			c += skip[i];
			pos[i] = c >= m ? c - m : c;
			filled++;
		}
	}
	free(order); free(pos); free(skip);
	f->maglev = table;
	f->maglev_size = m;
	return 0;
}

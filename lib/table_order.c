/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_order.c - translated address to pool index, for inbound lookups:
 * each family's addresses sorted once per table, searched by bisection.
 */
#include <stdlib.h>
#include <string.h>

#include "table.h"

static int by_addr(const void *a, const void *b, void *arg)
{
	const struct snp_family *f = arg;

	return memcmp(f->addrs + (size_t)*(const uint32_t *)a * f->alen,
		      f->addrs + (size_t)*(const uint32_t *)b * f->alen, f->alen);
}

/* Sort family @v6's address indexes by address.  Return: 0; -ENOMEM. */
int snp_order_build(struct snatpool_table *t, int v6)
{
	uint32_t i, n = t->nfam[v6];

	t->order[v6] = malloc((size_t)n * sizeof(uint32_t));
	if (!t->order[v6])
		return -ENOMEM;
	for (i = 0; i < n; i++)
		t->order[v6][i] = i;
	qsort_r(t->order[v6], n, sizeof(uint32_t), by_addr,
		(void *)snp_family_of(t->pool, v6 ? AF_INET6 : AF_INET));
	return 0;
}

uint32_t snp_xindex(const struct snatpool_table *t, int family, const uint8_t *xaddr)
{
	const struct snp_family *f = snp_family_of(t->pool, family);
	const uint32_t *ord = t->order[family == AF_INET6];
	uint32_t lo = 0, hi = f->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(f->addrs + (size_t)ord[mid] * f->alen, xaddr, f->alen);

		if (!c)
			return ord[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SNP_NIL;
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* table_testutil.h - helpers for the table tests (Check and plain programs). */
#ifndef SNP_TABLE_TESTUTIL_H
#define SNP_TABLE_TESTUTIL_H

#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snatpool.h"

static inline struct snatpool *tt_pool(const char *spec, uint16_t lo, uint16_t hi)
{
	SNATPOOL_OPTS(snatpool_pool_opts, o, .seed = 11, .port_lo = lo, .port_hi = hi);
	struct snatpool *p = NULL;
	struct snatpool_diag d;

	if (snatpool_pool_from_spec(spec, &o, &p, &d)) {
		fprintf(stderr, "pool %s: %s\n", spec, d.token);
		abort();
	}
	return p;
}

/* A flow from @src:@sport to @dst:@dport (text addresses, same family). */
static inline struct snatpool_flow tt_flow(uint8_t proto, const char *src,
					   uint16_t sport, const char *dst,
					   uint16_t dport)
{
	struct snatpool_flow f;
	int fam = 0, fam2 = 0;

	memset(&f, 0, sizeof(f));
	if (snatpool_addr_parse(src, &fam, f.src) ||
	    snatpool_addr_parse(dst, &fam2, f.dst) || fam != fam2)
		abort();
	f.family = fam;
	f.proto = proto;
	f.sport = sport;
	f.dport = dport;
	return f;
}

/* IPv4 flow from 10.x.y.z numbered @n. */
static inline struct snatpool_flow tt_flown(uint8_t proto, uint32_t n, uint16_t sport)
{
	struct snatpool_flow f;

	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	f.proto = proto;
	f.src[0] = 10;
	f.src[1] = (uint8_t)(n >> 16);
	f.src[2] = (uint8_t)(n >> 8);
	f.src[3] = (uint8_t)n;
	f.dst[0] = 192;
	f.dst[1] = 0;
	f.dst[2] = 2;
	f.dst[3] = 1;
	f.sport = sport;
	f.dport = 443;
	return f;
}

#endif

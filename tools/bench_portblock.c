/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * bench_portblock.c - the port-block part of `snatpool bench`:
 * portblock_ns.ALGO.map and portblock_ns.ALGO.reverse, nanoseconds per
 * snatpool_portblock_map() and snatpool_portblock_reverse() call, best of
 * the runs, over 4096 precomputed subscribers of a typical configuration
 * of each algorithm.  Not a test: nothing fails on speed.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define PB_NSRC 4096u	/* a power of two */

static const struct {
	uint32_t    algo;
	const char *pool, *base;
	uint8_t     plen;
	uint32_t    count;
	uint16_t    size;
} pb_cases[] = {
	{ SNATPOOL_PBALGO_SPREAD_V1,    "198.51.100.0/28", "100.64.0.0", 32, 4096, 240 },
	{ SNATPOOL_PBALGO_XPF_DET_V0,   "203.0.113.0/27",  "100.64.0.0", 22, 0, 2016 },
	{ SNATPOOL_PBALGO_VPP_DET44_V0, "1.1.1.0/28",      "10.0.0.0",   21, 0, 0 },
};

static volatile uint64_t pb_sink;

struct pb_bench {
	struct snatpool_portblock *pb;
	uint8_t  src[PB_NSRC][4];
	uint8_t  xaddr[PB_NSRC][4];
	uint16_t xport[PB_NSRC];
};

static double pb_run(const struct pb_bench *w, uint64_t n, bool reverse)
{
	uint64_t i, acc = 0;
	uint16_t lo;
	double t0 = bench_now();

	if (reverse) {
		for (i = 0; i < n; i++) {
			uint32_t k = (uint32_t)i & (PB_NSRC - 1);

			acc += (uint64_t)snatpool_portblock_reverse(w->pb, w->xaddr[k], w->xport[k],
								    NULL);
		}
	} else {
		for (i = 0; i < n; i++) {
			uint32_t k = (uint32_t)i & (PB_NSRC - 1);

			acc += (uint64_t)snatpool_portblock_map(w->pb, w->src[k], NULL, NULL, &lo,
								NULL) + lo;
		}
	}
	pb_sink += acc;
	return (bench_now() - t0) / (double)n;
}

void bench_portblock(uint64_t n, unsigned int runs)
{
	struct pb_bench *w = calloc(1, sizeof(*w));
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t c;

	if (!w)
		cli_fatal("out of memory");
	for (c = 0; c < sizeof(pb_cases) / sizeof(pb_cases[0]); c++) {
		struct snatpool_portblock_opts o = {
			.sz = sizeof(o), .family = AF_INET, .count = pb_cases[c].count,
			.prefix_len = pb_cases[c].plen, .block_size = pb_cases[c].size,
			.algo = pb_cases[c].algo,
		};
		struct cli_pool_args pa = { .spec = pb_cases[c].pool, .opt = "bench pool" };
		struct snatpool_portblock_info in = { .sz = sizeof(in) };
		const char *name = snatpool_pbalgo_name(pb_cases[c].algo);
		struct snatpool *pool = cli_pool_open(&pa);
		double best[2] = { -1, -1 };
		uint32_t base, k;
		unsigned int r;
		int fam, m;

		snatpool_addr_parse(pb_cases[c].base, &fam, o.base);
		if (snatpool_portblock_new(pool, &o, &w->pb) || snatpool_portblock_info(w->pb, &in))
			cli_fatal("bench: %s: cannot build the plan", name);
		base = (uint32_t)o.base[0] << 24 | (uint32_t)o.base[1] << 16 |
		       (uint32_t)o.base[2] << 8 | o.base[3];
		for (k = 0; k < PB_NSRC; k++) {	/* random subscribers, a random port of each block */
			uint32_t v, sub;
			uint16_t lo, hi;

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			sub = (uint32_t)(x % in.count);
			v = base + sub;
			w->src[k][0] = (uint8_t)(v >> 24);
			w->src[k][1] = (uint8_t)(v >> 16);
			w->src[k][2] = (uint8_t)(v >> 8);
			w->src[k][3] = (uint8_t)v;
			if (snatpool_portblock_map(w->pb, w->src[k], NULL, w->xaddr[k], &lo, &hi) !=
			    (long)sub)
				cli_fatal("bench: %s: subscriber %u has no block", name, sub);
			w->xport[k] = (uint16_t)(lo + (x >> 32) % ((uint32_t)hi - lo + 1));
		}
		for (r = 0; r <= runs; r++)	/* run 0 warms up */
			for (m = 0; m < 2; m++) {
				double t = pb_run(w, n, m == 1);

				if (r > 0 && (best[m] < 0 || t < best[m]))
					best[m] = t;
			}
		printf("portblock_ns.%s.map=%.1f\nportblock_ns.%s.reverse=%.1f\n", name, best[0],
		       name, best[1]);
		fflush(stdout);
		snatpool_portblock_free(w->pb);
		snatpool_pool_free(pool);
	}
	free(w);
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cmd_demo.c - `snatpool demo`: every algorithm on one small pool: what it
 * picks for a few clients, how evenly it spreads 100k sources, and how
 * many of them move when one address leaves the pool.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define DEMO_POOL  "198.51.100.1-198.51.100.8,2001:db8:100::1-2001:db8:100::8"
#define DEMO_SMALL "198.51.100.1-198.51.100.7,2001:db8:100::1-2001:db8:100::7"
#define DEMO_N      100000u
#define DEMO_ALGOS  32

static const char demo_usage[] =
"Usage: snatpool demo\n"
"Run every algorithm on the pool\n"
"  " DEMO_POOL "\n"
"and show (1) the address picked for a few IPv4 and IPv6 clients, (2) how\n"
"evenly 100000 sources spread (max/mean, 1.00 is perfect), (3) how many\n"
"sources move when the last address of each family is removed.\n"
"\n"
"  -h, --help   show this help\n";

static const char *const demo_clients[2][3] = {
	{ "10.0.1.100", "10.0.1.101", "192.168.7.42" },
	{ "2001:db8:1::10", "2001:db8:1::11", "::ffff:10.0.1.100" },
};

struct demo {
	struct snatpool *pool, *small;
	struct cli_names nm, small_nm;
	uint32_t ids[DEMO_ALGOS];
	int nalgo;
	uint8_t *src[2];	/* DEMO_N sources per family, packed */
	uint32_t *idx, *idx2;
};

/* Random hosts of 10.0.0.0/8 and 2001:db8:1::/64, the same on every run. */
static void demo_sources(struct demo *d)
{
	uint64_t x = 2024, r;
	size_t i;
	int k;

	d->src[0] = malloc(DEMO_N * 4);
	d->src[1] = malloc(DEMO_N * 16);
	d->idx = malloc(DEMO_N * sizeof(uint32_t));
	d->idx2 = malloc(DEMO_N * sizeof(uint32_t));
	if (!d->src[0] || !d->src[1] || !d->idx || !d->idx2)
		cli_fatal("out of memory");
	for (i = 0; i < DEMO_N; i++) {
		uint8_t *a4 = d->src[0] + i * 4, *a6 = d->src[1] + i * 16;
		static const uint8_t net6[8] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0 };

		r = cli_splitmix64(&x);
		a4[0] = 10;
		a4[1] = (uint8_t)(r >> 16);
		a4[2] = (uint8_t)(r >> 8);
		a4[3] = (uint8_t)r;
		memcpy(a6, net6, 8);
		r = cli_splitmix64(&x);
		for (k = 0; k < 8; k++)
			a6[8 + k] = (uint8_t)(r >> (56 - 8 * k));
	}
}

static void demo_open(struct demo *d)
{
	struct cli_pool_args pa = { .spec = DEMO_POOL, .opt = "demo pool" };

	d->pool = cli_pool_open(&pa);
	pa.spec = DEMO_SMALL;
	d->small = cli_pool_open(&pa);
	cli_names_init(&d->nm, d->pool);
	cli_names_init(&d->small_nm, d->small);
	d->nalgo = snatpool_algo_list(d->ids, DEMO_ALGOS);
	if (d->nalgo < 0)
		cli_fatal("%s", snatpool_strerror(d->nalgo));
	if (d->nalgo > DEMO_ALGOS)
		d->nalgo = DEMO_ALGOS;
	demo_sources(d);
}

static void demo_close(struct demo *d)
{
	free(d->src[0]);
	free(d->src[1]);
	free(d->idx);
	free(d->idx2);
	cli_names_free(&d->nm);
	cli_names_free(&d->small_nm);
	snatpool_pool_free(d->pool);
	snatpool_pool_free(d->small);
}

static const char *demo_name(uint32_t id)
{
	const char *name = snatpool_algo_name(id);

	return name ? name : "?";
}

static void demo_picks(const struct demo *d)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	uint8_t src[16];
	uint32_t index;
	int f, c, a, fam;

	printf("1. The address each algorithm picks for a few clients\n");
	for (f = 0; f < 2; f++) {
		fam = fams[f];
		printf("\n  %-20s", f ? "IPv6 client" : "IPv4 client");
		for (c = 0; c < 3; c++)
			printf(c < 2 ? " %-18s" : " %s", demo_clients[f][c]);
		printf("\n");
		for (a = 0; a < d->nalgo; a++) {
			printf("  %-20s", demo_name(d->ids[a]));
			for (c = 0; c < 3; c++) {
				int rc = snatpool_addr_parse(demo_clients[f][c], &fam, src);

				if (rc == 0)
					rc = snatpool_select(d->pool, fam, src, d->ids[a],
							     &index, NULL);
				printf(c < 2 ? " %-18s" : " %s",
				       rc == 0 ? d->nm.text[cli_fam_slot(fam)][index]
					       : "(error)");
			}
			printf("\n");
		}
	}
}

/* max/mean of @algo over the family's sources, and how many addresses were used. */
static int demo_spread_one(const struct demo *d, int f, uint32_t algo,
			   double *ratio, size_t *used)
{
	uint64_t count[64] = { 0 }, max = 0;
	size_t n = d->nm.count[f], i;
	int rc;

	rc = snatpool_select_burst(d->pool, f ? AF_INET6 : AF_INET, d->src[f],
				   DEMO_N, algo, d->idx);
	if (rc < 0 || n == 0 || n > 64)
		return rc < 0 ? rc : -SNATPOOL_ENOFAMILY;
	for (i = 0; i < DEMO_N; i++)
		if (d->idx[i] < n)
			count[d->idx[i]]++;
	*used = 0;
	for (i = 0; i < n; i++) {
		max = count[i] > max ? count[i] : max;
		*used += count[i] > 0;
	}
	*ratio = (double)max / ((double)DEMO_N / (double)n);
	return 0;
}

static void demo_spread(const struct demo *d)
{
	double ratio;
	size_t used;
	int a, f;

	printf("\n2. Spread of %u random sources (10.0.0.0/8, 2001:db8:1::/64) over %zu"
	       " addresses\n   (max/mean: 1.00 is perfect)\n\n", DEMO_N, d->nm.count[0]);
	printf("  %-20s %14s %5s %14s %5s\n", "algorithm", "IPv4 max/mean", "used",
	       "IPv6 max/mean", "used");
	for (a = 0; a < d->nalgo; a++) {
		bool collapsed = false;

		printf("  %-20s", demo_name(d->ids[a]));
		for (f = 0; f < 2; f++) {
			if (demo_spread_one(d, f, d->ids[a], &ratio, &used) < 0) {
				printf(" %14s %5s", "(error)", "");
				continue;
			}
			printf(" %14.2f %3zu/%zu", ratio, used, d->nm.count[f]);
			collapsed |= ratio > 2.0 || used * 2 < d->nm.count[f];
		}
		printf("%s\n", collapsed ? "  <- collapses" : "");
	}
}

/* Percentage of the family's sources whose address changes in the small pool. */
static int demo_moved_one(const struct demo *d, int f, uint32_t algo, double *pct)
{
	int fam = f ? AF_INET6 : AF_INET, rc;
	size_t i, moved = 0;

	rc = snatpool_select_burst(d->pool, fam, d->src[f], DEMO_N, algo, d->idx);
	if (rc >= 0)
		rc = snatpool_select_burst(d->small, fam, d->src[f], DEMO_N, algo,
					   d->idx2);
	if (rc < 0)
		return rc;
	for (i = 0; i < DEMO_N; i++) {
		if (d->idx[i] >= d->nm.count[f] || d->idx2[i] >= d->small_nm.count[f])
			return -SNATPOOL_EALGO;
		moved += strcmp(d->nm.text[f][d->idx[i]],
				d->small_nm.text[f][d->idx2[i]]) != 0;
	}
	*pct = 100.0 * (double)moved / DEMO_N;
	return 0;
}

/* A consistent algorithm should move little beyond the leaving share. */
static void demo_check_consistent(uint32_t algo, int f, double pct, double ideal)
{
	struct snatpool_algo_info info;
	double bound = ideal + (100.0 - ideal) * 0.01 + 1.0;	/* + sampling */

	if (snatpool_algo_info(algo, &info) < 0 ||
	    !(info.flags & SNATPOOL_ALGO_F_CONSISTENT) || pct <= bound)
		return;
	printf("  NOTE: %s (consistent) moved %.2f%% of IPv%c sources,"
	       " expected <= %.1f%%\n", demo_name(algo), pct, f ? '6' : '4', bound);
}

static void demo_moves(const struct demo *d)
{
	double pct[2], ideal = 100.0 / (double)d->nm.count[0];
	double best = 101.0;
	const char *best_name = NULL;
	int a, f;

	printf("\n3. Sources that move when the last address of each family leaves"
	       " (%zu -> %zu)\n   (the least possible is the leaving address's share,"
	       " %.1f%%)\n\n", d->nm.count[0], d->small_nm.count[0], ideal);
	printf("  %-20s %11s %11s\n", "algorithm", "IPv4 moved", "IPv6 moved");
	for (a = 0; a < d->nalgo; a++) {
		printf("  %-20s", demo_name(d->ids[a]));
		for (f = 0; f < 2; f++) {
			if (demo_moved_one(d, f, d->ids[a], &pct[f]) < 0) {
				pct[f] = -1;
				printf(" %11s", "(error)");
			} else {
				printf(" %10.2f%%", pct[f]);
			}
		}
		printf("\n");
		for (f = 0; f < 2; f++)
			if (pct[f] >= 0)
				demo_check_consistent(d->ids[a], f, pct[f], ideal);
		if (pct[0] >= 0 && pct[1] >= 0 && pct[0] + pct[1] < best) {
			best = pct[0] + pct[1];
			best_name = demo_name(d->ids[a]);
		}
	}
	if (best_name)
		printf("\nFewest sources moved: %s (%.2f%% on average; ideal %.1f%%).\n",
		       best_name, best / 2, ideal);
}

int cmd_demo(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct demo d;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c != 'h')
			cli_getopt_error(c, argv);
		fputs(demo_usage, stdout);
		return cli_finish_stdout(0);
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	memset(&d, 0, sizeof(d));
	demo_open(&d);
	printf("libsnatpool %s demo\npool %s\n     (%zu IPv4 and %zu IPv6 addresses,"
	       " seed 0)\n\n", snatpool_version(), DEMO_POOL, d.nm.count[0],
	       d.nm.count[1]);
	demo_picks(&d);
	demo_spread(&d);
	demo_moves(&d);
	printf("Check a change of your own with 'snatpool compare', a spread with"
	       " 'snatpool spread'.\n");
	demo_close(&d);
	return cli_finish_stdout(0);
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cmd_spread.c - `snatpool spread`: how evenly an algorithm spreads a set
 * of sources over the pool, and a warning when the choice collapses (as
 * xpf-legacy-v0 does for 10.0.0.0/8 when n divides 256).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define SPREAD_CAP_BITS 24	/* --sources enumerates at most 2^24 addresses */

static const char spread_usage[] =
"Usage: snatpool spread [--algo NAME] --pool SPEC [--seed N] [--ports LO-HI]\n"
"                       [--maglev-size M] [--sources PREFIX] [--nat64]\n"
"Select every source (from standard input, one per line, or every address\n"
"of PREFIX) and print, for each family that had sources, one line\n"
"'ADDRESS COUNT' per pool address in configured order, then\n"
"  max=N mean=X.XX max_over_mean=X.XX\n"
"and a line starting with 'WARNING:' when the choice collapses: fewer than\n"
"half the addresses that could be used are, or (with enough sources) the\n"
"busiest address gets more than twice the mean, or one gets nothing.\n"
"\n"
"  --algo NAME        algorithm (see 'snatpool algos'); default: the pool's\n"
"  --pool SPEC        pool addresses\n"
"  --seed N           pool seed, decimal or 0x hex (default 0)\n"
"  --ports LO-HI      pool port range (default 1024-65535)\n"
"  --maglev-size M    Maglev table size of the pool, a prime (default 262139)\n"
"  --sources PREFIX   ADDR/LEN: every address of the prefix, at most 2^24\n"
"  --nat64            IPv6 sources over the IPv4 pool addresses, by each\n"
"                     algorithm's NAT64 rule; IPv4 sources are a usage error\n"
"  -h, --help         show this help\n"
"\n"
"Exit status: 0 done (even with a WARNING), 1 some source line was bad or\n"
"had no address of its family, 2 usage error.\n";

struct spread_counts {
	uint64_t *count[2];
	uint64_t  sources[2];
	size_t    bad;
};

static void spread_add(struct spread_counts *sc, int f, const uint32_t *idx,
		       size_t n, size_t count)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (idx[i] < count)
			sc->count[f][idx[i]]++;
	sc->sources[f] += n;
}

static void spread_from_reader(const struct snatpool *pool, uint32_t algo, bool nat64,
			       const struct cli_names *nm, struct spread_counts *sc)
{
	struct cli_batch *b = malloc(sizeof(*b));
	struct cli_reader *rd = cli_reader_new(STDIN_FILENO, 0, NULL);
	size_t i;

	if (!b)
		cli_fatal("out of memory");
	while (cli_reader_fill(rd, b) > 0) {
		if (nat64)
			cli_batch_select_nat64(pool, algo, b);
		else
			cli_batch_select(pool, algo, b);
		for (i = 0; i < b->n; i++) {
			const struct cli_src *s = &b->src[i];
			int f = nat64 ? cli_fam_slot(AF_INET) : cli_fam_slot(s->family);

			if (b->err[i] == 0) {
				spread_add(sc, f, &b->index[i], 1, nm->count[f]);
				continue;
			}
			sc->bad++;
			cli_src_complain(s, b->err[i]);
		}
	}
	sc->bad += cli_reader_bad(rd);
	cli_reader_free(rd);
	free(b);
}

/* --sources ADDR/LEN into @base, @family and the number of host bits. */
static unsigned int spread_parse_prefix(const char *text, int *family, uint8_t *base)
{
	const char *slash = strchr(text, '/');
	unsigned int bits, len;
	char buf[80];
	int rc;

	cli_sanitize(text, strlen(text), buf, sizeof(buf));
	if (!slash || (size_t)(slash - text) >= CLI_SRC_TEXT_MAX)
		cli_usage_error("--sources: '%s': expected ADDR/LEN", buf);
	rc = snatpool_prefix_parse(text, family, base, &len);
	if (rc < 0)	/* -SNATPOOL_EADDR or -SNATPOOL_EPREFIX */
		cli_usage_error("--sources: %s: %s", buf, snatpool_strerror(rc));
	if (cli_host_bits_set(*family, base, len))
		cli_usage_error("--sources: %s: %s", buf, snatpool_strerror(-SNATPOOL_EPREFIX));
	bits = *family == AF_INET6 ? 128 : 32;
	if (bits - len > SPREAD_CAP_BITS)
		cli_usage_error("--sources: %s: 2^%u addresses, more than the cap of 2^%u (%u)",
				buf, bits - len, SPREAD_CAP_BITS, 1u << SPREAD_CAP_BITS);
	return bits - len;
}

static void spread_from_prefix(const struct snatpool *pool, uint32_t algo, bool nat64,
			       const char *prefix, const struct cli_names *nm,
			       struct spread_counts *sc)
{
	static uint8_t packed[CLI_BATCH * 16];
	static uint32_t idx[CLI_BATCH];
	uint8_t base[16];
	unsigned int host;
	uint64_t total, done = 0;
	size_t alen, k;
	int family, f, rc;

	host = spread_parse_prefix(prefix, &family, base);
	if (nat64 && family != AF_INET6)
		cli_usage_error("--sources: %s: an IPv4 prefix (--nat64 takes IPv6 sources)",
				prefix);
	f = cli_fam_slot(nat64 ? AF_INET : family);
	alen = family == AF_INET6 ? 16 : 4;
	if (nm->count[f] == 0)
		cli_usage_error("--sources: IPv%c: %s", f ? '6' : '4',
				snatpool_strerror(-SNATPOOL_ENOFAMILY));
	total = (uint64_t)1 << host;
	while (done < total) {
		for (k = 0; k < CLI_BATCH && done < total; k++, done++) {
			uint8_t *p = packed + k * alen;
			uint32_t low = (uint32_t)base[alen - 4] << 24 |
				       (uint32_t)base[alen - 3] << 16 |
				       (uint32_t)base[alen - 2] << 8 | base[alen - 1];

			low += (uint32_t)done;	/* host bits are zero: no carry */
			memcpy(p, base, alen - 4);
			p[alen - 4] = (uint8_t)(low >> 24);
			p[alen - 3] = (uint8_t)(low >> 16);
			p[alen - 2] = (uint8_t)(low >> 8);
			p[alen - 1] = (uint8_t)low;
		}
		if (nat64)
			rc = snatpool_select_nat64_burst(pool, packed, k, algo, idx);
		else
			rc = snatpool_select_burst(pool, family, packed, k, algo, idx);
		if (rc < 0)
			cli_fatal("--sources %s: %s", prefix, snatpool_strerror(rc));
		spread_add(sc, f, idx, k, nm->count[f]);
	}
}

/* One line naming every sign of a collapse, or nothing. */
static void spread_warn(const struct cli_names *nm, int f, uint64_t sources,
			uint64_t max, uint64_t min, size_t used)
{
	size_t n = nm->count[f];
	double mean = (double)sources / (double)n;
	uint64_t could = sources < n ? sources : n;
	char why[256];
	size_t len = 0;

	why[0] = '\0';
	if (sources >= 16 && used * 2 < could)
		len += (size_t)snprintf(why + len, sizeof(why) - len,
			"%s%zu of %zu addresses used by %llu sources", len ? "; " : "",
			used, n, (unsigned long long)sources);
	if (mean >= 20 && (double)max > 2.0 * mean)
		len += (size_t)snprintf(why + len, sizeof(why) - len,
			"%sbusiest address gets %.2f times the mean", len ? "; " : "",
			(double)max / mean);
	if (mean >= 30 && min == 0 && used * 2 >= could)
		len += (size_t)snprintf(why + len, sizeof(why) - len,
			"%s%zu of %zu addresses get no source", len ? "; " : "",
			n - used, n);
	if (len)
		printf("WARNING: selection collapses (IPv%c): %s\n", f ? '6' : '4', why);
}

static void spread_print(const struct cli_names *nm, const struct spread_counts *sc)
{
	size_t i, used;
	uint64_t max, min;
	double mean;
	int f;

	for (f = 0; f < 2; f++) {
		if (sc->sources[f] == 0 || nm->count[f] == 0)
			continue;
		max = 0;
		min = UINT64_MAX;
		used = 0;
		for (i = 0; i < nm->count[f]; i++) {
			uint64_t cnt = sc->count[f][i];

			printf("%s %llu\n", nm->text[f][i], (unsigned long long)cnt);
			max = cnt > max ? cnt : max;
			min = cnt < min ? cnt : min;
			used += cnt > 0;
		}
		mean = (double)sc->sources[f] / (double)nm->count[f];
		printf("max=%llu mean=%.2f max_over_mean=%.2f\n",
		       (unsigned long long)max, mean, (double)max / mean);
		spread_warn(nm, f, sc->sources[f], max, min, used);
	}
}

int cmd_spread(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "algo",    required_argument, NULL, 'a' },
		{ "pool",    required_argument, NULL, 'p' },
		{ "seed",    required_argument, NULL, 's' },
		{ "maglev-size", required_argument, NULL, 'M' },
		{ "ports",   required_argument, NULL, 'P' },
		{ "sources", required_argument, NULL, 'S' },
		{ "nat64",   no_argument,       NULL, 'N' },
		{ "help",    no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_pool_args pa = { .opt = "--pool" };
	struct spread_counts sc;
	const char *prefix = NULL;
	struct snatpool *pool;
	struct cli_names nm;
	uint32_t algo = 0;
	bool nat64 = false;
	int c, f;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': algo = cli_parse_algo(optarg); break;
		case 'p': pa.spec = optarg; break;
		case 's': pa.seed = cli_parse_seed("--seed", optarg); break;
		case 'P': cli_parse_ports("--ports", optarg, &pa.port_lo, &pa.port_hi); break;
		case 'M': pa.maglev_size = cli_parse_maglev_size(optarg); break;
		case 'S': prefix = optarg; break;
		case 'N': nat64 = true; break;
		case 'h': fputs(spread_usage, stdout); return cli_finish_stdout(0);
		default:  cli_getopt_error(c, argv);
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (!pa.spec)
		cli_missing_option("pool");
	pool = cli_pool_open(&pa);
	if (nat64)
		cli_pool_check_nat64(pool, algo, "--pool");
	else
		cli_pool_check_algo(pool, algo, "--pool");
	cli_names_init(&nm, pool);
	memset(&sc, 0, sizeof(sc));
	for (f = 0; f < 2; f++) {
		sc.count[f] = calloc(nm.count[f] + 1, sizeof(uint64_t));
		if (!sc.count[f])
			cli_fatal("out of memory");
	}
	if (prefix)
		spread_from_prefix(pool, algo, nat64, prefix, &nm, &sc);
	else
		spread_from_reader(pool, algo, nat64, &nm, &sc);
	spread_print(&nm, &sc);
	if (nat64 && (algo ? algo : snatpool_pool_default_algo(pool)) ==
		     SNATPOOL_ALGO_XPF_LEGACY_V0 && sc.sources[cli_fam_slot(AF_INET)])
		printf("WARNING: xpf-legacy-v0 NAT64 reads only the first 32 bits of the "
		       "IPv6 source: every source of one /32 gets the same address\n");
	for (f = 0; f < 2; f++)
		free(sc.count[f]);
	cli_names_free(&nm);
	snatpool_pool_free(pool);
	return cli_finish_stdout(sc.bad ? CLI_EXIT_FAIL : CLI_EXIT_OK);
}

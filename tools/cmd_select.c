/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cmd_select.c - `snatpool select`: the pool address of each source.
 *
 * Output, one line per good source, in input order: SRC ADDRESS INDEX.
 * Sources go through snatpool_select_burst() a batch at a time and the
 * lines are formatted here (pool addresses formatted once), since a
 * million sources should take about a second.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char select_usage[] =
"Usage: snatpool select [--algo NAME] --pool SPEC [--seed N] [--ports LO-HI]\n"
"                       [--maglev-size M] [--nat64] [SRC...]\n"
"Print 'SRC ADDRESS INDEX' for each source address: the pool address that\n"
"the algorithm picks and its index in the configured order of its family.\n"
"Without SRC, sources are read from standard input, one per line.\n"
"With --nat64, every SRC is IPv6 and ADDRESS is the IPv4 pool address its\n"
"NAT64 rule picks (INDEX in the IPv4 order); an IPv4 SRC is a usage error.\n"
"\n"
"  --algo NAME     algorithm (see 'snatpool algos'); default: the pool's\n"
"  --pool SPEC     pool addresses, e.g. 198.51.100.1-198.51.100.8,2001:db8::/126\n"
"  --seed N        pool seed, decimal or 0x hex (default 0)\n"
"  --ports LO-HI   pool port range (default 1024-65535)\n"
"  --maglev-size M Maglev table size of the pool, a prime (default 262139)\n"
"  --nat64         IPv6 sources, IPv4 pool addresses (docs/algorithms.md)\n"
"  -h, --help      show this help\n"
"\n"
"Exit status: 0 all sources selected, 1 some source was bad or had no\n"
"address of its family, 2 usage error.\n";

/* @xslot: the names' family slot of every answer (NAT64: 0), or -1 for each source's own. */
static void select_print(const struct cli_batch *b, const struct cli_names *nm, int xslot)
{
	char line[CLI_SRC_TEXT_MAX + 48 + 24];
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct cli_src *s = &b->src[i];
		int f = xslot >= 0 ? xslot : cli_fam_slot(s->family);
		uint32_t idx = b->index[i];
		char *p = line;

		if (b->err[i] < 0 || idx >= nm->count[f])
			continue;
		memcpy(p, s->text, s->len);
		p += s->len;
		*p++ = ' ';
		memcpy(p, nm->text[f][idx], nm->len[f][idx]);
		p += nm->len[f][idx];
		*p++ = ' ';
		p += cli_fmt_u64(p, idx);
		*p++ = '\n';
		fwrite_unlocked(line, 1, (size_t)(p - line), stdout);
	}
}

static size_t select_complain(const struct cli_batch *b, const struct cli_names *nm,
			      int xslot)
{
	size_t i, bad = 0;

	for (i = 0; i < b->n; i++) {
		const struct cli_src *s = &b->src[i];
		int err = b->err[i];

		if (err == 0 && b->index[i] < nm->count[xslot >= 0 ? xslot :
							 cli_fam_slot(s->family)])
			continue;
		bad++;
		cli_src_complain(s, err ? err : -SNATPOOL_EALGO);
	}
	return bad;
}

int cmd_select(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "algo",  required_argument, NULL, 'a' },
		{ "pool",  required_argument, NULL, 'p' },
		{ "seed",  required_argument, NULL, 's' },
		{ "maglev-size", required_argument, NULL, 'M' },
		{ "ports", required_argument, NULL, 'P' },
		{ "nat64", no_argument,       NULL, 'N' },
		{ "help",  no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_pool_args pa = { .opt = "--pool" };
	struct snatpool *pool;
	struct cli_reader *rd;
	struct cli_batch *b;
	struct cli_names nm;
	uint32_t algo = 0;
	bool nat64 = false;
	size_t bad = 0;
	int c, xslot;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': algo = cli_parse_algo(optarg); break;
		case 'p': pa.spec = optarg; break;
		case 's': pa.seed = cli_parse_seed("--seed", optarg); break;
		case 'P': cli_parse_ports("--ports", optarg, &pa.port_lo, &pa.port_hi); break;
		case 'M': pa.maglev_size = cli_parse_maglev_size(optarg); break;
		case 'N': nat64 = true; break;
		case 'h': fputs(select_usage, stdout); return cli_finish_stdout(0);
		default:  cli_getopt_error(c, argv);
		}
	}
	if (!pa.spec)
		cli_missing_option("pool");
	pool = cli_pool_open(&pa);
	if (nat64)
		cli_pool_check_nat64(pool, algo, "--pool");
	else
		cli_pool_check_algo(pool, algo, "--pool");
	xslot = nat64 ? cli_fam_slot(AF_INET) : -1;
	cli_names_init(&nm, pool);
	b = malloc(sizeof(*b));
	if (!b)
		cli_fatal("out of memory");
	setvbuf(stdout, NULL, _IOFBF, 1u << 20);
	rd = cli_reader_new(STDIN_FILENO, argc - optind, argv + optind);
	while (cli_reader_fill(rd, b) > 0) {
		if (nat64)
			cli_batch_select_nat64(pool, algo, b);
		else
			cli_batch_select(pool, algo, b);
		bad += select_complain(b, &nm, xslot);
		select_print(b, &nm, xslot);
	}
	bad += cli_reader_bad(rd);
	cli_reader_free(rd);
	free(b);
	cli_names_free(&nm);
	snatpool_pool_free(pool);
	return cli_finish_stdout(bad ? CLI_EXIT_FAIL : CLI_EXIT_OK);
}

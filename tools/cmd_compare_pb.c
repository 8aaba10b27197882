/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cmd_compare_pb.c - `snatpool compare --subscribers ...`: the migration
 * impact of a port-block change (algorithm, pool, subscribers, block size):
 * how many subscribers keep their (address, block).
 *
 * Every subscriber of either side is visited once: the old plan's blocks,
 * then the new plan's subscribers the old one did not have.  Output:
 *   total=N kept=K moved=M moved_pct=X.XX
 * and with --list, before it, one line per subscriber that moved:
 *   SRC OLDADDR OLDLO-OLDHI NEWADDR NEWLO-NEWHI   ('-' for no block)
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char compare_pb_usage[] =
"Usage: snatpool compare --subscribers PREFIX (--from-algo A --to-algo B |\n"
"                        --from-pool P --to-pool Q | --from-block-size N\n"
"                        --to-block-size M | ...) [--algo NAME] [--pool SPEC]\n"
"                        [--block-size N] [--from-subscribers PREFIX]\n"
"                        [--to-subscribers PREFIX] [--ports LO-HI] [--strict] [--list]\n"
"Compare two port-block configurations (snatpool portblock): for every\n"
"subscriber of either, whether it keeps its (address, port block).  Prints\n"
"  total=N kept=K moved=M moved_pct=X.XX\n"
"What a side does not give comes from --algo, --pool, --subscribers and\n"
"--block-size.\n"
"\n"
"  --list   also print 'SRC OLDADDR OLDLO-OLDHI NEWADDR NEWLO-NEWHI' for each\n"
"           subscriber that moves ('-': no block on that side)\n"
"\n"
"Exit status: 0 compared, 2 usage error or a configuration refused.\n";

struct cpb_tot {
	size_t total, kept;
};

static void cpb_block(const struct cli_pb *s, long sub, const uint8_t *x, uint16_t lo,
		      uint16_t hi)
{
	char a[48];

	if (sub < 0) {
		fputs("- -", stdout);
		return;
	}
	snatpool_addr_format(s->xfamily, x, a, sizeof(a));
	printf("%s %u-%u", a, lo, hi);
}

/*
 * Every subscriber of @a, compared with @b; with @skip_known, only those
 * @b (the old side) does not have (they were counted from the other side).
 */
static void cpb_walk(const struct cli_pb *a, const struct cli_pb *b, bool a_is_old,
		     bool list, struct cpb_tot *t)
{
	const struct snatpool_portblock_info *in = &a->info;
	uint8_t x[16], s[16], xa[16], xb[16];
	uint16_t alo, ahi, blo = 0, bhi = 0;
	uint32_t i, k;

	for (i = 0; i < in->addrs; i++) {
		snatpool_pool_addr(a->pool, a->xfamily, i, x);
		for (k = 0; k < in->blocks; k++) {
			long sa = snatpool_portblock_reverse(a->pb, x, (uint16_t)(in->port_lo +
									     k * in->block_size), s);
			long sb;
			bool same;

			if (sa < 0)
				continue;
			snatpool_portblock_map(a->pb, s, NULL, xa, &alo, &ahi);
			sb = a->family == b->family ?
			     snatpool_portblock_map(b->pb, s, NULL, xb, &blo, &bhi) : -1;
			if (!a_is_old && sb >= 0)
				continue;	/* counted from the old side */
			t->total++;
			same = sb >= 0 && a->xfamily == b->xfamily && alo == blo && ahi == bhi &&
			       !memcmp(xa, xb, a->xfamily == AF_INET ? 4 : 16);
			if (same) {
				t->kept++;
				continue;
			}
			if (!list)
				continue;
			{
				char sub[48];

				snatpool_addr_format(a->family, s, sub, sizeof(sub));
				printf("%s ", sub);
			}
			if (a_is_old) {
				cpb_block(a, sa, xa, alo, ahi);
				putchar(' ');
				cpb_block(b, sb, xb, blo, bhi);
			} else {
				cpb_block(b, -1, xb, 0, 0);
				putchar(' ');
				cpb_block(a, sa, xa, alo, ahi);
			}
			putchar('\n');
		}
	}
}

int cmd_compare_portblock(int argc, char **argv)
{
	enum { O_FROM_ALGO = 256, O_TO_ALGO, O_FROM_POOL, O_TO_POOL, O_POOL, O_ALGO,
	       O_SUBS, O_FROM_SUBS, O_TO_SUBS, O_BS, O_FROM_BS, O_TO_BS, O_PORTS,
	       O_STRICT, O_LIST };
	static const struct option longopts[] = {
		{ "from-algo",        required_argument, NULL, O_FROM_ALGO },
		{ "to-algo",          required_argument, NULL, O_TO_ALGO },
		{ "from-pool",        required_argument, NULL, O_FROM_POOL },
		{ "to-pool",          required_argument, NULL, O_TO_POOL },
		{ "pool",             required_argument, NULL, O_POOL },
		{ "algo",             required_argument, NULL, O_ALGO },
		{ "subscribers",      required_argument, NULL, O_SUBS },
		{ "from-subscribers", required_argument, NULL, O_FROM_SUBS },
		{ "to-subscribers",   required_argument, NULL, O_TO_SUBS },
		{ "block-size",       required_argument, NULL, O_BS },
		{ "from-block-size",  required_argument, NULL, O_FROM_BS },
		{ "to-block-size",    required_argument, NULL, O_TO_BS },
		{ "ports",            required_argument, NULL, O_PORTS },
		{ "strict",           no_argument,       NULL, O_STRICT },
		{ "list",             no_argument,       NULL, O_LIST },
		{ "help",             no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct cli_pb from, to;
	const char *pool = NULL, *algo = NULL, *subs = NULL, *bs = NULL;
	struct cpb_tot t = { 0 };
	bool list = false;
	int c;

	from.side = "from: ";
	to.side = "to: ";
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case O_FROM_ALGO: from.algo_text = optarg; break;
		case O_TO_ALGO:   to.algo_text = optarg; break;
		case O_FROM_POOL: from.pa.spec = optarg; break;
		case O_TO_POOL:   to.pa.spec = optarg; break;
		case O_POOL:      pool = optarg; break;
		case O_ALGO:      algo = optarg; break;
		case O_SUBS:      subs = optarg; break;
		case O_FROM_SUBS: from.subs_text = optarg; break;
		case O_TO_SUBS:   to.subs_text = optarg; break;
		case O_BS:        bs = optarg; break;
		case O_FROM_BS:   from.bsize_text = optarg; break;
		case O_TO_BS:     to.bsize_text = optarg; break;
		case O_PORTS:
			from.ports_text = to.ports_text = optarg;
			cli_parse_ports("--ports", optarg, &from.pa.port_lo, &from.pa.port_hi);
			to.pa.port_lo = from.pa.port_lo;
			to.pa.port_hi = from.pa.port_hi;
			break;
		case O_STRICT:    from.flags = to.flags = SNATPOOL_PB_F_STRICT; break;
		case O_LIST:      list = true; break;
		case 'h': fputs(compare_pb_usage, stdout); return cli_finish_stdout(0);
		default:  cli_getopt_error(c, argv);
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	from.pa.opt = from.pa.spec ? "--from-pool" : "--pool";
	to.pa.opt = to.pa.spec ? "--to-pool" : "--pool";
	if (!from.pa.spec)
		from.pa.spec = pool;
	if (!to.pa.spec)
		to.pa.spec = pool;
	if (!from.algo_text)
		from.algo_text = algo;
	if (!to.algo_text)
		to.algo_text = algo;
	if (!from.subs_text)
		from.subs_text = subs;
	if (!to.subs_text)
		to.subs_text = subs;
	if (!from.bsize_text)
		from.bsize_text = bs;
	if (!to.bsize_text)
		to.bsize_text = bs;
	cli_pb_open(&from);
	cli_pb_open(&to);
	setvbuf(stdout, NULL, _IOFBF, 1u << 20);
	cpb_walk(&from, &to, true, list, &t);
	cpb_walk(&to, &from, false, list, &t);
	printf("total=%zu kept=%zu moved=%zu moved_pct=%.2f\n", t.total, t.kept,
	       t.total - t.kept, t.total ? 100.0 * (double)(t.total - t.kept) / (double)t.total : 0.0);
	cli_pb_close(&from);
	cli_pb_close(&to);
	return cli_finish_stdout(CLI_EXIT_OK);
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cmd_compare.c - `snatpool compare`: how many sources change address
 * between two configurations (algorithm, pool and seed may all change),
 * the question to ask before a migration or a pool change.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char compare_usage[] =
"Usage: snatpool compare (--from-algo A --to-algo B | --from-pool P --to-pool Q)\n"
"                        [--pool SPEC] [--algo NAME] [--seed N]\n"
"                        [--from-seed N] [--to-seed N] [--ports LO-HI]\n"
"                        [--maglev-size M] [--list] [--nat64]\n"
"Read sources from standard input, one per line, select each with the old\n"
"configuration (from) and the new one (to), and print\n"
"  total=N moved=M moved_pct=X.XX\n"
"A source moves when its address differs.  Algorithm, pool and seed may\n"
"change at once; what is not given for a side is taken from --pool, --algo\n"
"and --seed (the algorithm defaults to the pool's default).\n"
"\n"
"  --from-algo A, --to-algo B   old and new algorithm\n"
"  --from-pool P, --to-pool Q   old and new pool spec\n"
"  --pool SPEC                  pool of a side without its own\n"
"  --algo NAME                  algorithm of a side without its own\n"
"  --seed N                     seed of both sides (default 0)\n"
"  --from-seed N, --to-seed N   old and new seed\n"
"  --ports LO-HI                port range of both pools\n"
"  --maglev-size M              Maglev table size of both pools (a prime)\n"
"  --list                       also print 'SRC OLDADDR NEWADDR' for each\n"
"                               source that moves ('-': no address)\n"
"  --nat64                      IPv6 sources, IPv4 addresses on both sides, by\n"
"                               each algorithm's NAT64 rule; IPv4 sources are a\n"
"                               usage error\n"
"  -h, --help                   show this help\n"
"\n"
"With --subscribers, compare port-block configurations instead (see\n"
"'snatpool compare --subscribers X --help').\n"
"\n"
"Exit status: 0 compared, 1 some source line was bad or had no address of\n"
"its family on either side, 2 usage error.\n";

struct compare_side {
	struct cli_pool_args pa;
	bool                 nat64;
	const char          *algo_text;
	uint32_t             algo;
	struct snatpool     *pool;
	struct cli_names     nm;
	uint32_t             index[CLI_BATCH];
	int                  err[CLI_BATCH];
};

struct compare_totals {
	size_t total, moved, lost, gained, bad;
};

/* Pool and algorithm of one side, or a usage error. */
static void compare_open(struct compare_side *s, const char *opt)
{
	s->pa.opt = opt;
	s->algo = s->algo_text ? cli_parse_algo(s->algo_text) : 0;
	s->pool = cli_pool_open(&s->pa);
	if (s->nat64)
		cli_pool_check_nat64(s->pool, s->algo, opt);
	else
		cli_pool_check_algo(s->pool, s->algo, opt);
	cli_names_init(&s->nm, s->pool);
}

static void compare_run(struct compare_side *s, struct cli_batch *b)
{
	if (s->nat64)
		cli_batch_select_nat64(s->pool, s->algo, b);
	else
		cli_batch_select(s->pool, s->algo, b);
	memcpy(s->index, b->index, b->n * sizeof(b->index[0]));
	memcpy(s->err, b->err, b->n * sizeof(b->err[0]));
}

static void compare_list_addr(const struct compare_side *s, size_t i, int f)
{
	if (s->err[i] < 0)
		fputs("-", stdout);
	else
		fwrite_unlocked(s->nm.text[f][s->index[i]], 1, s->nm.len[f][s->index[i]],
				stdout);
}

static void compare_batch(const struct compare_side *from, const struct compare_side *to,
			  const struct cli_batch *b, bool list, struct compare_totals *t)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct cli_src *s = &b->src[i];
		int f = from->nat64 ? cli_fam_slot(AF_INET) : cli_fam_slot(s->family);
		bool moved;

		if (from->err[i] < 0 && to->err[i] < 0) {
			t->bad++;
			cli_src_complain(s, from->err[i]);
			continue;
		}
		t->total++;
		if (from->err[i] < 0 || to->err[i] < 0) {
			moved = true;
			t->lost += to->err[i] < 0;
			t->gained += from->err[i] < 0;
		} else {
			moved = strcmp(from->nm.text[f][from->index[i]],
				       to->nm.text[f][to->index[i]]) != 0;
		}
		if (!moved)
			continue;
		t->moved++;
		if (!list)
			continue;
		fwrite_unlocked(s->text, 1, s->len, stdout);
		fputc_unlocked(' ', stdout);
		compare_list_addr(from, i, f);
		fputc_unlocked(' ', stdout);
		compare_list_addr(to, i, f);
		fputc_unlocked('\n', stdout);
	}
}

static void compare_close(struct compare_side *s)
{
	cli_names_free(&s->nm);
	snatpool_pool_free(s->pool);
}

/* What one side does not give comes from --pool, --algo and --seed. */
struct compare_common {
	const char *pool, *algo, *fseed, *tseed;
	uint64_t    seed;
	uint16_t    plo, phi;
	uint32_t    maglev;
};

static void compare_resolve(struct compare_side *from, struct compare_side *to,
			    const struct compare_common *c)
{
	if (c->pool && from->pa.spec && to->pa.spec)
		cli_usage_error("--pool is not used when --from-pool and --to-pool are given");
	if (c->algo && from->algo_text && to->algo_text)
		cli_usage_error("--algo is not used when --from-algo and --to-algo are given");
	if (!from->pa.spec && !c->pool)
		cli_missing_option(to->pa.spec ? "from-pool" : "pool");
	if (!to->pa.spec && !c->pool)
		cli_missing_option("to-pool");
	from->pa.seed = c->fseed ? cli_parse_seed("--from-seed", c->fseed) : c->seed;
	to->pa.seed = c->tseed ? cli_parse_seed("--to-seed", c->tseed) : c->seed;
	from->pa.port_lo = to->pa.port_lo = c->plo;
	from->pa.port_hi = to->pa.port_hi = c->phi;
	from->pa.maglev_size = to->pa.maglev_size = c->maglev;
	if (!from->algo_text)
		from->algo_text = c->algo;
	if (!to->algo_text)
		to->algo_text = c->algo;
	if (from->pa.spec) {
		compare_open(from, "--from-pool");
	} else {
		from->pa.spec = c->pool;
		compare_open(from, "--pool");
	}
	if (to->pa.spec) {
		compare_open(to, "--to-pool");
	} else {
		to->pa.spec = c->pool;
		compare_open(to, "--pool");
	}
}

static size_t compare_stream(struct compare_side *from, struct compare_side *to,
			     bool list, struct compare_totals *t)
{
	struct cli_batch *b = malloc(sizeof(*b));
	struct cli_reader *rd;
	size_t bad;

	if (!b)
		cli_fatal("out of memory");
	rd = cli_reader_new(STDIN_FILENO, 0, NULL);
	while (cli_reader_fill(rd, b) > 0) {
		compare_run(from, b);
		compare_run(to, b);
		compare_batch(from, to, b, list, t);
	}
	bad = cli_reader_bad(rd);
	cli_reader_free(rd);
	free(b);
	return bad;
}

int cmd_compare(int argc, char **argv)
{
	enum { O_FROM_ALGO = 256, O_TO_ALGO, O_FROM_POOL, O_TO_POOL,
	       O_FROM_SEED, O_TO_SEED, O_POOL, O_ALGO, O_SEED, O_PORTS, O_LIST,
	       O_MAGLEV, O_NAT64 };
	static const struct option longopts[] = {
		{ "from-algo", required_argument, NULL, O_FROM_ALGO },
		{ "to-algo",   required_argument, NULL, O_TO_ALGO },
		{ "from-pool", required_argument, NULL, O_FROM_POOL },
		{ "to-pool",   required_argument, NULL, O_TO_POOL },
		{ "from-seed", required_argument, NULL, O_FROM_SEED },
		{ "to-seed",   required_argument, NULL, O_TO_SEED },
		{ "pool",      required_argument, NULL, O_POOL },
		{ "algo",      required_argument, NULL, O_ALGO },
		{ "seed",      required_argument, NULL, O_SEED },
		{ "ports",     required_argument, NULL, O_PORTS },
		{ "list",      no_argument,       NULL, O_LIST },
		{ "maglev-size", required_argument, NULL, O_MAGLEV },
		{ "nat64",     no_argument,       NULL, O_NAT64 },
		{ "help",      no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct compare_side from, to;
	struct compare_common cc = { 0 };
	struct compare_totals t = { 0 };
	bool list = false;
	int c;

	for (c = 1; c < argc; c++)	/* port blocks: snatpool compare --subscribers ... */
		if (!strncmp(argv[c], "--subscribers", 13) ||
		    !strncmp(argv[c], "--from-subscribers", 18) ||
		    !strncmp(argv[c], "--to-subscribers", 16))
			return cmd_compare_portblock(argc, argv);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case O_FROM_ALGO: from.algo_text = optarg; break;
		case O_TO_ALGO:   to.algo_text = optarg; break;
		case O_FROM_POOL: from.pa.spec = optarg; break;
		case O_TO_POOL:   to.pa.spec = optarg; break;
		case O_FROM_SEED: cc.fseed = optarg; break;
		case O_TO_SEED:   cc.tseed = optarg; break;
		case O_POOL:      cc.pool = optarg; break;
		case O_ALGO:      cc.algo = optarg; break;
		case O_SEED:      cc.seed = cli_parse_seed("--seed", optarg); break;
		case O_PORTS:     cli_parse_ports("--ports", optarg, &cc.plo, &cc.phi); break;
		case O_LIST:      list = true; break;
		case O_MAGLEV:    cc.maglev = cli_parse_maglev_size(optarg); break;
		case O_NAT64:     from.nat64 = to.nat64 = true; break;
		case 'h': fputs(compare_usage, stdout); return cli_finish_stdout(0);
		default:  cli_getopt_error(c, argv);
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s' (sources are read from standard input)",
				argv[optind]);
	compare_resolve(&from, &to, &cc);
	setvbuf(stdout, NULL, _IOFBF, 1u << 20);
	t.bad += compare_stream(&from, &to, list, &t);
	printf("total=%zu moved=%zu moved_pct=%.2f\n", t.total, t.moved,
	       t.total ? 100.0 * (double)t.moved / (double)t.total : 0.0);
	if (t.lost)
		cli_warn("%zu sources have no address of their family in the new pool",
			 t.lost);
	if (t.gained)
		cli_warn("%zu sources had no address of their family in the old pool",
			 t.gained);
	compare_close(&from);
	compare_close(&to);
	return cli_finish_stdout(t.bad ? CLI_EXIT_FAIL : CLI_EXIT_OK);
}

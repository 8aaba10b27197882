/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cmd_portblock.c - `snatpool portblock map|reverse|table`: the abuse desk's
 * command for deterministic port blocks (RFC 7422).
 *
 *   map      SRC ADDRESS PORT_LO PORT_HI SUBSCRIBER   per source
 *   reverse  ADDRESS PORT SUBSCRIBER_ADDRESS SUBSCRIBER   per pair
 *   table    a header (algorithm, configuration, fingerprint), then every
 *            subscriber's block as map prints it
 *
 * A source or pair with no block prints "SRC none" or "ADDRESS PORT none",
 * the rest go on, and the exit status is 1 at the end.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char portblock_usage[] =
"Usage: snatpool portblock map     --algo NAME --pool SPEC --subscribers PREFIX\n"
"                                  [--block-size N] [--ports LO-HI] [--strict] [SRC...]\n"
"       snatpool portblock reverse --algo NAME --pool SPEC --subscribers PREFIX\n"
"                                  [--block-size N] [--ports LO-HI] [--strict]\n"
"                                  [ADDRESS PORT]...\n"
"       snatpool portblock table   --algo NAME --pool SPEC --subscribers PREFIX\n"
"                                  [--block-size N] [--ports LO-HI] [--strict]\n"
"                                  [--format text|csv|json]\n"
"Deterministic port blocks (RFC 7422): every subscriber of PREFIX owns one\n"
"port block of one pool address, by arithmetic alone.\n"
"  map      prints 'SRC ADDRESS PORT_LO PORT_HI SUBSCRIBER' per source\n"
"  reverse  prints 'ADDRESS PORT SUBSCRIBER_ADDRESS SUBSCRIBER' per pair\n"
"  table    prints a header naming the algorithm, the configuration and its\n"
"           fingerprint, then every subscriber's block as map does\n"
"SUBSCRIBER is the 0-based subscriber number.  A source or pair that no\n"
"block holds prints 'SRC none' or 'ADDRESS PORT none'.  Without SRC or\n"
"pairs, they are read from standard input, one per line.\n"
"\n"
"  --algo NAME          snatpool-spread-v1, xpf-det-v0 or vpp-det44-v0\n"
"  --pool SPEC          pool addresses (vpp-det44-v0: the outside prefix)\n"
"  --subscribers PREFIX the subscribers (vpp-det44-v0: the inside prefix;\n"
"                       xpf-det-v0 IPv6: /32 or /64, subscriber = next 32 bits;\n"
"                       snatpool-spread-v1 IPv6: one subscriber per /64)\n"
"  --block-size N       ports per block (vpp-det44-v0: derived; if given, it\n"
"                       must equal the derived size)\n"
"  --ports LO-HI        pool port range (default 1024-65535)\n"
"  --strict             xpf-det-v0 IPv6: also compare the prefix octets (xpf\n"
"                       does not)\n"
"  --format FMT         table: text (default), csv or json\n"
"  -h, --help           show this help\n"
"\n"
"Exit status: 0 every source or pair had a block, 1 some had none or was\n"
"malformed, 2 usage error or a configuration the algorithm refuses.\n";

enum pb_fmt { PB_TEXT, PB_CSV, PB_JSON };

/* The option (with its value) a library diagnostic is about. */
static void pb_config_error(const struct cli_pb *c, const struct snatpool_diag *d, int rc)
{
	static const struct { const char *tok; int opt; } map[] = {
		{ "block_size=", 'b' }, { "prefix_len=", 's' }, { "base has", 's' },
		{ "inside", 's' }, { "count=", 's' }, { "family=", 's' },
		{ "blocks=", 'b' }, { "sharing ratio", 's' }, { "ports=", 'P' },
		{ "port_lo=", 'P' }, { "xfamily=", 'p' }, { "addresses=", 'p' },
		{ "address ", 'p' }, { "pool", 'p' }, { "flags=", 'S' },
	};
	char opt[200], tok[80];
	int which = 0;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strncmp(d->token, map[i].tok, strlen(map[i].tok))) {
			which = map[i].opt;
			break;
		}
	switch (which) {
	case 'b':
		snprintf(opt, sizeof(opt), "--block-size %s", c->bsize_text ? c->bsize_text :
			 "(derived)");
		break;
	case 's':
		snprintf(opt, sizeof(opt), "--subscribers %.60s", c->subs_text);
		break;
	case 'P':
		snprintf(opt, sizeof(opt), "--ports %s", c->ports_text ? c->ports_text :
			 "1024-65535");
		break;
	case 'p':
		snprintf(opt, sizeof(opt), "%s %.60s", c->pa.opt, c->pa.spec);
		break;
	case 'S':
		snprintf(opt, sizeof(opt), "--strict");
		break;
	default:
		snprintf(opt, sizeof(opt), "--algo %s", snatpool_pbalgo_name(c->algo));
	}
	cli_sanitize(opt, strlen(opt), opt, sizeof(opt));
	cli_usage_error("%s%s: %s: %s (%s)", c->side ? c->side : "",
			snatpool_pbalgo_name(c->algo), opt,
			cli_sanitize(d->token, strnlen(d->token, sizeof(d->token)), tok,
				     sizeof(tok)),
			snatpool_strerror(rc));
}

/* "ADDR/LEN" (or ADDR: a full-length prefix) into @fam, @base, @plen. */
static void pb_parse_prefix(const char *text, int *fam, uint8_t *base, unsigned *plen)
{
	char buf[80];
	int rc;

	cli_sanitize(text, strlen(text), buf, sizeof(buf));
	if (!*text || *text == '/')
		cli_usage_error("--subscribers '%s': expected PREFIX/LEN", buf);
	if (strchr(text, '/')) {
		rc = snatpool_prefix_parse(text, fam, base, plen);
	} else {
		rc = snatpool_addr_parse(text, fam, base);
		*plen = *fam == AF_INET ? 32 : 128;
	}
	if (rc == -SNATPOOL_EPREFIX)
		cli_usage_error("--subscribers '%s': bad prefix length", buf);
	if (rc)
		cli_usage_error("--subscribers '%s': malformed address", buf);
	if (cli_host_bits_set(*fam, base, *plen))
		cli_usage_error("--subscribers '%s': host bits set past /%u", buf, *plen);
}

void cli_pb_open(struct cli_pb *c)
{
	struct snatpool_portblock_opts o = { .sz = sizeof(o) };
	struct snatpool_diag d;
	size_t n4, n6;
	unsigned plen;
	uint64_t bs = 0;
	char buf[80];
	int rc;

	if (!c->algo_text)
		cli_missing_option("algo");
	if (!c->pa.spec)
		cli_missing_option("pool");
	if (!c->subs_text)
		cli_missing_option("subscribers");
	if (!c->ports_text) {	/* --ports defaults to 1024-65535 */
		c->pa.port_lo = 1024;
		c->pa.port_hi = 65535;
	}
	rc = snatpool_pbalgo_by_name(c->algo_text);
	if (rc < 0)
		cli_usage_error("--algo '%s': unknown port-block algorithm (snatpool-spread-v1, "
				"xpf-det-v0, vpp-det44-v0)",
				cli_sanitize(c->algo_text, strlen(c->algo_text), buf,
					     sizeof(buf)));
	c->algo = (uint32_t)rc;
	if (c->bsize_text &&
	    (!cli_parse_u64(c->bsize_text, &bs) || bs > 65535))
		cli_usage_error("--block-size '%s': expected 0..65535 ports",
				cli_sanitize(c->bsize_text, strlen(c->bsize_text), buf,
					     sizeof(buf)));
	if (c->bsize_text && bs == 0)
		cli_usage_error("--block-size 0: a block needs at least one port");
	if (!c->bsize_text && c->algo != SNATPOOL_PBALGO_VPP_DET44_V0)
		cli_missing_option("block-size");
	pb_parse_prefix(c->subs_text, &o.family, o.base, &plen);
	c->pool = cli_pool_open(&c->pa);
	n4 = snatpool_pool_count(c->pool, AF_INET);
	n6 = snatpool_pool_count(c->pool, AF_INET6);
	if (n4 && n6)
		cli_usage_error("%s %s: mixes IPv4 and IPv6 addresses; a port-block pool "
				"hands out one family", c->pa.opt,
				cli_sanitize(c->pa.spec, strlen(c->pa.spec), buf, sizeof(buf)));
	o.xfamily = n4 ? AF_INET : AF_INET6;
	if (c->algo != SNATPOOL_PBALGO_SPREAD_V1 && o.xfamily != AF_INET)
		cli_usage_error("%s %s: %s hands out IPv4 addresses, the pool is IPv6", c->pa.opt,
				cli_sanitize(c->pa.spec, strlen(c->pa.spec), buf, sizeof(buf)),
				snatpool_pbalgo_name(c->algo));
	o.block_size = (uint16_t)bs;
	o.algo = c->algo;
	o.flags = c->flags;
	if (c->algo == SNATPOOL_PBALGO_SPREAD_V1) {
		/* one subscriber per IPv4 address, or per IPv6 /64 */
		unsigned width = o.family == AF_INET ? 32 : 64;

		if (plen > width || width - plen >= 32)
			cli_usage_error("--subscribers %s: snatpool-spread-v1 takes %s",
					cli_sanitize(c->subs_text, strlen(c->subs_text), buf,
						     sizeof(buf)),
					o.family == AF_INET ? "/1../32 (at most 2^31 subscribers)"
							    : "/33../64 (one subscriber per /64)");
		o.prefix_len = (uint8_t)width;
		o.count = 1u << (width - plen);
	} else {
		o.prefix_len = (uint8_t)plen;
	}
	c->family = o.family;
	c->xfamily = o.xfamily;
	memset(&d, 0, sizeof(d));
	rc = snatpool_portblock_new_diag(c->pool, &o, &c->pb, &d);
	if (rc == -ENOMEM)
		cli_fatal("out of memory");
	if (rc)
		pb_config_error(c, &d, rc);
	c->info.sz = sizeof(c->info);
	if (snatpool_portblock_info(c->pb, &c->info))
		cli_fatal("portblock info failed");
}

void cli_pb_close(struct cli_pb *c)
{
	snatpool_portblock_free(c->pb);
	snatpool_pool_free(c->pool);
}

/* Trim blanks around a line in place; returns its start. */
static char *pb_trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
		     s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static void pb_bad(size_t lineno, const char *what, const char *text)
{
	char buf[80];

	cli_sanitize(text, strlen(text), buf, sizeof(buf));
	if (lineno)
		fprintf(stderr, "snatpool %s: line %zu: '%s': %s\n", cli_cmd, lineno, buf, what);
	else
		fprintf(stderr, "snatpool %s: '%s': %s\n", cli_cmd, buf, what);
}

/* One map line; returns 0 if @text had a block. */
static int pb_map_one(const struct cli_pb *c, const char *text, size_t lineno)
{
	char xa[48], sa[48];
	uint8_t src[16], x[16];
	uint16_t lo, hi;
	int fam;
	long sub;

	if (snatpool_addr_parse(text, &fam, src)) {
		pb_bad(lineno, "malformed address", text);
		return 1;
	}
	sub = fam == c->family ? snatpool_portblock_map(c->pb, src, NULL, x, &lo, &hi) : -ENOENT;
	cli_sanitize(text, strlen(text), sa, sizeof(sa));
	if (sub < 0) {
		printf("%s none\n", sa);
		return 1;
	}
	snatpool_addr_format(c->xfamily, x, xa, sizeof(xa));
	printf("%s %s %u %u %ld\n", sa, xa, lo, hi, sub);
	return 0;
}

/* One reverse pair; returns 0 if it has a subscriber. */
static int pb_reverse_one(const struct cli_pb *c, const char *atext, const char *ptext,
			  size_t lineno)
{
	char aa[48], sa[48];
	uint8_t a[16], s[16];
	uint64_t port;
	int fam;
	long sub;

	if (snatpool_addr_parse(atext, &fam, a)) {
		pb_bad(lineno, "malformed address", atext);
		return 1;
	}
	if (!cli_parse_u64(ptext, &port) || port > 65535) {
		pb_bad(lineno, "port: expected 0..65535", ptext);
		return 1;
	}
	sub = fam == c->xfamily ? snatpool_portblock_reverse(c->pb, a, (uint16_t)port, s)
				: -ENOENT;
	cli_sanitize(atext, strlen(atext), aa, sizeof(aa));
	if (sub < 0) {
		printf("%s %u none\n", aa, (unsigned)port);
		return 1;
	}
	snatpool_addr_format(c->family, s, sa, sizeof(sa));
	printf("%s %u %s %ld\n", aa, (unsigned)port, sa, sub);
	return 0;
}

static size_t pb_run(const struct cli_pb *c, bool reverse, int argc, char **argv)
{
	size_t bad = 0, lineno = 0, cap = 0;
	char *line = NULL;
	int i;

	if (argc) {
		if (reverse && argc % 2)
			cli_usage_error("reverse takes ADDRESS PORT pairs, got %d argument%s", argc,
					argc == 1 ? "" : "s");
		for (i = 0; i < argc; i += reverse ? 2 : 1)
			bad += reverse ? pb_reverse_one(c, argv[i], argv[i + 1], 0)
				       : pb_map_one(c, argv[i], 0);
		return bad;
	}
	while (getline(&line, &cap, stdin) > 0) {
		char *s = pb_trim(line), *sp;

		lineno++;
		if (!*s)
			continue;
		if (!reverse) {
			bad += pb_map_one(c, s, lineno);
			continue;
		}
		sp = s + strcspn(s, " \t");
		if (!*sp) {
			pb_bad(lineno, "expected ADDRESS PORT", s);
			bad++;
			continue;
		}
		*sp++ = '\0';
		sp = pb_trim(sp);
		if (strpbrk(sp, " \t")) {
			pb_bad(lineno, "expected ADDRESS PORT", s);
			bad++;
			continue;
		}
		bad += pb_reverse_one(c, s, sp, lineno);
	}
	if (ferror(stdin)) {
		cli_warn("reading standard input failed");
		bad++;
	}
	free(line);
	return bad;
}

/* ---- table --------------------------------------------------------- */

static void pb_hex(const uint8_t *p, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* JSON string body of @s (printable ASCII expected; others escaped). */
static void pb_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void pb_table(const struct cli_pb *c, enum pb_fmt fmt)
{
	const struct snatpool_portblock_info *in = &c->info;
	char fp[65], sub[48], xa[48], conf[512], buf[80];
	uint32_t x, b;
	size_t rows = 0;
	uint8_t a[16], s[16];

	pb_hex(in->fingerprint, sizeof(in->fingerprint), fp);
	snprintf(conf, sizeof(conf), "--pool %s --subscribers %s --block-size %u --ports %u-%u%s",
		 c->pa.spec, c->subs_text, in->block_size, in->port_lo, in->port_hi,
		 in->flags & SNATPOOL_PB_F_STRICT ? " --strict" : "");
	if (strlen(conf) == sizeof(conf) - 1)
		cli_usage_error("--pool: spec too long for the table header (%zu octets)",
				strlen(c->pa.spec));
	if (fmt == PB_JSON) {
		printf("{\"schema\":\"snatpool-portblock-table/1\",\"algo\":\"%s\",\"algo_id\":%u,"
		       "\"configuration\":", snatpool_pbalgo_name(in->algo), in->algo);
		pb_json_str(conf);
		printf(",\"fingerprint\":\"sha256:%s\",\"subscribers\":%u,\"addresses\":%u,"
		       "\"blocks_per_address\":%u,\"block_size\":%u,\"rows\":[",
		       fp, in->count, in->addrs, in->blocks, in->block_size);
	} else {
		const char *cm = "#";

		printf("%s snatpool portblock table\n%s algorithm: %s (%u)\n%s configuration: %s\n"
		       "%s fingerprint: sha256:%s\n"
		       "%s geometry: subscribers=%u addresses=%u blocks_per_address=%u "
		       "block_size=%u\n",
		       cm, cm, snatpool_pbalgo_name(in->algo), in->algo, cm, conf, cm, fp, cm,
		       in->count, in->addrs, in->blocks, in->block_size);
		if (fmt == PB_CSV)
			puts("src,address,port_lo,port_hi,subscriber");
		else
			puts("# SRC ADDRESS PORT_LO PORT_HI SUBSCRIBER");
	}
	/* every block in (address, port) order; a block no subscriber owns is skipped */
	for (x = 0; x < in->addrs; x++) {
		if (snatpool_pool_addr(c->pool, c->xfamily, x, a))
			cli_fatal("pool address %u", x);
		snatpool_addr_format(c->xfamily, a, xa, sizeof(xa));
		for (b = 0; b < in->blocks; b++) {
			uint32_t port = in->port_lo + b * in->block_size;
			uint16_t lo, hi;
			long i = snatpool_portblock_reverse(c->pb, a, (uint16_t)port, s);

			if (i < 0)
				continue;
			if (snatpool_portblock_map(c->pb, s, NULL, NULL, &lo, &hi) != i || lo != port)
				cli_fatal("subscriber %ld: forward and reverse disagree", i);
			snatpool_addr_format(c->family, s, sub, sizeof(sub));
			if (fmt == PB_JSON)
				printf("%s{\"src\":\"%s\",\"address\":\"%s\",\"port_lo\":%u,"
				       "\"port_hi\":%u,\"subscriber\":%ld}", rows ? "," : "", sub,
				       xa, lo, hi, i);
			else
				printf(fmt == PB_CSV ? "%s,%s,%u,%u,%ld\n" : "%s %s %u %u %ld\n",
				       sub, xa, lo, hi, i);
			rows++;
		}
	}
	if (fmt == PB_JSON)
		puts("]}");
	if (rows != in->count)
		cli_fatal("%zu blocks for %u subscribers (%s)", rows, in->count,
			  cli_sanitize(c->pa.spec, strlen(c->pa.spec), buf, sizeof(buf)));
}

int cmd_portblock(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "algo",        required_argument, NULL, 'a' },
		{ "pool",        required_argument, NULL, 'p' },
		{ "subscribers", required_argument, NULL, 's' },
		{ "block-size",  required_argument, NULL, 'b' },
		{ "ports",       required_argument, NULL, 'P' },
		{ "strict",      no_argument,       NULL, 'S' },
		{ "format",      required_argument, NULL, 'f' },
		{ "help",        no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_pb c;
	enum pb_fmt fmt = PB_TEXT;
	const char *sub;
	char buf[80];
	size_t bad;
	int ch, mode;

	memset(&c, 0, sizeof(c));
	c.pa.opt = "--pool";
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(portblock_usage, stdout);
		return cli_finish_stdout(0);
	}
	if (argc < 2)
		cli_usage_error("missing map, reverse or table (see 'snatpool portblock --help')");
	sub = argv[1];
	mode = !strcmp(sub, "map") ? 0 : !strcmp(sub, "reverse") ? 1 :
	       !strcmp(sub, "table") ? 2 : -1;
	if (mode < 0)
		cli_usage_error("unknown subcommand '%s' (map, reverse or table)",
				cli_sanitize(sub, strlen(sub), buf, sizeof(buf)));
	argc--;
	argv++;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': c.algo_text = optarg; break;
		case 'p': c.pa.spec = optarg; break;
		case 's': c.subs_text = optarg; break;
		case 'b': c.bsize_text = optarg; break;
		case 'P':
			c.ports_text = optarg;
			cli_parse_ports("--ports", optarg, &c.pa.port_lo, &c.pa.port_hi);
			break;
		case 'S': c.flags |= SNATPOOL_PB_F_STRICT; break;
		case 'f':
			if (mode != 2)
				cli_usage_error("--format is for table only");
			if (!strcmp(optarg, "text"))
				fmt = PB_TEXT;
			else if (!strcmp(optarg, "csv"))
				fmt = PB_CSV;
			else if (!strcmp(optarg, "json"))
				fmt = PB_JSON;
			else
				cli_usage_error("--format '%s': expected text, csv or json",
						cli_sanitize(optarg, strlen(optarg), buf, sizeof(buf)));
			break;
		case 'h': fputs(portblock_usage, stdout); return cli_finish_stdout(0);
		default:  cli_getopt_error(ch, argv);
		}
	}
	if (mode == 2 && optind < argc)
		cli_usage_error("table takes no argument ('%s')",
				cli_sanitize(argv[optind], strlen(argv[optind]), buf, sizeof(buf)));
	cli_pb_open(&c);
	setvbuf(stdout, NULL, _IOFBF, 1u << 20);
	if (mode == 2) {
		pb_table(&c, fmt);
		bad = 0;
	} else {
		bad = pb_run(&c, mode == 1, argc - optind, argv + optind);
	}
	cli_pb_close(&c);
	return cli_finish_stdout(bad ? CLI_EXIT_FAIL : CLI_EXIT_OK);
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cmd_algos.c - `snatpool algos`: the algorithm registry, one line each:
 * ID NAME PROPERTIES SUMMARY, properties as comma-separated words.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char algos_usage[] =
"Usage: snatpool algos\n"
"List the selection algorithms, one per line: ID NAME PROPERTIES SUMMARY.\n"
"PROPERTIES is a comma-separated list of words, '-' if none:\n"
"  openssl      the library computes it with OpenSSL libcrypto\n"
"  bpf-safe     its core runs in the eBPF verifier\n"
"  order-free   independent of the configured order of the pool\n"
"  consistent   few sources move when the pool changes\n"
"  seeded       uses the pool's seed\n"
"  range-only   needs the addresses of a family to be one contiguous range\n"
"\n"
"  -h, --help   show this help\n";

static const struct {
	uint32_t    flag;
	const char *word;
} algo_words[] = {
	{ SNATPOOL_ALGO_F_OPENSSL,    "openssl" },
	{ SNATPOOL_ALGO_F_BPF_SAFE,   "bpf-safe" },
	{ SNATPOOL_ALGO_F_ORDER_FREE, "order-free" },
	{ SNATPOOL_ALGO_F_CONSISTENT, "consistent" },
	{ SNATPOOL_ALGO_F_SEEDED,     "seeded" },
	{ SNATPOOL_ALGO_F_RANGE_ONLY, "range-only" },
};

/* @flags as words into @buf (at least 96 octets). */
static const char *algo_flag_words(uint32_t flags, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(algo_words) / sizeof(algo_words[0]); i++) {
		if (!(flags & algo_words[i].flag))
			continue;
		flags &= ~algo_words[i].flag;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					len ? "," : "", algo_words[i].word);
	}
	if (flags)
		snprintf(buf + len, size - len, "%s0x%x", len ? "," : "", flags);
	if (!buf[0])
		snprintf(buf, size, "-");
	return buf;
}

int cmd_algos(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct snatpool_algo_info info;
	uint32_t ids[64];
	char words[128];
	int c, n, i;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c != 'h')
			cli_getopt_error(c, argv);
		fputs(algos_usage, stdout);
		return cli_finish_stdout(0);
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	n = snatpool_algo_list(ids, sizeof(ids) / sizeof(ids[0]));
	if (n < 0)
		cli_fatal("%s", snatpool_strerror(n));
	if (n > (int)(sizeof(ids) / sizeof(ids[0])))
		n = (int)(sizeof(ids) / sizeof(ids[0]));
	for (i = 0; i < n; i++) {
		memset(&info, 0, sizeof(info));
		if (snatpool_algo_info(ids[i], &info) < 0)
			continue;
		printf("%u %-20s %-38s %s\n", info.id, info.name ? info.name : "?",
		       algo_flag_words(info.flags, words, sizeof(words)),
		       info.summary ? info.summary : "");
	}
	return cli_finish_stdout(0);
}

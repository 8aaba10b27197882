/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snatpool.c - the snatpool(1) command: global options and the dispatch to
 * the commands of tools/cmd_*.c.  Public API of libsnatpool only.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "select",  cmd_select,  "the pool address of each source" },
	{ "algos",   cmd_algos,   "list the algorithms and their properties" },
	{ "vectors", cmd_vectors, "write an algorithm's edge-case vectors" },
	{ "verify",  cmd_verify,  "check vector files against this build" },
	{ "compare", cmd_compare, "how many sources move between two configurations" },
	{ "spread",  cmd_spread,  "how evenly sources spread over the pool" },
	{ "demo",    cmd_demo,    "every algorithm on a small pool, side by side" },
	{ "bench",   cmd_bench,   "nanoseconds per selection, key=value" },
	{ "portblock", cmd_portblock, "deterministic port blocks: map, reverse, table" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int usage(void)
{
	size_t i;

	fputs("Usage: snatpool COMMAND [OPTION...] [ARG...]\n"
	      "       snatpool --help | --version\n"
	      "Source-NAT pool address selection (libsnatpool).\n\nCommands:\n",
	      stdout);
	for (i = 0; i < NCOMMANDS; i++)
		printf("  %-10s %s\n", commands[i].name, commands[i].what);
	fputs("\n'snatpool COMMAND --help' describes a command; snatpool(1) all.\n"
	      "Exit status: 0 success, 1 failure (bad source, failed vector),\n"
	      "2 usage error.\n", stdout);
	return cli_finish_stdout(CLI_EXIT_OK);
}

int main(int argc, char **argv)
{
	char buf[80];
	size_t i;

	if (argc < 2)
		cli_usage_error("missing command (see 'snatpool --help')");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return usage();
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("snatpool %s\n", snatpool_version());
		return cli_finish_stdout(CLI_EXIT_OK);
	}
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			cli_cmd = commands[i].name;
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	cli_sanitize(argv[1], strlen(argv[1]), buf, sizeof(buf));
	if (argv[1][0] == '-')
		cli_usage_error("unknown option '%s' (see 'snatpool --help')", buf);
	cli_usage_error("unknown command '%s' (see 'snatpool --help')", buf);
}

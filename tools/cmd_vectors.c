/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cmd_vectors.c - `snatpool vectors`: write an algorithm's edge-case
 * vectors.  With --out the file appears complete or not at all: the lines
 * go to FILE.tmp, which is renamed over FILE only when all were written.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char vectors_usage[] =
"Usage: snatpool vectors --algo NAME [--out FILE]\n"
"Write the deterministic edge-case vectors of an algorithm, one JSON object\n"
"per line (schema " SNATPOOL_VECTORS_SCHEMA "), to standard output or FILE.\n"
"\n"
"  --algo NAME   algorithm (see 'snatpool algos')\n"
"  --out FILE    write to FILE (through FILE.tmp, renamed when complete)\n"
"  -h, --help    show this help\n"
"\n"
"Exit status: 0 written, 1 write error, 2 usage error.\n";

static int vectors_to_file(const char *path, uint32_t algo)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 5);
	int fd, rc;

	if (!tmp)
		cli_fatal("out of memory");
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp", 5);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		cli_warn("%s: %s", tmp, strerror(errno));
		free(tmp);
		return CLI_EXIT_FAIL;
	}
	rc = snatpool_vectors_write(fd, algo);
	if (rc >= 0 && fsync(fd) < 0 && errno != EINVAL)
		rc = -errno;
	if (close(fd) < 0 && rc >= 0)
		rc = -errno;
	if (rc >= 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0) {
		cli_warn("%s: %s", path, snatpool_strerror(rc));
		unlink(tmp);
	}
	free(tmp);
	return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cmd_vectors(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "algo", required_argument, NULL, 'a' },
		{ "out",  required_argument, NULL, 'o' },
		{ "help", no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	uint32_t algo = 0;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': algo = cli_parse_algo(optarg); break;
		case 'o': out = optarg; break;
		case 'h': fputs(vectors_usage, stdout); return cli_finish_stdout(0);
		default:  cli_getopt_error(c, argv);
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (!algo)
		cli_missing_option("algo");
	if (out && !out[0])
		cli_usage_error("--out: empty file name");
	if (out)
		return vectors_to_file(out, algo);
	if (fflush(stdout) != 0)
		return cli_finish_stdout(0);
	rc = snatpool_vectors_write(STDOUT_FILENO, algo);
	if (rc < 0) {
		cli_warn("writing vectors: %s", snatpool_strerror(rc));
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

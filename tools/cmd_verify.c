/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cmd_verify.c - `snatpool verify`: check vector files against this build.
 *
 * Each failing line is reported as FILE:LINE: message on stderr; standard
 * output ends with exactly one line "N passed, N failed" over all files.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char verify_usage[] =
"Usage: snatpool verify FILE...\n"
"Check every line of vector files (as 'snatpool vectors' writes them, or\n"
"from an independent generator) against this build of libsnatpool.  FILE\n"
"'-' is standard input.  Each failing line is reported on standard error as\n"
"FILE:LINE: message; standard output ends with 'N passed, N failed'.\n"
"\n"
"  -h, --help   show this help\n"
"\n"
"Exit status: 0 every line passed, 1 a line failed or was malformed, or a\n"
"file held no vector, 2 usage error or unreadable file.\n";

struct verify_ctx {
	const char *file;
};

static void verify_report(size_t lineno, const struct snatpool_vector_result *res,
			  void *arg)
{
	const struct verify_ctx *ctx = arg;
	char msg[sizeof(res->msg) + 8], want[56], got[56];

	if (res->msg[0]) {
		cli_sanitize(res->msg, strnlen(res->msg, sizeof(res->msg)),
			     msg, sizeof(msg));
	} else if (res->status == 1) {
		cli_sanitize(res->want_addr, strnlen(res->want_addr, sizeof(res->want_addr)),
			     want, sizeof(want));
		cli_sanitize(res->got_addr, strnlen(res->got_addr, sizeof(res->got_addr)),
			     got, sizeof(got));
		snprintf(msg, sizeof(msg), "mismatch: want %u %s, got %u %s",
			 res->want_index, want, res->got_index, got);
	} else {
		snprintf(msg, sizeof(msg), "%s", snatpool_strerror(res->status));
	}
	fprintf(stderr, "%s:%zu: %s\n", ctx->file, lineno, msg);
}

/* Verify one file into @tot; returns its exit status. */
static int verify_file(const char *path, struct snatpool_verify_stats *tot)
{
	struct snatpool_verify_stats st;
	struct verify_ctx ctx = { .file = path };
	bool is_stdin = strcmp(path, "-") == 0;
	int fd, rc;

	if (is_stdin) {
		fd = STDIN_FILENO;
		ctx.file = "<stdin>";
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			cli_warn("%s: %s", path, strerror(errno));
			return CLI_EXIT_USAGE;
		}
	}
	memset(&st, 0, sizeof(st));
	fflush(stdout);
	rc = snatpool_vectors_verify(fd, &st, verify_report, &ctx);
	if (!is_stdin)
		close(fd);
	tot->passed += st.passed;
	tot->failed += st.failed;
	tot->malformed += st.malformed;
	if (rc < 0) {
		cli_warn("%s: %s", ctx.file, snatpool_strerror(rc));
		return CLI_EXIT_USAGE;
	}
	if (st.passed + st.failed == 0) {
		cli_warn("%s: no vector in the file", ctx.file);
		return CLI_EXIT_FAIL;
	}
	return rc == 0 && st.failed == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct snatpool_verify_stats tot;
	int c, i, rc, worst = CLI_EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c != 'h')
			cli_getopt_error(c, argv);
		fputs(verify_usage, stdout);
		return cli_finish_stdout(0);
	}
	if (optind >= argc)
		cli_usage_error("missing FILE (see 'snatpool verify --help')");
	memset(&tot, 0, sizeof(tot));
	for (i = optind; i < argc; i++) {
		rc = verify_file(argv[i], &tot);
		if (rc > worst)
			worst = rc;
	}
	printf("%zu passed, %zu failed\n", tot.passed, tot.failed);
	return cli_finish_stdout(worst);
}

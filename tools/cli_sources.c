/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cli_sources.c - source addresses from arguments or from a stream, read in
 * batches and selected in bursts per family.
 *
 * The stream is read with read(2) into a fixed buffer, so that no input
 * (NUL octets, a line of a gigabyte, no final newline) costs more memory
 * than the buffer; a line that does not fit is one bad line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define CLI_READ_BUF (1u << 16)

struct cli_reader {
	int    fd;
	int    argc, argi;
	char **argv;
	char  *buf;
	size_t pos, end;
	bool   eof;
	size_t lineno;
	size_t bad;
};

struct cli_reader *cli_reader_new(int fd, int argc, char **argv)
{
	struct cli_reader *r = calloc(1, sizeof(*r));

	if (!r)
		cli_fatal("%s", strerror(ENOMEM));
	r->fd = fd;
	r->argc = argc;
	r->argv = argv;
	if (argc == 0) {
		r->buf = malloc(CLI_READ_BUF);
		if (!r->buf)
			cli_fatal("%s", strerror(ENOMEM));
	}
	return r;
}

void cli_reader_free(struct cli_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r);
}

size_t cli_reader_bad(const struct cli_reader *r)
{
	return r->bad;
}

void cli_src_complain(const struct cli_src *s, int err)
{
	if (s->lineno)
		fprintf(stderr, "snatpool %s: line %zu: '%s': %s\n", cli_cmd, s->lineno, s->text,
			snatpool_strerror(err));
	else
		fprintf(stderr, "snatpool %s: '%s': %s\n", cli_cmd, s->text,
			snatpool_strerror(err));
}

static void cli_reader_complain(struct cli_reader *r, const char *text,
				size_t len, const char *why)
{
	char buf[80];

	r->bad++;
	if (!text) {
		fprintf(stderr, "snatpool %s: line %zu: %s\n", cli_cmd, r->lineno, why);
		return;
	}
	cli_sanitize(text, len, buf, sizeof(buf));
	if (r->argc)
		fprintf(stderr, "snatpool %s: '%s': %s\n", cli_cmd, buf, why);
	else
		fprintf(stderr, "snatpool %s: line %zu: '%s': %s\n", cli_cmd,
			r->lineno, buf, why);
}

/* Read more into the buffer; false at end of input or on a read error. */
static bool cli_reader_more(struct cli_reader *r)
{
	ssize_t got;

	if (r->eof)
		return false;
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->end -= r->pos;
		r->pos = 0;
	}
	do
		got = read(r->fd, r->buf + r->end, CLI_READ_BUF - r->end);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		fprintf(stderr, "snatpool %s: reading input: %s\n", cli_cmd,
			strerror(errno));
		r->bad++;
	}
	if (got <= 0) {
		r->eof = true;
		return false;
	}
	r->end += (size_t)got;
	return true;
}

/* Drop input up to and including the next newline. */
static void cli_reader_skip_line(struct cli_reader *r)
{
	for (;;) {
		char *nl = memchr(r->buf + r->pos, '\n', r->end - r->pos);

		if (nl) {
			r->pos = (size_t)(nl - r->buf) + 1;
			return;
		}
		r->pos = r->end;
		if (!cli_reader_more(r))
			return;
	}
}

/*
 * Next line without its newline into @line/@len; false at the end.  A line
 * longer than the buffer comes back with *@len = SIZE_MAX.
 */
static bool cli_reader_line(struct cli_reader *r, const char **line, size_t *len)
{
	char *nl;

	for (;;) {
		nl = memchr(r->buf + r->pos, '\n', r->end - r->pos);
		if (nl || (r->eof && r->pos < r->end))
			break;
		if (r->pos == 0 && r->end == CLI_READ_BUF) {
			r->lineno++;
			cli_reader_skip_line(r);
			*line = NULL;
			*len = SIZE_MAX;
			return true;
		}
		if (!cli_reader_more(r) && r->pos == r->end)
			return false;
	}
	r->lineno++;
	*line = r->buf + r->pos;
	if (nl) {
		*len = (size_t)(nl - *line);
		r->pos = (size_t)(nl - r->buf) + 1;
	} else {
		*len = r->end - r->pos;
		r->pos = r->end;
	}
	return true;
}

static bool cli_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Parse one source into @s; false (after a complaint) if it is bad. */
static bool cli_reader_parse(struct cli_reader *r, const char *text, size_t len,
			     struct cli_src *s)
{
	int rc;

	if (len >= CLI_SRC_TEXT_MAX || memchr(text, '\0', len)) {
		cli_reader_complain(r, text, len, snatpool_strerror(-SNATPOOL_EADDR));
		return false;
	}
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	s->len = (uint8_t)len;
	rc = snatpool_addr_parse(s->text, &s->family, s->addr);
	if (rc < 0 || (s->family != AF_INET && s->family != AF_INET6)) {
		cli_reader_complain(r, text, len,
				    snatpool_strerror(rc < 0 ? rc : -SNATPOOL_EADDR));
		return false;
	}
	s->lineno = r->lineno;
	return true;
}

static bool cli_reader_next_arg(struct cli_reader *r, struct cli_src *s)
{
	while (r->argi < r->argc) {
		const char *arg = r->argv[r->argi++];

		if (cli_reader_parse(r, arg, strlen(arg), s))
			return true;
	}
	return false;
}

static bool cli_reader_next_line(struct cli_reader *r, struct cli_src *s)
{
	const char *line;
	size_t len;

	while (cli_reader_line(r, &line, &len)) {
		if (len == SIZE_MAX) {
			cli_reader_complain(r, NULL, 0, "line too long");
			continue;
		}
		while (len && cli_blank(line[len - 1]))
			len--;
		while (len && cli_blank(line[0])) {
			line++;
			len--;
		}
		if (len == 0)
			continue;
		if (cli_reader_parse(r, line, len, s))
			return true;
	}
	return false;
}

size_t cli_reader_fill(struct cli_reader *r, struct cli_batch *b)
{
	b->n = 0;
	while (b->n < CLI_BATCH) {
		struct cli_src *s = &b->src[b->n];
		bool ok = r->argc ? cli_reader_next_arg(r, s)
				  : cli_reader_next_line(r, s);

		if (!ok)
			break;
		b->n++;
	}
	return b->n;
}

size_t cli_batch_select(const struct snatpool *pool, uint32_t algo,
			struct cli_batch *b)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	static uint8_t packed[CLI_BATCH * 16];
	static uint32_t where[CLI_BATCH], got[CLI_BATCH];
	size_t i, k, failed = 0;
	int f, rc;

	for (f = 0; f < 2; f++) {
		size_t alen = f ? 16 : 4;

		for (i = 0, k = 0; i < b->n; i++) {
			if (b->src[i].family != fams[f])
				continue;
			memcpy(packed + k * alen, b->src[i].addr, alen);
			where[k++] = (uint32_t)i;
		}
		if (k == 0)
			continue;
		rc = snatpool_select_burst(pool, fams[f], packed, k, algo, got);
		if (rc >= 0 && (size_t)rc != k)
			rc = -EIO;
		for (i = 0; i < k; i++) {
			b->err[where[i]] = rc < 0 ? rc : 0;
			b->index[where[i]] = rc < 0 ? 0 : got[i];
		}
		if (rc < 0)
			failed += k;
	}
	return failed;
}

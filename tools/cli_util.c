/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cli_util.c - messages, exit codes and option values of snatpool(1).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *cli_cmd;

static void __attribute__((format(printf, 1, 0)))
cli_vwarn(const char *fmt, va_list ap)
{
	/* stdout first: a message should not overtake the lines before it */
	fflush(stdout);
	if (cli_cmd)
		fprintf(stderr, "snatpool %s: ", cli_cmd);
	else
		fputs("snatpool: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vwarn(fmt, ap);
	va_end(ap);
}

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vwarn(fmt, ap);
	va_end(ap);
	exit(CLI_EXIT_USAGE);
}

void cli_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vwarn(fmt, ap);
	va_end(ap);
	exit(CLI_EXIT_FAIL);
}

void cli_getopt_error(int c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";
	char buf[80];

	arg = cli_sanitize(arg, strlen(arg), buf, sizeof(buf));
	if (c == ':')
		cli_usage_error("option '%s' requires an argument", arg);
	if (optopt && optopt != '?')
		cli_usage_error("unknown option '-%c'", isprint(optopt) ? optopt : '?');
	cli_usage_error("unknown option '%s'", arg);
}

void cli_missing_option(const char *name)
{
	cli_usage_error("missing option --%s (see 'snatpool %s --help')",
			name, cli_cmd ? cli_cmd : "");
}

const char *cli_sanitize(const char *text, size_t len, char *buf, size_t size)
{
	size_t i, keep = len;

	if (size < 8) {
		buf[0] = '\0';
		return buf;
	}
	if (keep > size - 1)
		keep = size - 4;
	for (i = 0; i < keep; i++) {
		unsigned char ch = (unsigned char)text[i];

		buf[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	if (keep < len) {
		memcpy(buf + keep, "...", 3);
		keep += 3;
	}
	buf[keep] = '\0';
	return buf;
}

size_t cli_fmt_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

uint64_t cli_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int cli_finish_stdout(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;

		cli_warn("write error: %s", strerror(e ? e : EIO));
		return rc > CLI_EXIT_FAIL ? rc : CLI_EXIT_FAIL;
	}
	return rc;
}

/* Unsigned integer of @text in @base (10 or 16), the whole string, no sign. */
static bool cli_strtou64(const char *text, int base, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!isxdigit((unsigned char)text[0]))
		return false;
	if (base == 10 && !isdigit((unsigned char)text[0]))
		return false;
	errno = 0;
	v = strtoull(text, &end, base);
	if (errno || *end != '\0')
		return false;
	*out = v;
	return true;
}

bool cli_parse_u64(const char *text, uint64_t *out)
{
	return cli_strtou64(text, 10, out);
}

uint64_t cli_parse_seed(const char *opt, const char *text)
{
	uint64_t v;
	bool ok;
	char buf[80];

	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		ok = cli_strtou64(text + 2, 16, &v);
	else
		ok = cli_strtou64(text, 10, &v);
	if (!ok)
		cli_usage_error("%s: '%s': expected a decimal or 0x hex number below 2^64",
				opt, cli_sanitize(text, strlen(text), buf, sizeof(buf)));
	return v;
}

uint64_t cli_parse_count(const char *opt, const char *text, uint64_t max)
{
	uint64_t v;
	char buf[80];

	if (!cli_strtou64(text, 10, &v) || v < 1 || v > max)
		cli_usage_error("%s: '%s': expected a number from 1 to %llu", opt,
				cli_sanitize(text, strlen(text), buf, sizeof(buf)),
				(unsigned long long)max);
	return v;
}

uint32_t cli_parse_maglev_size(const char *text)
{
	return (uint32_t)cli_parse_count("--maglev-size", text, UINT32_MAX);
}

bool cli_host_bits_set(int family, const uint8_t *addr, unsigned int plen)
{
	unsigned int i;

	for (i = plen; i < (family == AF_INET ? 32u : 128u); i++)
		if (addr[i / 8] & (0x80 >> (i % 8)))
			return true;
	return false;
}

void cli_parse_ports(const char *opt, const char *text, uint16_t *lo, uint16_t *hi)
{
	const char *dash = strchr(text, '-');
	char part[16], buf[80];
	uint64_t a, b;
	size_t n;

	if (!dash)
		goto bad;
	n = (size_t)(dash - text);
	if (n == 0 || n >= sizeof(part))
		goto bad;
	memcpy(part, text, n);
	part[n] = '\0';
	if (!cli_strtou64(part, 10, &a) || !cli_strtou64(dash + 1, 10, &b) ||
	    a > 65535 || b > 65535)
		goto bad;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return;
bad:
	cli_usage_error("%s: '%s': expected LO-HI, two port numbers", opt,
			cli_sanitize(text, strlen(text), buf, sizeof(buf)));
}

uint32_t cli_parse_algo(const char *text)
{
	char buf[80];
	uint64_t id;
	int rc;

	rc = snatpool_algo_by_name(text);
	if (rc > 0)
		return (uint32_t)rc;
	if (cli_strtou64(text, 10, &id) && id <= UINT32_MAX &&
	    snatpool_algo_name((uint32_t)id))
		return (uint32_t)id;
	cli_usage_error("unknown algorithm '%s' (see 'snatpool algos')",
			cli_sanitize(text, strlen(text), buf, sizeof(buf)));
}

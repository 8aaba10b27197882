/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cli.h - what the files of the snatpool(1) command share.
 *
 * The CLI uses the public API of include/snatpool.h only.  Each command
 * lives in tools/cmd_<name>.c as cmd_<name>(argc, argv), argv[0] being the
 * command's name; the helpers below keep the conventions of snatpool(1):
 * usage errors print one line on stderr and exit 2, failures exit 1.
 */
#ifndef SNATPOOL_CLI_H
#define SNATPOOL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <snatpool.h>

#define CLI_EXIT_OK      0
#define CLI_EXIT_FAIL    1	/* failed verification, bad source lines */
#define CLI_EXIT_USAGE   2	/* bad command line, unreadable file */

/* ---- messages (cli_util.c) -------------------------------------------- */

/* The running command, "select" etc.; NULL before one is chosen. */
extern const char *cli_cmd;

/* "snatpool CMD: <message>" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_warn(), then exit 2. */
void cli_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* cli_warn(), then exit 1. */
void cli_fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* A usage error for what getopt_long() returned ('?' or ':'). */
void cli_getopt_error(int c, char **argv) __attribute__((noreturn));
/* Usage error for a missing --NAME. */
void cli_missing_option(const char *name) __attribute__((noreturn));

/*
 * Copy @len octets of untrusted text into @buf (of @size) for a message:
 * non-printable octets become '?', long text is cut and ends with "...".
 */
const char *cli_sanitize(const char *text, size_t len, char *buf, size_t size);

/* Decimal digits of @v at @p (no NUL); returns how many. */
size_t cli_fmt_u64(char *p, uint64_t v);

/* SplitMix64: the next of a fixed pseudo-random sequence (bench, demo inputs). */
uint64_t cli_splitmix64(uint64_t *x);

/* Flush stdout; on a write error print it and return 1, else @rc. */
int cli_finish_stdout(int rc);

/* ---- option values (cli_util.c) --------------------------------------- */

/* --seed: decimal or 0x hex, 0..2^64-1; usage error otherwise. */
uint64_t cli_parse_seed(const char *opt, const char *text);
/* --ports LO-HI: two decimals 0..65535; the library judges the range. */
void cli_parse_ports(const char *opt, const char *text, uint16_t *lo, uint16_t *hi);
/* --algo: a name (or a known decimal ID); usage error if unknown. */
uint32_t cli_parse_algo(const char *text);
/* A whole decimal string (no sign, no blanks) into @out. */
bool cli_parse_u64(const char *text, uint64_t *out);
/* --maglev-size: a decimal; the library judges it (a prime >= n). */
uint32_t cli_parse_maglev_size(const char *text);
/* Decimal count 1..@max; usage error otherwise. */
uint64_t cli_parse_count(const char *opt, const char *text, uint64_t max);
/* Whether @addr of @family has a bit set past the first @plen: not a prefix. */
bool cli_host_bits_set(int family, const uint8_t *addr, unsigned int plen);

/* ---- pools (cli_pool.c) ----------------------------------------------- */

struct cli_pool_args {
	const char *spec;	/* --pool SPEC */
	const char *opt;	/* option it came from, for messages */
	uint64_t    seed;
	uint16_t    port_lo, port_hi;
	uint32_t    maglev_size;	/* --maglev-size M; 0: the library's */
};

/* Build a pool from a spec; usage error (naming the token) on failure. */
struct snatpool *cli_pool_open(const struct cli_pool_args *a);

/*
 * Check once that @algo can select from every family @pool has (e.g.
 * linux-nf-persistent needs contiguous ranges); usage error otherwise.
 */
void cli_pool_check_algo(const struct snatpool *pool, uint32_t algo,
			 const char *opt);

/* Text of every pool address, formatted once. */
struct cli_names {
	size_t count[2];		/* [0] IPv4, [1] IPv6 */
	char (*text[2])[48];
	uint8_t *len[2];
};

void cli_names_init(struct cli_names *nm, const struct snatpool *pool);
void cli_names_free(struct cli_names *nm);

static inline int cli_fam_slot(int family)
{
	return family == AF_INET6;
}

/* ---- sources (cli_sources.c) ------------------------------------------ */

#define CLI_SRC_TEXT_MAX 64	/* longest address text kept, NUL included */
#define CLI_BATCH 4096

struct cli_src {
	int      family;
	uint8_t  addr[16];
	uint8_t  len;			/* of text */
	size_t   lineno;		/* 0 for a command-line argument */
	char     text[CLI_SRC_TEXT_MAX];
};

struct cli_batch {
	size_t         n;
	struct cli_src src[CLI_BATCH];
	uint32_t       index[CLI_BATCH];
	int            err[CLI_BATCH];	/* 0 or a negative code */
};

struct cli_reader;

/*
 * Sources come from @argv (@argc of them) or, with @argc 0, from @fd one
 * per line: surrounding blanks are dropped, blank lines skipped.  A bad
 * line or argument is reported on stderr with its line number and counted.
 */
struct cli_reader *cli_reader_new(int fd, int argc, char **argv);
void cli_reader_free(struct cli_reader *r);
/* Fill @b with up to CLI_BATCH good sources; returns how many (0: end). */
size_t cli_reader_fill(struct cli_reader *r, struct cli_batch *b);
/* Bad lines seen so far, and whether reading stdin failed. */
size_t cli_reader_bad(const struct cli_reader *r);
/* "snatpool CMD: line N: 'SRC': <error>" (no "line N: " for an argument) on stderr. */
void cli_src_complain(const struct cli_src *s, int err);

/*
 * Select for every source of @b (bursts per family): index[] and err[].
 * Returns how many failed.
 */
size_t cli_batch_select(const struct snatpool *pool, uint32_t algo,
			struct cli_batch *b);

/* ---- NAT64 (cli_nat64.c): --nat64, IPv6 sources, IPv4 pool addresses ---- */

/* Check once that @algo has a NAT64 rule and @pool IPv4 addresses; usage error otherwise. */
void cli_pool_check_nat64(const struct snatpool *pool, uint32_t algo, const char *opt);
/* Usage error for an IPv4 source: --nat64 takes IPv6 sources only. */
void cli_nat64_require_v6(const struct cli_src *s);
/*
 * NAT64 selection for every source of @b (all IPv6, else a usage error):
 * index[] in the IPv4 configured order, err[].  Returns how many failed.
 */
size_t cli_batch_select_nat64(const struct snatpool *pool, uint32_t algo,
			      struct cli_batch *b);

/* ---- port-block plans (cmd_portblock.c) -------------------------------- */

struct cli_pb {
	struct cli_pool_args pa;	/* pa.opt: the pool's option, for messages */
	const char *side;		/* NULL, or "from: " / "to: " in messages */
	const char *algo_text, *subs_text, *bsize_text, *ports_text;
	uint32_t algo, flags;
	/* set by cli_pb_open() */
	struct snatpool *pool;
	struct snatpool_portblock *pb;
	struct snatpool_portblock_info info;
	int family, xfamily;
};

/*
 * Build the plan from the option texts (--ports already in pa): a usage
 * error naming the value when the algorithm refuses the configuration.
 */
void cli_pb_open(struct cli_pb *c);
void cli_pb_close(struct cli_pb *c);

/* ---- commands --------------------------------------------------------- */

int cmd_select(int argc, char **argv);
int cmd_algos(int argc, char **argv);
int cmd_vectors(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_spread(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_portblock(int argc, char **argv);
/* `snatpool compare` with --subscribers: port-block configurations. */
int cmd_compare_portblock(int argc, char **argv);

/* bench_portblock.c: the portblock_ns.* lines of `snatpool bench`. */
void bench_portblock(uint64_t n, unsigned int runs);
/* cmd_bench.c: CLOCK_MONOTONIC in nanoseconds, for timed runs. */
double bench_now(void);

#endif /* SNATPOOL_CLI_H */

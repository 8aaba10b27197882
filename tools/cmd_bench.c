/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cmd_bench.c - `snatpool bench`: nanoseconds per selection, as key=value
 * lines, with a peer measured in the same run: bare OpenSSL EVP SHA-256 of
 * the same message xpf-userspace-v1 hashes, and the ratio of the two.
 *
 * Inputs are precomputed, every kind is warmed up once, results feed a
 * volatile sink, and the best of several runs is reported.  Not a test:
 * nothing here fails on speed.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "cli.h"

#define BENCH_POOL  "198.51.100.0/26,2001:db8:100::/122"	/* 64 + 64, contiguous */
#define BENCH_NSRC  4096u					/* a power of two */
#define BENCH_TAG   "xpf-userspace-snat-address-persistent-v1"	/* docs/algorithms.md */
#define BENCH_TAGLEN 40
#define BENCH_ALGOS 32

static const char bench_usage[] =
"Usage: snatpool bench [--n N] [--runs R]\n"
"Measure nanoseconds per selection of every algorithm on a pool of 64 IPv4\n"
"and 64 IPv6 addresses (" BENCH_POOL "), over 4096 random\n"
"sources, and print key=value lines:\n"
"  select_ns.ALGO.v4  select_ns.ALGO.v6   snatpool_select(), one at a time\n"
"  burst_ns.ALGO.v4   burst_ns.ALGO.v6    snatpool_select_burst() of 4096\n"
"  evp_sha256_ns.v4   evp_sha256_ns.v6    the peer: OpenSSL EVP SHA-256 of the\n"
"                                         45 (57) octets xpf-userspace-v1 hashes\n"
"  ratio.xpf-userspace-v1.evp.v4 (.v6)    select_ns of xpf-userspace-v1 / peer\n"
"  select_ns.ALGO.nat64  burst_ns.ALGO.nat64   snatpool_select_nat64() (and its\n"
"                        burst) of IPv6 sources over the 64 IPv4 addresses,\n"
"                        for the algorithms that have a NAT64 rule\n"
"  portblock_ns.ALGO.map (.reverse)       snatpool_portblock_map() (_reverse())\n"
"                                         of each port-block algorithm\n"
"Each figure is the best of R runs of N selections.\n"
"\n"
"  --n N        selections per run (default 131072)\n"
"  --runs R     runs per figure (default 7)\n"
"  -h, --help   show this help\n";

struct bench {
	struct snatpool *pool;
	uint8_t  src4[BENCH_NSRC * 4], src6[BENCH_NSRC * 16];
	uint8_t  msg4[BENCH_NSRC][BENCH_TAGLEN + 1 + 4];
	uint8_t  msg6[BENCH_NSRC][BENCH_TAGLEN + 1 + 16];
	uint32_t idx[BENCH_NSRC];
	uint64_t n;
	unsigned int runs;
	EVP_MD *md;
	EVP_MD_CTX *ctx;
};

static volatile uint64_t bench_sink;

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void bench_inputs(struct bench *b)
{
	uint64_t x = 0x5eed, r;
	size_t i, k;

	for (i = 0; i < BENCH_NSRC; i++) {
		r = cli_splitmix64(&x);
		for (k = 0; k < 4; k++)
			b->src4[i * 4 + k] = (uint8_t)(r >> (8 * k));
		for (k = 0; k < 16; k++) {
			if (k % 8 == 0)
				r = cli_splitmix64(&x);
			b->src6[i * 16 + k] = (uint8_t)(r >> (8 * (k % 8)));
		}
		memcpy(b->msg4[i], BENCH_TAG, BENCH_TAGLEN);
		b->msg4[i][BENCH_TAGLEN] = 4;
		memcpy(b->msg4[i] + BENCH_TAGLEN + 1, b->src4 + i * 4, 4);
		memcpy(b->msg6[i], BENCH_TAG, BENCH_TAGLEN);
		b->msg6[i][BENCH_TAGLEN] = 6;
		memcpy(b->msg6[i] + BENCH_TAGLEN + 1, b->src6 + i * 16, 16);
	}
}

/* fam BENCH_NAT64: IPv6 sources, snatpool_select_nat64() and its burst. */
#define BENCH_NAT64 (-64)

/*
 * One timed run of snatpool_select() or, with @nat64, snatpool_select_nat64()
 * of the IPv6 sources; ns per selection, < 0 on error.  Always inlined with a
 * constant @nat64, so that each timed loop is one direct call per iteration.
 */
static inline __attribute__((always_inline)) double
bench_select_loop(struct bench *b, int fam, bool nat64, uint32_t algo)
{
	const uint8_t *src = fam == AF_INET ? b->src4 : b->src6;
	size_t alen = fam == AF_INET ? 4 : 16;
	uint64_t i, acc = 0;
	uint32_t index;
	double t0, t1;

	t0 = bench_now();
	for (i = 0; i < b->n; i++) {
		const uint8_t *s = src + (i & (BENCH_NSRC - 1)) * alen;
		int rc = nat64 ? snatpool_select_nat64(b->pool, s, algo, &index, NULL) :
				 snatpool_select(b->pool, fam, s, algo, &index, NULL);

		if (rc < 0)
			return -1;
		acc += index;
	}
	t1 = bench_now();
	bench_sink += acc;
	return (t1 - t0) / (double)b->n;
}

static double bench_select_run(struct bench *b, int fam, uint32_t algo)
{
	if (fam == BENCH_NAT64)
		return bench_select_loop(b, fam, true, algo);
	return bench_select_loop(b, fam, false, algo);
}

static double bench_burst_run(struct bench *b, int fam, uint32_t algo)
{
	const uint8_t *src = fam == AF_INET ? b->src4 : b->src6;
	uint64_t i, rounds = (b->n + BENCH_NSRC - 1) / BENCH_NSRC, acc = 0;
	double t0, t1;

	t0 = bench_now();
	for (i = 0; i < rounds; i++) {
		int rc = fam == BENCH_NAT64 ?
			snatpool_select_nat64_burst(b->pool, b->src6, BENCH_NSRC, algo, b->idx) :
			snatpool_select_burst(b->pool, fam, src, BENCH_NSRC, algo, b->idx);

		if (rc != (int)BENCH_NSRC)
			return -1;
		acc += b->idx[i & (BENCH_NSRC - 1)];
	}
	t1 = bench_now();
	bench_sink += acc;
	return (t1 - t0) / (double)(rounds * BENCH_NSRC);
}

static double bench_evp_run(struct bench *b, int fam)
{
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int outlen;
	uint64_t i, acc = 0;
	double t0, t1;

	t0 = bench_now();
	for (i = 0; i < b->n; i++) {
		size_t k = i & (BENCH_NSRC - 1);
		const uint8_t *m = fam == AF_INET ? b->msg4[k] : b->msg6[k];
		size_t len = fam == AF_INET ? sizeof(b->msg4[k]) : sizeof(b->msg6[k]);

		if (!EVP_DigestInit_ex2(b->ctx, b->md, NULL) ||
		    !EVP_DigestUpdate(b->ctx, m, len) ||
		    !EVP_DigestFinal_ex(b->ctx, out, &outlen))
			return -1;
		acc += out[0];
	}
	t1 = bench_now();
	bench_sink += acc;
	return (t1 - t0) / (double)b->n;
}

enum bench_kind { BENCH_SELECT, BENCH_BURST };

/* Warm up once, then the best of b->runs runs; < 0 on error. */
static double bench_best(struct bench *b, enum bench_kind kind, int fam, uint32_t algo)
{
	double best = -1, t;
	unsigned int r;

	for (r = 0; r <= b->runs; r++) {
		switch (kind) {
		case BENCH_SELECT: t = bench_select_run(b, fam, algo); break;
		default:           t = bench_burst_run(b, fam, algo); break;
		}
		if (t < 0)
			return t;
		if (r > 0 && (best < 0 || t < best))
			best = t;
	}
	return best;
}

/*
 * xpf-userspace-v1 and its peer in alternating runs, so that both see the
 * same machine (frequency, neighbours) and the ratio means something.
 */
static void bench_pair(struct bench *b, int fam, double *user, double *evp)
{
	double t;
	unsigned int r;

	*user = *evp = -1;
	for (r = 0; r <= b->runs; r++) {
		t = bench_select_run(b, fam, SNATPOOL_ALGO_XPF_USERSPACE_V1);
		if (r > 0 && t >= 0 && (*user < 0 || t < *user))
			*user = t;
		t = bench_evp_run(b, fam);
		if (r > 0 && t >= 0 && (*evp < 0 || t < *evp))
			*evp = t;
	}
}

static void bench_print(const char *key, const char *name, const char *fam, double ns)
{
	if (ns < 0)
		printf("%s.%s.%s=error\n", key, name, fam);
	else
		printf("%s.%s.%s=%.1f\n", key, name, fam, ns);
	fflush(stdout);
}

static void bench_open(struct bench *b)
{
	struct cli_pool_args pa = { .spec = BENCH_POOL, .opt = "bench pool" };

	b->pool = cli_pool_open(&pa);
	b->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	b->ctx = EVP_MD_CTX_new();
	if (!b->md || !b->ctx)
		cli_fatal("OpenSSL: cannot set up SHA-256");
	bench_inputs(b);
}

static void bench_close(struct bench *b)
{
	EVP_MD_CTX_free(b->ctx);
	EVP_MD_free(b->md);
	snatpool_pool_free(b->pool);
}

static void bench_all(struct bench *b)
{
	static const char *const famname[2] = { "v4", "v6" };
	static const int fams[2] = { AF_INET, AF_INET6 };
	uint32_t ids[BENCH_ALGOS];
	double evp[2], user[2];
	int n, a, f;

	n = snatpool_algo_list(ids, BENCH_ALGOS);
	if (n < 0)
		cli_fatal("%s", snatpool_strerror(n));
	n = n > BENCH_ALGOS ? BENCH_ALGOS : n;
	printf("n=%llu\nruns=%u\n", (unsigned long long)b->n, b->runs);
	for (f = 0; f < 2; f++)
		bench_pair(b, fams[f], &user[f], &evp[f]);
	for (a = 0; a < n; a++) {
		const char *name = snatpool_algo_name(ids[a]);

		for (f = 0; f < 2; f++)
			bench_print("select_ns", name, famname[f],
				    ids[a] == SNATPOOL_ALGO_XPF_USERSPACE_V1 ? user[f] :
				    bench_best(b, BENCH_SELECT, fams[f], ids[a]));
		for (f = 0; f < 2; f++)
			bench_print("burst_ns", name, famname[f],
				    bench_best(b, BENCH_BURST, fams[f], ids[a]));
		if (snatpool_select_nat64(b->pool, b->src6, ids[a], NULL, NULL) ==
		    -SNATPOOL_ENONAT64)
			continue;	/* no NAT64 rule: no figure */
		bench_print("select_ns", name, "nat64",
			    bench_best(b, BENCH_SELECT, BENCH_NAT64, ids[a]));
		bench_print("burst_ns", name, "nat64",
			    bench_best(b, BENCH_BURST, BENCH_NAT64, ids[a]));
	}
	for (f = 0; f < 2; f++) {
		if (evp[f] < 0)
			printf("evp_sha256_ns.%s=error\n", famname[f]);
		else
			printf("evp_sha256_ns.%s=%.1f\n", famname[f], evp[f]);
	}
	for (f = 0; f < 2; f++)
		if (user[f] > 0 && evp[f] > 0)
			printf("ratio.xpf-userspace-v1.evp.%s=%.2f\n", famname[f],
			       user[f] / evp[f]);
	bench_portblock(b->n, b->runs);
}

int cmd_bench(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "n",    required_argument, NULL, 'n' },
		{ "runs", required_argument, NULL, 'r' },
		{ "help", no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench *b;
	uint64_t n = 1u << 17, runs = 7;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': n = cli_parse_count("--n", optarg, 1ull << 32); break;
		case 'r': runs = cli_parse_count("--runs", optarg, 1000); break;
		case 'h': fputs(bench_usage, stdout); return cli_finish_stdout(0);
		default:  cli_getopt_error(c, argv);
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	b = calloc(1, sizeof(*b));
	if (!b)
		cli_fatal("out of memory");
	b->n = n;
	b->runs = (unsigned int)runs;
	bench_open(b);
	bench_all(b);
	bench_close(b);
	free(b);
	return cli_finish_stdout(0);
}

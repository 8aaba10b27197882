/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_harness.h - the command line every userspace harness shares:
 *
 *   PROG --algo NAME --pool SPEC [--seed N] --in IN.pcap --out OUT.pcap
 *        [--bench] [--passthrough] [--handoff auto|meta|map]
 *
 * prints `packets=N translated=N errors=N` at the end, exits 0 on success
 * and non-zero with one line saying why on failure.  With --bench it also
 * prints ns_per_pkt.HARNESS.ALGO=, passthrough_ns_per_pkt.HARNESS=,
 * added_ns.HARNESS.ALGO= and cost.HARNESS.ALGO= (1 - translated pps /
 * pass-through pps).  --passthrough writes every frame unchanged.
 * --handoff is the AF_XDP harness's alone (how its XDP program hands its
 * choice over, harness/afxdp/README.md); the others refuse it.
 *
 * Deterministic NAT (port blocks, RFC 7422) instead of selection:
 *
 *   PROG --pbalgo NAME --pool SPEC --subscribers PREFIX [--block-size N]
 *        [--strict] --in IN.pcap --out OUT.pcap [--bench]
 *
 * translates each subscriber's source address and port into its block
 * (harness/pkt/snp_det.h), drops subscriber-family frames with no block and
 * prints `packets=N translated=N dropped=N errors=N`.
 *
 * Host code only (libc, libsnatpool): the pool spec is parsed and checked
 * by the library, once, before any packet is read.
 */
#ifndef SNP_HARNESS_H
#define SNP_HARNESS_H

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <snatpool.h>

#include "core/snp_dispatch.h"

struct snp_hargs {
	const char *algo_name;
	uint32_t    algo;
	const char *spec;
	uint64_t    seed;
	const char *in, *out;
	int         bench, passthrough;
	const char *handoff;	/* NULL unless --handoff was given */
	/* deterministic NAT: pbalgo_name set */
	const char *pbalgo_name;
	uint32_t    pbalgo;
	const char *subscribers;
	uint16_t    block_size;
	uint32_t    pbflags;
};

/* One line on stderr, then exit 2 (usage) or 1 (failure). */
static inline void __attribute__((noreturn, format(printf, 3, 4)))
snp_hdie(const char *prog, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static inline void snp_hargs_parse(int argc, char **argv, const char *prog,
			    struct snp_hargs *a)
{
	static const struct option longopts[] = {
		{ "algo",        required_argument, NULL, 'a' },
		{ "pool",        required_argument, NULL, 'p' },
		{ "seed",        required_argument, NULL, 's' },
		{ "in",          required_argument, NULL, 'i' },
		{ "out",         required_argument, NULL, 'o' },
		{ "bench",       no_argument,       NULL, 'b' },
		{ "passthrough", no_argument,       NULL, 'P' },
		{ "handoff",     required_argument, NULL, 'H' },
		{ "pbalgo",      required_argument, NULL, 'D' },
		{ "subscribers", required_argument, NULL, 'S' },
		{ "block-size",  required_argument, NULL, 'B' },
		{ "strict",      no_argument,       NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	char *endp;
	int c, id;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			id = snatpool_algo_by_name(optarg);
			if (id < 0)
				snp_hdie(prog, 2, "--algo %s: %s", optarg,
					 snatpool_strerror(id));
			a->algo = (uint32_t)id;
			a->algo_name = snatpool_algo_name(a->algo);
			break;
		case 'p': a->spec = optarg; break;
		case 's': {
			/* as the CLI: decimal, or hex after 0x; never octal */
			int hex = optarg[0] == '0' && (optarg[1] == 'x' || optarg[1] == 'X');
			const char *digits = optarg + (hex ? 2 : 0);

			errno = 0;
			a->seed = strtoull(digits, &endp, hex ? 16 : 10);
			if (errno || endp == digits || *endp ||
			    !(hex ? isxdigit((unsigned char)digits[0])
				  : isdigit((unsigned char)digits[0])))
				snp_hdie(prog, 2, "--seed %s: expected a decimal or 0x hex "
					 "number below 2^64", optarg);
			break;
		}
		case 'i': a->in = optarg; break;
		case 'o': a->out = optarg; break;
		case 'b': a->bench = 1; break;
		case 'P': a->passthrough = 1; break;
		case 'H':
			if (strcmp(optarg, "auto") && strcmp(optarg, "meta") &&
			    strcmp(optarg, "map"))
				snp_hdie(prog, 2, "--handoff %s: expected auto, meta "
					 "or map", optarg);
			a->handoff = optarg;
			break;
		case 'D':
			id = snatpool_pbalgo_by_name(optarg);
			if (id < 0)
				snp_hdie(prog, 2, "--pbalgo %s: %s", optarg,
					 snatpool_strerror(id));
			a->pbalgo = (uint32_t)id;
			a->pbalgo_name = snatpool_pbalgo_name(a->pbalgo);
			break;
		case 'S': a->subscribers = optarg; break;
		case 'B': {
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &endp, 10);
			if (errno || endp == optarg || *endp || v > 65535 ||
			    !isdigit((unsigned char)optarg[0]))
				snp_hdie(prog, 2, "--block-size %s: expected 0..65535", optarg);
			a->block_size = (uint16_t)v;
			break;
		}
		case 'T': a->pbflags |= SNATPOOL_PB_F_STRICT; break;
		default:
			snp_hdie(prog, 2, "bad option '%s'; usage: %s --algo NAME "
				 "--pool SPEC [--seed N] --in IN.pcap --out OUT.pcap "
				 "[--bench] [--passthrough] [--handoff auto|meta|map]",
				 argv[optind - 1], prog);
		}
	}
	if (optind < argc)
		snp_hdie(prog, 2, "unexpected argument '%s'", argv[optind]);
	if (a->pbalgo_name) {
		if (a->algo_name)
			snp_hdie(prog, 2, "--algo and --pbalgo exclude each other");
		if (!a->subscribers || !a->spec || !a->in || !a->out)
			snp_hdie(prog, 2, "--pbalgo needs --subscribers, --pool, --in and --out");
		a->algo_name = a->pbalgo_name;	/* the --bench keys name it */
		return;
	}
	if (a->subscribers || a->block_size || a->pbflags)
		snp_hdie(prog, 2, "--subscribers, --block-size and --strict need --pbalgo");
	if (!a->algo_name || !a->spec || !a->in || !a->out)
		snp_hdie(prog, 2, "--algo, --pool, --in and --out are required");
}

/* For the harnesses that have no XDP-to-user-space hand-off. */
static inline void snp_hargs_no_handoff(const char *prog, const struct snp_hargs *a)
{
	if (a->handoff)
		snp_hdie(prog, 2, "--handoff: only the AF_XDP harness hands a "
			 "choice over");
}

/*
 * Build the pool and make sure @a->algo can serve each family it holds
 * (linux-nf-persistent needs one ascending range), so that no packet can
 * fail later for a reason that is the configuration's.
 */
static inline struct snatpool *snp_hargs_pool(const char *prog, const struct snp_hargs *a)
{
	SNATPOOL_OPTS(snatpool_pool_opts, o, .seed = a->seed);
	static const uint8_t zero[16];
	struct snatpool_diag diag;
	struct snatpool *pool;
	int fam, err;

	err = snatpool_pool_from_spec(a->spec, &o, &pool, &diag);
	if (err)
		snp_hdie(prog, 1, "--pool '%s': %s: %s", a->spec, diag.token,
			 snatpool_strerror(err));
	for (fam = 0; fam < 2; fam++) {
		int af = fam ? AF_INET6 : AF_INET;

		if (!snatpool_pool_count(pool, af))
			continue;
		err = snatpool_select(pool, af, zero, a->algo, NULL, NULL);
		if (err)
			snp_hdie(prog, 1, "--algo %s with the IPv%d addresses of "
				 "--pool '%s': %s", a->algo_name, fam ? 6 : 4,
				 a->spec, snatpool_strerror(err));
	}
	return pool;
}

/*
 * The dataplane's view of @pool (core/snp_dispatch.h), from the public API
 * only, and each family's Maglev table in @table (NULL without addresses).
 * 0 or the library's negative error.
 */
static inline int snp_hview_load(const struct snatpool *pool, struct snp_view *v,
				 const uint16_t *table[2])
{
	static const uint8_t zero[16];
	int f, err;

	memset(v, 0, sizeof(*v));
	v->seed = snatpool_pool_seed(pool);
	for (f = 0; f < 2; f++) {
		struct snp_view_family *vf = &v->f[f];
		int af = f ? AF_INET6 : AF_INET;

		vf->fam = f ? SNP_FAM6 : SNP_FAM4;
		vf->alen = f ? 16 : 4;
		vf->n = (uint32_t)snatpool_pool_count(pool, af);
		table[f] = NULL;
		if (!vf->n)
			continue;
		/* one ascending range: what linux-nf-persistent accepts */
		vf->contiguous = snatpool_select(pool, af, zero, SNATPOOL_ALGO_LINUX_NF_PERSIST,
						 NULL, NULL) == 0;
		err = snatpool_maglev_table(pool, af, &table[f], &vf->msize);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Deterministic NAT: build the plan of @a over @pool with the public API
 * (the library checks the configuration once, naming a refused value), and
 * fill @g, the geometry the dataplane's core reads (a BPF map value for
 * XDP), from snatpool_portblock_info().  *@pb is the library's plan (the
 * reference path maps with it); the caller frees it.
 */
#ifdef SNP_DET_H
static inline void snp_hargs_portblock(const char *prog, const struct snp_hargs *a,
				       const struct snatpool *pool, struct snp_pb *g,
				       struct snatpool_portblock **pb)
{
	struct snatpool_portblock_opts o = { .sz = sizeof(o) };
	struct snatpool_portblock_info in = { .sz = sizeof(in) };
	struct snatpool_diag d;
	unsigned int plen;
	int err;

	err = snatpool_prefix_parse(a->subscribers, &o.family, o.base, &plen);
	if (err)
		snp_hdie(prog, 2, "--subscribers %s: %s", a->subscribers,
			 err == -SNATPOOL_EPREFIX ? "expected PREFIX/LEN" :
			 snatpool_strerror(err));
	o.prefix_len = (uint8_t)plen;
	if (a->pbalgo == SNATPOOL_PBALGO_SPREAD_V1) {	/* as snatpool portblock */
		unsigned w = o.family == AF_INET ? 32 : 64;

		if (o.prefix_len > w || w - o.prefix_len >= 32)
			snp_hdie(prog, 2, "--subscribers %s: too many subscribers", a->subscribers);
		o.count = 1u << (w - o.prefix_len);
		o.prefix_len = (uint8_t)w;
	}
	o.block_size = a->block_size;
	o.algo = a->pbalgo;
	o.flags = a->pbflags;
	memset(&d, 0, sizeof(d));
	err = snatpool_portblock_new_diag(pool, &o, pb, &d);
	if (err)
		snp_hdie(prog, 1, "--pbalgo %s --subscribers %s: %s: %s", a->pbalgo_name,
			 a->subscribers, d.token, snatpool_strerror(err));
	if (snatpool_portblock_info(*pb, &in))
		snp_hdie(prog, 1, "snatpool_portblock_info failed");
	memset(g, 0, sizeof(*g));
	g->algo = in.algo;
	g->fam = in.family == AF_INET ? SNP_FAM4 : SNP_FAM6;
	g->plen = in.prefix_len;
	g->flags = (snp_u8)in.flags;
	g->n = in.addrs;
	g->count = in.count;
	g->bpa = in.blocks;
	g->size = in.block_size;
	g->port_lo = in.port_lo;
	snp_dispatch_block_base(g, in.base);
}
#endif

/*
 * The counts line every harness ends with (see the top of this file), in
 * one place: tests/harness/check_pcaps.py and check_det.py read it.
 * Deterministic NAT (@det) adds dropped=N.
 */
static inline void snp_hcounts(int det, unsigned long long packets,
			       unsigned long long translated, unsigned long long dropped,
			       unsigned long long errors)
{
	if (det)
		printf("packets=%llu translated=%llu dropped=%llu errors=%llu\n", packets,
		       translated, dropped, errors);
	else
		printf("packets=%llu translated=%llu errors=%llu\n", packets, translated,
		       errors);
}

static inline double snp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/*
 * Best ns per packet of @fn over @npkts packets per call, translating
 * (mode 1) and passing unchanged (mode 0).  Samples are short (about 1 ms)
 * and alternate between the modes, so that both see the same machine, and
 * the best of many is kept: on a shared machine most samples are
 * interrupted, the best ones are not.  About SNP_BENCH_NS in all.
 */
#define SNP_BENCH_NS      1.5e9
#define SNP_BENCH_SAMPLE  1e6
#define SNP_BENCH_MAXSAMP 2000

static inline void snp_bench_pair(void (*fn)(void *ctx, int mode), void *ctx,
				  size_t npkts, double *tr_ns, double *pt_ns)
{
	double best[2] = { 1e300, 1e300 }, t, t0;
	unsigned long reps, k;
	int s, mode;

	fn(ctx, 1);			/* warm up, and size the samples */
	fn(ctx, 0);
	t = snp_now_ns();
	fn(ctx, 1);
	t = snp_now_ns() - t;
	reps = t > 0 ? (unsigned long)(SNP_BENCH_SAMPLE / t) : 1000;
	if (reps < 1)
		reps = 1;
	t0 = snp_now_ns();
	for (s = 0; s < SNP_BENCH_MAXSAMP && snp_now_ns() - t0 < SNP_BENCH_NS; s++) {
		for (mode = 1; mode >= 0; mode--) {
			t = snp_now_ns();
			for (k = 0; k < reps; k++)
				fn(ctx, mode);
			t = (snp_now_ns() - t) / ((double)reps * (double)npkts);
			if (t < best[mode])
				best[mode] = t;
		}
	}
	*tr_ns = best[1];
	*pt_ns = best[0];
}

/* The --bench lines: the translated and pass-through ns per packet. */
static inline void snp_bench_print(const char *harness, const char *algo,
			    double tr_ns, double pt_ns)
{
	printf("ns_per_pkt.%s.%s=%.2f\n", harness, algo, tr_ns);
	printf("passthrough_ns_per_pkt.%s=%.2f\n", harness, pt_ns);
	printf("added_ns.%s.%s=%.2f\n", harness, algo, tr_ns - pt_ns);
	/* translated pps / pass-through pps = pt_ns / tr_ns */
	printf("cost.%s.%s=%.4f\n", harness, algo, tr_ns > 0 ? 1.0 - pt_ns / tr_ns : 0.0);
}

#endif /* SNP_HARNESS_H */

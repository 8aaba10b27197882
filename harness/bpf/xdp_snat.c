/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * xdp_snat.c - the eBPF/XDP dataplane harness: every frame of IN.pcap runs
 * through the XDP program snat_xdp (snat.bpf.c) with BPF_PROG_TEST_RUN and
 * what the program returns is written to OUT.pcap, in input order.
 *
 *   xdp_snat --algo NAME --pool SPEC [--seed N] --in IN.pcap --out OUT.pcap
 *            [--bench] [--passthrough]
 *
 * Each frame is also translated in user space with snatpool_select() and
 * the same parser/rewrite (harness/pkt/snp_pkt.h); the run fails if the program and
 * the library disagree on any frame (choice, verdict or output octets).
 * --passthrough runs the program's pass-through path (frames unchanged).
 * --bench times the program with test_run's repeat, translating and
 * passing through, and prints key=value lines.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "snat_loader.h"
#include "snp_harness.h"
#include "snp_pkt.h"
#include "snat.skel.h"

#define MAX_FRAME 4096
/*
 * The longest frame test_run puts in one linear buffer: a page less
 * XDP_PACKET_HEADROOM (256) and the aligned skb_shared_info (320).  The
 * kernel takes longer ones, but the program would see only this much.
 */
#define TEST_RUN_MAX 3520
#define MAX_REPORT 5

struct run_stats {
	size_t packets, translated, errors, mismatches, too_long;
	size_t by_status[SNAT_STATUS_MAX];
};

/* One test run; returns 0 with the output in @out/@outlen, or -errno. */
static int test_run(int prog_fd, const uint8_t *in, uint32_t len, uint8_t *out,
		    uint32_t *outlen, uint32_t *retval, uint32_t repeat,
		    uint32_t *duration)
{
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = in, .data_size_in = len,
		.data_out = out, .data_size_out = MAX_FRAME,
		.repeat = repeat);
	int err = bpf_prog_test_run_opts(prog_fd, &o);

	if (err)
		return err;
	*outlen = o.data_size_out;
	*retval = o.retval;
	if (duration)
		*duration = o.duration;
	return 0;
}

static void mismatch(struct run_stats *st, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void mismatch(struct run_stats *st, size_t i, const char *fmt, ...)
{
	va_list ap;

	if (st->mismatches++ >= MAX_REPORT)
		return;
	fprintf(stderr, "%s: frame %zu: ", snat_prog, i + 1);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Translate every frame in place through the program, checking each. */
static void translate_all(struct snat_bpf *skel, const struct snatpool *pool,
			  const struct snp_hargs *a, struct snat_frames *fr,
			  struct run_stats *st)
{
	int fd = bpf_program__fd(skel->progs.snat_xdp);
	uint8_t *out = malloc(MAX_FRAME), *ref = malloc(MAX_FRAME);
	size_t i;

	if (!out || !ref)
		snat_die("out of memory");
	for (i = 0; i < fr->n; i++) {
		struct snat_frame *f = &fr->f[i];
		uint32_t outlen, ret, bpf_st, bpf_idx, ref_idx = 0;
		int ref_st, err;

		st->packets++;
		if (a->passthrough && (f->caplen < 14 || f->caplen > TEST_RUN_MAX))
			continue;	/* written unchanged, as asked */
		if (f->caplen < 14) {	/* test_run wants an Ethernet header */
			st->errors++;
			st->by_status[SNP_PKT_ETRUNC]++;
			continue;
		}
		if (f->caplen > TEST_RUN_MAX) {
			st->errors++;
			st->too_long++;
			continue;
		}
		skel->bss->snat_last.status = SNAT_STATUS_MAX;
		err = test_run(fd, f->data, f->caplen, out, &outlen, &ret, 1, NULL);
		if (err)
			snat_die("BPF_PROG_TEST_RUN on frame %zu (%u octets): %s",
				 i + 1, f->caplen, strerror(-err));
		bpf_st = skel->bss->snat_last.status;
		bpf_idx = skel->bss->snat_last.index;
		if (outlen != f->caplen)
			snat_die("frame %zu: the program changed the length %u -> %u",
				 i + 1, f->caplen, outlen);
		if (a->passthrough) {
			if (ret != XDP_TX || bpf_st != SNAT_PASSTHROUGH ||
			    memcmp(out, f->data, outlen))
				mismatch(st, i, "pass-through changed the frame");
			continue;
		}
		memcpy(ref, f->data, f->caplen);
		ref_st = snat_ref_translate(pool, a->algo, ref, f->caplen, &ref_idx);
		if ((uint32_t)ref_st != bpf_st)
			mismatch(st, i, "BPF says '%s', the library '%s'",
				 snat_status_str(bpf_st), snat_status_str(ref_st));
		else if (ref_st == SNAT_OK && ref_idx != bpf_idx)
			mismatch(st, i, "BPF chose index %u, the library %u",
				 bpf_idx, ref_idx);
		else if (memcmp(out, ref, outlen))
			mismatch(st, i, "output octets differ from the library's rewrite");
		else if ((ret == XDP_TX) != (bpf_st == SNAT_OK))
			mismatch(st, i, "verdict %u with status '%s'", ret,
				 snat_status_str(bpf_st));
		if (bpf_st < SNAT_STATUS_MAX)
			st->by_status[bpf_st]++;
		if (bpf_st == SNAT_OK) {
			st->translated++;
			memcpy(f->data, out, outlen);
		} else {
			st->errors++;
		}
	}
	free(out);
	free(ref);
}

/*
 * Mean ns per run of the program over (at most 2000 of) the frames, each
 * frame repeated so that a round is about 4e5 runs; best of 3 rounds.
 */
static double bench_ns(int fd, const struct snat_frames *fr)
{
	size_t n = fr->n < 2000 ? fr->n : 2000, i, used;
	uint32_t repeat = (uint32_t)(200000 / (n ? n : 1));
	uint8_t *out = malloc(MAX_FRAME);
	double best = 0;
	int round;

	if (repeat < 100)
		repeat = 100;
	if (!out)
		snat_die("out of memory");
	for (round = 0; round < 3; round++) {
		double sum = 0;

		used = 0;
		for (i = 0; i < n; i++) {
			const struct snat_frame *f = &fr->f[i];
			uint32_t outlen, ret, dur;
			int err;

			if (f->caplen < 14 || f->caplen > TEST_RUN_MAX)
				continue;
			err = test_run(fd, f->data, f->caplen, out, &outlen, &ret,
				       repeat, &dur);
			if (err)
				snat_die("BPF_PROG_TEST_RUN (bench): %s", strerror(-err));
			sum += dur;
			used++;
		}
		if (!used)
			snat_die("--bench: no frame the program can run on");
		sum /= (double)used;
		if (round == 0 || sum < best)
			best = sum;
	}
	free(out);
	return best;
}

static void bench(struct snat_bpf *skel, const struct snp_hargs *a,
		  const struct snat_frames *in)
{
	int fd = bpf_program__fd(skel->progs.snat_xdp);
	double t, p;

	snat_bpf_set_flags(skel, 0);
	t = bench_ns(fd, in);
	snat_bpf_set_flags(skel, SNAT_F_PASSTHROUGH);
	p = bench_ns(fd, in);
	/* a second translating pass, so that neither side owns the warm-up */
	snat_bpf_set_flags(skel, 0);
	{
		double t2 = bench_ns(fd, in);

		if (t2 < t)
			t = t2;
	}
	printf("ns_per_pkt.xdp.%s=%.1f\n", a->algo_name, t);
	printf("passthrough_ns_per_pkt.xdp=%.1f\n", p);
	printf("added_ns.xdp.%s=%.1f\n", a->algo_name, t - p);
	printf("cost.xdp.%s=%.3f\n", a->algo_name, t > 0 ? 1.0 - p / t : 0.0);
	snat_bpf_print_prog_stats(skel, "xdp", "snat_xdp");
}

int main(int argc, char **argv)
{
	struct snat_frames fr, orig;
	struct run_stats st;
	struct snp_hargs a;
	struct snatpool *pool;
	struct snat_bpf *skel;
	size_t i, s;

	snat_prog = "xdp_snat";
	snp_hargs_parse(argc, argv, snat_prog, &a);
	pool = snp_hargs_pool(snat_prog, &a);
	snat_pcap_read(a.in, &fr);
	skel = snat_bpf_load(pool, a.algo, a.passthrough ? SNAT_F_PASSTHROUGH : 0);

	/* keep the input for the bench: translate_all rewrites in place */
	orig.n = fr.n;
	orig.f = calloc(fr.n ? fr.n : 1, sizeof(*orig.f));
	if (!orig.f)
		snat_die("out of memory");
	for (i = 0; i < fr.n; i++) {
		orig.f[i] = fr.f[i];
		orig.f[i].data = malloc(fr.f[i].caplen ? fr.f[i].caplen : 1);
		if (!orig.f[i].data)
			snat_die("out of memory");
		memcpy(orig.f[i].data, fr.f[i].data, fr.f[i].caplen);
	}

	memset(&st, 0, sizeof(st));
	translate_all(skel, pool, &a, &fr, &st);
	if (st.mismatches)
		snat_die("the XDP program and libsnatpool disagree on %zu of %zu frames",
			 st.mismatches, st.packets);
	snat_pcap_write(a.out, &fr);
	for (s = 1; s < SNAT_STATUS_MAX; s++)
		if (st.by_status[s] && s != SNAT_PASSTHROUGH)
			fprintf(stderr, "%s: %zu frames left unchanged: %s\n",
				snat_prog, st.by_status[s], snat_status_str((uint32_t)s));
	if (st.too_long)
		fprintf(stderr, "%s: %zu frames left unchanged: longer than %d octets "
			"(BPF_PROG_TEST_RUN's limit)\n", snat_prog, st.too_long,
			TEST_RUN_MAX);
	if (a.bench)
		bench(skel, &a, &orig);
	printf("packets=%zu translated=%zu errors=%zu\n", st.packets,
	       st.translated, st.errors);
	snat_bpf__destroy(skel);
	snat_frames_free(&orig);
	snat_frames_free(&fr);
	snatpool_pool_free(pool);
	return 0;
}

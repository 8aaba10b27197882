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
 * With --pbalgo (deterministic NAT, snp_harness.h) the frames run through
 * snat_det instead, each checked against the library's
 * snatpool_portblock_map(); XDP_DROP frames are left out of OUT.pcap and the
 * counts line gains dropped=N.
 * --bench times the program with test_run's repeat, translating and
 * passing through, and prints key=value lines.
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "snat_loader.h"
#include "snp_det.h"
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

/*
 * Frame @i once through program @fd, the output in @out (MAX_FRAME octets);
 * returns the verdict.  snat_last.status starts as SNAT_STATUS_MAX, so a
 * run that does not set it shows.
 */
static uint32_t run_frame(struct snat_bpf *skel, int fd, const struct snat_frame *f,
			  size_t i, uint8_t *out, uint32_t *outlen)
{
	uint32_t ret;
	int err;

	skel->bss->snat_last.status = SNAT_STATUS_MAX;
	err = test_run(fd, f->data, f->caplen, out, outlen, &ret, 1, NULL);
	if (err)
		snat_die("BPF_PROG_TEST_RUN on frame %zu (%u octets): %s",
			 i + 1, f->caplen, strerror(-err));
	return ret;
}

/* Translate every frame in place through the program, checking each. */
static void translate_all(struct snat_bpf *skel, const struct snatpool *pool,
			  const struct snp_hargs *a, struct snat_frames *fr,
			  struct run_stats *st)
{
	int fd = bpf_program__fd(skel->progs.snat_xdp);
	uint8_t out[MAX_FRAME], ref[MAX_FRAME];
	size_t i;

	for (i = 0; i < fr->n; i++) {
		struct snat_frame *f = &fr->f[i];
		uint32_t outlen, ret, bpf_st, bpf_idx, ref_idx = 0;
		int ref_st;

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
		ret = run_frame(skel, fd, f, i, out, &outlen);
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
}

/*
 * Deterministic NAT: every frame through snat_det, checked against the
 * library's plan @pb (address, block, port = block start + sport mod size,
 * the same parser and rewrite); dropped frames get caplen 0.
 */
static void translate_det_all(struct snat_bpf *skel, const struct snatpool_portblock *pb,
			      int subfam, struct snat_frames *fr, struct run_stats *st,
			      size_t *dropped)
{
	int fd = bpf_program__fd(skel->progs.snat_det);
	uint8_t out[MAX_FRAME], ref[MAX_FRAME];
	size_t i;

	for (i = 0; i < fr->n; i++) {
		struct snat_frame *f = &fr->f[i];
		uint32_t outlen, ret, want;
		struct snp_pkt p;
		uint8_t x[16];
		uint16_t lo, hi;

		st->packets++;
		if (f->caplen < 14 || f->caplen > TEST_RUN_MAX) {
			st->errors++;
			continue;
		}
		ret = run_frame(skel, fd, f, i, out, &outlen);
		/* the library's answer for the same frame */
		memcpy(ref, f->data, f->caplen);
		want = XDP_PASS;
		if (!snp_pkt_parse(ref, ref + f->caplen, &p) &&
		    (p.fam == SNP_FAM6) == (subfam == AF_INET6)) {
			want = XDP_DROP;
			if (p.sport && snatpool_portblock_map(pb, p.saddr, NULL, x, &lo, &hi) >= 0) {
				struct snp_pb_slot s = { .port_lo = lo, .port_hi = hi };

				snp_det_apply(&p, x, (uint16_t)snp_pb_port_stateless(&s,
						snp_load_be16(p.sport)));
				want = XDP_TX;
			}
		}
		if (ret != want)
			mismatch(st, i, "BPF verdict %u ('%s'), the library's %u", ret,
				 snat_status_str(skel->bss->snat_last.status), want);
		else if (ret == XDP_TX && (outlen != f->caplen || memcmp(out, ref, outlen)))
			mismatch(st, i, "output octets differ from the library's rewrite");
		if (ret == XDP_TX) {
			st->translated++;
			memcpy(f->data, out, f->caplen);
		} else if (ret == XDP_DROP) {
			(*dropped)++;
			f->caplen = 0;
		} else {
			st->errors++;
		}
	}
}

/*
 * Mean ns per run of the program over (at most 2000 of) the frames, each
 * frame repeated so that a round is about 2e5 runs, translating (@ns[1])
 * and passing through (@ns[0]).  Rounds alternate between the two modes,
 * and each frame keeps its best time of BENCH_ROUNDS per mode: on a shared
 * machine a round is now and then preempted or slowed down, and taking the
 * best of whole rounds (as before) let one such round of each mode decide.
 */
#define BENCH_ROUNDS 15

static void bench_ns(struct snat_bpf *skel, const struct snat_frames *fr,
		     double ns[2])
{
	int fd = bpf_program__fd(skel->progs.snat_xdp);
	size_t n = fr->n < 2000 ? fr->n : 2000, i, used = 0;
	uint32_t repeat = (uint32_t)(200000 / (n ? n : 1));
	uint8_t out[MAX_FRAME];
	uint32_t *best[2];
	int round, k, mode;

	if (repeat < 100)
		repeat = 100;
	best[0] = malloc(n * sizeof(uint32_t));
	best[1] = malloc(n * sizeof(uint32_t));
	if (!best[0] || !best[1])
		snat_die("out of memory");
	for (i = 0; i < n; i++)
		best[0][i] = best[1][i] = UINT32_MAX;
	for (round = 0; round < BENCH_ROUNDS + 1; round++) {
		for (k = 0; k < 2; k++) {
			mode = (round + k) & 1;
			snat_bpf_set_flags(skel, mode ? 0 : SNAT_F_PASSTHROUGH);
			for (i = 0; i < n; i++) {
				const struct snat_frame *f = &fr->f[i];
				uint32_t outlen, ret, dur;
				int err;

				if (f->caplen < 14 || f->caplen > TEST_RUN_MAX)
					continue;
				err = test_run(fd, f->data, f->caplen, out, &outlen,
					       &ret, repeat, &dur);
				if (err)
					snat_die("BPF_PROG_TEST_RUN (bench): %s",
						 strerror(-err));
				/* round 0 warms up */
				if (round && dur < best[mode][i])
					best[mode][i] = dur;
			}
		}
	}
	for (mode = 0; mode < 2; mode++) {
		double sum = 0;

		used = 0;
		for (i = 0; i < n; i++) {
			if (best[mode][i] == UINT32_MAX)
				continue;
			sum += best[mode][i];
			used++;
		}
		if (!used)
			snat_die("--bench: no frame the program can run on");
		ns[mode] = sum / (double)used;
	}
	free(best[0]);
	free(best[1]);
}

/*
 * Keep snat_xdp in the kernel's XDP dispatcher for the bench.  test_run
 * with repeat > 1 adds an unattached program to the dispatcher and takes it
 * out again on every call (bpf_prog_change_xdp(): two text_pokes with IPIs
 * and an expedited RCU grace period, 1-2 ms a call here, most of the
 * bench's wall time), and in a VM the exits that costs leave the caches
 * cold for the first runs of every call: an artefact that charged Maglev's
 * table reads about 10 ns a packet.  A program attached to an interface
 * stays in the dispatcher, as a dataplane's does, and test_run then leaves
 * the dispatcher alone.  It is attached in generic mode to the loopback of
 * a network namespace of this process's own, which sees no traffic and
 * goes away when the process exits.
 */
static void bench_attach(int fd)
{
	int err;

	if (unshare(CLONE_NEWNET))
		snat_die("--bench: unshare(CLONE_NEWNET): %s (needs root)", strerror(errno));
	err = bpf_xdp_attach(1, fd, XDP_FLAGS_SKB_MODE, NULL);	/* lo is ifindex 1 */
	if (err)
		snat_die("--bench: attaching snat_xdp to a private lo: %s", strerror(-err));
}

static void bench(struct snat_bpf *skel, const struct snp_hargs *a,
		  const struct snat_frames *in)
{
	int fd = bpf_program__fd(skel->progs.snat_xdp);
	double t, p, ns[2];

	bench_attach(fd);
	bench_ns(skel, in, ns);
	t = ns[1];
	p = ns[0];
	printf("ns_per_pkt.xdp.%s=%.1f\n", a->algo_name, t);
	printf("passthrough_ns_per_pkt.xdp=%.1f\n", p);
	printf("added_ns.xdp.%s=%.1f\n", a->algo_name, t - p);
	printf("cost.xdp.%s=%.3f\n", a->algo_name, t > 0 ? 1.0 - p / t : 0.0);
	snat_bpf_print_prog_stats(skel, "xdp");
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
	snp_hargs_no_handoff(snat_prog, &a);
	pool = snp_hargs_pool(snat_prog, &a);
	snat_pcap_read(a.in, &fr);
	if (a.pbalgo_name) {
		struct snatpool_portblock *pb;
		struct snp_pb g;
		size_t dropped = 0, j = 0;

		if (a.bench || a.passthrough)
			snat_die("--bench and --passthrough: not with --pbalgo");
		snp_hargs_portblock(snat_prog, &a, pool, &g, &pb);
		skel = snat_bpf_load(pool, snatpool_pool_default_algo(pool), 0, SNAT_PROG_DET);
		snat_bpf_set_pb(skel, &g, sizeof(g));
		memset(&st, 0, sizeof(st));
		translate_det_all(skel, pb, g.fam == SNP_FAM6 ? AF_INET6 : AF_INET, &fr, &st,
				  &dropped);
		if (st.mismatches)
			snat_die("snat_det and libsnatpool disagree on %zu of %zu frames",
				 st.mismatches, st.packets);
		for (i = 0; i < fr.n; i++) {	/* fail closed: drops are not sent on */
			if (fr.f[i].caplen)
				fr.f[j++] = fr.f[i];
			else
				free(fr.f[i].data);
		}
		fr.n = j;
		snat_pcap_write(a.out, &fr);
		snp_hcounts(1, st.packets, st.translated, dropped, st.errors);
		snat_bpf__destroy(skel);
		snatpool_portblock_free(pb);
		snat_frames_free(&fr);
		snatpool_pool_free(pool);
		return 0;
	}
	skel = snat_bpf_load(pool, a.algo, a.passthrough ? SNAT_F_PASSTHROUGH : 0,
			     SNAT_PROG_XDP);

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
	snp_hcounts(0, st.packets, st.translated, 0, st.errors);
	snat_bpf__destroy(skel);
	snat_frames_free(&orig);
	snat_frames_free(&fr);
	snatpool_pool_free(pool);
	return 0;
}

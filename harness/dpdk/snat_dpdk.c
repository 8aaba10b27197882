/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snat_dpdk.c - the DPDK dataplane harness: a DPDK 22.11 program that reads
 * a capture through the net_pcap PMD, rewrites each frame's source address
 * to the pool address the algorithm picks, and transmits the frames, in
 * order, into the output capture.
 *
 *   snat_dpdk --algo NAME --pool SPEC [--seed N] --in IN.pcap --out OUT.pcap
 *             [--bench] [--passthrough]
 *
 * It starts EAL itself, without hugepages or PCI:
 *   --no-huge --no-pci -m 256 -l CPU --no-shconf --no-telemetry
 *   --file-prefix snpPID --log-level=error
 *   --vdev net_pcap0,rx_pcap=IN.pcap,tx_pcap=OUT.pcap
 * (SNP_DPDK_PREFIX overrides the file prefix, so that a caller can remove
 * /var/run/dpdk/PREFIX after a kill; the program removes it on exit.)
 *
 * The selection is the library's own code: the freestanding cores of
 * lib/core are compiled in, and the library builds the pool and the Maglev
 * table, which is copied into DPDK memory (rte_malloc) once at start.  Per
 * packet there is no library call, no lock and no allocation.
 *
 * The pcap PMD returns 0 forever at end of file: the capture's frames are
 * counted first and the loop stops when all came back (or after an idle
 * second, which is an error).
 *
 * With --pbalgo (deterministic NAT, snp_harness.h) each burst goes through
 * the port-block core (harness/pkt/snp_det.h, as xpf's DPDK dataplane):
 * subscribers' address and port into their block, IPv6 subscribers (xpf's
 * NAT64 mode) as 64:ff9b::A.B.C.D; a subscriber-family frame with no block is
 * freed, never transmitted (xpf's DPDK path sends such traffic out
 * untranslated; this one fails closed), and the counts line gains
 * dropped=N.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "core/snp_dispatch.h"
#include "snp_det.h"
#include "snp_harness.h"

#define PROG "snat_dpdk"
#define BURST 32
#define NB_MBUF 8191
#define MBUF_CACHE 256
#define IDLE_NS 1e9		/* after the last frame */
#define FIRST_NS 5e9		/* before the first one */

/*
 * The pool as the dataplane holds it: the view every dataplane shares
 * (core/snp_dispatch.h) and, in DPDK memory, each family's addresses in
 * configured order and its Maglev table (view.f[i].msize entries).
 */
struct dp {
	uint32_t algo;
	struct snp_view view;
	uint8_t *addrs[2];	/* [0] IPv4, [1] IPv6 */
	uint16_t *maglev[2];
	uint64_t translated, errors;
};

/*
 * Rewrite @p's source to address @idx of family @f; a NAT64 frame (f is
 * then IPv4) gets it as 64:ff9b::A.B.C.D (harness/pkt/snp_pkt.h).
 */
static __rte_always_inline void
dp_rewrite(const struct dp *dp, struct snp_pkt *p, uint32_t f, uint32_t idx)
{
	const uint8_t *a = dp->addrs[f] + (size_t)idx * dp->view.f[f].alen;
	uint8_t naddr[16];

	if (unlikely(p->nat64)) {
		snp_pkt_nat64_addr(naddr, a);
		a = naddr;
	}
	snp_pkt_rewrite(p, a);
}

/*
 * The burst loop, specialised per algorithm by the constant @algo (the
 * dispatch's switch folds away).  An address index is used at once; a
 * Maglev slot is prefetched and its packet put aside, and the put-aside
 * ones are looked up and rewritten after the loop, so that the misses of a
 * table of 512 KiB overlap instead of stalling a packet each.  With an
 * algorithm that never answers a slot the put-aside path is dead code.
 */
static __rte_always_inline void
dp_burst_algo(struct dp *dp, struct rte_mbuf **pkts, uint16_t n, const uint32_t algo)
{
	struct snp_pkt p[BURST];
	uint32_t v[BURST], fs[BURST];
	uint64_t ok = 0, bad = 0;
	uint16_t i, nd = 0;

	for (i = 0; i < n; i++) {
		uint8_t *data = rte_pktmbuf_mtod(pkts[i], uint8_t *);
		struct snp_pkt *pp = &p[nd];
		uint32_t f;
		int kind;

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		if (snp_pkt_parse(data, data + rte_pktmbuf_data_len(pkts[i]), pp)) {
			bad++;
			continue;
		}
		if (unlikely(pp->nat64)) {
			/* IPv6 to 64:ff9b::/96: the IPv4 NAT64 choice (dp_nat64_addr) */
			f = 0;
			kind = snp_dispatch_nat64(algo, &dp->view.f[0], dp->view.seed,
						  pp->saddr, &v[nd]);
		} else {
			f = pp->fam == SNP_FAM6;
			kind = snp_dispatch(algo, &dp->view.f[f], dp->view.seed, pp->saddr,
					    &v[nd]);
		}
		if (kind == SNP_PICK_INDEX) {
			dp_rewrite(dp, pp, f, v[nd]);
			ok++;
		} else if (kind == SNP_PICK_SLOT) {
			rte_prefetch0(&dp->maglev[f][v[nd]]);
			fs[nd++] = f;
		} else {
			bad++;		/* fail closed: no family, not a range, no NAT64 rule */
		}
	}
	for (i = 0; i < nd; i++) {
		dp_rewrite(dp, &p[i], fs[i], dp->maglev[fs[i]][v[i]]);
		ok++;
	}
	dp->translated += ok;
	dp->errors += bad;
}

/* @n <= BURST.  One specialisation per registered ID; any other fails closed. */
static void dp_burst(struct dp *dp, struct rte_mbuf **pkts, uint16_t n)
{
	switch (dp->algo) {
#define DP_CASE(id, name) case id: dp_burst_algo(dp, pkts, n, id); break;
	SNP_ALGO_LIST(DP_CASE)
#undef DP_CASE
	default:
		dp->errors += n;
	}
}

/*
 * Deterministic NAT: the geometry, in DPDK memory, and the pool's IPv4
 * addresses (the family the plan hands out): dp_load()'s copy, not a second.
 */
struct dp_det {
	struct snp_pb *g;
	const uint8_t *addrs4;	/* g->n * 4 octets, configured order */
	uint64_t translated, dropped, errors;
};

/*
 * One burst through the port-block core; frames to drop are freed and the
 * rest packed to the front of @pkts, in order.  Returns how many remain.
 */
static uint16_t dp_burst_det(struct dp_det *d, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i, out = 0;

	for (i = 0; i < n; i++) {
		uint8_t *data = rte_pktmbuf_mtod(pkts[i], uint8_t *);
		struct snp_pb_slot s;
		struct snp_pkt p;
		uint16_t nport;

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		if (snp_pkt_parse(data, data + rte_pktmbuf_data_len(pkts[i]), &p)) {
			d->errors++;
			pkts[out++] = pkts[i];
			continue;
		}
		switch (snp_det_pick(d->g, &p, &s, &nport)) {
		case SNP_DET_XLAT:
			snp_det_apply(&p, d->addrs4 + (size_t)s.xindex * 4, nport);
			d->translated++;
			pkts[out++] = pkts[i];
			break;
		case SNP_DET_DROP:
			d->dropped++;
			rte_pktmbuf_free(pkts[i]);
			break;
		default:
			d->errors++;
			pkts[out++] = pkts[i];
		}
	}
	return out;
}

/* Pass a burst on unchanged: the loop a forwarding harness has anyway. */
static uint32_t dp_pass(struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t sink = 0;
	uint16_t i;

	for (i = 0; i < n; i++)
		sink += rte_pktmbuf_mtod(pkts[i], uint8_t *)[12];
	return sink;
}

/* Copy the pool and its Maglev tables into DPDK memory. */
static void dp_load(struct dp *dp, const struct snatpool *pool, uint32_t algo)
{
	const uint16_t *t[2];
	int i, err;

	memset(dp, 0, sizeof(*dp));
	dp->algo = algo;
	err = snp_hview_load(pool, &dp->view, t);
	if (err)
		snp_hdie(PROG, 1, "the pool's view: %s", snatpool_strerror(err));
	for (i = 0; i < 2; i++) {
		const struct snp_view_family *f = &dp->view.f[i];
		int af = i ? AF_INET6 : AF_INET;
		uint32_t k;

		if (!f->n)
			continue;
		dp->addrs[i] = rte_zmalloc("snp_addrs", (size_t)f->n * f->alen,
					   RTE_CACHE_LINE_SIZE);
		if (!dp->addrs[i])
			snp_hdie(PROG, 1, "rte_zmalloc of %u addresses failed", f->n);
		for (k = 0; k < f->n; k++)
			if (snatpool_pool_addr(pool, af, k, dp->addrs[i] + (size_t)k * f->alen))
				snp_hdie(PROG, 1, "snatpool_pool_addr(%u) failed", k);
		dp->maglev[i] = rte_malloc("snp_maglev", (size_t)f->msize * sizeof(*t[i]),
					   RTE_CACHE_LINE_SIZE);
		if (!dp->maglev[i])
			snp_hdie(PROG, 1, "rte_malloc of a %u-entry Maglev table failed",
				 f->msize);
		rte_memcpy(dp->maglev[i], t[i], (size_t)f->msize * sizeof(*t[i]));
	}
}

static void dp_unload(struct dp *dp)
{
	int i;

	for (i = 0; i < 2; i++) {
		rte_free(dp->addrs[i]);
		rte_free(dp->maglev[i]);
	}
}

/* Count the records of a pcap file (either byte order, us or ns) and
 * their captured octets. */
static uint64_t pcap_count(const char *path, uint64_t *octets)
{
	uint8_t gh[24], rh[16];
	uint64_t n = 0;
	uint32_t magic, len;
	int swap;
	FILE *f = fopen(path, "rb");

	if (!f)
		snp_hdie(PROG, 1, "--in %s: %s", path, strerror(errno));
	if (fread(gh, 1, 24, f) != 24)
		snp_hdie(PROG, 1, "--in %s: not a pcap file (short header)", path);
	magic = (uint32_t)gh[0] | (uint32_t)gh[1] << 8 | (uint32_t)gh[2] << 16 |
		(uint32_t)gh[3] << 24;
	if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du)
		swap = 0;
	else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u)
		swap = 1;
	else
		snp_hdie(PROG, 1, "--in %s: not a pcap file (magic %08x)", path, magic);
	if ((swap ? gh[20] << 24 | gh[21] << 16 | gh[22] << 8 | gh[23]
		  : gh[20] | gh[21] << 8 | gh[22] << 16 | gh[23] << 24) != 1)
		snp_hdie(PROG, 1, "--in %s: link type is not Ethernet", path);
	while (fread(rh, 1, 16, f) == 16) {
		len = swap ? snp_load_be32(rh + 8) : snp_load_le32(rh + 8);
		*octets += len;
		if (fseek(f, len, SEEK_CUR))
			snp_hdie(PROG, 1, "--in %s: truncated record %llu", path,
				 (unsigned long long)n);
		n++;
	}
	fclose(f);
	return n;
}

/* ---- EAL life cycle ---------------------------------------------------- */

static char runtime_dir[PATH_MAX];
static int port_up = -1;		/* port id while started, -1 none */
static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

static void eal_down(int port)
{
	if (port >= 0) {
		rte_eth_dev_stop((uint16_t)port);
		rte_eth_dev_close((uint16_t)port);
	}
	rte_eal_cleanup();
	if (runtime_dir[0])
		nftw(runtime_dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Fail after EAL is up: release it first, so the runtime dir goes. */
static void __attribute__((noreturn, format(printf, 1, 2)))
dp_die(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	eal_down(port_up);
	snp_hdie(PROG, 1, "%s", msg);
}

static int first_cpu(void)
{
	cpu_set_t set;
	int i;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			return i;
	return 0;
}

static void eal_start(const struct snp_hargs *a)
{
	char vdev[2 * PATH_MAX + 64], prefix[64], lcore[16];
	const char *env = getenv("SNP_DPDK_PREFIX");
	char *eal[] = {
		(char *)PROG, (char *)"--no-huge", (char *)"--no-pci",
		(char *)"-m", (char *)"256", (char *)"-l", lcore,
		(char *)"--no-shconf", (char *)"--no-telemetry",
		(char *)"--file-prefix", prefix, (char *)"--log-level=error",
		(char *)"--vdev", vdev, NULL,
	};

	if (strchr(a->in, ',') || strchr(a->out, ','))
		snp_hdie(PROG, 2, "--in and --out may not contain ',' (vdev arguments)");
	snprintf(lcore, sizeof(lcore), "%d", first_cpu());
	if (env && *env)
		snprintf(prefix, sizeof(prefix), "%s", env);
	else
		snprintf(prefix, sizeof(prefix), "snp%ld", (long)getpid());
	if ((size_t)snprintf(vdev, sizeof(vdev), "net_pcap0,rx_pcap=%s,tx_pcap=%s",
			     a->in, a->out) >= sizeof(vdev))
		snp_hdie(PROG, 2, "--in/--out paths too long");
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		snp_hdie(PROG, 1, "EAL init failed (%s): needs root; args --no-huge "
			 "--no-pci -m 256 -l %s --file-prefix %s",
			 rte_strerror(rte_errno), lcore, prefix);
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
}

static uint16_t port_start(struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	uint16_t port, nports = rte_eth_dev_count_avail();
	int err;

	if (nports != 1)
		dp_die("%u ports, expected the one net_pcap vdev (is --in readable "
		       "and --out writable?)", nports);
	RTE_ETH_FOREACH_DEV(port)
		break;
	memset(&conf, 0, sizeof(conf));
	err = rte_eth_dev_configure(port, 1, 1, &conf);
	if (!err)
		err = rte_eth_rx_queue_setup(port, 0, 1024, rte_socket_id(), NULL, mp);
	if (!err)
		err = rte_eth_tx_queue_setup(port, 0, 1024, rte_socket_id(), NULL);
	if (!err)
		err = rte_eth_dev_start(port);
	if (err)
		dp_die("port %u setup failed: %s", port, rte_strerror(-err));
	port_up = port;
	return port;
}

/* ---- --bench: frames in memory, no pcap I/O ----------------------------- */

struct dp_store {
	uint8_t  *buf;
	uint32_t *off;
	uint16_t *len;
	size_t    count, used;
};

struct dp_bench {
	struct dp *dp;
	const struct dp_store *s;
	struct rte_mbuf *m[BURST];
	volatile uint32_t sink;
};

/*
 * One pass over the kept frames, BURST at a time: copy each frame into a
 * recycled mbuf (as RX would), then translate the burst or pass it on.
 */
static void dp_bench_pass(void *arg, int mode)
{
	struct dp_bench *b = arg;
	const struct dp_store *s = b->s;
	uint32_t sink = 0;
	size_t i = 0;

	while (i < s->count) {
		uint16_t k, n = s->count - i < BURST ? (uint16_t)(s->count - i) : BURST;

		for (k = 0; k < n; k++, i++) {
			struct rte_mbuf *m = b->m[k];

			rte_memcpy(rte_pktmbuf_mtod(m, void *), s->buf + s->off[i], s->len[i]);
			m->data_len = s->len[i];
			m->pkt_len = s->len[i];
		}
		if (mode)
			dp_burst(b->dp, b->m, n);
		sink += dp_pass(b->m, n);
	}
	b->sink += sink;
}

static void dp_bench(struct rte_mempool *mp, const struct dp *dp,
		     const struct dp_store *s, const char *algo)
{
	struct dp bdp = *dp;
	struct dp_bench b = { .dp = &bdp, .s = s };
	double tr, pt;

	if (rte_pktmbuf_alloc_bulk(mp, b.m, BURST))
		dp_die("--bench: no mbufs");
	snp_bench_pair(dp_bench_pass, &b, s->count, &tr, &pt);
	rte_pktmbuf_free_bulk(b.m, BURST);
	snp_bench_print("dpdk", algo, tr, pt);
}

/* ---- main ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct rte_mbuf *pkts[BURST];
	struct dp_store store = { 0 };
	struct rte_mempool *mp;
	struct snatpool *pool;
	struct snp_hargs a;
	uint64_t want, octets = 0, rx = 0, tx = 0;
	double last;
	struct dp dp;
	struct dp_det det = { 0 };
	struct snatpool_portblock *pb = NULL;
	struct snp_pb g;
	uint16_t port;

	snp_hargs_parse(argc, argv, PROG, &a);
	snp_hargs_no_handoff(PROG, &a);
	pool = snp_hargs_pool(PROG, &a);
	if (a.pbalgo_name) {
		if (a.bench || a.passthrough)
			snp_hdie(PROG, 2, "--bench and --passthrough: not with --pbalgo");
		snp_hargs_portblock(PROG, &a, pool, &g, &pb);
		a.algo = snatpool_pool_default_algo(pool);
	}
	want = pcap_count(a.in, &octets);
	if (a.bench) {
		store.buf = malloc(octets + 1);
		store.off = malloc(want * sizeof(*store.off) + 1);
		store.len = malloc(want * sizeof(*store.len) + 1);
		if (!store.buf || !store.off || !store.len)
			snp_hdie(PROG, 1, "out of memory keeping %llu frames for --bench",
				 (unsigned long long)want);
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	eal_start(&a);
	dp_load(&dp, pool, a.algo);
	if (pb) {
		det.g = rte_malloc("snp_pb", sizeof(*det.g), 0);
		if (!det.g)
			dp_die("rte_malloc of the port-block plan failed");
		*det.g = g;
		det.addrs4 = dp.addrs[0];
	}
	mp = rte_pktmbuf_pool_create("snp_mbufs", NB_MBUF, MBUF_CACHE, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (!mp)
		dp_die("mbuf pool: %s", rte_strerror(rte_errno));
	port = port_start(mp);

	last = snp_now_ns();
	while (rx < want && !quit) {
		uint16_t n = rte_eth_rx_burst(port, 0, pkts, BURST), sent = 0, k;
		double now = snp_now_ns();

		if (!n) {
			if (now - last > (rx ? IDLE_NS : FIRST_NS))
				break;
			continue;
		}
		last = now;
		rx += n;
		if (a.bench)
			for (k = 0; k < n && store.count < want; k++) {
				uint16_t len = rte_pktmbuf_data_len(pkts[k]);

				if (store.used + len > octets)
					break;
				memcpy(store.buf + store.used,
				       rte_pktmbuf_mtod(pkts[k], void *), len);
				store.off[store.count] = (uint32_t)store.used;
				store.len[store.count++] = len;
				store.used += len;
			}
		if (det.g)
			n = dp_burst_det(&det, pkts, n);	/* drops are freed */
		else if (!a.passthrough)
			dp_burst(&dp, pkts, n);
		while (sent < n && !quit) {
			uint16_t t = rte_eth_tx_burst(port, 0, pkts + sent, n - sent);

			sent += t;
			if (!t && snp_now_ns() - now > IDLE_NS)
				break;
		}
		tx += sent;
		if (sent < n) {
			rte_pktmbuf_free_bulk(pkts + sent, n - sent);
			break;
		}
	}
	if (quit)
		dp_die("interrupted after %llu of %llu frames",
		       (unsigned long long)rx, (unsigned long long)want);
	if (rx != want || tx + det.dropped != want)
		dp_die("received %llu and sent %llu of the %llu frames of %s",
		       (unsigned long long)rx, (unsigned long long)tx,
		       (unsigned long long)want, a.in);

	/* Stop and close the port: the PMD flushes and closes OUT.pcap. */
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	port_up = -1;

	if (a.bench && store.count)
		dp_bench(mp, &dp, &store, a.algo_name);
	if (det.g)
		snp_hcounts(1, rx, det.translated, det.dropped, det.errors);
	else
		snp_hcounts(0, rx, dp.translated, 0, dp.errors);
	rte_free(det.g);
	snatpool_portblock_free(pb);

	dp_unload(&dp);
	rte_mempool_free(mp);
	eal_down(-1);
	free(store.buf);
	free(store.off);
	free(store.len);
	snatpool_pool_free(pool);
	return fflush(stdout) ? 1 : 0;
}

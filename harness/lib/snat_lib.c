/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snat_lib.c - the library reference path of the dataplane conformance
 * test: read a pcap with libpcap, translate each frame's source through the
 * public snatpool_select() (OpenSSL SHA-256 for xpf-userspace-v1, the
 * library's own Maglev table), write the translated pcap in the same order.
 *
 *   snat_lib --algo NAME --pool SPEC [--seed N] --in IN.pcap --out OUT.pcap
 *            [--bench] [--passthrough]
 *
 * Frames that are not IPv4/IPv6 UDP/TCP, or whose family has no pool
 * address, are written unchanged and counted as errors.  IPv6 frames to
 * 64:ff9b::/96 take an IPv4 address through snatpool_select_nat64(),
 * written as 64:ff9b::A.B.C.D (harness/pkt/snp_pkt.h); without a NAT64
 * rule or an IPv4 address they too pass unchanged as errors.
 *
 * With --pbalgo (deterministic NAT, snp_harness.h) each subscriber's source
 * address and port go into its block through the public
 * snatpool_portblock_map() (port: block start + sport mod size, as every
 * harness), subscriber-family frames with no block are dropped (not
 * written), and the counts line gains dropped=N.  --bench measures
 * frames already in memory: copy into a buffer and translate, against copy
 * and pass on, in the same run (HARNESS = lib).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "snp_det.h"
#include "snp_harness.h"

#define PROG "snat_lib"
#define FRAME_MAX 65536

struct lib_ctx {
	const struct snatpool *pool;
	uint32_t algo;
	const struct snatpool_portblock *pb;	/* deterministic NAT, or NULL */
	int subfam;				/* its subscribers' AF_* */
	uint64_t translated, errors, dropped;
};

/* Deterministic NAT of one frame in place; 1 translated, 0 unchanged, -1 drop. */
static int lib_translate_det(struct lib_ctx *c, uint8_t *data, size_t len)
{
	struct snp_pkt p;
	struct snp_pb_slot s;
	uint8_t x[16];
	uint16_t lo, hi;

	if (snp_pkt_parse(data, data + len, &p) ||
	    (p.fam == SNP_FAM6) != (c->subfam == AF_INET6)) {
		c->errors++;
		return 0;
	}
	if (!p.sport || snatpool_portblock_map(c->pb, p.saddr, NULL, x, &lo, &hi) < 0) {
		c->dropped++;
		return -1;
	}
	s.port_lo = lo;
	s.port_hi = hi;
	snp_det_apply(&p, x, (uint16_t)snp_pb_port_stateless(&s, snp_load_be16(p.sport)));
	c->translated++;
	return 1;
}

/* Translate one frame in place; 1 translated, 0 left unchanged, -1 drop it. */
static int lib_translate(struct lib_ctx *c, uint8_t *data, size_t len)
{
	struct snp_pkt p;
	uint8_t naddr[16];

	if (c->pb)
		return lib_translate_det(c, data, len);
	if (snp_pkt_parse(data, data + len, &p)) {
		c->errors++;
		return 0;
	}
	if (p.nat64) {			/* IPv6 to 64:ff9b::/96: an IPv4 address */
		uint8_t a4[4];

		if (snatpool_select_nat64(c->pool, p.saddr, c->algo, NULL, a4)) {
			c->errors++;
			return 0;
		}
		snp_pkt_nat64_addr(naddr, a4);
	} else if (snatpool_select(c->pool, p.fam == SNP_FAM6 ? AF_INET6 : AF_INET,
				   p.saddr, c->algo, NULL, naddr)) {
		c->errors++;
		return 0;
	}
	snp_pkt_rewrite(&p, naddr);
	c->translated++;
	return 1;
}

/* Frames kept for --bench, packed back to back. */
struct lib_store {
	uint8_t *buf;
	size_t   used, cap, count;
	uint32_t *off, *len;
	size_t   slots;
};

static void store_add(struct lib_store *s, const uint8_t *data, uint32_t len)
{
	if (s->used + len > s->cap) {
		s->cap = (s->cap + len) * 2;
		s->buf = realloc(s->buf, s->cap);
	}
	if (s->count == s->slots) {
		s->slots = s->slots ? s->slots * 2 : 4096;
		s->off = realloc(s->off, s->slots * sizeof(*s->off));
		s->len = realloc(s->len, s->slots * sizeof(*s->len));
	}
	if (!s->buf || !s->off || !s->len)
		snp_hdie(PROG, 1, "out of memory keeping frames for --bench");
	memcpy(s->buf + s->used, data, len);
	s->off[s->count] = (uint32_t)s->used;
	s->len[s->count] = len;
	s->used += len;
	s->count++;
}

struct lib_bench {
	struct lib_ctx *c;
	struct lib_store *s;
	uint8_t *work;
	volatile uint32_t sink;
};

/* One pass over the kept frames: copy each in, then translate or pass on. */
static void lib_bench_pass(void *arg, int mode)
{
	struct lib_bench *b = arg;
	uint32_t sink = 0;
	size_t i;

	for (i = 0; i < b->s->count; i++) {
		uint32_t len = b->s->len[i];

		memcpy(b->work, b->s->buf + b->s->off[i], len);
		if (mode)
			sink += (uint32_t)lib_translate(b->c, b->work, len);
		sink += b->work[12];
	}
	b->sink += sink;
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct lib_store store = { 0 };
	struct snp_hargs a;
	struct lib_ctx c = { 0 };
	struct snatpool_portblock *pb = NULL;
	struct snp_pb g;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	pcap_dumper_t *dump;
	pcap_t *in, *dead;
	uint64_t packets = 0;
	uint8_t *buf;
	int rc;

	snp_hargs_parse(argc, argv, PROG, &a);
	snp_hargs_no_handoff(PROG, &a);
	c.pool = snp_hargs_pool(PROG, &a);
	c.algo = a.algo;
	if (a.pbalgo_name) {
		snp_hargs_portblock(PROG, &a, c.pool, &g, &pb);
		c.pb = pb;
		c.subfam = g.fam == SNP_FAM6 ? AF_INET6 : AF_INET;
	}

	in = pcap_open_offline_with_tstamp_precision(a.in, PCAP_TSTAMP_PRECISION_NANO,
						     errbuf);
	if (!in)
		snp_hdie(PROG, 1, "--in %s: %s", a.in, errbuf);
	if (pcap_datalink(in) != DLT_EN10MB)
		snp_hdie(PROG, 1, "--in %s: link type %d, not Ethernet", a.in,
			 pcap_datalink(in));
	dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, FRAME_MAX,
						    PCAP_TSTAMP_PRECISION_NANO);
	dump = dead ? pcap_dump_open(dead, a.out) : NULL;
	if (!dump)
		snp_hdie(PROG, 1, "--out %s: %s", a.out,
			 dead ? pcap_geterr(dead) : "pcap_open_dead failed");
	buf = malloc(FRAME_MAX);
	if (!buf)
		snp_hdie(PROG, 1, "out of memory");

	while ((rc = pcap_next_ex(in, &hdr, &data)) == 1) {
		uint32_t len = hdr->caplen < FRAME_MAX ? hdr->caplen : FRAME_MAX;

		memcpy(buf, data, len);
		if (a.bench)
			store_add(&store, buf, len);
		packets++;
		if (!a.passthrough && lib_translate(&c, buf, len) < 0)
			continue;	/* fail closed: dropped */
		pcap_dump((u_char *)dump, hdr, buf);
	}
	if (rc != PCAP_ERROR_BREAK)
		snp_hdie(PROG, 1, "--in %s: %s", a.in, pcap_geterr(in));
	if (pcap_dump_flush(dump) || ferror(pcap_dump_file(dump)))
		snp_hdie(PROG, 1, "--out %s: write error", a.out);
	pcap_dump_close(dump);
	pcap_close(dead);
	pcap_close(in);

	if (a.bench && store.count) {
		struct lib_ctx bc = c;
		struct lib_bench b = { .c = &bc, .s = &store, .work = buf };
		double tr, pt;

		snp_bench_pair(lib_bench_pass, &b, store.count, &tr, &pt);
		snp_bench_print("lib", a.algo_name, tr, pt);
	}
	snp_hcounts(c.pb != NULL, packets, c.translated, c.dropped, c.errors);
	snatpool_portblock_free(pb);
	free(store.buf);
	free(store.off);
	free(store.len);
	free(buf);
	snatpool_pool_free((struct snatpool *)c.pool);
	return fflush(stdout) ? 1 : 0;
}

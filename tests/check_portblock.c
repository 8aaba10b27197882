/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* check_portblock.c - deterministic port blocks (RFC 7422). */
#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>

#include "testutil.h"
#include "table_testutil.h"

static int mkpb(struct snatpool *p, int fam, const char *base, uint32_t count, uint8_t plen,
		uint16_t size, struct snatpool_portblock **out)
{
	SNATPOOL_OPTS(snatpool_portblock_opts, o, .family = fam, .count = count,
		      .prefix_len = plen, .block_size = size);
	int f2 = 0;

	ck_assert_int_eq(snatpool_addr_parse(base, &f2, o.base), 0);
	return snatpool_portblock_new(p, &o, out);
}

START_TEST(test_v4)
{
	struct snatpool *p = tt_pool("198.51.100.1-198.51.100.4", 1024, 65535);
	struct snatpool_portblock *pb = NULL;
	uint8_t src[4] = { 100, 64, 0, 0 }, xa[16], sub[4];
	uint32_t i, xi;
	uint16_t lo, hi;

	ck_assert_int_eq(mkpb(p, AF_INET, "100.64.0.0", 1000, 0, 256, &pb), 0);
	for (i = 0; i < 1000; i++) {
		/* expected from RFC 7422's arithmetic, written out here */
		uint32_t want_idx = i % 4, want_lo = 1024 + (i / 4) * 256;

		src[2] = (uint8_t)(i >> 8);
		src[3] = (uint8_t)i;
		ck_assert_int_eq(snatpool_portblock_map(pb, src, &xi, xa, &lo, &hi), (long)i);
		ck_assert_uint_eq(xi, want_idx);
		ck_assert_int_eq(xa[3], 1 + (int)want_idx);
		ck_assert_uint_eq(lo, want_lo);
		ck_assert_uint_eq(hi, want_lo + 255);
		/* every port of the block maps back */
		ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, lo, sub), (long)i);
		ck_assert(!memcmp(sub, src, 4));
		ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, hi, NULL), (long)i);
	}
	src[2] = 1000 >> 8;
	src[3] = 1000 & 255;
	ck_assert_int_eq(snatpool_portblock_map(pb, src, NULL, NULL, NULL, NULL), -ENOENT);
	src[0] = 99;
	ck_assert_int_eq(snatpool_portblock_map(pb, src, NULL, NULL, NULL, NULL), -ENOENT);
	xa[3] = 1;
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 1023, NULL), -ENOENT);
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 1024 + 250 * 256, NULL), -ENOENT);
	xa[3] = 4;	/* subscriber 999 is on .4, block 249; block 250 is past count */
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 1024 + 249 * 256, NULL), 999);
	xa[3] = 9;
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 2000, NULL), -ENOENT);
	ck_assert_int_eq(snatpool_portblock_map(NULL, src, NULL, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(snatpool_portblock_reverse(pb, NULL, 1, NULL), -EINVAL);
	snatpool_portblock_free(pb);
	snatpool_portblock_free(NULL);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_v6)
{
	struct snatpool *p = tt_pool("192.0.2.10,192.0.2.20,192.0.2.30", 1024, 65535);
	struct snatpool_portblock *pb = NULL;
	uint8_t a[16], sub[16], xa[16], want[16];
	uint16_t lo;
	int fam;

	ck_assert_int_eq(mkpb(p, AF_INET6, "2001:db8:100::", 500, 56, 256, &pb), 0);
	fam = tu_addr("2001:db8:100:100::5", a);
	ck_assert_int_eq(fam, AF_INET6);
	ck_assert_int_eq(snatpool_portblock_map(pb, a, NULL, xa, &lo, NULL), 1);
	ck_assert_int_eq(xa[3], 20);
	ck_assert_uint_eq(lo, 1024);
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 1100, sub), 1);
	tu_addr("2001:db8:100:100::", want);
	ck_assert(!memcmp(sub, want, 16));
	tu_addr("2001:db8:101:f300::", a);	/* (0x101f3 - 0x10000) = 499 */
	ck_assert_int_eq(snatpool_portblock_map(pb, a, NULL, NULL, &lo, NULL), 499);
	ck_assert_uint_eq(lo, 1024 + (499 / 3) * 256);
	tu_addr("2001:db8:101:f400::", a);
	ck_assert_int_eq(snatpool_portblock_map(pb, a, NULL, NULL, NULL, NULL), -ENOENT);
	snatpool_portblock_free(pb);
	/* /64 subscribers */
	ck_assert_int_eq(mkpb(p, AF_INET6, "2001:db8:0:1::", 10, 64, 1024, &pb), 0);
	tu_addr("2001:db8:0:5::1", a);
	ck_assert_int_eq(snatpool_portblock_map(pb, a, NULL, NULL, NULL, NULL), 4);
	snatpool_portblock_free(pb);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_geometry)
{
	struct snatpool *p = tt_pool("198.51.100.1-198.51.100.4", 1024, 65535);
	struct snatpool_portblock *pb = (void *)1;
	SNATPOOL_OPTS(snatpool_portblock_opts, o6, .family = AF_INET, .count = 1,
		      .block_size = 1, .xfamily = AF_INET6);

	ck_assert_int_eq(mkpb(p, AF_INET, "100.64.0.0", 1008, 0, 256, &pb), 0);	/* 252 x 4 */
	snatpool_portblock_free(pb);
	pb = (void *)1;
	ck_assert_int_eq(mkpb(p, AF_INET, "100.64.0.0", 1009, 0, 256, &pb), -SNATPOOL_EGEOMETRY);
	ck_assert_int_eq(mkpb(p, AF_INET, "100.64.0.0", 0, 0, 256, &pb), -SNATPOOL_EGEOMETRY);
	ck_assert_int_eq(mkpb(p, AF_INET, "100.64.0.0", 10, 0, 0, &pb), -SNATPOOL_EGEOMETRY);
	ck_assert_int_eq(mkpb(p, AF_INET, "100.64.0.0", 10, 0, 65000, &pb), -SNATPOOL_EGEOMETRY);
	ck_assert_int_eq(mkpb(p, AF_INET, "100.64.0.0", 10, 24, 256, &pb), -SNATPOOL_EGEOMETRY);
	ck_assert_int_eq(mkpb(p, AF_INET, "255.255.255.0", 1000, 0, 256, &pb), -SNATPOOL_EGEOMETRY);
	ck_assert_int_eq(mkpb(p, AF_INET6, "2001:db8::", 10, 30, 256, &pb), -SNATPOOL_EGEOMETRY);
	ck_assert_int_eq(mkpb(p, AF_INET6, "2001:db8::", 10, 65, 256, &pb), -SNATPOOL_EGEOMETRY);
	ck_assert_int_eq(mkpb(p, AF_INET6, "2001:db8::1:0:0:0", 10, 56, 256, &pb),
			 -SNATPOOL_EGEOMETRY);	/* bits past /56 */
	ck_assert_int_eq(mkpb(p, AF_INET6, "2001:db8:ffff:ff00::", 1000, 56, 256, &pb), 0);
	snatpool_portblock_free(pb);
	pb = (void *)1;
	ck_assert_int_eq(mkpb(p, AF_INET6, "ffff:ffff:ffff:ff00::", 1000, 56, 256, &pb),
			 -SNATPOOL_EGEOMETRY);	/* past the address space */
	ck_assert_int_eq(snatpool_portblock_new(p, &o6, &pb), -SNATPOOL_ENOFAMILY);
	ck_assert_int_eq(snatpool_portblock_new(p, NULL, &pb), -EINVAL);
	ck_assert_ptr_eq(pb, (void *)1);
	snatpool_pool_free(p);
}
END_TEST


/* ---- port-block algorithms ----------------------------------------- */

static int mkalgo(struct snatpool *p, uint32_t algo, int fam, const char *base, uint8_t plen,
		  uint32_t count, uint16_t size, uint32_t flags,
		  struct snatpool_portblock **out, struct snatpool_diag *d)
{
	SNATPOOL_OPTS(snatpool_portblock_opts, o, .family = fam, .count = count,
		      .prefix_len = plen, .block_size = size, .algo = algo, .flags = flags);
	int f2 = 0;

	ck_assert_int_eq(snatpool_addr_parse(base, &f2, o.base), 0);
	memset(d, 0, sizeof(*d));
	return snatpool_portblock_new_diag(p, &o, out, d);
}

/* The registry: IDs and names are frozen. */
START_TEST(test_registry)
{
	static const struct { uint32_t id; const char *name; } frozen[] = {
		{ SNATPOOL_PBALGO_SPREAD_V1, "snatpool-spread-v1" },
		{ SNATPOOL_PBALGO_XPF_DET_V0, "xpf-det-v0" },
		{ SNATPOOL_PBALGO_VPP_DET44_V0, "vpp-det44-v0" },
	};
	uint32_t ids[8];
	size_t i;

	ck_assert_int_eq(SNATPOOL_PBALGO_SPREAD_V1, 1);
	ck_assert_int_eq(SNATPOOL_PBALGO_XPF_DET_V0, 2);
	ck_assert_int_eq(SNATPOOL_PBALGO_VPP_DET44_V0, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_str_eq(snatpool_pbalgo_name(frozen[i].id), frozen[i].name);
		ck_assert_int_eq(snatpool_pbalgo_by_name(frozen[i].name), (int)frozen[i].id);
	}
	ck_assert_ptr_null(snatpool_pbalgo_name(0));
	ck_assert_ptr_null(snatpool_pbalgo_name(4));
	ck_assert_int_eq(snatpool_pbalgo_by_name("xpf-legacy-v0"), -SNATPOOL_EALGO);
	ck_assert_int_eq(snatpool_pbalgo_by_name(NULL), -SNATPOOL_EALGO);
	ck_assert_int_eq(snatpool_pbalgo_list(NULL, 0), 3);
	ck_assert_int_eq(snatpool_pbalgo_list(NULL, 1), -EINVAL);
	ck_assert_int_eq(snatpool_pbalgo_list(ids, 8), 3);
	ck_assert_uint_eq(ids[0], 1);
	ck_assert_uint_eq(ids[2], 3);
}
END_TEST

/* xpf-det-v0, IPv4: xpf's arithmetic written out by hand. */
START_TEST(test_xpf_v4)
{
	struct snatpool *p = tt_pool("203.0.113.0/27", 1024, 65535);
	struct snatpool_portblock *pb = NULL;
	struct snatpool_diag d;
	uint8_t src[4] = { 100, 64, 0, 0 }, xa[16], sub[4];
	uint16_t lo, hi;
	uint32_t i, xi;

	ck_assert_int_eq(mkalgo(p, SNATPOOL_PBALGO_XPF_DET_V0, AF_INET, "100.64.0.0", 22, 0, 2016,
				0, &pb, &d), 0);
	for (i = 0; i < 1024; i++) {
		/* bpi = 64512 / 2016 = 32: ip = i / 32, block = i % 32 */
		src[2] = (uint8_t)(i >> 8);
		src[3] = (uint8_t)i;
		ck_assert_int_eq(snatpool_portblock_map(pb, src, &xi, xa, &lo, &hi), (long)i);
		ck_assert_uint_eq(xi, i / 32);
		ck_assert_int_eq(xa[3], (int)(i / 32));
		ck_assert_uint_eq(lo, 1024 + (i % 32) * 2016);
		ck_assert_uint_eq(hi, lo + 2015);
		ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, hi, sub), (long)i);
		ck_assert(!memcmp(sub, src, 4));
	}
	src[1] = 65;	/* 100.65.0.0: past the /22 */
	ck_assert_int_eq(snatpool_portblock_map(pb, src, NULL, NULL, NULL, NULL), -ENOENT);
	src[1] = 63;
	ck_assert_int_eq(snatpool_portblock_map(pb, src, NULL, NULL, NULL, NULL), -ENOENT);
	snatpool_portblock_free(pb);
	snatpool_pool_free(p);

	/* the unused tail: 2 addresses x 2081 blocks of 31 ports, 4096 subscribers */
	p = tt_pool("192.0.2.10-192.0.2.11", 1024, 65535);
	ck_assert_int_eq(mkalgo(p, SNATPOOL_PBALGO_XPF_DET_V0, AF_INET, "10.9.0.0", 20, 0, 31,
				0, &pb, &d), 0);
	tu_addr("192.0.2.10", xa);
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 65534, NULL), 2080);
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 65535, NULL), -ENOENT);
	xa[3] = 11;
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 1024 + 2014 * 31, NULL), 4095);
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 1024 + 2015 * 31, NULL), -ENOENT);
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 1023, NULL), -ENOENT);
	snatpool_portblock_free(pb);
	snatpool_pool_free(p);
}
END_TEST

/* xpf-det-v0, IPv6: the word after the prefix; the prefix is not compared
 * unless SNATPOOL_PB_F_STRICT. */
START_TEST(test_xpf_v6)
{
	struct snatpool *p = tt_pool("203.0.113.1-203.0.113.8", 1024, 65535);
	struct snatpool_portblock *pb = NULL, *st = NULL;
	struct snatpool_portblock_info in = { .sz = sizeof(in) };
	struct snatpool_diag d;
	uint8_t a[16], xa[16], sub[16], want[16];
	uint16_t lo;

	ck_assert_int_eq(mkalgo(p, SNATPOOL_PBALGO_XPF_DET_V0, AF_INET6, "2001:db8::", 32, 0, 4096,
				0, &pb, &d), 0);
	ck_assert_int_eq(mkalgo(p, SNATPOOL_PBALGO_XPF_DET_V0, AF_INET6, "2001:db8::", 32, 0, 4096,
				SNATPOOL_PB_F_STRICT, &st, &d), 0);
	ck_assert_int_eq(snatpool_portblock_info(pb, &in), 0);
	ck_assert_uint_eq(in.count, 8 * 15);	/* xpf: n * bpi */
	ck_assert_uint_eq(in.blocks, 15);
	tu_addr("2001:db8:0:10:ffff::1", a);	/* word 0x10 = 16: ip 1, block 1 */
	ck_assert_int_eq(snatpool_portblock_map(pb, a, NULL, xa, &lo, NULL), 16);
	ck_assert_int_eq(xa[3], 2);
	ck_assert_uint_eq(lo, 1024 + 4096);
	ck_assert_int_eq(snatpool_portblock_map(st, a, NULL, NULL, NULL, NULL), 16);
	tu_addr("3fff:1:0:10::", a);		/* another /32, same word */
	ck_assert_int_eq(snatpool_portblock_map(pb, a, NULL, NULL, NULL, NULL), 16);
	ck_assert_int_eq(snatpool_portblock_map(st, a, NULL, NULL, NULL, NULL), -ENOENT);
	tu_addr("2001:db8:0:78::", a);		/* word 120 = count */
	ck_assert_int_eq(snatpool_portblock_map(pb, a, NULL, NULL, NULL, NULL), -ENOENT);
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 5200, sub), 16);
	tu_addr("2001:db8:0:10::", want);
	ck_assert(!memcmp(sub, want, 16));
	snatpool_portblock_free(pb);
	snatpool_portblock_free(st);
	/* /64: octets 8-11 */
	ck_assert_int_eq(mkalgo(p, SNATPOOL_PBALGO_XPF_DET_V0, AF_INET6, "2001:db8:1:2::", 64, 0,
				4096, 0, &pb, &d), 0);
	tu_addr("2001:db8:1:2:0:3:ffff:ffff", a);
	ck_assert_int_eq(snatpool_portblock_map(pb, a, NULL, NULL, NULL, NULL), 3);
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 1024, sub), 15);
	tu_addr("2001:db8:1:2:0:f::", want);
	ck_assert(!memcmp(sub, want, 16));
	snatpool_portblock_free(pb);
	snatpool_pool_free(p);
}
END_TEST

/* vpp-det44-v0: det44's documented example and its geometry. */
START_TEST(test_vpp)
{
	struct snatpool *p = tt_pool("1.1.1.0/28", 1024, 65535);
	struct snatpool_portblock *pb = NULL;
	struct snatpool_portblock_info in = { .sz = sizeof(in) };
	struct snatpool_diag d;
	uint8_t src[4] = { 10, 0, 0, 0 }, xa[16], sub[4];
	uint16_t lo, hi;
	uint32_t off;

	ck_assert_int_eq(mkalgo(p, SNATPOOL_PBALGO_VPP_DET44_V0, AF_INET, "10.0.0.0", 21, 0, 0, 0,
				&pb, &d), 0);
	ck_assert_int_eq(snatpool_portblock_info(pb, &in), 0);
	ck_assert_uint_eq(in.block_size, 504);	/* 64512 / 128 */
	ck_assert_uint_eq(in.blocks, 128);
	ck_assert_uint_eq(in.count, 2048);
	for (off = 0; off < 2048; off++) {
		src[2] = (uint8_t)(off >> 8);
		src[3] = (uint8_t)off;
		ck_assert_int_eq(snatpool_portblock_map(pb, src, NULL, xa, &lo, &hi), (long)off);
		ck_assert_int_eq(xa[3], (int)(off / 128));
		ck_assert_uint_eq(lo, 1024 + 504 * (off % 128));
		ck_assert_uint_eq(hi, lo + 503);
		ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, lo, sub), (long)off);
		ck_assert(!memcmp(sub, src, 4));
	}
	snatpool_portblock_free(pb);
	/* a block size that agrees is taken */
	ck_assert_int_eq(mkalgo(p, SNATPOOL_PBALGO_VPP_DET44_V0, AF_INET, "10.0.0.0", 21, 2048,
				504, 0, &pb, &d), 0);
	snatpool_portblock_free(pb);
	/* ratio 1: inside and outside of one length */
	ck_assert_int_eq(mkalgo(p, SNATPOOL_PBALGO_VPP_DET44_V0, AF_INET, "10.0.0.16", 28, 0, 0, 0,
				&pb, &d), 0);
	tu_addr("10.0.0.31", src);
	ck_assert_int_eq(snatpool_portblock_map(pb, src, NULL, xa, &lo, &hi), 15);
	ck_assert_int_eq(xa[3], 15);
	ck_assert_uint_eq(lo, 1024);
	ck_assert_uint_eq(hi, 65535);
	snatpool_portblock_free(pb);
	snatpool_pool_free(p);
	/* ratio 2048: 31 ports each, 1024 + 2048 * 31 = 64512: the tail is 64512-65535 */
	p = tt_pool("203.0.113.7", 1024, 65535);
	ck_assert_int_eq(mkalgo(p, SNATPOOL_PBALGO_VPP_DET44_V0, AF_INET, "10.2.0.0", 21, 0, 0, 0,
				&pb, &d), 0);
	tu_addr("203.0.113.7", xa);
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 64511, NULL), 2047);
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 64512, NULL), -ENOENT);
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 65535, NULL), -ENOENT);
	ck_assert_int_eq(snatpool_portblock_reverse(pb, xa, 1023, NULL), -ENOENT);
	snatpool_portblock_free(pb);
	snatpool_pool_free(p);
}
END_TEST

/* Every refusal: a code, a token naming the value, *out untouched. */
START_TEST(test_refusals)
{
	struct snatpool *p = tt_pool("203.0.113.1-203.0.113.4", 1024, 65535);
	struct snatpool *v = tt_pool("1.1.1.0/28", 1024, 65535);
	struct snatpool *odd = tt_pool("1.1.1.0/28", 2000, 65535);
	struct snatpool *zero = tt_pool("0.0.0.0-0.0.0.3", 1024, 65535);
	struct snatpool *six = tt_pool("2001:db8::1", 1024, 65535);
	struct snatpool_portblock *pb = (void *)1;
	struct snatpool_diag d;
	const uint32_t X = SNATPOOL_PBALGO_XPF_DET_V0, V = SNATPOOL_PBALGO_VPP_DET44_V0;
	static const struct {
		int pool;	/* 0 p, 1 v, 2 odd, 3 zero, 4 six */
		uint32_t algo;
		int fam;
		const char *base;
		uint8_t plen;
		uint32_t count;
		uint16_t size;
		uint32_t flags;
		int code;
		const char *token;
	} cases[] = {
		{ 0, X, AF_INET, "100.64.0.0", 22, 0, 2016, 0, SNATPOOL_EGEOMETRY,
		  "blocks=128 (4 x 32) < 1024 subscribers" },	/* xpf's own example */
		{ 0, X, AF_INET, "100.64.0.0", 24, 0, 0, 0, SNATPOOL_EGEOMETRY, "block_size=0" },
		{ 0, X, AF_INET, "100.64.0.0", 24, 0, 65000, 0, SNATPOOL_EGEOMETRY,
		  "block_size=65000 exceeds the 64512 ports" },
		{ 0, X, AF_INET, "100.64.0.0", 0, 0, 100, 0, SNATPOOL_EGEOMETRY, "prefix_len=0" },
		{ 0, X, AF_INET, "100.64.0.1", 24, 0, 100, 0, SNATPOOL_EGEOMETRY,
		  "base has bits set past /24" },
		{ 0, X, AF_INET, "100.64.0.0", 24, 100, 100, 0, SNATPOOL_EGEOMETRY, "count=100" },
		{ 0, X, AF_INET6, "2001:db8::", 48, 0, 100, 0, SNATPOOL_EGEOMETRY, "prefix_len=48" },
		{ 0, X, AF_INET6, "2001:db8::1", 32, 0, 100, 0, SNATPOOL_EGEOMETRY,
		  "base has bits set past /32" },
		{ 0, X, AF_INET, "100.64.0.0", 24, 0, 100, 2, SNATPOOL_EGEOMETRY, "flags=0x2" },
		{ 3, X, AF_INET, "100.64.0.0", 30, 0, 100, 0, SNATPOOL_EGEOMETRY, "address 0.0.0.0" },
		{ 4, X, AF_INET, "100.64.0.0", 30, 0, 100, 0, SNATPOOL_ENOFAMILY, "pool has no IPv4" },
		{ 1, V, AF_INET, "10.0.0.0", 29, 0, 0, 0, SNATPOOL_EGEOMETRY,
		  "inside /29 longer than outside /28" },
		{ 1, V, AF_INET, "10.0.0.0", 21, 0, 500, 0, SNATPOOL_EGEOMETRY,
		  "block_size=500 (det44 derives 504)" },
		{ 1, V, AF_INET, "10.0.0.0", 0, 0, 0, 0, SNATPOOL_EGEOMETRY, "prefix_len=0" },
		{ 1, V, AF_INET6, "2001:db8::", 32, 0, 0, 0, SNATPOOL_EGEOMETRY, "family=IPv6" },
		{ 1, V, AF_INET, "10.0.0.0", 21, 7, 0, 0, SNATPOOL_EGEOMETRY, "count=7" },
		{ 1, V, AF_INET, "10.0.0.0", 21, 0, 0, SNATPOOL_PB_F_STRICT, SNATPOOL_EGEOMETRY,
		  "flags=0x1" },
		{ 1, V, AF_INET, "10.0.0.0", 8, 0, 0, 0, SNATPOOL_EGEOMETRY,
		  "sharing ratio 1048576 leaves no port" },
		{ 2, V, AF_INET, "10.0.0.0", 21, 0, 0, 0, SNATPOOL_EGEOMETRY, "ports=2000-65535" },
		{ 0, V, AF_INET, "10.0.0.0", 21, 0, 0, 0, SNATPOOL_EGEOMETRY,
		  "pool is not one aligned IPv4 prefix" },
		{ 0, 9, AF_INET, "10.0.0.0", 21, 0, 10, 0, SNATPOOL_EALGO, "algo=9" },
	};
	struct snatpool *pools[] = { p, v, odd, zero, six };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = mkalgo(pools[cases[i].pool], cases[i].algo, cases[i].fam, cases[i].base,
				cases[i].plen, cases[i].count, cases[i].size, cases[i].flags,
				&pb, &d);

		ck_assert_msg(rc == -cases[i].code, "case %zu: %d (%s)", i, rc, d.token);
		ck_assert_msg(!strncmp(d.token, cases[i].token, strlen(cases[i].token)),
			      "case %zu: token '%s', want '%s'", i, d.token, cases[i].token);
		ck_assert_ptr_eq(pb, (void *)1);
	}
	for (i = 0; i < sizeof(pools) / sizeof(pools[0]); i++)
		snatpool_pool_free(pools[i]);
}
END_TEST

/* An option struct from before algo and flags is snatpool-spread-v1; a
 * tail this build does not know must be zero. */
START_TEST(test_opts_compat)
{
	struct snatpool *p = tt_pool("198.51.100.1-198.51.100.4", 1024, 65535);
	struct snatpool_portblock *pb = NULL;
	struct snatpool_portblock_info in = { .sz = sizeof(in) };
	struct {
		struct snatpool_portblock_opts o;
		uint64_t tail;
	} big;
	struct snatpool_portblock_opts o;

	memset(&o, 0, sizeof(o));
	o.sz = offsetof(struct snatpool_portblock_opts, block_size) + sizeof(o.block_size);
	o.family = AF_INET;
	o.count = 10;
	o.block_size = 100;
	o.algo = SNATPOOL_PBALGO_XPF_DET_V0;	/* past sz: not read */
	ck_assert_int_eq(snatpool_portblock_new(p, &o, &pb), 0);
	ck_assert_int_eq(snatpool_portblock_info(pb, &in), 0);
	ck_assert_uint_eq(in.algo, SNATPOOL_PBALGO_SPREAD_V1);
	snatpool_portblock_free(pb);
	memset(&big, 0, sizeof(big));
	big.o = o;
	big.o.sz = sizeof(big);
	big.o.algo = 0;
	big.tail = 1;
	pb = NULL;
	ck_assert_int_eq(snatpool_portblock_new(p, &big.o, &pb), -EINVAL);
	ck_assert_ptr_null(pb);
	in.sz = 4;
	ck_assert_int_eq(snatpool_portblock_info(pb, &in), -EINVAL);
	snatpool_pool_free(p);
}
END_TEST

/* The fingerprint follows the whole configuration. */
START_TEST(test_fingerprint)
{
	struct snatpool *p = tt_pool("203.0.113.0/27", 1024, 65535);
	struct snatpool *q = tt_pool("203.0.113.1-203.0.113.31,203.0.113.0", 1024, 65535);
	struct snatpool_portblock *a, *b;
	struct snatpool_portblock_info ia = { .sz = sizeof(ia) }, ib = { .sz = sizeof(ib) };
	struct snatpool_diag d;

	ck_assert_int_eq(mkalgo(p, 2, AF_INET, "100.64.0.0", 22, 0, 2016, 0, &a, &d), 0);
	ck_assert_int_eq(mkalgo(p, 2, AF_INET, "100.64.0.0", 22, 0, 2016, 0, &b, &d), 0);
	snatpool_portblock_info(a, &ia);
	snatpool_portblock_info(b, &ib);
	ck_assert(!memcmp(ia.fingerprint, ib.fingerprint, 32));
	snatpool_portblock_free(b);
	ck_assert_int_eq(mkalgo(p, 2, AF_INET, "100.64.0.0", 22, 0, 2015, 0, &b, &d), 0);
	snatpool_portblock_info(b, &ib);
	ck_assert(memcmp(ia.fingerprint, ib.fingerprint, 32));
	snatpool_portblock_free(b);
	ck_assert_int_eq(mkalgo(q, 2, AF_INET, "100.64.0.0", 22, 0, 2016, 0, &b, &d), 0);
	snatpool_portblock_info(b, &ib);	/* the same addresses in another order */
	ck_assert(memcmp(ia.fingerprint, ib.fingerprint, 32));
	snatpool_portblock_free(b);
	snatpool_portblock_free(a);
	snatpool_pool_free(p);
	snatpool_pool_free(q);
}
END_TEST

/* Reverse answers exactly what forward gives: every (address, port) of a
 * small pool against every subscriber's block. */
static void inverse_check(const char *pool, uint16_t plo, uint16_t phi, uint32_t algo,
			  const char *base, uint8_t plen, uint32_t count, uint16_t size)
{
	struct snatpool *p = tt_pool(pool, plo, phi);
	struct snatpool_portblock *pb;
	struct snatpool_portblock_info in = { .sz = sizeof(in) };
	struct snatpool_diag d;
	static long owner[8][65536];
	uint8_t xa[16], src[4];
	uint32_t i, x, port, b;
	uint16_t lo, hi;
	uint32_t xi;

	ck_assert_msg(mkalgo(p, algo, AF_INET, base, plen, count, size, 0, &pb, &d) == 0, "%s",
		      d.token);
	snatpool_portblock_info(pb, &in);
	ck_assert_uint_le(in.addrs, 8);
	for (x = 0; x < in.addrs; x++)
		for (port = 0; port < 65536; port++)
			owner[x][port] = -1;
	tu_addr(base, src);
	b = (uint32_t)src[0] << 24 | (uint32_t)src[1] << 16 | (uint32_t)src[2] << 8 | src[3];
	for (i = 0; i < in.count; i++) {
		uint32_t v = b + i;

		src[0] = (uint8_t)(v >> 24);
		src[1] = (uint8_t)(v >> 16);
		src[2] = (uint8_t)(v >> 8);
		src[3] = (uint8_t)v;
		ck_assert_int_eq(snatpool_portblock_map(pb, src, &xi, NULL, &lo, &hi), (long)i);
		ck_assert_uint_ge(lo, plo);
		ck_assert_uint_le(hi, phi);
		for (port = lo; port <= hi; port++) {
			if (owner[xi][port] != -1)	/* blocks never overlap */
				ck_abort_msg("port %u of address %u in two blocks", port, xi);
			owner[xi][port] = i;
		}
	}
	for (x = 0; x < in.addrs; x++) {
		snatpool_pool_addr(p, AF_INET, x, xa);
		for (port = 0; port < 65536; port++) {
			long r = snatpool_portblock_reverse(pb, xa, (uint16_t)port, NULL);

			if (r != (owner[x][port] < 0 ? -ENOENT : owner[x][port]))
				ck_abort_msg("%s: address %u port %u: reverse %ld, owner %ld",
					     snatpool_pbalgo_name(algo), x, port, r, owner[x][port]);
		}
	}
	snatpool_portblock_free(pb);
	snatpool_pool_free(p);
}

START_TEST(test_inverse)
{
	inverse_check("192.0.2.10-192.0.2.11", 1024, 65535, 2, "10.9.0.0", 20, 0, 31);
	inverse_check("192.0.2.1,192.0.2.9,192.0.2.5", 2000, 2999, 2, "10.0.0.0", 28, 0, 100);
	inverse_check("203.0.113.4/30", 1024, 65535, 3, "10.2.0.0", 19, 0, 0);
	inverse_check("203.0.113.7", 1024, 65535, 3, "10.2.0.0", 21, 0, 0);
	inverse_check("198.51.100.1-198.51.100.3", 1000, 1999, 1, "10.0.0.5", 32, 29, 100);
}
END_TEST

/* The committed port-block vectors (tests/vectors/portblock/) pass. */
START_TEST(test_vector_files)
{
	static const char *const files[] = { "snatpool-spread-v1", "xpf-det-v0", "vpp-det44-v0" };
	const char *top = getenv("top_srcdir");
	struct snatpool_verify_stats st;
	char path[4096];
	size_t i;
	int fd;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/tests/vectors/portblock/%s.jsonl",
			 top ? top : ".", files[i]);
		fd = open(path, O_RDONLY);
		ck_assert_msg(fd >= 0, "%s", path);
		ck_assert_int_eq(snatpool_vectors_verify(fd, &st, NULL, NULL), 0);
		ck_assert_uint_gt(st.passed, 300);
		ck_assert_uint_eq(st.failed, 0);
		close(fd);
	}
}
END_TEST

/* ---- tables inside the block (issue 13 item 3) -------------------- */

static struct snatpool_table *mktable(struct snatpool *p, const struct snatpool_portblock *pb,
				      uint32_t strategy, uint32_t flags, int want)
{
	SNATPOOL_OPTS(snatpool_table_opts, o, .max_mappings = 4096, .strategy = strategy,
		      .flags = flags, .seed = 7, .portblock = pb);
	struct snatpool_table *t = NULL;

	ck_assert_int_eq(snatpool_table_new(p, &o, &t), want);
	return t;
}

/* Every claim of a subscriber lands in its block; a full block is
 * EEXHAUSTED while the neighbours go on; a source with no block is ENOENT. */
START_TEST(test_table_block)
{
	static const uint32_t strategies[] = { SNATPOOL_PORTS_SEQUENTIAL, SNATPOOL_PORTS_RANDOM,
					       SNATPOOL_PORTS_DET44 };
	/* 4 addresses x 10 blocks of 10 ports (1024-1123): 32 subscribers */
	struct snatpool *p = tt_pool("203.0.113.0/30", 1024, 1123);
	struct snatpool_portblock *pb = NULL;
	struct snatpool_diag d;
	size_t k;

	ck_assert_int_eq(mkalgo(p, SNATPOOL_PBALGO_XPF_DET_V0, AF_INET, "10.0.0.0", 27, 0, 10, 0,
				&pb, &d), 0);
	for (k = 0; k < 3; k++) {
		struct snatpool_table *t = mktable(p, pb, strategies[k], 0, 0);
		struct snatpool_mapping m;
		struct snatpool_flow f;
		uint8_t xa[16];
		uint16_t lo, hi;
		uint32_t i, seen = 0;

		/* subscriber 10.0.0.13: address 1, block 3: ports 1054-1063 */
		f = tt_flow(IPPROTO_UDP, "10.0.0.13", 1058, "192.0.2.1", 53);
		ck_assert_int_eq(snatpool_portblock_map(pb, f.src, NULL, xa, &lo, &hi), 13);
		ck_assert_uint_eq(lo, 1054);
		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
		ck_assert_uint_eq(m.xport, 1058);		/* the original port: inside, free */
		ck_assert(m.flags & SNATPOOL_MAP_F_PRESERVED);
		ck_assert(!memcmp(m.xaddr, xa, 4));
		seen |= 1u << (m.xport - lo);
		for (i = 1; i < 10; i++) {		/* source ports outside the block */
			f.sport = (uint16_t)(40000 + i);
			ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
			ck_assert_msg(m.xport >= lo && m.xport <= hi && !memcmp(m.xaddr, xa, 4),
				      "strategy %u: port %u outside %u-%u", strategies[k], m.xport,
				      lo, hi);
			ck_assert(!(seen & (1u << (m.xport - lo))));
			seen |= 1u << (m.xport - lo);
		}
		ck_assert_uint_eq(seen, 0x3ff);		/* the whole block, once each */
		f.sport = 50000;			/* full: never another block's port */
		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), -SNATPOOL_EEXHAUSTED);
		f.sport = 1054;				/* its own ports are all taken too */
		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), -SNATPOOL_EEXHAUSTED);
		f = tt_flow(IPPROTO_UDP, "10.0.0.14", 1058, "192.0.2.1", 53);	/* the neighbour */
		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
		/* 1058 is not in its block 1064-1073 */
		ck_assert(m.xport >= 1064 && m.xport <= 1073);
		if (strategies[k] == SNATPOOL_PORTS_SEQUENTIAL)
			ck_assert_uint_eq(m.xport, 1064);		/* the lowest free */
		if (strategies[k] == SNATPOOL_PORTS_DET44)
			ck_assert_uint_eq(m.xport, 1064 + 1058 % 10);	/* start + sport mod size */
		f = tt_flow(IPPROTO_UDP, "10.0.0.32", 2000, "192.0.2.1", 53);	/* no block */
		ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), -ENOENT);
		/* a released port comes back to its subscriber */
		f = tt_flow(IPPROTO_UDP, "10.0.0.13", 40003, "192.0.2.1", 53);
		ck_assert_int_eq(snatpool_table_lookup(t, &f, 1, &m), 0);
		lo = m.xport;
		ck_assert_int_eq(snatpool_table_release(t, &f, 2), 0);
		f.sport = 60000;
		ck_assert_int_eq(snatpool_table_claim(t, &f, 3, &m), 0);
		ck_assert_uint_eq(m.xport, lo);
		snatpool_table_free(t);
	}
	snatpool_portblock_free(pb);
	snatpool_pool_free(p);
}
END_TEST

/* det44's own rule: block start + (sport + i) mod pph, the first free i. */
START_TEST(test_table_det44)
{
	struct snatpool *p = tt_pool("1.1.1.0/30", 1024, 65535);
	struct snatpool_portblock *pb = NULL;
	struct snatpool_table *t;
	struct snatpool_mapping m;
	struct snatpool_flow f;
	struct snatpool_diag d;
	uint16_t lo, hi;

	/* inside /24, outside /30: ratio 64, 1008 ports per host */
	ck_assert_int_eq(mkalgo(p, SNATPOOL_PBALGO_VPP_DET44_V0, AF_INET, "10.0.0.0", 24, 0, 0, 0,
				&pb, &d), 0);
	t = mktable(p, pb, SNATPOOL_PORTS_DET44, 0, 0);
	f = tt_flow(IPPROTO_TCP, "10.0.0.70", 5000, "192.0.2.1", 443);
	ck_assert_int_eq(snatpool_portblock_map(pb, f.src, NULL, NULL, &lo, &hi), 70);
	ck_assert_uint_eq(lo, 1024 + 1008 * (70 % 64));
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_uint_eq(m.xport, lo + 5000 % 1008);		/* i = 0 */
	f.sport = 5000 + 1008;					/* same residue: i = 1 */
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_uint_eq(m.xport, lo + 5000 % 1008 + 1);
	f.sport = (uint16_t)(lo + 7);				/* inside the block: kept */
	ck_assert_int_eq(snatpool_table_claim(t, &f, 1, &m), 0);
	ck_assert_uint_eq(m.xport, lo + 7);
	snatpool_table_free(t);
	snatpool_portblock_free(pb);
	snatpool_pool_free(p);
}
END_TEST

/*
 * A table inside the block takes no port outside a block from a snapshot
 * either: a snapshot of a plain table on the same pool loads only when
 * every mapping lies in its source's block, and is refused whole (the
 * table left empty) when one does not.
 */
START_TEST(test_table_block_snapshot)
{
	struct snatpool *p = tt_pool("203.0.113.0/30", 1024, 1123);
	struct snatpool_portblock *pb = NULL;
	struct snatpool_table *plain, *t;
	struct snatpool_mapping m;
	struct snatpool_flow f;
	struct snatpool_diag d;
	uint8_t buf[65536];
	long len;

	ck_assert_int_eq(mkalgo(p, SNATPOOL_PBALGO_XPF_DET_V0, AF_INET, "10.0.0.0", 27, 0, 10, 0,
				&pb, &d), 0);
	/* 10.0.0.13's block is address 1 (203.0.113.1), ports 1054-1063 */
	plain = mktable(p, NULL, SNATPOOL_PORTS_SEQUENTIAL, 0, 0);
	t = mktable(p, pb, SNATPOOL_PORTS_SEQUENTIAL, 0, 0);
	{	/* in-block mappings (another block table's) load */
		struct snatpool_table *other = mktable(p, pb, SNATPOOL_PORTS_SEQUENTIAL, 0, 0);

		f = tt_flow(IPPROTO_UDP, "10.0.0.13", 1058, "192.0.2.1", 53);
		ck_assert_int_eq(snatpool_table_claim(other, &f, 1, &m), 0);
		len = snatpool_table_snapshot(other, 1, buf, sizeof(buf));
		ck_assert_int_gt(len, 0);
		ck_assert_int_eq(snatpool_table_load_mem(t, buf, (size_t)len, 1), 1);
		snatpool_table_free(other);
		snatpool_table_free(t);
		t = mktable(p, pb, SNATPOOL_PORTS_SEQUENTIAL, 0, 0);
	}
	/* a port of another block, for the same source */
	f.sport = 1100;
	ck_assert_int_eq(snatpool_table_claim(plain, &f, 1, &m), 0);
	ck_assert_uint_eq(m.xport, 1100);		/* preserved: not in 1054-1063 */
	len = snatpool_table_snapshot(plain, 1, buf, sizeof(buf));
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(snatpool_table_load_mem(t, buf, (size_t)len, 1), -SNATPOOL_ESNAPSHOT);
	f.sport = 1058;
	ck_assert_int_eq(snatpool_table_lookup(t, &f, 1, &m), -ENOENT);	/* nothing applied */
	/* a source with no block at all */
	snatpool_table_free(plain);
	plain = mktable(p, NULL, SNATPOOL_PORTS_SEQUENTIAL, 0, 0);
	f = tt_flow(IPPROTO_UDP, "10.0.0.40", 1058, "192.0.2.1", 53);
	ck_assert_int_eq(snatpool_table_claim(plain, &f, 1, &m), 0);
	len = snatpool_table_snapshot(plain, 1, buf, sizeof(buf));
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(snatpool_table_load_mem(t, buf, (size_t)len, 1), -SNATPOOL_ESNAPSHOT);
	snatpool_table_free(plain);
	snatpool_table_free(t);
	snatpool_portblock_free(pb);
	snatpool_pool_free(p);
}
END_TEST

/* What a table inside the block refuses. */
START_TEST(test_table_block_refusals)
{
	struct snatpool *p = tt_pool("203.0.113.0/30", 1024, 1123);
	struct snatpool *q = tt_pool("203.0.113.0/30", 1024, 1123);
	struct snatpool *six = tt_pool("203.0.113.0/30", 1024, 65535);
	struct snatpool_portblock *pb = NULL, *pb6 = NULL;
	struct snatpool_diag d;

	ck_assert_int_eq(mkalgo(p, SNATPOOL_PBALGO_XPF_DET_V0, AF_INET, "10.0.0.0", 27, 0, 10, 0,
				&pb, &d), 0);
	ck_assert_int_eq(mkalgo(six, SNATPOOL_PBALGO_XPF_DET_V0, AF_INET6, "2001:db8::", 32, 0,
				4096, 0, &pb6, &d), 0);
	ck_assert_ptr_null(mktable(p, NULL, SNATPOOL_PORTS_DET44, 0, -EINVAL));	/* no plan */
	ck_assert_ptr_null(mktable(q, pb, 0, 0, -EINVAL));		/* another pool */
	ck_assert_ptr_null(mktable(p, pb, 0, SNATPOOL_TABLE_F_PAIRED, -EINVAL));
	ck_assert_ptr_null(mktable(six, pb6, 0, 0, -EINVAL));	/* IPv6 subscribers, IPv4 out */
	ck_assert_ptr_null(mktable(p, pb, 3, 0, -EINVAL));		/* unknown strategy */
	snatpool_portblock_free(pb);
	snatpool_portblock_free(pb6);
	snatpool_pool_free(p);
	snatpool_pool_free(q);
	snatpool_pool_free(six);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("portblock");
	TCase *tc = tcase_create("portblock");

	tcase_add_test(tc, test_v4);
	tcase_add_test(tc, test_v6);
	tcase_add_test(tc, test_geometry);
	tcase_add_test(tc, test_registry);
	tcase_add_test(tc, test_xpf_v4);
	tcase_add_test(tc, test_xpf_v6);
	tcase_add_test(tc, test_vpp);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_opts_compat);
	tcase_add_test(tc, test_fingerprint);
	tcase_add_test(tc, test_inverse);
	tcase_set_timeout(tc, 60);	/* test_inverse: every port of small pools */
	tcase_add_test(tc, test_vector_files);
	tcase_add_test(tc, test_table_block);
	tcase_add_test(tc, test_table_det44);
	tcase_add_test(tc, test_table_block_refusals);
	tcase_add_test(tc, test_table_block_snapshot);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* check_portblock.c - deterministic port blocks (RFC 7422). */
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

int main(void)
{
	Suite *s = suite_create("portblock");
	TCase *tc = tcase_create("portblock");

	tcase_add_test(tc, test_v4);
	tcase_add_test(tc, test_v6);
	tcase_add_test(tc, test_geometry);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* check_pool.c - pools: spec parser, binary builder, getters, every error path. */
#include <errno.h>

#include "testutil.h"

#define SENTINEL ((struct snatpool *)(uintptr_t)0x5a5a)

/* Build @spec expecting error @code with diag naming @token at @offset. */
static void expect_spec_err(const char *spec, int code, const char *token, long offset)
{
	struct snatpool *p = SENTINEL;
	struct snatpool_diag d;
	int err;

	memset(&d, 0x7f, sizeof(d));
	err = snatpool_pool_from_spec(spec, NULL, &p, &d);
	ck_assert_msg(err == -code, "'%s': got %d (%s), want %d", spec, err,
		      snatpool_strerror(err), -code);
	ck_assert_ptr_eq(p, SENTINEL);	/* untouched */
	ck_assert_int_eq(d.code, code);
	if (token)
		ck_assert_str_eq(d.token, token);
	if (offset >= 0)
		ck_assert_uint_eq(d.offset, (size_t)offset);
}

START_TEST(test_spec_mixed_order)
{
	struct snatpool *p = tu_pool(" 203.0.113.9 , 2001:db8::5-2001:db8::6,192.0.2.0/31,2001:db8::1", 0);
	uint8_t a[16], w[16];

	ck_assert_uint_eq(snatpool_pool_count(p, AF_INET), 3);
	ck_assert_uint_eq(snatpool_pool_count(p, AF_INET6), 3);
	ck_assert_uint_eq(snatpool_pool_count(p, 99), 0);
	ck_assert_int_eq(snatpool_pool_addr(p, AF_INET, 0, a), 0);
	tu_addr("203.0.113.9", w);
	ck_assert_mem_eq(a, w, 4);
	ck_assert_int_eq(snatpool_pool_addr(p, AF_INET, 2, a), 0);
	tu_addr("192.0.2.1", w);
	ck_assert_mem_eq(a, w, 4);
	ck_assert_int_eq(snatpool_pool_addr(p, AF_INET6, 2, a), 0);
	tu_addr("2001:db8::1", w);
	ck_assert_mem_eq(a, w, 16);
	ck_assert_int_eq(snatpool_pool_addr(p, AF_INET, 3, a), -ERANGE);
	ck_assert_int_eq(snatpool_pool_addr(p, 99, 0, a), -EINVAL);
	ck_assert_int_eq(snatpool_pool_addr(p, AF_INET, 0, NULL), -EINVAL);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_spec_prefix_includes_edges)
{
	struct snatpool *p = tu_pool("192.0.2.0/30,2001:db8::/127", 0);
	uint8_t a[16], w[16];

	ck_assert_uint_eq(snatpool_pool_count(p, AF_INET), 4);
	ck_assert_uint_eq(snatpool_pool_count(p, AF_INET6), 2);
	snatpool_pool_addr(p, AF_INET, 0, a);
	tu_addr("192.0.2.0", w);
	ck_assert_mem_eq(a, w, 4);
	snatpool_pool_addr(p, AF_INET, 3, a);
	tu_addr("192.0.2.3", w);
	ck_assert_mem_eq(a, w, 4);
	ck_assert_int_eq(snatpool_pool_addr(p, AF_INET6, 0, a), 0);
	snatpool_pool_free(p);
	p = tu_pool("198.51.100.7/32,198.51.100.9-198.51.100.9", 0);
	ck_assert_uint_eq(snatpool_pool_count(p, AF_INET), 2);
	ck_assert_uint_eq(snatpool_pool_count(p, AF_INET6), 0);
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_spec_limits)
{
	struct snatpool *p = tu_pool("100.64.0.0/16,2001:db8::/112", 0);

	ck_assert_uint_eq(snatpool_pool_count(p, AF_INET), 65536);
	ck_assert_uint_eq(snatpool_pool_count(p, AF_INET6), 65536);
	snatpool_pool_free(p);
	expect_spec_err("100.64.0.0/15", SNATPOOL_ELIMIT, "100.64.0.0/15", 0);
	expect_spec_err("100.64.0.0/16,10.0.0.1", SNATPOOL_ELIMIT, "10.0.0.1", 14);
	expect_spec_err("2001:db8::/64", SNATPOOL_ELIMIT, "2001:db8::/64", 0);
	expect_spec_err("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", SNATPOOL_ELIMIT, NULL, 0);
	expect_spec_err("0.0.0.0/0", SNATPOOL_ELIMIT, NULL, 0);
}
END_TEST

START_TEST(test_spec_errors)
{
	expect_spec_err("10.0.0.300", SNATPOOL_EADDR, "10.0.0.300", 0);
	expect_spec_err("10.0.0.1,bogus", SNATPOOL_EADDR, "bogus", 9);
	expect_spec_err("10.0.0.1,2001:db8::g", SNATPOOL_EADDR, "2001:db8::g", 9);
	expect_spec_err("10.0.0.9-10.0.0.1", SNATPOOL_ERANGE, "10.0.0.9-10.0.0.1", 0);
	expect_spec_err("10.0.0.1-2001:db8::1", SNATPOOL_ERANGE, NULL, 0);
	expect_spec_err("10.0.0.1-", SNATPOOL_EADDR, NULL, 0);
	expect_spec_err("10.0.0.1/24", SNATPOOL_EPREFIX, "10.0.0.1/24", 0);
	expect_spec_err("10.0.0.0/33", SNATPOOL_EPREFIX, NULL, 0);
	expect_spec_err("2001:db8::1/120", SNATPOOL_EPREFIX, NULL, 0);
	expect_spec_err("10.0.0.0/", SNATPOOL_EPREFIX, NULL, 0);
	expect_spec_err("10.0.0.0/2x", SNATPOOL_EPREFIX, NULL, 0);
	expect_spec_err("10.0.0.0/24-10.0.1.0", SNATPOOL_EPREFIX, NULL, 0);
	expect_spec_err("10.0.0.1,10.0.0.1", SNATPOOL_EDUP, "10.0.0.1", 9);
	expect_spec_err("10.0.0.0/30,10.0.0.2-10.0.0.5", SNATPOOL_EDUP, "10.0.0.2-10.0.0.5", 12);
	expect_spec_err("2001:db8::1,10.0.0.1,2001:db8:0::1", SNATPOOL_EDUP, "2001:db8:0::1", 21);
	expect_spec_err("", SNATPOOL_EEMPTY, NULL, -1);
	expect_spec_err("   ", SNATPOOL_EEMPTY, NULL, -1);
	expect_spec_err("10.0.0.1,,10.0.0.2", SNATPOOL_ESYNTAX, "", 9);
	expect_spec_err("10.0.0.1,", SNATPOOL_ESYNTAX, "", 9);
	expect_spec_err(",10.0.0.1", SNATPOOL_ESYNTAX, "", 0);
}
END_TEST

START_TEST(test_opts)
{
	struct snatpool *p = SENTINEL;
	struct snatpool_diag d;
	uint16_t lo, hi;
	struct {
		struct snatpool_pool_opts o;
		uint64_t future;
	} big;

	{
		SNATPOOL_OPTS(snatpool_pool_opts, o, .seed = 42, .port_lo = 2000,
			      .port_hi = 3000, .default_algo = SNATPOOL_ALGO_MAGLEV_V1);
		ck_assert_int_eq(snatpool_pool_from_spec("10.0.0.1", &o, &p, &d), 0);
		ck_assert_uint_eq(snatpool_pool_seed(p), 42);
		snatpool_pool_ports(p, &lo, &hi);
		ck_assert_uint_eq(lo, 2000);
		ck_assert_uint_eq(hi, 3000);
		ck_assert_uint_eq(snatpool_pool_default_algo(p), SNATPOOL_ALGO_MAGLEV_V1);
		snatpool_pool_free(p);
	}
	p = tu_pool("10.0.0.1", 0);
	snatpool_pool_ports(p, &lo, &hi);
	ck_assert_uint_eq(lo, 1024);
	ck_assert_uint_eq(hi, 65535);
	ck_assert_uint_eq(snatpool_pool_default_algo(p), SNATPOOL_ALGO_DEFAULT);
	snatpool_pool_free(p);
	{
		SNATPOOL_OPTS(snatpool_pool_opts, o, .port_lo = 3000, .port_hi = 2000);
		p = SENTINEL;
		ck_assert_int_eq(snatpool_pool_from_spec("10.0.0.1", &o, &p, &d), -SNATPOOL_EPORT);
		ck_assert_str_eq(d.token, "3000-2000");
		ck_assert_ptr_eq(p, SENTINEL);
	}
	{
		SNATPOOL_OPTS(snatpool_pool_opts, o, .port_lo = 0, .port_hi = 10);
		ck_assert_int_eq(snatpool_pool_from_spec("10.0.0.1", &o, &p, &d), -SNATPOOL_EPORT);
	}
	{
		SNATPOOL_OPTS(snatpool_pool_opts, o, .default_algo = 77);
		ck_assert_int_eq(snatpool_pool_from_spec("10.0.0.1", &o, &p, &d), -SNATPOOL_EALGO);
	}
	{
		SNATPOOL_OPTS(snatpool_pool_opts, o);
		o.sz = 1;
		ck_assert_int_eq(snatpool_pool_from_spec("10.0.0.1", &o, &p, &d), -EINVAL);
	}
	/* A newer caller's larger struct: zero tail accepted, non-zero refused. */
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.o.seed = 5;
	ck_assert_int_eq(snatpool_pool_from_spec("10.0.0.1", &big.o, &p, &d), 0);
	ck_assert_uint_eq(snatpool_pool_seed(p), 5);
	snatpool_pool_free(p);
	big.future = 1;
	p = SENTINEL;
	ck_assert_int_eq(snatpool_pool_from_spec("10.0.0.1", &big.o, &p, &d), -EINVAL);
	ck_assert_ptr_eq(p, SENTINEL);
	ck_assert_int_eq(snatpool_pool_from_spec(NULL, NULL, &p, &d), -EINVAL);
	ck_assert_int_eq(snatpool_pool_from_spec("10.0.0.1", NULL, NULL, &d), -EINVAL);
	ck_assert_int_eq(snatpool_pool_from_spec("10.0.0.1", NULL, &p, NULL), 0);
	snatpool_pool_free(p);
	snatpool_pool_free(NULL);
}
END_TEST

START_TEST(test_pool_new_binary)
{
	struct snatpool_addr a[4];
	struct snatpool *p = SENTINEL;
	struct snatpool_diag d;
	uint8_t out[16];
	size_t i;

	memset(a, 0, sizeof(a));
	a[0].family = AF_INET6;
	tu_addr("2001:db8::9", a[0].addr);
	a[1].family = AF_INET;
	tu_addr("198.51.100.2", a[1].addr);
	a[2].family = AF_INET;
	tu_addr("198.51.100.1", a[2].addr);
	ck_assert_int_eq(snatpool_pool_new(a, 3, NULL, &p, &d), 0);
	ck_assert_uint_eq(snatpool_pool_count(p, AF_INET), 2);
	snatpool_pool_addr(p, AF_INET, 1, out);
	ck_assert_mem_eq(out, a[2].addr, 4);
	snatpool_pool_free(p);

	p = SENTINEL;
	a[3] = a[1];
	ck_assert_int_eq(snatpool_pool_new(a, 4, NULL, &p, &d), -SNATPOOL_EDUP);
	ck_assert_str_eq(d.token, "198.51.100.2");
	ck_assert_uint_eq(d.offset, 3);
	ck_assert_ptr_eq(p, SENTINEL);
	a[3].family = 1234;
	ck_assert_int_eq(snatpool_pool_new(a, 4, NULL, &p, &d), -SNATPOOL_EFAMILY);
	ck_assert_uint_eq(d.offset, 3);
	ck_assert_int_eq(snatpool_pool_new(a, 0, NULL, &p, &d), -SNATPOOL_EEMPTY);
	ck_assert_int_eq(snatpool_pool_new(NULL, 3, NULL, &p, &d), -EINVAL);
	ck_assert_ptr_eq(p, SENTINEL);

	{
		size_t n = SNATPOOL_MAX_ADDRS + 1;
		struct snatpool_addr *many = calloc(n, sizeof(*many));

		for (i = 0; i < n; i++) {
			many[i].family = AF_INET;
			many[i].addr[0] = 10;
			many[i].addr[1] = (uint8_t)(i >> 16);
			many[i].addr[2] = (uint8_t)(i >> 8);
			many[i].addr[3] = (uint8_t)i;
		}
		ck_assert_int_eq(snatpool_pool_new(many, n, NULL, &p, &d), -SNATPOOL_ELIMIT);
		ck_assert_uint_eq(d.offset, SNATPOOL_MAX_ADDRS);
		ck_assert_int_eq(snatpool_pool_new(many, n - 1, NULL, &p, &d), 0);
		snatpool_pool_free(p);
		free(many);
	}
}
END_TEST

START_TEST(test_addr_text)
{
	uint8_t a[16];
	char buf[64];
	int fam;

	ck_assert_int_eq(snatpool_addr_parse("::ffff:10.1.2.3", &fam, a), 0);
	ck_assert_int_eq(fam, AF_INET6);
	ck_assert_int_eq(snatpool_addr_format(fam, a, buf, sizeof(buf)), 15);
	ck_assert_str_eq(buf, "::ffff:10.1.2.3");
	ck_assert_int_eq(snatpool_addr_parse("2001:DB8:0::1", &fam, a), 0);
	snatpool_addr_format(fam, a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2001:db8::1");
	ck_assert_int_eq(snatpool_addr_parse("1.2.3", &fam, a), -SNATPOOL_EADDR);
	ck_assert_int_eq(snatpool_addr_parse("01.2.3.4", &fam, a), -SNATPOOL_EADDR);
	ck_assert_int_eq(snatpool_addr_parse("1.2.3.4 ", &fam, a), -SNATPOOL_EADDR);
	ck_assert_int_eq(snatpool_addr_parse("", &fam, a), -SNATPOOL_EADDR);
	ck_assert_int_eq(snatpool_addr_parse(":::", &fam, a), -SNATPOOL_EADDR);
	ck_assert_int_eq(snatpool_addr_parse(NULL, &fam, a), -EINVAL);
	ck_assert_int_eq(snatpool_addr_format(AF_INET, a, buf, 10), -EINVAL);
	ck_assert_int_eq(snatpool_addr_format(77, a, buf, sizeof(buf)), -EINVAL);
}
END_TEST

/* snatpool_prefix_parse(): every answer, outputs untouched on error. */
START_TEST(test_prefix_text)
{
	static const uint8_t v4[4] = { 100, 64, 0, 0 };
	uint8_t a[16];
	unsigned int plen = 99;
	int fam = 0;

	ck_assert_int_eq(snatpool_prefix_parse("100.64.0.0/10", &fam, a, &plen), 0);
	ck_assert_int_eq(fam, AF_INET);
	ck_assert_uint_eq(plen, 10);
	ck_assert(!memcmp(a, v4, 4));
	ck_assert_int_eq(snatpool_prefix_parse("2001:db8::/128", &fam, a, &plen), 0);
	ck_assert_int_eq(fam, AF_INET6);
	ck_assert_uint_eq(plen, 128);
	ck_assert_int_eq(snatpool_prefix_parse("10.0.0.1/0", &fam, a, &plen), 0);
	ck_assert_uint_eq(plen, 0);		/* host bits: the taker's to check */
	fam = 0;
	plen = 99;
	ck_assert_int_eq(snatpool_prefix_parse("10.0.0.0", &fam, a, &plen), -SNATPOOL_EPREFIX);
	ck_assert_int_eq(snatpool_prefix_parse("10.0.0.0/", &fam, a, &plen), -SNATPOOL_EPREFIX);
	ck_assert_int_eq(snatpool_prefix_parse("10.0.0.0/33", &fam, a, &plen), -SNATPOOL_EPREFIX);
	ck_assert_int_eq(snatpool_prefix_parse("::/129", &fam, a, &plen), -SNATPOOL_EPREFIX);
	ck_assert_int_eq(snatpool_prefix_parse("10.0.0.0/2x", &fam, a, &plen), -SNATPOOL_EPREFIX);
	ck_assert_int_eq(snatpool_prefix_parse("10.0.0.0/0024", &fam, a, &plen), -SNATPOOL_EPREFIX);
	ck_assert_int_eq(snatpool_prefix_parse("10.0.0.0/ 8", &fam, a, &plen), -SNATPOOL_EPREFIX);
	ck_assert_int_eq(snatpool_prefix_parse("10.0.0/8", &fam, a, &plen), -SNATPOOL_EADDR);
	ck_assert_int_eq(snatpool_prefix_parse("/8", &fam, a, &plen), -SNATPOOL_EADDR);
	ck_assert_int_eq(snatpool_prefix_parse(NULL, &fam, a, &plen), -EINVAL);
	ck_assert_int_eq(snatpool_prefix_parse("10.0.0.0/8", NULL, a, &plen), -EINVAL);
	ck_assert_int_eq(fam, 0);
	ck_assert_uint_eq(plen, 99);
}
END_TEST

START_TEST(test_strerror)
{
	int e;

	for (e = SNATPOOL_EADDR; e < SNATPOOL_EERR_END; e++) {
		ck_assert_str_ne(snatpool_strerror(-e), "unknown error");
		ck_assert_str_eq(snatpool_strerror(e), snatpool_strerror(-e));
	}
	ck_assert_str_eq(snatpool_strerror(-SNATPOOL_EERR_END), "unknown error");
	ck_assert_str_eq(snatpool_strerror(0), "success");
	ck_assert_str_eq(snatpool_strerror(-ENOMEM), "Cannot allocate memory");
	ck_assert_str_eq(snatpool_strerror(-99999), "unknown error");
	ck_assert_str_eq(snatpool_version(), "0.1.0");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("pool");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_spec_mixed_order);
	tcase_add_test(tc, test_spec_prefix_includes_edges);
	tcase_add_test(tc, test_spec_limits);
	tcase_add_test(tc, test_spec_errors);
	tcase_add_test(tc, test_opts);
	tcase_add_test(tc, test_pool_new_binary);
	tcase_add_test(tc, test_addr_text);
	tcase_add_test(tc, test_prefix_text);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

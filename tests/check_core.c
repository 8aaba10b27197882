/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * check_core.c - the freestanding cores against implementations nobody here
 * wrote: OpenSSL's SHA-256, the shared libxxhash, the compiler's 128-bit
 * multiply, and a transcription of the kernel's generic jhash2() loop.
 */
#include <openssl/evp.h>

#include "testutil.h"
#include "xxh_ref.h"
#include "core/snp_legacy.h"
#include "core/snp_userspace.h"
#include "core/snp_nfpersist.h"
#include "core/snp_xxh3.h"
#include "core/snp_maglev.h"
#include "core/snp_dispatch.h"

static void openssl_sha256(const uint8_t *m, size_t len, uint8_t d[32])
{
	unsigned int dl = 0;

	ck_assert_int_eq(EVP_Digest(m, len, d, &dl, EVP_sha256(), NULL), 1);
	ck_assert_uint_eq(dl, 32);
}

START_TEST(test_sha256_vs_openssl)
{
	uint64_t rng = 17;
	uint8_t msg[SNP_SHA256_MAXMSG + 1], d[32], mine[32];
	uint32_t h[8];
	unsigned len, k, i;

	for (len = 0; len <= SNP_SHA256_MAXMSG; len++) {
		for (k = 0; k < 20; k++) {
			tu_randbytes(&rng, msg, len);
			openssl_sha256(msg, len, d);
			ck_assert_int_eq(snp_sha256_short(msg, len, h), 0);
			for (i = 0; i < 8; i++) {
				mine[4 * i] = (uint8_t)(h[i] >> 24);
				mine[4 * i + 1] = (uint8_t)(h[i] >> 16);
				mine[4 * i + 2] = (uint8_t)(h[i] >> 8);
				mine[4 * i + 3] = (uint8_t)h[i];
			}
			ck_assert_msg(!memcmp(d, mine, 32), "len %u", len);
		}
	}
	ck_assert_int_eq(snp_sha256_short(msg, SNP_SHA256_MAXMSG + 1, h), -1);
	/* FIPS 180-4 example "abc". */
	snp_sha256_short((const uint8_t *)"abc", 3, h);
	ck_assert_uint_eq(h[0], 0xba7816bf);
	ck_assert_uint_eq(h[7], 0xf20015ad);
}
END_TEST

/* The core's freestanding pick equals the library's EVP path. */
START_TEST(test_userspace_core_vs_library)
{
	struct snatpool *p = tu_pool("198.51.100.0-198.51.100.6,2001:db8::/125,2001:db8:1::1", 0);
	uint64_t rng = 3;
	uint32_t idx;
	int k;

	for (k = 0; k < 5000; k++) {
		uint8_t src[16];
		int v6 = k & 1;

		tu_randbytes(&rng, src, 16);
		ck_assert_int_eq(snatpool_select(p, v6 ? AF_INET6 : AF_INET, src,
						 SNATPOOL_ALGO_XPF_USERSPACE_V1, &idx, NULL), 0);
		ck_assert_uint_eq(idx, snp_userspace_pick(v6 ? 6 : 4, src, v6 ? 9 : 7));
	}
	snatpool_pool_free(p);
}
END_TEST

START_TEST(test_userspace_message)
{
	uint8_t msg[SNP_USERSPACE_MSGMAX], src[16] = { 10, 0, 1, 100 }, d[32];

	ck_assert_uint_eq(snp_userspace_msg(4, src, msg), 45);
	ck_assert_mem_eq(msg, "xpf-userspace-snat-address-persistent-v1", 40);
	ck_assert_uint_eq(msg[40], 4);
	ck_assert_mem_eq(msg + 41, src, 4);
	ck_assert_uint_eq(snp_userspace_msg(6, src, msg), 57);
	ck_assert_uint_eq(msg[40], 6);
	openssl_sha256(msg, 57, d);
	{
		uint64_t be = 0;
		int i;

		for (i = 0; i < 8; i++)
			be = be << 8 | d[i];
		ck_assert_uint_eq(snp_userspace_pick(6, src, 1000003), be % 1000003);
	}
}
END_TEST

START_TEST(test_mulhi_vs_int128)
{
	uint64_t rng = 11;
	int k;

	ck_assert_uint_eq(snp_mulhi64(UINT64_MAX, UINT64_MAX), UINT64_MAX - 1);
	ck_assert_uint_eq(snp_mulhi64(UINT64_MAX, 1), 0);
	ck_assert_uint_eq(snp_mulhi64(1ull << 63, 2), 1);
	for (k = 0; k < 1000000; k++) {
		uint64_t a = tu_rand(&rng), b = tu_rand(&rng) >> (k % 64);

		ck_assert_uint_eq(snp_mulhi64(a, b),
				  (uint64_t)(((unsigned __int128)a * b) >> 64));
	}
}
END_TEST

START_TEST(test_xxh3_vs_libxxhash)
{
	uint64_t rng = 23, seed;
	uint8_t src[16], key[17];
	int k;

	for (k = 0; k < 100000; k++) {
		int v6 = k & 1;

		tu_randbytes(&rng, src, 16);
		seed = k % 3 ? tu_rand(&rng) : 0;
		key[0] = v6 ? 6 : 4;
		memcpy(key + 1, src, v6 ? 16 : 4);
		ck_assert_uint_eq(snp_xxh3_hash(v6 ? 6 : 4, src, seed),
				  ref_xxh3(key, v6 ? 17 : 5, seed));
	}
	/* xxHash's own published value for the empty input. */
	ck_assert_uint_eq(ref_xxh3("", 0, 0), 0x2D06800538D394C2ull);
}
END_TEST

/* The kernel's generic jhash2() (include/linux/jhash.h), transcribed. */
static uint32_t kernel_jhash2(const uint32_t *k, uint32_t length, uint32_t initval)
{
	uint32_t a, b, c;

	a = b = c = 0xdeadbeef + (length << 2) + initval;
	while (length > 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		SNP_JHASH_MIX(a, b, c);
		length -= 3;
		k += 3;
	}
	switch (length) {
	case 3: c += k[2]; /* fallthrough */
	case 2: b += k[1]; /* fallthrough */
	case 1: a += k[0];
		SNP_JHASH_FINAL(a, b, c);
		break;
	case 0:
		break;
	}
	return c;
}

START_TEST(test_jhash_vs_kernel_loop)
{
	uint64_t rng = 31;
	int k;

	for (k = 0; k < 100000; k++) {
		uint32_t w[4];
		uint8_t src[16];

		tu_randbytes(&rng, src, 16);
		if (k & 1)
			memset(src + 4, 0, 12);
		memcpy(w, src, 16);	/* host order, as the kernel reads it */
		ck_assert_uint_eq(snp_nfpersist_hash(src, k & 1 ? 4 : 16),
				  kernel_jhash2(w, 4, 0));
	}
}
END_TEST

START_TEST(test_legacy_formula)
{
	uint8_t a[16] = { 10, 0, 1, 100, 1, 2, 3, 4, 0xff, 0, 0, 0, 0, 0, 0, 0x80 };
	uint32_t lanes = 0x6401000au ^ 0x04030201u ^ 0x000000ffu ^ 0x80000000u;

	ck_assert_uint_eq(snp_legacy_v4(a, 1000003), 0x6401000au % 1000003);
	ck_assert_uint_eq(snp_legacy_v6(a, 65536), lanes % 65536);
	ck_assert_uint_eq(snp_legacy_v6(a, 257), lanes % 257);
}
END_TEST

/* The view a dataplane builds of @pool from the public API (snp_hview_load). */
static void view_of(const struct snatpool *pool, struct snp_view *v, const uint16_t *t[2])
{
	static const uint8_t zero[16];
	int f;

	memset(v, 0, sizeof(*v));
	v->seed = snatpool_pool_seed(pool);
	for (f = 0; f < 2; f++) {
		int af = f ? AF_INET6 : AF_INET;

		v->f[f].fam = f ? SNP_FAM6 : SNP_FAM4;
		v->f[f].alen = f ? 16 : 4;
		v->f[f].n = (uint32_t)snatpool_pool_count(pool, af);
		t[f] = NULL;
		if (!v->f[f].n)
			continue;
		v->f[f].contiguous = !snatpool_select(pool, af, zero,
						      SNATPOOL_ALGO_LINUX_NF_PERSIST, NULL, NULL);
		ck_assert_int_eq(snatpool_maglev_table(pool, af, &t[f], &v->f[f].msize), 0);
	}
}

/* snp_dispatch() (freestanding SHA-256) answers what snatpool_select() does. */
START_TEST(test_dispatch_vs_library)
{
	static const char *const specs[] = {
		"198.51.100.1-198.51.100.9,2001:db8::/125",
		"203.0.113.7,192.0.2.1,198.51.100.3,2001:db8::9,2001:db8::1",
	};
	uint64_t rng = 99;
	unsigned k, i, f;

	for (k = 0; k < 2; k++) {
		struct snatpool *p = tu_pool(specs[k], 0x1234 + k);
		const uint16_t *t[2];
		struct snp_view v;

		view_of(p, &v, t);
		for (i = 0; i < 300; i++) {
			uint8_t src[16];
			unsigned j;

			for (j = 0; j < 16; j++)
				src[j] = (uint8_t)tu_rand(&rng);
			for (f = 0; f < 2; f++) {
				int af = f ? AF_INET6 : AF_INET;
				uint32_t want, got;
				int kind, err;

#define ONE(id, name)								\
				err = snatpool_select(p, af, src, id, &want, NULL);		\
				got = 0xdeadbeef;					\
				kind = snp_dispatch(id, &v.f[f], v.seed, src, &got);	\
				if (err) {						\
					ck_assert_int_eq(err, -SNATPOOL_ENOTRANGE);	\
					ck_assert_int_eq(kind, SNP_PICK_ENOTRANGE);	\
					ck_assert_uint_eq(got, 0xdeadbeef);		\
				} else {						\
					if (kind == SNP_PICK_SLOT) {			\
						ck_assert_uint_lt(got, v.f[f].msize);	\
						got = t[f][got];			\
					} else {					\
						ck_assert_int_eq(kind, SNP_PICK_INDEX);	\
					}						\
					ck_assert_msg(got == want, #name " %u: %u != %u", f, got, want); \
				}
				SNP_ALGO_LIST(ONE)
#undef ONE
			}
		}
		snatpool_pool_free(p);
	}
}
END_TEST

/* Unknown IDs, missing families and tables fail closed, *value untouched. */
START_TEST(test_dispatch_fails_closed)
{
	static const uint32_t unknown[] = { 0, SNP_ALGO_COUNT + 1, 0x80000000u, 0xffffffffu };
	struct snp_view_family f = { .n = 4, .msize = 0, .fam = SNP_FAM4, .alen = 4,
				     .contiguous = 0 };
	uint8_t src[16] = { 10, 0, 0, 1 };
	uint32_t v = 77;
	unsigned i;

	ck_assert_int_eq(SNP_ALGO_COUNT, snatpool_algo_list(NULL, 0));
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		ck_assert_int_eq(snp_dispatch(unknown[i], &f, 0, src, &v), SNP_PICK_EALGO);
		ck_assert_ptr_null(snatpool_algo_name(unknown[i]));
	}
	ck_assert_int_eq(snp_dispatch(SNP_ALGO_LINUX_NF_PERSIST, &f, 0, src, &v),
			 SNP_PICK_ENOTRANGE);
	ck_assert_int_eq(snp_dispatch(SNP_ALGO_MAGLEV_V1, &f, 0, src, &v), SNP_PICK_ENOTABLE);
	f.n = 0;
#define NOFAM(id, name) \
	ck_assert_int_eq(snp_dispatch(id, &f, 0, src, &v), SNP_PICK_ENOFAMILY);
	SNP_ALGO_LIST(NOFAM)
#undef NOFAM
	ck_assert_uint_eq(v, 77);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_sha256_vs_openssl);
	tcase_add_test(tc, test_userspace_core_vs_library);
	tcase_add_test(tc, test_userspace_message);
	tcase_add_test(tc, test_mulhi_vs_int128);
	tcase_add_test(tc, test_xxh3_vs_libxxhash);
	tcase_add_test(tc, test_jhash_vs_kernel_loop);
	tcase_add_test(tc, test_legacy_formula);
	tcase_add_test(tc, test_dispatch_vs_library);
	tcase_add_test(tc, test_dispatch_fails_closed);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

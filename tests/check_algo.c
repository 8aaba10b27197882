/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * check_algo.c - the registry.  IDs and names are frozen: this table is the
 * record of what was released, and a change here is a compatibility break.
 */
#include "testutil.h"

static const struct {
	uint32_t id;
	const char *name;
	uint32_t flags;
} frozen[] = {
	{ 1, "xpf-legacy-v0", SNATPOOL_ALGO_F_BPF_SAFE },
	{ 2, "xpf-userspace-v1", SNATPOOL_ALGO_F_OPENSSL | SNATPOOL_ALGO_F_BPF_SAFE },
	{ 3, "linux-nf-persistent", SNATPOOL_ALGO_F_BPF_SAFE | SNATPOOL_ALGO_F_RANGE_ONLY },
	{ 4, "snatpool-xxh3-v1", SNATPOOL_ALGO_F_BPF_SAFE | SNATPOOL_ALGO_F_SEEDED },
	{ 5, "snatpool-maglev-v1", SNATPOOL_ALGO_F_BPF_SAFE | SNATPOOL_ALGO_F_ORDER_FREE |
				   SNATPOOL_ALGO_F_CONSISTENT | SNATPOOL_ALGO_F_SEEDED },
};

START_TEST(test_frozen)
{
	struct snatpool_algo_info info;
	uint32_t ids[8];
	size_t i;

	ck_assert_int_eq(SNATPOOL_ALGO_XPF_LEGACY_V0, 1);
	ck_assert_int_eq(SNATPOOL_ALGO_XPF_USERSPACE_V1, 2);
	ck_assert_int_eq(SNATPOOL_ALGO_LINUX_NF_PERSIST, 3);
	ck_assert_int_eq(SNATPOOL_ALGO_XXH3_V1, 4);
	ck_assert_int_eq(SNATPOOL_ALGO_MAGLEV_V1, 5);
	ck_assert_int_eq(snatpool_algo_list(NULL, 0), 5);
	ck_assert_int_eq(snatpool_algo_list(ids, 8), 5);
	ck_assert_int_eq(snatpool_algo_list(ids, 2), 5);
	for (i = 0; i < 5; i++) {
		ck_assert_uint_eq(ids[i], frozen[i].id);
		ck_assert_str_eq(snatpool_algo_name(frozen[i].id), frozen[i].name);
		ck_assert_int_eq(snatpool_algo_by_name(frozen[i].name), (int)frozen[i].id);
		ck_assert_int_eq(snatpool_algo_info(frozen[i].id, &info), 0);
		ck_assert_uint_eq(info.id, frozen[i].id);
		ck_assert_str_eq(info.name, frozen[i].name);
		ck_assert_uint_eq(info.flags, frozen[i].flags);
		ck_assert_ptr_nonnull(info.summary);
	}
}
END_TEST

START_TEST(test_unknown)
{
	struct snatpool_algo_info info;

	ck_assert_ptr_null(snatpool_algo_name(0));
	ck_assert_ptr_null(snatpool_algo_name(6));
	ck_assert_int_eq(snatpool_algo_by_name("snatpool-xxh3-v2"), -SNATPOOL_EALGO);
	ck_assert_int_eq(snatpool_algo_by_name("XPF-LEGACY-V0"), -SNATPOOL_EALGO);
	ck_assert_int_eq(snatpool_algo_by_name(""), -SNATPOOL_EALGO);
	ck_assert_int_eq(snatpool_algo_by_name(NULL), -SNATPOOL_EALGO);
	ck_assert_int_eq(snatpool_algo_info(0, &info), -SNATPOOL_EALGO);
	ck_assert_int_eq(snatpool_algo_info(1, NULL), -EINVAL);
	ck_assert_int_eq(snatpool_algo_list(NULL, 3), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("algo");
	TCase *tc = tcase_create("algo");

	tcase_add_test(tc, test_frozen);
	tcase_add_test(tc, test_unknown);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

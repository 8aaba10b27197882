/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* testutil.h - small helpers shared by the Check unit tests. */
#ifndef SNP_TESTUTIL_H
#define SNP_TESTUTIL_H

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snatpool.h"

static inline struct snatpool *tu_pool(const char *spec, uint64_t seed)
{
	SNATPOOL_OPTS(snatpool_pool_opts, o, .seed = seed);
	struct snatpool *p = NULL;
	struct snatpool_diag d;
	int err = snatpool_pool_from_spec(spec, &o, &p, &d);

	ck_assert_msg(!err, "pool '%s': %s: %s", spec, d.token, snatpool_strerror(err));
	return p;
}

static inline int tu_addr(const char *text, uint8_t *out)
{
	int fam = 0;

	ck_assert_msg(!snatpool_addr_parse(text, &fam, out), "bad address %s", text);
	return fam;
}

static inline uint64_t tu_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline void tu_randbytes(uint64_t *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 8 == 0) {
			uint64_t r = tu_rand(s);

			memcpy(out + i, &r, n - i < 8 ? n - i : 8);
		}
	}
}

/* Run one suite; exit status for automake. */
static inline int tu_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* SNP_TESTUTIL_H */

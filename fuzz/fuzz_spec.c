/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * fuzz_spec.c - the pool-spec parser: any input either builds a pool whose
 * every address reads back and selects, or fails with a library code and a
 * NUL-terminated diagnostic; never a crash, never a leak, never a half pool.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snatpool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	SNATPOOL_OPTS(snatpool_pool_opts, o, .maglev_size = 1031);
	struct snatpool *pool = NULL;
	struct snatpool_diag d;
	char *spec;
	int err, fam;

	if (size > 4096)
		return 0;
	spec = malloc(size + 1);
	if (!spec)
		return 0;
	memcpy(spec, data, size);
	spec[size] = '\0';
	err = snatpool_pool_from_spec(spec, &o, &pool, &d);
	if (err) {
		if (pool || (err != -ENOMEM && -err < SNATPOOL_EADDR) ||
		    memchr(d.token, '\0', sizeof(d.token)) == NULL)
			abort();
	} else {
		for (fam = AF_INET; fam; fam = fam == AF_INET ? AF_INET6 : 0) {
			size_t n = snatpool_pool_count(pool, fam), i;
			uint8_t a[16], got[16];
			uint32_t idx, ids[64];
			int na = snatpool_algo_list(ids, 64), k;

			for (i = 0; i < n && i < 64; i++) {
				if (snatpool_pool_addr(pool, fam, (uint32_t)i, a))
					abort();
				/* every registered algorithm (the registry's list) */
				for (k = 0; k < na && k < 64; k++) {
					struct snatpool_algo_info info;

					if (snatpool_algo_info(ids[k], &info))
						abort();
					err = snatpool_select(pool, fam, a, ids[k], &idx, got);
					if (err && !(err == -SNATPOOL_ENOTRANGE &&
						     (info.flags & SNATPOOL_ALGO_F_RANGE_ONLY)))
						abort();
					if (!err && idx >= n)
						abort();
				}
			}
		}
		snatpool_pool_free(pool);
	}
	free(spec);
	return 0;
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * fuzz_snapshot.c - the snapshot loader.  Input: one flag octet, then a
 * snapshot; flag bit 0 reseals the checksum so the parser behind it is
 * reached.  Any input either loads completely (and saves and loads again
 * to the same count) or fails and leaves the table empty; no crash, no
 * leak, no tuple with two owners.
 */
#include "fuzz_table_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snatpool_table *t, *u;
	uint8_t *buf, *again;
	long len;
	int n;

	if (size < 1 || size > (1u << 20))
		return 0;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	if (data[0] & 1)
		fz_reseal(buf, size - 1);
	t = fz_table(0);
	n = snatpool_table_load_mem(t, buf, size - 1, 100);
	if (n < 0) {
		if (fz_check(t) != 0)
			abort();		/* a failed load left something behind */
	} else {
		if (fz_check(t) != (size_t)n)
			abort();
		len = snatpool_table_snapshot(t, 100, NULL, 0);
		again = len > 0 ? malloc((size_t)len) : NULL;
		if (!again || snatpool_table_snapshot(t, 100, again, (size_t)len) != len)
			abort();
		u = fz_table(0);
		if (snatpool_table_load_mem(u, again, (size_t)len, 5) != n)
			abort();
		snatpool_table_free(u);
		free(again);
	}
	snatpool_table_free(t);
	free(buf);
	return 0;
}

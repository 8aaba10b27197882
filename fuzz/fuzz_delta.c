/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * fuzz_delta.c - the HA delta importer.  Input: one flag octet, then a
 * stream of records fed in pieces of (flag >> 1) + 1 octets (leftovers go
 * again with the next piece); flag bit 0 reseals each record's checksum.
 * Whatever the input: no crash, no leak, counters agree with the mappings,
 * no tuple with two owners, and consumed octets are whole records.
 */
#include "fuzz_table_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snatpool_table *t;
	size_t len, off = 0, piece, i;
	uint8_t *buf;

	if (size < 1 || size > (1u << 20))
		return 0;
	len = size - 1;
	buf = malloc(len + 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, len);
	if (data[0] & 1)
		for (i = 0; i + SNATPOOL_DELTA_RECORD_SIZE <= len; i += SNATPOOL_DELTA_RECORD_SIZE)
			fz_reseal(buf + i, SNATPOOL_DELTA_RECORD_SIZE);
	piece = (size_t)(data[0] >> 1) + 1;
	t = fz_table(0);
	while (off < len) {
		size_t n = piece < len - off ? piece : len - off, used = 0;
		int r;

		/* at least the leftover plus one piece */
		if (n < SNATPOOL_DELTA_RECORD_SIZE)
			n = len - off < SNATPOOL_DELTA_RECORD_SIZE ? len - off : SNATPOOL_DELTA_RECORD_SIZE;
		r = snatpool_table_delta_import(t, buf + off, n, 200, &used);
		if (used % SNATPOOL_DELTA_RECORD_SIZE || used > n)
			abort();
		if (r < 0 || !used)
			break;
		off += used;
	}
	fz_check(t);
	snatpool_table_expire(t, 100000, 0);	/* idle leases go, live ones stay */
	fz_check(t);
	snatpool_table_free(t);
	free(buf);
	return 0;
}

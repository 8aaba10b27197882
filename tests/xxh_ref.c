/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * xxh_ref.c - XXH3 through the shared libxxhash, in a unit of its own so
 * that it is the system library's compiled code, not the inlined copy the
 * cores use, that the tests compare against.
 */
#include <xxhash.h>

#include "xxh_ref.h"

uint64_t ref_xxh3(const void *p, size_t len, uint64_t seed)
{
	return XXH3_64bits_withSeed(p, len, seed);
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
#ifndef SNP_XXH_REF_H
#define SNP_XXH_REF_H
#include <stddef.h>
#include <stdint.h>
uint64_t ref_xxh3(const void *p, size_t len, uint64_t seed);
#endif

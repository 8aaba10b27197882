/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* pool.h - the pool builder shared by snatpool_pool_new() and the spec parser. */
#ifndef SNP_POOL_H
#define SNP_POOL_H

#include <stdio.h>

#include "internal.h"
#include "core/snp_common.h"

/*
 * Build a pool from @count addresses.  On error returns -code and sets
 * *@bad to the position of the offending address when there is one
 * (SIZE_MAX otherwise); @diag is filled only for option errors.
 */
int snp_pool_build(const struct snatpool_addr *addrs, size_t count,
		   const struct snatpool_pool_opts *opts, struct snatpool **out,
		   size_t *bad, struct snatpool_diag *diag);

#endif /* SNP_POOL_H */

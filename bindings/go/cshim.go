// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

// C glue for the callbacks (files with //export may hold C declarations
// only).  The context C passes back is a runtime/cgo.Handle value, never a
// Go pointer.

/*
#include <stdint.h>
#include <snatpool.h>

extern void snpGoVerifyCb(size_t lineno, struct snatpool_vector_result *res, uintptr_t h);

static void snp_go_verify_cb(size_t lineno, const struct snatpool_vector_result *res,
			     void *ctx)
{
	snpGoVerifyCb(lineno, (struct snatpool_vector_result *)res, (uintptr_t)ctx);
}

extern int snpGoWalkCb(struct snatpool_mapping *m, uintptr_t h);

static int snp_go_walk_cb(const struct snatpool_mapping *m, void *ctx)
{
	return snpGoWalkCb((struct snatpool_mapping *)m, (uintptr_t)ctx);
}

int snp_go_table_walk(struct snatpool_table *t, uint32_t now, uintptr_t h)
{
	return snatpool_table_walk(t, now, snp_go_walk_cb, (void *)h);
}

int snp_go_vectors_verify(int fd, struct snatpool_verify_stats *st, uintptr_t h)
{
	return snatpool_vectors_verify(fd, st, snp_go_verify_cb, (void *)h);
}
*/
import "C"

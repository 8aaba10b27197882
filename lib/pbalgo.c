/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * pbalgo.c - the port-block algorithm registry.  IDs and names are frozen
 * (tests/check_portblock.c); the IDs are those of SNP_PB_LIST in
 * lib/core/snp_dispatch.h, a space separate from the selection algorithms.
 */
#include <string.h>

#include "internal.h"

static const char *const snp_pbalgos[] = {
	[SNATPOOL_PBALGO_SPREAD_V1]    = "snatpool-spread-v1",
	[SNATPOOL_PBALGO_XPF_DET_V0]   = "xpf-det-v0",
	[SNATPOOL_PBALGO_VPP_DET44_V0] = "vpp-det44-v0",
};

#define SNP_NPBALGOS (sizeof(snp_pbalgos) / sizeof(snp_pbalgos[0]) - 1)

#define SNP_PB_ASSERT_(id, name) \
	_Static_assert((int)SNATPOOL_PBALGO_##name == id && (int)SNP_PB_##name == id, \
		       "snp_pb.h and snatpool.h disagree on " #name);
SNP_PB_LIST(SNP_PB_ASSERT_)
#undef SNP_PB_ASSERT_

SNP_API int snatpool_pbalgo_by_name(const char *name)
{
	size_t i;

	if (!name)
		return -SNATPOOL_EALGO;
	for (i = 1; i <= SNP_NPBALGOS; i++)
		if (!strcmp(snp_pbalgos[i], name))
			return (int)i;
	return -SNATPOOL_EALGO;
}

SNP_API const char *snatpool_pbalgo_name(uint32_t id)
{
	return id >= 1 && id <= SNP_NPBALGOS ? snp_pbalgos[id] : NULL;
}

SNP_API int snatpool_pbalgo_list(uint32_t *ids, size_t max)
{
	size_t i;

	if (!ids && max)
		return -EINVAL;
	for (i = 0; i < SNP_NPBALGOS && i < max; i++)
		ids[i] = (uint32_t)(i + 1);
	return (int)SNP_NPBALGOS;
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * algo.c - the algorithm registry: name, flags and description of every ID
 * in core/snp_dispatch.h's SNP_ALGO_LIST, which snp_dispatch() implements.
 * IDs and names are frozen.  `snatpool algos` prints this table, and every
 * list of algorithms in the tests and bindings is checked against it.
 */
#include <string.h>

#include "internal.h"

#define F(x) SNATPOOL_ALGO_F_##x

static const struct snatpool_algo_info snp_algos[] = {
	[SNATPOOL_ALGO_XPF_LEGACY_V0 - 1] = { SNATPOOL_ALGO_XPF_LEGACY_V0, "xpf-legacy-v0", F(BPF_SAFE),
	  "legacy eBPF/DPDK: source as little-endian u32 (IPv6: XOR of lanes) mod n" },
	[SNATPOOL_ALGO_XPF_USERSPACE_V1 - 1] = { SNATPOOL_ALGO_XPF_USERSPACE_V1, "xpf-userspace-v1", F(OPENSSL) | F(BPF_SAFE),
	  "AF_XDP userspace: SHA-256 of tag, family, source; first 8 octets big-endian mod n" },
	[SNATPOOL_ALGO_LINUX_NF_PERSIST - 1] = { SNATPOOL_ALGO_LINUX_NF_PERSIST, "linux-nf-persistent", F(BPF_SAFE) | F(RANGE_ONLY),
	  "Linux nftables snat persistent: jhash2 of the source, reciprocal_scale over the range" },
	[SNATPOOL_ALGO_XXH3_V1 - 1] = { SNATPOOL_ALGO_XXH3_V1, "snatpool-xxh3-v1", F(BPF_SAFE) | F(SEEDED),
	  "fast default: seeded XXH3-64 of family and source, multiply-high by n" },
	[SNATPOOL_ALGO_MAGLEV_V1 - 1] = { SNATPOOL_ALGO_MAGLEV_V1, "snatpool-maglev-v1",
	  F(BPF_SAFE) | F(ORDER_FREE) | F(CONSISTENT) | F(SEEDED),
	  "consistent: seeded XXH3-64 into a prime-sized Maglev table built per pool" },
};

#define SNP_NALGOS (sizeof(snp_algos) / sizeof(snp_algos[0]))

/* The registry, the public enum and the dispatch name the same IDs. */
#define SNP_ALGO_SAME(id, name)						\
	_Static_assert(id == SNATPOOL_ALGO_##name && id >= 1 && id <= SNP_NALGOS, \
		       "core/snp_dispatch.h, snatpool.h and algo.c disagree on " #name);
SNP_ALGO_LIST(SNP_ALGO_SAME)
_Static_assert(SNP_ALGO_COUNT == SNP_NALGOS,
	       "an ID in algo.c is missing from SNP_ALGO_LIST (core/snp_dispatch.h)");

bool snp_algo_known(uint32_t id)
{
	return id >= 1 && id <= SNP_NALGOS;
}

SNP_API int snatpool_algo_by_name(const char *name)
{
	size_t i;

	if (!name)
		return -SNATPOOL_EALGO;
	for (i = 0; i < SNP_NALGOS; i++)
		if (!strcmp(snp_algos[i].name, name))
			return (int)snp_algos[i].id;
	return -SNATPOOL_EALGO;
}

SNP_API const char *snatpool_algo_name(uint32_t id)
{
	return snp_algo_known(id) ? snp_algos[id - 1].name : NULL;
}

SNP_API int snatpool_algo_info(uint32_t id, struct snatpool_algo_info *info)
{
	if (!snp_algo_known(id))
		return -SNATPOOL_EALGO;
	if (!info)
		return -EINVAL;
	*info = snp_algos[id - 1];
	return 0;
}

SNP_API int snatpool_algo_list(uint32_t *ids, size_t max)
{
	size_t i;

	if (!ids && max)
		return -EINVAL;
	for (i = 0; i < SNP_NALGOS && i < max; i++)
		ids[i] = snp_algos[i].id;
	return (int)SNP_NALGOS;
}

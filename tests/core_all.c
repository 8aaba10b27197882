/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* core_all.c - every core in one unit, every entry point used (tests/core_freestanding.sh). */
#include "core/snp_legacy.h"
#include "core/snp_userspace.h"
#include "core/snp_nfpersist.h"
#include "core/snp_xxh3.h"
#include "core/snp_maglev.h"

snp_u32 core_all(const snp_u8 *src, snp_u32 n, snp_u64 seed, snp_u32 *out);

snp_u32 core_all(const snp_u8 *src, snp_u32 n, snp_u64 seed, snp_u32 *out)
{
	out[0] = snp_legacy_v4(src, n);
	out[1] = snp_legacy_v6(src, n);
	out[2] = snp_userspace_pick(SNP_FAM4, src, n);
	out[3] = snp_userspace_pick(SNP_FAM6, src, n);
	out[4] = snp_nfpersist_index(src, 4, n);
	out[5] = snp_nfpersist_index(src, 16, n);
	out[6] = snp_xxh3_pick(SNP_FAM4, src, seed, n);
	out[7] = snp_xxh3_pick(SNP_FAM6, src, seed, n);
	out[8] = snp_maglev_slot(SNP_FAM6, src, seed, n);
	snp_maglev_perm(SNP_FAM4, src, seed, n, &out[9], &out[10]);
	return out[0];
}

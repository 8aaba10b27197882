/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* strerror.c - error texts and the version string. */
#include <string.h>

#include "internal.h"

static const char *const snp_errstr[SNATPOOL_EERR_END - SNATPOOL_EADDR] = {
	[SNATPOOL_EADDR - SNATPOOL_EADDR]     = "malformed address",
	[SNATPOOL_ERANGE - SNATPOOL_EADDR]    = "reversed or mixed-family range",
	[SNATPOOL_EPREFIX - SNATPOOL_EADDR]   = "bad prefix length or host bits set",
	[SNATPOOL_EDUP - SNATPOOL_EADDR]      = "duplicate address",
	[SNATPOOL_EPORT - SNATPOOL_EADDR]     = "port range outside 1..65535 or low > high",
	[SNATPOOL_EEMPTY - SNATPOOL_EADDR]    = "empty pool",
	[SNATPOOL_ELIMIT - SNATPOOL_EADDR]    = "too many addresses of one family (limit 65536)",
	[SNATPOOL_EFAMILY - SNATPOOL_EADDR]   = "address family neither IPv4 nor IPv6",
	[SNATPOOL_ENOFAMILY - SNATPOOL_EADDR] = "pool has no address of the source's family",
	[SNATPOOL_EALGO - SNATPOOL_EADDR]     = "unknown algorithm",
	[SNATPOOL_ENOTRANGE - SNATPOOL_EADDR] = "algorithm needs one ascending contiguous range",
	[SNATPOOL_ECRYPTO - SNATPOOL_EADDR]   = "OpenSSL digest failed",
	[SNATPOOL_EVECTOR - SNATPOOL_EADDR]   = "malformed vector line",
	[SNATPOOL_ESYNTAX - SNATPOOL_EADDR]   = "malformed pool spec token",
	[SNATPOOL_EEXHAUSTED - SNATPOOL_EADDR] = "no free port on the pool address",
	[SNATPOOL_EFULL - SNATPOOL_EADDR]     = "mapping table full",
	[SNATPOOL_EQUOTA - SNATPOOL_EADDR]    = "internal address at its port quota",
	[SNATPOOL_ESESSIONS - SNATPOOL_EADDR] = "mapping at its max session number",
	[SNATPOOL_ESNAPSHOT - SNATPOOL_EADDR] = "truncated, corrupt, foreign or inconsistent snapshot",
	[SNATPOOL_EDELTA - SNATPOOL_EADDR]    = "malformed or foreign HA delta record",
	[SNATPOOL_EGAP - SNATPOOL_EADDR]      = "HA delta records missing (sequence gap)",
	[SNATPOOL_ECONFLICT - SNATPOOL_EADDR] = "translated tuple owned by another source",
	[SNATPOOL_EGEOMETRY - SNATPOOL_EADDR] = "port block geometry does not fit the pool",
	[SNATPOOL_EMAGLEV - SNATPOOL_EADDR]   = "Maglev table size must be a prime >= the address count",
	[SNATPOOL_ENONAT64 - SNATPOOL_EADDR]  = "algorithm has no NAT64 (IPv6 source, IPv4 pool) rule",
};

SNP_API const char *snatpool_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= SNATPOOL_EADDR && err < SNATPOOL_EERR_END &&
	    snp_errstr[err - SNATPOOL_EADDR])
		return snp_errstr[err - SNATPOOL_EADDR];
	if (err == 0)
		return "success";
	if (err < SNATPOOL_EADDR) {
		const char *s = strerrordesc_np(err);

		if (s)
			return s;
	}
	return "unknown error";
}

SNP_API const char *snatpool_version(void)
{
	return PACKAGE_VERSION;
}

int snp_diag(struct snatpool_diag *diag, int code, size_t offset,
	     const char *token, size_t toklen)
{
	if (diag) {
		diag->code = code;
		diag->offset = offset;
		if (toklen >= sizeof(diag->token))
			toklen = sizeof(diag->token) - 1;
		if (token)
			memcpy(diag->token, token, toklen);
		else
			toklen = 0;
		diag->token[toklen] = '\0';
	}
	return -code;
}

bool snp_opts_valid(const void *opts, size_t known_sz)
{
	const unsigned char *p = opts;
	size_t sz, i;

	if (!opts)
		return true;
	sz = *(const size_t *)opts;
	if (sz < sizeof(size_t))
		return false;
	for (i = known_sz; i < sz; i++)
		if (p[i])
			return false;
	return true;
}

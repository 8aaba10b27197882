/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* addr.c - address text in and out, and prefix checks. */
#include <arpa/inet.h>
#include <string.h>

#include "internal.h"

SNP_API int snatpool_addr_parse(const char *text, int *family, uint8_t *out)
{
	uint8_t buf[16];

	if (!text || !family || !out)
		return -EINVAL;
	if (strchr(text, ':')) {
		if (inet_pton(AF_INET6, text, buf) != 1)
			return -SNATPOOL_EADDR;
		memcpy(out, buf, 16);
		*family = AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, text, buf) != 1)
		return -SNATPOOL_EADDR;
	memcpy(out, buf, 4);
	*family = AF_INET;
	return 0;
}

SNP_API int snatpool_addr_format(int family, const uint8_t *addr, char *buf,
				 size_t len)
{
	if (!addr || !buf || len < INET6_ADDRSTRLEN || !snp_alen(family))
		return -EINVAL;
	if (!inet_ntop(family, addr, buf, (socklen_t)len))
		return -errno;
	return (int)strlen(buf);
}

bool snp_host_bits_set(const uint8_t *a, unsigned int alen, unsigned int plen)
{
	unsigned int i;

	for (i = plen; i < alen * 8; i++)
		if (a[i / 8] & (0x80 >> (i % 8)))
			return true;
	return false;
}

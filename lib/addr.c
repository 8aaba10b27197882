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

SNP_API int snatpool_prefix_parse(const char *text, int *family, uint8_t *addr,
				  unsigned int *plen)
{
	const char *slash, *p;
	char buf[INET6_ADDRSTRLEN];
	uint8_t a[16];
	unsigned int len = 0;
	int fam, err;

	if (!text || !family || !addr || !plen)
		return -EINVAL;
	slash = strchr(text, '/');
	if (!slash)
		return -SNATPOOL_EPREFIX;
	if ((size_t)(slash - text) >= sizeof(buf))
		return -SNATPOOL_EADDR;
	memcpy(buf, text, (size_t)(slash - text));
	buf[slash - text] = '\0';
	err = snatpool_addr_parse(buf, &fam, a);
	if (err)
		return err;
	if (!slash[1] || strlen(slash + 1) > 3)
		return -SNATPOOL_EPREFIX;
	for (p = slash + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return -SNATPOOL_EPREFIX;
		len = len * 10 + (unsigned int)(*p - '0');
	}
	if (len > (unsigned int)snp_alen(fam) * 8)
		return -SNATPOOL_EPREFIX;
	*family = fam;
	memcpy(addr, a, (size_t)snp_alen(fam));
	*plen = len;
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

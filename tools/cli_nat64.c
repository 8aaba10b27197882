/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cli_nat64.c - what the commands share for --nat64: IPv6 sources choose
 * among the pool's IPv4 addresses (snatpool_select_nat64_burst()).
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

void cli_pool_check_nat64(const struct snatpool *pool, uint32_t algo, const char *opt)
{
	static const uint8_t zero[16];
	const char *name = snatpool_algo_name(algo ? algo : snatpool_pool_default_algo(pool));
	int rc = snatpool_select_nat64(pool, zero, algo, NULL, NULL);

	if (rc == 0)
		return;
	if (rc == -SNATPOOL_ENONAT64)
		cli_usage_error("--nat64: %s: %s", name ? name : "?", snatpool_strerror(rc));
	if (rc == -SNATPOOL_ENOFAMILY)
		cli_usage_error("--nat64: %s has no IPv4 address: %s", opt,
				snatpool_strerror(rc));
	if (rc == -ENOMEM)
		cli_fatal("%s: %s", name ? name : "?", snatpool_strerror(rc));
	cli_usage_error("--nat64: %s: %s", name ? name : "?", snatpool_strerror(rc));
}

void cli_nat64_require_v6(const struct cli_src *s)
{
	if (s->family == AF_INET6)
		return;
	if (s->lineno)
		cli_usage_error("--nat64: line %zu: '%s': an IPv4 source (--nat64 takes IPv6 sources)",
				s->lineno, s->text);
	cli_usage_error("--nat64: '%s': an IPv4 source (--nat64 takes IPv6 sources)", s->text);
}

size_t cli_batch_select_nat64(const struct snatpool *pool, uint32_t algo,
			      struct cli_batch *b)
{
	static uint8_t packed[CLI_BATCH * 16];
	size_t i;
	int rc;

	for (i = 0; i < b->n; i++) {
		cli_nat64_require_v6(&b->src[i]);
		memcpy(packed + i * 16, b->src[i].addr, 16);
	}
	if (b->n == 0)
		return 0;
	rc = snatpool_select_nat64_burst(pool, packed, b->n, algo, b->index);
	if (rc >= 0 && (size_t)rc != b->n)
		rc = -EIO;
	for (i = 0; i < b->n; i++) {
		b->err[i] = rc < 0 ? rc : 0;
		if (rc < 0)
			b->index[i] = 0;
	}
	return rc < 0 ? b->n : 0;
}

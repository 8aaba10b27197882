/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * cli_pool.c - pools from the command line, and their addresses as text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct snatpool *cli_pool_open(const struct cli_pool_args *a)
{
	SNATPOOL_OPTS(snatpool_pool_opts, opts,
		.seed = a->seed,
		.port_lo = a->port_lo,
		.port_hi = a->port_hi,
		.maglev_size = a->maglev_size,
	);
	struct snatpool_diag diag;
	struct snatpool *pool = NULL;
	char buf[80];
	int rc;

	memset(&diag, 0, sizeof(diag));
	rc = snatpool_pool_from_spec(a->spec, &opts, &pool, &diag);
	if (rc == 0 && pool)
		return pool;
	if (rc == -ENOMEM)
		cli_fatal("%s: %s", a->opt, snatpool_strerror(rc));
	if (diag.code == 0)
		diag.code = rc ? -rc : EINVAL;
	diag.token[sizeof(diag.token) - 1] = '\0';
	if (diag.code == SNATPOOL_EPORT)
		cli_usage_error("--ports: %s", snatpool_strerror(diag.code));
	if (diag.code == SNATPOOL_EMAGLEV)
		cli_usage_error("--maglev-size %u: %s", a->maglev_size,
				snatpool_strerror(diag.code));
	if (diag.token[0])
		cli_usage_error("%s: %s: %s", a->opt,
				cli_sanitize(diag.token, strlen(diag.token), buf, sizeof(buf)),
				snatpool_strerror(diag.code));
	cli_usage_error("%s: %s", a->opt, snatpool_strerror(diag.code));
}

void cli_pool_check_algo(const struct snatpool *pool, uint32_t algo,
			 const char *opt)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	const uint8_t zero[16] = { 0 };
	const char *name;
	uint32_t index;
	int i, rc;

	for (i = 0; i < 2; i++) {
		if (snatpool_pool_count(pool, fams[i]) == 0)
			continue;
		rc = snatpool_select(pool, fams[i], zero, algo, &index, NULL);
		if (rc == 0)
			continue;
		name = snatpool_algo_name(algo ? algo : snatpool_pool_default_algo(pool));
		if (rc == -SNATPOOL_ECRYPTO || rc == -ENOMEM)
			cli_fatal("%s: %s", name ? name : "?", snatpool_strerror(rc));
		cli_usage_error("%s: %s addresses: %s: %s", opt,
				i ? "IPv6" : "IPv4", name ? name : "?",
				snatpool_strerror(rc));
	}
}

void cli_names_init(struct cli_names *nm, const struct snatpool *pool)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	uint8_t addr[16];
	size_t i;
	int f, rc;

	memset(nm, 0, sizeof(*nm));
	for (f = 0; f < 2; f++) {
		size_t n = snatpool_pool_count(pool, fams[f]);

		nm->count[f] = n;
		if (n == 0)
			continue;
		nm->text[f] = calloc(n, sizeof(*nm->text[f]));
		nm->len[f] = calloc(n, 1);
		if (!nm->text[f] || !nm->len[f])
			cli_fatal("%s", strerror(ENOMEM));
		for (i = 0; i < n; i++) {
			rc = snatpool_pool_addr(pool, fams[f], (uint32_t)i, addr);
			if (rc == 0)
				rc = snatpool_addr_format(fams[f], addr, nm->text[f][i],
							  sizeof(nm->text[f][i]));
			if (rc < 0 || rc >= (int)sizeof(nm->text[f][i]))
				cli_fatal("pool address %zu: %s", i, snatpool_strerror(rc));
			nm->len[f][i] = (uint8_t)rc;
		}
	}
}

void cli_names_free(struct cli_names *nm)
{
	int f;

	for (f = 0; f < 2; f++) {
		free(nm->text[f]);
		free(nm->len[f]);
	}
	memset(nm, 0, sizeof(*nm));
}

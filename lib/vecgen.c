/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * vecgen.c - the deterministic golden-vector generator behind
 * snatpool_vectors_write(): pool sizes 1, 2, 3, 5, 7, 64, 255, 256, 257,
 * 1024 and 65536 per family (mixed-family pools, unordered lists, ranges
 * and prefixes), edge and adjacent sources and seeded random ones.
 *
 * Its output comes from the library, so it is for exporting and for
 * comparing other implementations against; the committed files in
 * tests/vectors/ come from independent implementations instead.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

struct snp_vpool {
	uint32_t n;
	const char *v4, *v6;		/* any order, any token kind */
	const char *v4r, *v6r;		/* one ascending range (linux-nf-persistent) */
};

static const struct snp_vpool snp_vpools[] = {
	{ 1, "198.51.100.7", "2001:db8::7", "198.51.100.7", "2001:db8::7" },
	{ 2, "198.51.100.1-198.51.100.2", "2001:db8::1,2001:db8::2",
	  "198.51.100.1-198.51.100.2", "2001:db8::1-2001:db8::2" },
	{ 3, "203.0.113.9,198.51.100.1,192.0.2.77", "2001:db8:ffff::9,2001:db8::1,2001:db8:1::77",
	  "203.0.113.8-203.0.113.10", "2001:db8::ffff:fffd-2001:db8::ffff:ffff" },
	{ 5, "198.51.100.14,198.51.100.10-198.51.100.13", "2001:db8::10-2001:db8::13,2001:db8::9",
	  "198.51.100.10-198.51.100.14", "2001:db8::a-2001:db8::e" },
	{ 7, "198.51.100.1-198.51.100.3,203.0.113.200-203.0.113.203",
	  "2001:db8::1-2001:db8::3,2001:db8:1::/126",
	  "198.51.100.1-198.51.100.7", "2001:db8::1:0-2001:db8::1:6" },
	{ 64, "198.51.100.64/26", "2001:db8:64::/122", "198.51.100.64/26", "2001:db8:64::/122" },
	{ 255, "198.51.100.1-198.51.100.255", "2001:db8::1-2001:db8::ff",
	  "198.51.100.1-198.51.100.255", "2001:db8::1-2001:db8::ff" },
	{ 256, "198.51.100.0/24", "2001:db8:5::/120", "198.51.100.0/24", "2001:db8:5::/120" },
	{ 257, "198.51.100.0/24,203.0.113.1", "2001:db8::/120,2001:db8:1::1",
	  "198.51.100.0-198.51.101.0", "2001:db8::ff80-2001:db8::1:80" },
	{ 1024, "100.64.0.0/22", "2001:db8:400::/118", "100.64.0.0/22", "2001:db8:400::/118" },
	{ 65536, "100.64.0.0/16", "2001:db8:10::/112", "100.64.0.0/16", "2001:db8:10::/112" },
};

static const char *const snp_vsrc4[] = {
	"0.0.0.0", "255.255.255.255", "10.0.0.0", "10.0.0.1", "10.0.0.2",
	"10.0.0.3", "192.168.1.255", "192.168.2.0", "172.16.0.1", "100.64.255.255",
};

static const char *const snp_vsrc6[] = {
	"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:10.0.0.1",
	"::ffff:192.168.1.1", "::1", "2001:db8:abcd::1", "2001:db8:abcd::2",
	"2001:db8:abcd::3", "fe80::ffff:ffff:ffff:ffff", "fe80::1:0:0:0",
};

#define SNP_VRANDOM 8

static uint64_t snp_splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int snp_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

struct snp_vgen {
	int fd;
	uint32_t algo;
	const char *spec;
	uint64_t seed;
	const struct snatpool *pool;
	int lines;
};

static int snp_vline(struct snp_vgen *g, int family, const uint8_t *src)
{
	char line[512], stext[64], atext[64];
	uint8_t addr[16];
	uint32_t idx;
	int err, len;

	err = snatpool_select(g->pool, family, src, g->algo, &idx, addr);
	if (err)
		return err;
	snatpool_addr_format(family, src, stext, sizeof(stext));
	snatpool_addr_format(family, addr, atext, sizeof(atext));
	len = snprintf(line, sizeof(line),
		       "{\"schema\":\"%s\",\"algo\":\"%s\",\"algo_id\":%u,\"family\":%d,"
		       "\"pool\":\"%s\",\"seed\":%" PRIu64 ",\"src\":\"%s\",\"index\":%u,"
		       "\"address\":\"%s\"}\n",
		       SNATPOOL_VECTORS_SCHEMA, snatpool_algo_name(g->algo), g->algo,
		       family == AF_INET ? 4 : 6, g->spec, g->seed, stext, idx, atext);
	if (len < 0 || (size_t)len >= sizeof(line))
		return -EOVERFLOW;
	err = snp_write_all(g->fd, line, (size_t)len);
	if (err)
		return err;
	g->lines++;
	return 0;
}

static int snp_vfamily(struct snp_vgen *g, int family, uint64_t rng)
{
	const char *const *fixed = family == AF_INET ? snp_vsrc4 : snp_vsrc6;
	int alen = snp_alen(family), i, j, err;
	uint8_t src[16];

	for (i = 0; i < 10; i++) {
		int f;

		snatpool_addr_parse(fixed[i], &f, src);
		err = snp_vline(g, family, src);
		if (err)
			return err;
	}
	for (i = 0; i < SNP_VRANDOM; i++) {
		for (j = 0; j < alen; j += 8) {
			uint64_t r = snp_splitmix(&rng);

			memcpy(src + j, &r, (size_t)(alen - j < 8 ? alen - j : 8));
		}
		err = snp_vline(g, family, src);
		if (err)
			return err;
	}
	return 0;
}

static int snp_vpool_emit(struct snp_vgen *g, const char *v4, const char *v6,
			  uint64_t seed, uint64_t rng)
{
	SNATPOOL_OPTS(snatpool_pool_opts, opts, .seed = seed);
	struct snatpool *pool;
	char spec[256];
	int err;

	snprintf(spec, sizeof(spec), "%s%s%s", v4 ? v4 : "", v4 && v6 ? "," : "",
		 v6 ? v6 : "");
	err = snatpool_pool_from_spec(spec, &opts, &pool, NULL);
	if (err)
		return err;
	g->spec = spec;
	g->seed = seed;
	g->pool = pool;
	err = v4 ? snp_vfamily(g, AF_INET, rng) : 0;
	if (!err && v6)
		err = snp_vfamily(g, AF_INET6, rng ^ 0x5555);
	snatpool_pool_free(pool);
	return err;
}

SNP_API int snatpool_vectors_write(int fd, uint32_t algo)
{
	static const uint64_t seeds[] = { 0, 0x0123456789abcdefull };
	struct snatpool_algo_info info;
	struct snp_vgen g = { .fd = fd, .algo = algo };
	size_t i, s;
	int err = snatpool_algo_info(algo, &info);

	if (err)
		return err;
	for (i = 0; i < sizeof(snp_vpools) / sizeof(snp_vpools[0]); i++) {
		const struct snp_vpool *p = &snp_vpools[i];
		bool range = info.flags & SNATPOOL_ALGO_F_RANGE_ONLY;
		const char *v4 = range ? p->v4r : p->v4, *v6 = range ? p->v6r : p->v6;
		size_t nseeds = info.flags & SNATPOOL_ALGO_F_SEEDED ? 2 : 1;

		for (s = 0; s < nseeds; s++) {
			uint64_t rng = 0x736e6174706f6f6cull ^ p->n ^ (s << 32);

			/* Both families in one pool, then each alone. */
			err = snp_vpool_emit(&g, v4, v6, seeds[s], rng);
			if (!err && p->n <= 7)
				err = snp_vpool_emit(&g, v4, NULL, seeds[s], rng + 1);
			if (!err && p->n <= 7)
				err = snp_vpool_emit(&g, NULL, v6, seeds[s], rng + 2);
			if (err)
				return err;
		}
	}
	return g.lines;
}

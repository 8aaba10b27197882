/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * portblock.c - deterministic port blocks (RFC 7422): no state, arithmetic.
 *
 * With n pool addresses of the translated family, B = floor(ports / size)
 * blocks per address and subscriber number i (0 <= i < count):
 *
 *   address index = i mod n,  block = i div n,
 *   ports = port_lo + block * size ... port_lo + (block + 1) * size - 1
 *
 * and back: i = block * n + address index.  Subscribers are IPv4
 * addresses (i = address - base) or IPv6 prefixes of length L, 32 <= L <=
 * 64 (i = (address >> (128 - L)) - (base >> (128 - L)), on the first 64
 * bits).  Spreading consecutive subscribers over the addresses first keeps
 * the addresses evenly used when the range is not full.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct snatpool_portblock {
	const struct snatpool *pool;
	int      family, xfamily;
	uint8_t  plen;			/* 32 for IPv4 */
	uint64_t base;			/* IPv4: the address; IPv6: top 64 bits >> (64 - plen) */
	uint32_t count, n, blocks, size;
	uint16_t port_lo;
};

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint64_t sub_value(const struct snatpool_portblock *pb, const uint8_t *a)
{
	if (pb->family == AF_INET)
		return (uint64_t)a[0] << 24 | (uint64_t)a[1] << 16 |
		       (uint64_t)a[2] << 8 | a[3];
	return pb->plen == 64 ? be64(a) : be64(a) >> (64 - pb->plen);
}

/* Index of @a among @f's addresses, or f->n: arithmetic on a range, else a scan. */
static uint32_t pool_index(const struct snp_family *f, const uint8_t *a)
{
	uint32_t idx;

	if (f->contiguous) {	/* same leading octets, last four count up (pool.c) */
		size_t off = f->alen - 4u;
		uint32_t x, first;

		if (memcmp(a, f->addrs, off))
			return f->n;
		x = (uint32_t)a[off] << 24 | (uint32_t)a[off + 1] << 16 |
		    (uint32_t)a[off + 2] << 8 | a[off + 3];
		first = (uint32_t)f->addrs[off] << 24 | (uint32_t)f->addrs[off + 1] << 16 |
			(uint32_t)f->addrs[off + 2] << 8 | f->addrs[off + 3];
		return x >= first && x - first < f->n ? x - first : f->n;
	}
	for (idx = 0; idx < f->n; idx++)
		if (!memcmp(f->addrs + (size_t)idx * f->alen, a, f->alen))
			break;
	return idx;
}

SNP_API int snatpool_portblock_new(const struct snatpool *pool,
				   const struct snatpool_portblock_opts *opts,
				   struct snatpool_portblock **out)
{
	struct snatpool_portblock pb, *p;
	uint16_t lo, hi;
	uint64_t need, nports;
	int i;

	if (!pool || !opts || !out || !SNP_OPTS_VALID(opts, block_size) ||
	    !SNP_OPTS_HAS(opts, block_size))
		return -EINVAL;
	memset(&pb, 0, sizeof(pb));
	pb.pool = pool;
	pb.family = opts->family;
	pb.xfamily = opts->xfamily ? opts->xfamily : AF_INET;
	pb.count = opts->count;
	pb.size = opts->block_size;
	if ((pb.family != AF_INET && pb.family != AF_INET6) ||
	    (pb.xfamily != AF_INET && pb.xfamily != AF_INET6))
		return -EINVAL;
	pb.n = (uint32_t)snatpool_pool_count(pool, pb.xfamily);
	if (!pb.n)
		return -SNATPOOL_ENOFAMILY;
	snatpool_pool_ports(pool, &lo, &hi);
	pb.port_lo = lo;
	nports = (uint64_t)hi - lo + 1;
	if (!pb.count || !pb.size || pb.size > nports)
		return -SNATPOOL_EGEOMETRY;
	pb.blocks = (uint32_t)(nports / pb.size);
	need = ((uint64_t)pb.count + pb.n - 1) / pb.n;	/* blocks on the busiest address */
	if (need > pb.blocks)
		return -SNATPOOL_EGEOMETRY;
	if (pb.family == AF_INET) {
		if (opts->prefix_len != 0 && opts->prefix_len != 32)
			return -SNATPOOL_EGEOMETRY;
		pb.plen = 32;
		pb.base = sub_value(&pb, opts->base);
		if (pb.base + pb.count - 1 > 0xffffffffull)
			return -SNATPOOL_EGEOMETRY;
	} else {
		if (opts->prefix_len < 32 || opts->prefix_len > 64)
			return -SNATPOOL_EGEOMETRY;
		pb.plen = opts->prefix_len;
		for (i = pb.plen; i < 128; i++)	/* base must be a prefix of that length */
			if (opts->base[i / 8] & (0x80 >> (i % 8)))
				return -SNATPOOL_EGEOMETRY;
		pb.base = sub_value(&pb, opts->base);
		if (pb.plen < 64 && pb.base + pb.count - 1 >= (1ull << pb.plen))
			return -SNATPOOL_EGEOMETRY;
		if (pb.plen == 64 && pb.base + pb.count - 1 < pb.base)
			return -SNATPOOL_EGEOMETRY;
	}
	p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	*p = pb;
	*out = p;
	return 0;
}

SNP_API void snatpool_portblock_free(struct snatpool_portblock *pb)
{
	free(pb);
}

SNP_API long snatpool_portblock_map(const struct snatpool_portblock *pb,
				    const uint8_t *src, uint32_t *xindex,
				    uint8_t *xaddr, uint16_t *port_lo,
				    uint16_t *port_hi)
{
	uint64_t v, i;
	uint32_t idx, block;

	if (!pb || !src)
		return -EINVAL;
	v = sub_value(pb, src);
	if (v < pb->base || v - pb->base >= pb->count)
		return -ENOENT;
	i = v - pb->base;
	idx = (uint32_t)(i % pb->n);
	block = (uint32_t)(i / pb->n);
	if (xindex)
		*xindex = idx;
	if (xaddr)
		snatpool_pool_addr(pb->pool, pb->xfamily, idx, xaddr);
	if (port_lo)
		*port_lo = (uint16_t)(pb->port_lo + block * pb->size);
	if (port_hi)
		*port_hi = (uint16_t)(pb->port_lo + (block + 1) * pb->size - 1);
	return (long)i;
}

SNP_API long snatpool_portblock_reverse(const struct snatpool_portblock *pb,
					const uint8_t *xaddr, uint16_t xport,
					uint8_t *sub)
{
	const struct snp_family *f;
	uint32_t idx, block;
	uint64_t i, v;
	int k;

	if (!pb || !xaddr)
		return -EINVAL;
	f = snp_family_of(pb->pool, pb->xfamily);
	idx = pool_index(f, xaddr);
	if (idx == f->n || xport < pb->port_lo)
		return -ENOENT;
	block = (uint32_t)(xport - pb->port_lo) / pb->size;
	if (block >= pb->blocks)
		return -ENOENT;
	i = (uint64_t)block * pb->n + idx;
	if (i >= pb->count)
		return -ENOENT;
	if (sub) {
		v = pb->base + i;
		if (pb->family == AF_INET) {
			for (k = 0; k < 4; k++)
				sub[k] = (uint8_t)(v >> (24 - 8 * k));
		} else {
			if (pb->plen < 64)
				v <<= 64 - pb->plen;
			memset(sub, 0, 16);
			for (k = 0; k < 8; k++)
				sub[k] = (uint8_t)(v >> (56 - 8 * k));
		}
	}
	return (long)i;
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * portblock.c - deterministic port blocks (RFC 7422): a configuration is
 * checked once here and becomes a struct snp_pb; the arithmetic itself is
 * the freestanding core of lib/core/snp_pb.h (one per algorithm), the same
 * code the dataplanes run.  What each algorithm takes, and refuses, is in
 * include/snatpool.h and docs/algorithms.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "internal.h"

struct snatpool_portblock {
	const struct snatpool *pool;
	const struct snp_family *xf;	/* the family handed out */
	struct snp_pb g;
	int      family, xfamily;
	uint8_t  base[16];
	uint8_t  plen_given;
	uint16_t port_hi;
	uint8_t  fingerprint[32];
	uint32_t *order;	/* non-contiguous pools: indexes sorted by address */
};

/* -code, with @diag's token printed from @fmt. */
static int pb_err(struct snatpool_diag *diag, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int pb_err(struct snatpool_diag *diag, int code, const char *fmt, ...)
{
	char tok[sizeof(diag->token)];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(tok, sizeof(tok), fmt, ap);
	va_end(ap);
	if (len < 0)
		len = 0;
	return snp_diag(diag, code, 0, tok, (size_t)len);
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Index of @a among @f's addresses, or f->n: arithmetic on a range, else a
 * binary search of @order (the indexes sorted by address). */
static uint32_t pool_index(const struct snp_family *f, const uint32_t *order,
			   const uint8_t *a)
{
	uint32_t lo = 0, hi = f->n;

	if (f->contiguous) {	/* same leading octets, last four count up (pool.c) */
		size_t off = f->alen - 4u;
		uint32_t x, first;

		if (memcmp(a, f->addrs, off))
			return f->n;
		x = snp_load_be32(a + off);
		first = snp_load_be32(f->addrs + off);
		return x >= first && x - first < f->n ? x - first : f->n;
	}
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(f->addrs + (size_t)order[mid] * f->alen, a, f->alen);

		if (!c)
			return order[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return f->n;
}

static int cmp_addr(const void *x, const void *y, void *ctx)
{
	const struct snp_family *f = ctx;

	return memcmp(f->addrs + (size_t)*(const uint32_t *)x * f->alen,
		      f->addrs + (size_t)*(const uint32_t *)y * f->alen, f->alen);
}

/* snatpool-spread-v1: the checks of libsnatpool's first port blocks, unchanged. */
static int geom_spread(struct snatpool_portblock *pb, const struct snatpool_portblock_opts *o,
		       uint64_t nports, struct snatpool_diag *diag)
{
	struct snp_pb *g = &pb->g;
	uint64_t need, base;

	if (!o->count)
		return pb_err(diag, SNATPOOL_EGEOMETRY, "count=0");
	g->count = o->count;
	g->bpa = (uint32_t)(nports / g->size);
	need = ((uint64_t)g->count + g->n - 1) / g->n;	/* blocks on the busiest address */
	if (need > g->bpa)
		return pb_err(diag, SNATPOOL_EGEOMETRY, "count=%u needs %llu blocks/address, have %u",
			      g->count, (unsigned long long)need, g->bpa);
	if (pb->family == AF_INET) {
		if (o->prefix_len != 0 && o->prefix_len != 32)
			return pb_err(diag, SNATPOOL_EGEOMETRY, "prefix_len=%u (IPv4: 0 or 32)",
				      o->prefix_len);
		g->plen = 32;
		base = snp_load_be32(o->base);
		if (base + g->count - 1 > 0xffffffffull)
			return pb_err(diag, SNATPOOL_EGEOMETRY, "count=%u overflows IPv4", g->count);
	} else {
		if (o->prefix_len < 32 || o->prefix_len > 64)
			return pb_err(diag, SNATPOOL_EGEOMETRY, "prefix_len=%u (IPv6: 32..64)",
				      o->prefix_len);
		g->plen = o->prefix_len;
		if (snp_host_bits_set(o->base, 16, g->plen))
			return pb_err(diag, SNATPOOL_EGEOMETRY, "base has bits set past /%u", g->plen);
		base = g->plen == 64 ? be64(o->base) : be64(o->base) >> (64 - g->plen);
		if (g->plen < 64 && base + g->count - 1 >= (1ull << g->plen))
			return pb_err(diag, SNATPOOL_EGEOMETRY, "count=%u overflows /%u", g->count,
				      g->plen);
		if (g->plen == 64 && base + g->count - 1 < base)
			return pb_err(diag, SNATPOOL_EGEOMETRY, "count=%u overflows /64", g->count);
	}
	snp_dispatch_block_base(g, o->base);
	if (g->base != base)	/* one derivation, the core's */
		return pb_err(diag, EINVAL, "base");
	return 0;
}

/* xpf-det-v0: pkg/config/compiler_nat.go's validation, and what xpf cannot express. */
static int geom_xpf(struct snatpool_portblock *pb, const struct snatpool_portblock_opts *o,
		    uint64_t nports, struct snatpool_diag *diag)
{
	struct snp_pb *g = &pb->g;
	uint64_t count, cap;
	uint32_t i;

	if (pb->xfamily != AF_INET)
		return pb_err(diag, SNATPOOL_EGEOMETRY, "xfamily=%d (xpf-det-v0 hands out IPv4)",
			      pb->xfamily);
	if (g->n > 256)
		return pb_err(diag, SNATPOOL_EGEOMETRY, "addresses=%u (xpf takes 256 per pool)", g->n);
	for (i = 0; i < g->n; i++)
		if (!snp_load_be32(pb->xf->addrs + 4 * i))
			return pb_err(diag, SNATPOOL_EGEOMETRY, "address 0.0.0.0 (xpf: unset)");
	g->bpa = (uint32_t)(nports / g->size);
	cap = (uint64_t)g->n * g->bpa;
	if (pb->family == AF_INET) {
		if (o->prefix_len < 1 || o->prefix_len > 32)
			return pb_err(diag, SNATPOOL_EGEOMETRY, "prefix_len=%u (xpf-det-v0 IPv4: 1..32)",
				      o->prefix_len);
		g->plen = o->prefix_len;
		if (snp_host_bits_set(o->base, 4, g->plen))
			return pb_err(diag, SNATPOOL_EGEOMETRY, "base has bits set past /%u", g->plen);
		count = 1ull << (32 - g->plen);
		if (cap < count)
			return pb_err(diag, SNATPOOL_EGEOMETRY, "blocks=%llu (%u x %u) < %llu subscribers",
				      (unsigned long long)cap, g->n, g->bpa,
				      (unsigned long long)count);
	} else {
		if (o->prefix_len != 32 && o->prefix_len != 64)
			return pb_err(diag, SNATPOOL_EGEOMETRY, "prefix_len=%u (xpf-det-v0 IPv6: 32 or 64)",
				      o->prefix_len);
		g->plen = o->prefix_len;
		if (snp_host_bits_set(o->base, 16, g->plen))
			return pb_err(diag, SNATPOOL_EGEOMETRY, "base has bits set past /%u", g->plen);
		count = cap;	/* xpf: subscribers capped by the pool's capacity */
	}
	snp_dispatch_block_base(g, o->base);
	if (o->count && o->count != count)
		return pb_err(diag, SNATPOOL_EGEOMETRY, "count=%u (the configuration gives %llu)",
			      o->count, (unsigned long long)count);
	g->count = (uint32_t)count;
	return 0;
}

/* vpp-det44-v0: snat_det_add_map()'s geometry, refusing what det44 gets wrong. */
static int geom_vpp(struct snatpool_portblock *pb, const struct snatpool_portblock_opts *o,
		    struct snatpool_diag *diag)
{
	struct snp_pb *g = &pb->g;
	unsigned out_plen, k;
	uint32_t first, ratio, pph;

	if (pb->family != AF_INET)
		return pb_err(diag, SNATPOOL_EGEOMETRY, "family=IPv6 (det44 takes IPv4 subscribers)");
	if (pb->xfamily != AF_INET)
		return pb_err(diag, SNATPOOL_EGEOMETRY, "xfamily=%d (det44 hands out IPv4)",
			      pb->xfamily);
	if (snatpool_pool_count(pb->pool, AF_INET6))
		return pb_err(diag, SNATPOOL_EGEOMETRY, "pool has IPv6 (det44 outside is IPv4)");
	if (g->port_lo != 1024 || pb->port_hi != 65535)
		return pb_err(diag, SNATPOOL_EGEOMETRY, "ports=%u-%u (det44 uses 1024-65535)",
			      g->port_lo, pb->port_hi);
	for (k = 0; k <= 16 && (1u << k) < g->n; k++)
		;
	first = snp_load_be32(pb->xf->addrs);
	if ((1u << k) != g->n || !pb->xf->contiguous || (first & (g->n - 1)))
		return pb_err(diag, SNATPOOL_EGEOMETRY, "pool is not one aligned IPv4 prefix");
	out_plen = 32 - k;
	if (o->prefix_len < 1 || o->prefix_len > 32)
		return pb_err(diag, SNATPOOL_EGEOMETRY, "prefix_len=%u (det44 inside: 1..32)",
			      o->prefix_len);
	g->plen = o->prefix_len;
	if (snp_host_bits_set(o->base, 4, g->plen))
		return pb_err(diag, SNATPOOL_EGEOMETRY, "base has bits set past /%u", g->plen);
	if (g->plen > out_plen)
		return pb_err(diag, SNATPOOL_EGEOMETRY, "inside /%u longer than outside /%u",
			      g->plen, out_plen);
	ratio = 1u << (out_plen - g->plen);
	pph = (65535 - 1023) / ratio;
	if (!pph)
		return pb_err(diag, SNATPOOL_EGEOMETRY, "sharing ratio %u leaves no port", ratio);
	if (o->block_size && o->block_size != pph)
		return pb_err(diag, SNATPOOL_EGEOMETRY, "block_size=%u (det44 derives %u)",
			      o->block_size, pph);
	if (o->count && o->count != (uint64_t)g->n * ratio)
		return pb_err(diag, SNATPOOL_EGEOMETRY, "count=%u (the /%u gives %llu)", o->count,
			      g->plen, (unsigned long long)g->n * ratio);
	g->bpa = ratio;
	g->size = pph;
	g->count = g->n * ratio;
	snp_dispatch_block_base(g, o->base);
	return 0;
}

/* SHA-256 of the canonical configuration text (docs/algorithms.md). */
static int pb_fingerprint(struct snatpool_portblock *pb)
{
	char sub[48], *txt, *p;
	size_t cap = 256 + (size_t)pb->g.n * 41;
	unsigned int dlen;
	uint32_t i;
	int rc = 0;

	txt = malloc(cap);
	if (!txt)
		return -ENOMEM;
	snatpool_addr_format(pb->family, pb->base, sub, sizeof(sub));
	p = txt + sprintf(txt, "snatpool-portblock/1\nalgo=%s\nflags=%u\nsubscribers=%s/%u\n"
			  "count=%u\nxfamily=%u\nports=%u-%u\nblock_size=%u\npool=",
			  snatpool_pbalgo_name(pb->g.algo), pb->g.flags, sub, pb->plen_given,
			  pb->g.count, pb->xfamily == AF_INET ? 4u : 6u, pb->g.port_lo,
			  pb->port_hi, pb->g.size);
	for (i = 0; i < pb->g.n; i++) {
		if (i)
			*p++ = ',';
		p += snatpool_addr_format(pb->xfamily, pb->xf->addrs + (size_t)i * pb->xf->alen,
					  p, 46);
	}
	*p++ = '\n';
	if (!EVP_Digest(txt, (size_t)(p - txt), pb->fingerprint, &dlen, EVP_sha256(), NULL))
		rc = -SNATPOOL_ECRYPTO;
	free(txt);
	return rc;
}

SNP_API int snatpool_portblock_new_diag(const struct snatpool *pool,
					const struct snatpool_portblock_opts *opts,
					struct snatpool_portblock **out,
					struct snatpool_diag *diag)
{
	struct snatpool_portblock pb, *p;
	uint64_t nports;
	uint16_t lo, hi;
	int err;

	if (!pool || !opts || !out || !SNP_OPTS_VALID(opts, flags) ||
	    !SNP_OPTS_HAS(opts, block_size))
		return pb_err(diag, EINVAL, "opts");
	memset(&pb, 0, sizeof(pb));
	pb.pool = pool;
	pb.family = opts->family;
	pb.xfamily = opts->xfamily ? opts->xfamily : AF_INET;
	pb.g.algo = SNP_OPTS_GET(opts, algo, 0);
	pb.g.flags = (uint8_t)SNP_OPTS_GET(opts, flags, 0);
	if (!pb.g.algo)
		pb.g.algo = SNATPOOL_PBALGO_SPREAD_V1;
	if (!snatpool_pbalgo_name(pb.g.algo))
		return pb_err(diag, SNATPOOL_EALGO, "algo=%u", pb.g.algo);
	if (SNP_OPTS_GET(opts, flags, 0) & ~(uint32_t)SNATPOOL_PB_F_STRICT ||
	    (pb.g.flags && pb.g.algo != SNATPOOL_PBALGO_XPF_DET_V0))
		return pb_err(diag, SNATPOOL_EGEOMETRY, "flags=0x%x", SNP_OPTS_GET(opts, flags, 0));
	if (pb.family != AF_INET && pb.family != AF_INET6)
		return pb_err(diag, EINVAL, "family=%d", pb.family);
	if (pb.xfamily != AF_INET && pb.xfamily != AF_INET6)
		return pb_err(diag, EINVAL, "xfamily=%d", pb.xfamily);
	pb.g.fam = pb.family == AF_INET ? SNP_FAM4 : SNP_FAM6;
	pb.xf = snp_family_of(pool, pb.xfamily);
	pb.g.n = pb.xf->n;
	if (!pb.g.n)
		return pb_err(diag, SNATPOOL_ENOFAMILY, "pool has no IPv%c address",
			      pb.xfamily == AF_INET ? '4' : '6');
	memcpy(pb.base, opts->base, snp_alen(pb.family));
	snatpool_pool_ports(pool, &lo, &hi);
	pb.g.port_lo = lo;
	pb.port_hi = hi;
	nports = (uint64_t)hi - lo + 1;
	pb.g.size = opts->block_size;
	if (pb.g.algo != SNATPOOL_PBALGO_VPP_DET44_V0) {
		if (!pb.g.size)
			return pb_err(diag, SNATPOOL_EGEOMETRY, "block_size=0");
		if (pb.g.size > nports)
			return pb_err(diag, SNATPOOL_EGEOMETRY, "block_size=%u exceeds the %llu ports",
				      pb.g.size, (unsigned long long)nports);
	}
	switch (pb.g.algo) {
	case SNATPOOL_PBALGO_SPREAD_V1:
		err = geom_spread(&pb, opts, nports, diag);
		break;
	case SNATPOOL_PBALGO_XPF_DET_V0:
		err = geom_xpf(&pb, opts, nports, diag);
		break;
	default:
		err = geom_vpp(&pb, opts, diag);
		break;
	}
	if (err)
		return err;
	pb.plen_given = pb.g.plen;
	err = pb_fingerprint(&pb);
	if (err)
		return pb_err(diag, -err, "fingerprint");
	if (!pb.xf->contiguous) {
		uint32_t i;

		pb.order = malloc((size_t)pb.g.n * sizeof(*pb.order));
		if (!pb.order)
			return pb_err(diag, ENOMEM, "plan");
		for (i = 0; i < pb.g.n; i++)
			pb.order[i] = i;
		qsort_r(pb.order, pb.g.n, sizeof(*pb.order), cmp_addr, (void *)pb.xf);
	}
	p = malloc(sizeof(*p));
	if (!p) {
		free(pb.order);
		return pb_err(diag, ENOMEM, "plan");
	}
	*p = pb;
	*out = p;
	return 0;
}

SNP_API int snatpool_portblock_new(const struct snatpool *pool,
				   const struct snatpool_portblock_opts *opts,
				   struct snatpool_portblock **out)
{
	return snatpool_portblock_new_diag(pool, opts, out, NULL);
}

SNP_API void snatpool_portblock_free(struct snatpool_portblock *pb)
{
	if (pb)
		free(pb->order);
	free(pb);
}

SNP_API int snatpool_portblock_info(const struct snatpool_portblock *pb,
				    struct snatpool_portblock_info *info)
{
	struct snatpool_portblock_info in;
	size_t sz;

	if (!pb || !info || info->sz < offsetof(struct snatpool_portblock_info, algo))
		return -EINVAL;
	sz = info->sz < sizeof(in) ? info->sz : sizeof(in);
	memset(&in, 0, sizeof(in));
	in.sz = info->sz;
	in.algo = pb->g.algo;
	in.flags = pb->g.flags;
	in.family = pb->family;
	in.xfamily = pb->xfamily;
	memcpy(in.base, pb->base, sizeof(in.base));
	in.prefix_len = pb->plen_given;
	in.count = pb->g.count;
	in.addrs = pb->g.n;
	in.blocks = pb->g.bpa;
	in.block_size = (uint16_t)pb->g.size;
	in.port_lo = (uint16_t)pb->g.port_lo;
	in.port_hi = pb->port_hi;
	memcpy(in.fingerprint, pb->fingerprint, sizeof(in.fingerprint));
	memcpy(info, &in, sz);
	return 0;
}

SNP_API long snatpool_portblock_map(const struct snatpool_portblock *pb,
				    const uint8_t *src, uint32_t *xindex,
				    uint8_t *xaddr, uint16_t *port_lo,
				    uint16_t *port_hi)
{
	struct snp_pb_slot s;

	if (!pb || !src)
		return -EINVAL;
	if (snp_dispatch_block(&pb->g, src, &s) != SNP_PICK_BLOCK)
		return -ENOENT;
	if (xindex)
		*xindex = s.xindex;
	if (xaddr)
		memcpy(xaddr, pb->xf->addrs + (size_t)s.xindex * pb->xf->alen, pb->xf->alen);
	if (port_lo)
		*port_lo = (uint16_t)s.port_lo;
	if (port_hi)
		*port_hi = (uint16_t)s.port_hi;
	return (long)s.sub;
}

const struct snatpool *snp_portblock_pool(const struct snatpool_portblock *pb,
					  int *family, int *xfamily)
{
	*family = pb->family;
	*xfamily = pb->xfamily;
	return pb->pool;
}

int snp_portblock_block(const struct snatpool_portblock *pb, const uint8_t *src,
			uint32_t *xindex, uint16_t *lo, uint16_t *hi)
{
	struct snp_pb_slot s;

	if (snp_dispatch_block(&pb->g, src, &s) != SNP_PICK_BLOCK)
		return -ENOENT;
	*xindex = s.xindex;
	*lo = (uint16_t)s.port_lo;
	*hi = (uint16_t)s.port_hi;
	return 0;
}

/* The address (or prefix) of subscriber @i into @sub. */
static void sub_addr(const struct snatpool_portblock *pb, uint32_t i, uint8_t *sub)
{
	uint64_t v;
	int k;

	if (pb->family == AF_INET) {
		v = pb->g.base + i;	/* fits: checked when built */
		for (k = 0; k < 4; k++)
			sub[k] = (uint8_t)(v >> (24 - 8 * k));
		return;
	}
	memset(sub, 0, 16);
	if (pb->g.algo == SNATPOOL_PBALGO_XPF_DET_V0) {	/* base's prefix, then the word */
		unsigned w = pb->g.plen / 8;

		memcpy(sub, pb->base, w);
		v = (uint32_t)(pb->g.base + i);
		for (k = 0; k < 4; k++)
			sub[w + k] = (uint8_t)(v >> (24 - 8 * k));
		return;
	}
	v = pb->g.base + i;
	if (pb->g.plen < 64)
		v <<= 64 - pb->g.plen;
	for (k = 0; k < 8; k++)
		sub[k] = (uint8_t)(v >> (56 - 8 * k));
}

SNP_API long snatpool_portblock_reverse(const struct snatpool_portblock *pb,
					const uint8_t *xaddr, uint16_t xport,
					uint8_t *sub)
{
	uint32_t idx, i;

	if (!pb || !xaddr)
		return -EINVAL;
	idx = pool_index(pb->xf, pb->order, xaddr);
	if (idx == pb->xf->n || snp_dispatch_block_reverse(&pb->g, idx, xport, &i))
		return -ENOENT;
	if (sub)
		sub_addr(pb, i, sub);
	return (long)i;
}

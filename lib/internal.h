/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* internal.h - private to the library: pool layout and shared helpers. */
#ifndef SNP_INTERNAL_H
#define SNP_INTERNAL_H

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snatpool.h"

/* select.c: SHA-256 with OpenSSL's EVP, digest fetched once. */
int snp_evp_sha256(const uint8_t *msg, size_t len, uint8_t digest[32]);

/*
 * The library's hashes in snp_dispatch(): host-only fast paths with the
 * cores' output.  xpf-userspace-v1's SHA-256 with SHA-NI, C or EVP
 * (select.c, sha256_fixed.h); XXH3 from registers (xxh3_fixed.h).
 */
int snp_userspace_h64(uint8_t fam, const uint8_t *src, uint64_t *h);
#define SNP_DISPATCH_USERSPACE_H64(fam, src, h) snp_userspace_h64(fam, src, h)
#include "xxh3_fixed.h"
#define SNP_DISPATCH_XXH3(fam, src, seed) snp_xxh3_hash_host(fam, src, seed)
#include "core/snp_dispatch.h"

/*
 * Addresses of one family, in configured order: the dataplane's view of it
 * (core/snp_dispatch.h, whose members keep their names here: f->n, f->fam,
 * f->alen, f->contiguous, f->msize) and the storage behind it.
 */
struct snp_family {
	union {
		struct snp_view_family view;	/* what snp_dispatch() reads */
		struct { SNP_VIEW_FAMILY_MEMBERS };
	};
	uint8_t  *addrs;	/* n * alen octets */
	uint16_t *maglev;	/* Maglev table (pool->maglev_size entries;
				 * n <= SNATPOOL_MAX_ADDRS = 2^16, so 16-bit
				 * indexes: half the cache footprint) or NULL
				 * until first use: read with acquire, written
				 * once under pool->maglev_lock */
};

struct snatpool {
	struct snp_family v4, v6;
	uint64_t seed;
	uint16_t port_lo, port_hi;
	uint32_t default_algo;
	uint32_t maglev_size;
	pthread_mutex_t maglev_lock;
};

/*
 * Option structs, checked as libbpf's OPTS_VALID does: every octet the
 * caller passes (opts->sz) beyond the end of the last field this build
 * knows must be zero.  From the end of @last_field, not from sizeof, whose
 * trailing padding (size_t :0) a later version's field may occupy.
 */
#define snp_offsetofend(TYPE, field) \
	(offsetof(TYPE, field) + sizeof(((TYPE *)0)->field))
#define SNP_OPTS_VALID(o, last_field) \
	snp_opts_valid((o), snp_offsetofend(__typeof__(*(o)), last_field))
bool snp_opts_valid(const void *opts, size_t known_sz);
#define SNP_OPTS_SZ(o) ((o) ? *(const size_t *)(o) : 0)
#define SNP_OPTS_HAS(o, f) \
	((o) && SNP_OPTS_SZ(o) >= offsetof(__typeof__(*(o)), f) + sizeof((o)->f))
#define SNP_OPTS_GET(o, f, def) (SNP_OPTS_HAS(o, f) ? (o)->f : (def))

static inline const struct snp_family *
snp_family_of(const struct snatpool *pool, int family)
{
	if (family == AF_INET)
		return &pool->v4;
	if (family == AF_INET6)
		return &pool->v6;
	return NULL;
}

static inline int snp_alen(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* addr.c: true if @a (@alen octets) has a bit set at or past bit @plen. */
bool snp_host_bits_set(const uint8_t *a, unsigned int alen, unsigned int plen);

/* Fill @diag (if any) and return -code. */
int snp_diag(struct snatpool_diag *diag, int code, size_t offset,
	     const char *token, size_t toklen);

/* maglev.c: @f's table, built on first use; NULL only when out of memory. */
const uint16_t *snp_maglev_get(const struct snatpool *pool, const struct snp_family *f);
bool snp_is_prime(uint32_t m);

/* algo.c */
bool snp_algo_known(uint32_t id);

/*
 * select.c: the index @algo (checked) picks for @src in @f, by the
 * dispatch (x64 0: a source of @f's family; 1: NAT64, an IPv6 source in
 * the IPv4 family @f), Maglev slots looked up in @f's table; 0 or the
 * library's error.  nat64.c's selection goes through it too.
 */
int snp_pick_x(const struct snatpool *pool, const struct snp_family *f, int x64,
	       const uint8_t *src, uint32_t algo, uint32_t *idx);

/* vecgen.c: write all @n octets to @fd (EINTR retried); 0 or -errno. */
int snp_write_all(int fd, const void *buf, size_t n);

/*
 * portblock.c, for tables inside the block (table_create.c, table_mapping.c):
 * the plan's pool and families, and the block of @src: 0 with the address
 * index and the block's first and last port, or -ENOENT (no block).
 */
const struct snatpool *snp_portblock_pool(const struct snatpool_portblock *pb,
					  int *family, int *xfamily);
int snp_portblock_block(const struct snatpool_portblock *pb, const uint8_t *src,
			uint32_t *xindex, uint16_t *lo, uint16_t *hi);

#define SNP_API SNATPOOL_API

#endif /* SNP_INTERNAL_H */

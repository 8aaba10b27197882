/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * select.c - snatpool_select() and its burst form, through snp_dispatch()
 * (core/snp_dispatch.h), the one ID-to-core switch that the BPF and DPDK
 * dataplanes call too.
 *
 * The dispatch's hashes are the library's host-only fast paths (internal.h):
 * xpf-userspace-v1 hashes its fixed-length message with sha256_fixed.c
 * (SHA-NI where the CPU has it) or, where it has not or SNATPOOL_SHA256=evp,
 * with OpenSSL (snp_userspace_h64() below); the XXH3-based algorithms hash
 * from registers (xxh3_fixed.h).  The EVP_MD is fetched once per process
 * and each thread reuses one EVP_MD_CTX, freed when the thread exits.
 *
 * The bursts of the two XXH3-based algorithms take a faster path of their
 * own (snp_burst_xxh3, below) whose output tests/check_select.c compares
 * with the single form; every other ID goes through snp_dispatch().
 */
#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>

#include "internal.h"
#include "sha256_fixed.h"

static EVP_MD *snp_sha256_md;
static pthread_once_t snp_evp_once = PTHREAD_ONCE_INIT;
static pthread_key_t snp_ctx_key;
static __thread EVP_MD_CTX *snp_tls_ctx;

static void snp_ctx_free(void *ctx)
{
	EVP_MD_CTX_free(ctx);
}

static void snp_evp_init(void)
{
	snp_sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (pthread_key_create(&snp_ctx_key, snp_ctx_free)) {
		EVP_MD_free(snp_sha256_md);
		snp_sha256_md = NULL;
	}
}

static EVP_MD_CTX *snp_evp_ctx(void)
{
	if (snp_tls_ctx)
		return snp_tls_ctx;
	pthread_once(&snp_evp_once, snp_evp_init);
	if (!snp_sha256_md)
		return NULL;
	snp_tls_ctx = EVP_MD_CTX_new();
	if (snp_tls_ctx && pthread_setspecific(snp_ctx_key, snp_tls_ctx)) {
		EVP_MD_CTX_free(snp_tls_ctx);
		snp_tls_ctx = NULL;
	}
	return snp_tls_ctx;
}

int snp_evp_sha256(const uint8_t *msg, size_t len, uint8_t digest[32])
{
	EVP_MD_CTX *ctx = snp_evp_ctx();
	unsigned int dlen;

	if (!ctx || !EVP_DigestInit_ex2(ctx, snp_sha256_md, NULL) ||
	    !EVP_DigestUpdate(ctx, msg, len) ||
	    !EVP_DigestFinal_ex(ctx, digest, &dlen))
		return -SNATPOOL_ECRYPTO;
	return 0;
}

/* First 8 digest octets of xpf-userspace-v1's SHA-256 (SNATPOOL_SHA256). */
int snp_userspace_h64(uint8_t fam, const uint8_t *src, uint64_t *h)
{
	uint8_t msg[SNP_USERSPACE_MSGMAX], d[32];
	int err;

	switch (snp_sha_impl()) {
	case SNP_SHA_SHANI:
		*h = snp_userspace_h64_shani(fam, src);
		return 0;
	case SNP_SHA_SCALAR:
		*h = snp_userspace_h64_scalar(fam, src);
		return 0;
	case SNP_SHA_EVP:
		err = snp_evp_sha256(msg, snp_userspace_msg(fam, src, msg), d);
		if (err)
			return err;
		*h = (uint64_t)snp_load_be32(d) << 32 | snp_load_be32(d + 4);
		return 0;
	default:
		return -ENOTSUP;
	}
}

/* Dispatch's error kinds as the library's errors. */
static int snp_pick_err(int kind)
{
	switch (kind) {
	case SNP_PICK_ENOFAMILY:
		return -SNATPOOL_ENOFAMILY;
	case SNP_PICK_ENOTRANGE:
		return -SNATPOOL_ENOTRANGE;
	case SNP_PICK_ENONAT64:
		return -SNATPOOL_ENONAT64;
	case SNP_PICK_EHASH:		/* OpenSSL, or SNATPOOL_SHA256 unusable */
		return snp_sha_impl() == SNP_SHA_BAD ? -ENOTSUP : -SNATPOOL_ECRYPTO;
	case SNP_PICK_ENOTABLE:		/* every family has msize > 0 (pool.c) */
	case SNP_PICK_EALGO:
	default:
		return -SNATPOOL_EALGO;
	}
}

/* @f's Maglev table, built on first use; NULL only when out of memory. */
static inline const uint16_t *snp_table(const struct snatpool *pool,
					const struct snp_family *f)
{
	const uint16_t *t = __atomic_load_n(&f->maglev, __ATOMIC_ACQUIRE);

	if (__builtin_expect(!t, 0))
		t = snp_maglev_get(pool, f);
	return t;
}

int snp_pick_x(const struct snatpool *pool, const struct snp_family *f, int x64,
	       const uint8_t *src, uint32_t algo, uint32_t *idx)
{
	const uint16_t *t;
	uint32_t v;
	int kind = x64 ? snp_dispatch_nat64(algo, &f->view, pool->seed, src, &v)
		       : snp_dispatch(algo, &f->view, pool->seed, src, &v);

	if (kind == SNP_PICK_INDEX) {
		*idx = v;
		return 0;
	}
	if (kind != SNP_PICK_SLOT)
		return snp_pick_err(kind);
	if (!(t = snp_table(pool, f)))
		return -ENOMEM;
	*idx = t[v];
	return 0;
}

/* One source of @f's own family; the algorithm was checked. */
static inline int snp_pick(const struct snatpool *pool, const struct snp_family *f,
			   const uint8_t *src, uint32_t algo, uint32_t *idx)
{
	return snp_pick_x(pool, f, 0, src, algo, idx);
}

/* Checks shared by the single and burst forms. */
static int snp_prepare(const struct snatpool *pool, int family, const void *src,
		       uint32_t *algo, const struct snp_family **fp)
{
	const struct snp_family *f;

	if (!pool || !src)
		return -EINVAL;
	f = snp_family_of(pool, family);
	if (!f)
		return -EINVAL;
	if (!*algo)
		*algo = pool->default_algo;
	if (!snp_algo_known(*algo))
		return -SNATPOOL_EALGO;
	if (!f->n)
		return -SNATPOOL_ENOFAMILY;
	if (*algo == SNATPOOL_ALGO_LINUX_NF_PERSIST && !f->contiguous)
		return -SNATPOOL_ENOTRANGE;
	*fp = f;
	return 0;
}

SNP_API int snatpool_select(const struct snatpool *pool, int family,
			    const uint8_t *src, uint32_t algo,
			    uint32_t *index, uint8_t *addr)
{
	const struct snp_family *f;
	uint32_t idx;
	int err = snp_prepare(pool, family, src, &algo, &f);

	if (!err)
		err = snp_pick(pool, f, src, algo, &idx);
	if (err)
		return err;
	if (index)
		*index = idx;
	if (addr)
		memcpy(addr, f->addrs + (size_t)idx * f->alen, f->alen);
	return 0;
}

/*
 * Bursts of the XXH3-based algorithms hash from registers (xxh3_fixed.h:
 * no stored key, so no store-to-load forward to stall on) in batches, so
 * that a Maglev burst computes its slots first and reads the table after.
 */
#define SNP_BATCH 16

static int snp_burst_xxh3(const struct snatpool *pool, const struct snp_family *f,
			  const uint8_t *srcs, size_t count, uint32_t algo,
			  uint32_t *indexes)
{
	const uint16_t *t = NULL;
	size_t i, j, k;

	if (algo == SNATPOOL_ALGO_MAGLEV_V1 && !(t = snp_maglev_get(pool, f)))
		return -ENOMEM;
	for (i = 0; i < count; i += k) {
		k = count - i < SNP_BATCH ? count - i : SNP_BATCH;
		for (j = 0; j < k; j++) {
			uint64_t h = snp_xxh3_hash_host(f->fam, srcs + (i + j) * f->alen,
							pool->seed);

			if (!t) {
				indexes[i + j] = snp_xxh3_index(h, f->n);
				continue;
			}
			/* Slots first, table reads after: the misses overlap. */
			indexes[i + j] = snp_maglev_slot_of(h, pool->maglev_size);
			__builtin_prefetch(&t[indexes[i + j]]);
		}
		if (t)
			for (j = 0; j < k; j++)
				indexes[i + j] = t[indexes[i + j]];
	}
	return (int)count;
}

SNP_API int snatpool_select_burst(const struct snatpool *pool, int family,
				  const uint8_t *srcs, size_t count,
				  uint32_t algo, uint32_t *indexes)
{
	const struct snp_family *f;
	size_t i;
	int err = snp_prepare(pool, family, srcs, &algo, &f);

	if (err)
		return err;
	if (!indexes || count > INT32_MAX)
		return -EINVAL;
	if (algo == SNATPOOL_ALGO_XXH3_V1 || algo == SNATPOOL_ALGO_MAGLEV_V1)
		return snp_burst_xxh3(pool, f, srcs, count, algo, indexes);
	for (i = 0; i < count; i++) {
		err = snp_pick(pool, f, srcs + i * f->alen, algo, &indexes[i]);
		if (err)
			return err;
	}
	return (int)count;
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * sha256_fixed.h - host-only SHA-256 of xpf-userspace-v1's fixed message
 * ("xpf-userspace-snat-address-persistent-v1" || fam || src: 45 octets for
 * IPv4, 57 for IPv6), first 64 bits of the digest only.
 *
 * Three implementations give the same output; one is chosen once per
 * process:
 *   SNP_SHA_SHANI   x86 SHA extensions, when cpuid reports them
 *   SNP_SHA_SCALAR  portable C, fixed-length
 *   SNP_SHA_EVP     OpenSSL EVP (lib/select.c), the reference
 * The environment variable SNATPOOL_SHA256 (evp, scalar, shani or auto)
 * forces one; tests use it to cover every path on any machine.
 */
#ifndef SNP_SHA256_FIXED_H
#define SNP_SHA256_FIXED_H

#include <stdint.h>

enum snp_sha_impl {
	SNP_SHA_UNSET  = 0,	/* not chosen yet */
	SNP_SHA_EVP    = 1,
	SNP_SHA_SCALAR = 2,
	SNP_SHA_SHANI  = 3,
	SNP_SHA_BAD    = 4,	/* SNATPOOL_SHA256 unknown or unavailable */
};

/* 1 if this CPU has the SHA extensions (and SSE4.1), else 0. */
int snp_cpu_has_shani(void);

/*
 * The implementation for @name (NULL, "" or "auto": the fastest available),
 * or SNP_SHA_BAD if @name is unknown or names one this CPU lacks.
 */
enum snp_sha_impl snp_sha_impl_parse(const char *name);

/* The implementation of this process: SNATPOOL_SHA256, read once. */
enum snp_sha_impl snp_sha_impl_slow(void);
extern int snp_sha_impl_cached;

static inline enum snp_sha_impl snp_sha_impl(void)
{
	int v = __atomic_load_n(&snp_sha_impl_cached, __ATOMIC_RELAXED);

	return __builtin_expect(v != SNP_SHA_UNSET, 1) ? (enum snp_sha_impl)v
							: snp_sha_impl_slow();
}

/*
 * Big-endian first 64 bits of SHA-256(tag || @fam || @src), @fam 4 (4
 * octets of @src) or 6 (16 octets).  The SHA-NI form needs
 * snp_cpu_has_shani().
 */
uint64_t snp_userspace_h64_scalar(uint8_t fam, const uint8_t *src);
uint64_t snp_userspace_h64_shani(uint8_t fam, const uint8_t *src);

#endif /* SNP_SHA256_FIXED_H */

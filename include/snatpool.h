/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * libsnatpool - source-NAT pool selection.
 *
 * Overview
 * --------
 * A firewall with address-persistent source NAT (RFC 4787 "IP address
 * pooling: paired") must give an internal source the same pool address on
 * every backend it runs: the in-kernel eBPF/XDP dataplane, AF_XDP, DPDK,
 * and after a failover or a rollback.  libsnatpool is the one place where
 * that choice is computed:
 *
 *   struct snatpool *pool;
 *   struct snatpool_diag diag;
 *   uint32_t index;
 *   uint8_t addr[16];
 *
 *   if (snatpool_pool_from_spec("198.51.100.1-198.51.100.4,2001:db8::/126",
 *                               NULL, &pool, &diag))
 *           errx(2, "%s: %s", diag.token, snatpool_strerror(diag.code));
 *   snatpool_select(pool, AF_INET, src4, SNATPOOL_ALGO_XXH3_V1, &index, addr);
 *   snatpool_pool_free(pool);
 *
 * Algorithms have frozen numeric IDs and names (docs/algorithms.md defines
 * each precisely enough to reimplement); the legacy ones are reproduced bit
 * for bit so that migrations can be tested before they are made.
 *
 * Conventions
 * -----------
 * Functions returning int give 0 (or a count) on success and a negative
 * code on failure: -SNATPOOL_E* (>= 4000, see "Errors") or -errno.
 * Constructors write their out-parameter only on success.  Addresses are
 * network-order octets (4 for AF_INET, 16 for AF_INET6).  Whoever
 * allocates frees; freeing NULL is a no-op.  Returned strings are static.
 * Option structs start with their size (set it with SNATPOOL_OPTS()) and
 * grow at the end only; a caller's struct that is larger than this build
 * knows must have its unknown tail zeroed, or the call fails with -EINVAL.
 */
#ifndef SNATPOOL_H
#define SNATPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>		/* memset, for SNATPOOL_OPTS() */
#include <sys/socket.h>		/* AF_INET, AF_INET6 */

#ifdef __cplusplus
extern "C" {
#endif

#ifndef SNATPOOL_API
#define SNATPOOL_API __attribute__((visibility("default")))
#endif

#define SNATPOOL_VERSION_MAJOR 0
#define SNATPOOL_VERSION_MINOR 1
#define SNATPOOL_VERSION_PATCH 0

/**
 * snatpool_version() - the library's version string, e.g. "0.1.0"
 */
SNATPOOL_API const char *snatpool_version(void);

/* Declare and size an option struct: SNATPOOL_OPTS(snatpool_pool_opts, o, .seed = 7); */
#define SNATPOOL_OPTS(TYPE, NAME, ...)					\
	struct TYPE NAME = ({						\
		memset(&NAME, 0, sizeof(struct TYPE));			\
		(struct TYPE){ .sz = sizeof(struct TYPE), __VA_ARGS__ };	\
	})

/* ------------------------------------------------------------------ */
/* Types                                                               */
/* ------------------------------------------------------------------ */

/** Most addresses of one family a pool may hold. */
#define SNATPOOL_MAX_ADDRS 65536u

/** One pool address in binary form. */
struct snatpool_addr {
	int     family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order; AF_INET uses addr[0..3] */
};

/** Where bad input was found: filled by the parsers on error. */
struct snatpool_diag {
	int    code;		/* SNATPOOL_E* (positive) */
	size_t offset;		/* octet offset of the token in the input */
	char   token[64];	/* the offending token, NUL-terminated, cut to fit */
};

/** Pool options; all zero means: seed 0, ports 1024-65535, default algo. */
struct snatpool_pool_opts {
	size_t   sz;		/* sizeof(struct snatpool_pool_opts) */
	uint64_t seed;		/* used by the seeded algorithms; 0: unseeded */
	uint16_t port_lo;	/* 0 with port_hi 0: 1024-65535 */
	uint16_t port_hi;
	uint32_t default_algo;	/* SNATPOOL_ALGO_*; 0: SNATPOOL_ALGO_DEFAULT */
	size_t   :0;
};

/** An immutable pool: opaque, shared by any number of threads. */
struct snatpool;

/* ------------------------------------------------------------------ */
/* Pools                                                               */
/* ------------------------------------------------------------------ */

/**
 * snatpool_pool_new() - build a pool from binary addresses
 * @addrs:  @count addresses, both families mixed; each family keeps its
 *          order (the "configured order" that indexes count in)
 * @opts:   NULL for defaults
 * @out:    receives the pool on success (untouched on error)
 * @diag:   NULL, or receives the offending address on error (token is its
 *          text, offset its position in @addrs)
 * Return: 0; -SNATPOOL_EFAMILY (family neither AF_INET nor AF_INET6),
 * -SNATPOOL_EDUP, -SNATPOOL_EEMPTY, -SNATPOOL_ELIMIT, -SNATPOOL_EPORT,
 * -SNATPOOL_EALGO, -EINVAL (NULL @out, bad @opts), -ENOMEM.
 * Allocates the pool and, per family, its Maglev table (docs/algorithms.md).
 */
SNATPOOL_API int snatpool_pool_new(const struct snatpool_addr *addrs,
				   size_t count,
				   const struct snatpool_pool_opts *opts,
				   struct snatpool **out,
				   struct snatpool_diag *diag);

/**
 * snatpool_pool_from_spec() - build a pool from a text spec
 * @spec: comma-separated tokens, both families mixed, spaces around
 *        tokens ignored:
 *          ADDR            one address (IPv4 dotted quad or IPv6 text)
 *          A-B             every address from A to B, ascending (A == B ok)
 *          PREFIX/LEN      every address of the prefix, network and
 *                          broadcast included; host bits must be zero
 *        e.g. "198.51.100.1-198.51.100.4,2001:db8::/126,203.0.113.9"
 * Return: 0; -SNATPOOL_EADDR, -SNATPOOL_ERANGE (reversed or mixed-family
 * range), -SNATPOOL_EPREFIX (bad length or host bits set), -SNATPOOL_EDUP,
 * -SNATPOOL_EEMPTY, -SNATPOOL_ELIMIT, -SNATPOOL_EPORT, -SNATPOOL_EALGO,
 * -EINVAL, -ENOMEM.  @diag names the offending token.
 */
SNATPOOL_API int snatpool_pool_from_spec(const char *spec,
					 const struct snatpool_pool_opts *opts,
					 struct snatpool **out,
					 struct snatpool_diag *diag);

/** snatpool_pool_free() - free a pool; NULL is a no-op. */
SNATPOOL_API void snatpool_pool_free(struct snatpool *pool);

/** snatpool_pool_count() - number of addresses of @family (0 if none or bad family). */
SNATPOOL_API size_t snatpool_pool_count(const struct snatpool *pool, int family);

/**
 * snatpool_pool_addr() - the address at @index of @family, configured order
 * @out: 4 or 16 octets
 * Return: 0; -SNATPOOL_ENOFAMILY; -ERANGE if @index >= count; -EINVAL.
 */
SNATPOOL_API int snatpool_pool_addr(const struct snatpool *pool, int family,
				    uint32_t index, uint8_t *out);

/** snatpool_pool_seed() - the pool's seed. */
SNATPOOL_API uint64_t snatpool_pool_seed(const struct snatpool *pool);

/** snatpool_pool_ports() - the pool's port range into @lo and @hi. */
SNATPOOL_API void snatpool_pool_ports(const struct snatpool *pool,
				      uint16_t *lo, uint16_t *hi);

/** snatpool_pool_default_algo() - the pool's default algorithm ID. */
SNATPOOL_API uint32_t snatpool_pool_default_algo(const struct snatpool *pool);

/* ------------------------------------------------------------------ */
/* Selection                                                           */
/* ------------------------------------------------------------------ */

/**
 * snatpool_select() - choose the pool address for one internal source
 * @pool:   read-only, shared by threads; no lock taken, nothing allocated
 *          (xpf-userspace-v1 creates one OpenSSL digest context per thread
 *          on that thread's first call, freed at thread exit)
 * @family: AF_INET or AF_INET6; @src: 4 or 16 octets, network order
 * @algo:   SNATPOOL_ALGO_*, 0 for the pool's default
 * @index:  NULL, or receives the index in @family's configured order
 * @addr:   NULL, or receives the chosen address (4 or 16 octets)
 * Return: 0; -SNATPOOL_ENOFAMILY if @pool has no address of @family (fails
 * closed: never a default address); -SNATPOOL_EALGO (unknown @algo);
 * -SNATPOOL_ENOTRANGE (linux-nf-persistent on a non-contiguous family);
 * -SNATPOOL_ECRYPTO; -EINVAL.
 */
SNATPOOL_API int snatpool_select(const struct snatpool *pool, int family,
				 const uint8_t *src, uint32_t algo,
				 uint32_t *index, uint8_t *addr);

/**
 * snatpool_select_burst() - snatpool_select() for @count sources of one family
 * @srcs:    @count addresses packed back to back (4 or 16 octets each)
 * @indexes: receives @count indexes
 * Return: @count (as int, so @count must be <= INT_MAX), or the error
 * snatpool_select() would give; on error @indexes is unspecified.
 */
SNATPOOL_API int snatpool_select_burst(const struct snatpool *pool, int family,
				       const uint8_t *srcs, size_t count,
				       uint32_t algo, uint32_t *indexes);

/**
 * snatpool_maglev_table() - the Maglev table of @family, for dataplanes
 * @table: receives a pointer to @size 32-bit configured-order indexes,
 *         owned by @pool (valid while it lives); fill a BPF array map or a
 *         DPDK array from it
 * @size:  receives M, the table size (a prime, docs/algorithms.md)
 * Return: 0; -SNATPOOL_ENOFAMILY; -EINVAL.
 */
SNATPOOL_API int snatpool_maglev_table(const struct snatpool *pool, int family,
				       const uint32_t **table, uint32_t *size);

/* ------------------------------------------------------------------ */
/* Algorithms                                                          */
/* ------------------------------------------------------------------ */

/** Algorithm IDs: frozen, never renumbered or reused (tests/check_algo.c). */
enum snatpool_algo {
	SNATPOOL_ALGO_XPF_LEGACY_V0    = 1, /* "xpf-legacy-v0" */
	SNATPOOL_ALGO_XPF_USERSPACE_V1 = 2, /* "xpf-userspace-v1" */
	SNATPOOL_ALGO_LINUX_NF_PERSIST = 3, /* "linux-nf-persistent" */
	SNATPOOL_ALGO_XXH3_V1          = 4, /* "snatpool-xxh3-v1" */
	SNATPOOL_ALGO_MAGLEV_V1        = 5, /* "snatpool-maglev-v1" */
};

/** The library default when neither the call nor the pool names one. */
#define SNATPOOL_ALGO_DEFAULT SNATPOOL_ALGO_XXH3_V1

/** Algorithm property flags. */
enum snatpool_algo_flags {
	SNATPOOL_ALGO_F_OPENSSL    = 1u << 0, /* the library uses libcrypto for it */
	SNATPOOL_ALGO_F_BPF_SAFE   = 1u << 1, /* core runs in the BPF verifier */
	SNATPOOL_ALGO_F_ORDER_FREE = 1u << 2, /* independent of configured order */
	SNATPOOL_ALGO_F_CONSISTENT = 1u << 3, /* minimal moves on pool change */
	SNATPOOL_ALGO_F_SEEDED     = 1u << 4, /* uses the pool's seed */
	SNATPOOL_ALGO_F_RANGE_ONLY = 1u << 5, /* needs a contiguous range */
};

/** What the registry knows of one algorithm. */
struct snatpool_algo_info {
	uint32_t    id;
	const char *name;	/* frozen tag, e.g. "snatpool-xxh3-v1" */
	uint32_t    flags;	/* SNATPOOL_ALGO_F_* */
	const char *summary;	/* one line */
};

/** snatpool_algo_by_name() - ID of @name; -SNATPOOL_EALGO if unknown. */
SNATPOOL_API int snatpool_algo_by_name(const char *name);

/** snatpool_algo_name() - the name of @id, or NULL if unknown. */
SNATPOOL_API const char *snatpool_algo_name(uint32_t id);

/** snatpool_algo_info() - fill @info for @id; -SNATPOOL_EALGO if unknown. */
SNATPOOL_API int snatpool_algo_info(uint32_t id, struct snatpool_algo_info *info);

/**
 * snatpool_algo_list() - the known IDs, ascending
 * Return: how many algorithms exist; at most @max are written to @ids
 * (@ids may be NULL with @max 0 to ask for the count).
 */
SNATPOOL_API int snatpool_algo_list(uint32_t *ids, size_t max);

/* ------------------------------------------------------------------ */
/* Tables (persistent NAT)                                             */
/* ------------------------------------------------------------------ */

/* (persistent-NAT tables: see the tables section when present) */

/* ------------------------------------------------------------------ */
/* Golden vectors                                                      */
/* ------------------------------------------------------------------ */

/*
 * A vectors file holds one JSON object per line, keys in this order:
 *   {"schema":"snatpool-vectors/1","algo":"xpf-userspace-v1","algo_id":2,
 *    "family":4,"pool":"198.51.100.1-198.51.100.4","seed":0,
 *    "src":"10.0.1.100","index":3,"address":"198.51.100.4"}
 * `pool` is a spec as snatpool_pool_from_spec() reads; `index` counts in
 * the source family's configured order.  Readers accept the keys in any
 * order and ignore blank lines.
 */
#define SNATPOOL_VECTORS_SCHEMA "snatpool-vectors/1"

/**
 * snatpool_vectors_write() - write the deterministic edge-case vectors of
 * @algo to file descriptor @fd (pool sizes 1, 2, 3, 5, 7, 64, 255, 256,
 * 257, 1024, 65536; sources 0.0.0.0, 255.255.255.255, ::, ::ffff:a.b.c.d,
 * adjacent and seeded random ones)
 * Return: lines written; -SNATPOOL_EALGO; -errno on a write error.
 */
SNATPOOL_API int snatpool_vectors_write(int fd, uint32_t algo);

/** Outcome of checking one vector line. */
struct snatpool_vector_result {
	int      status;	/* 0 pass, 1 mismatch, -SNATPOOL_E* malformed */
	uint32_t want_index, got_index;
	char     want_addr[48], got_addr[48];
	char     msg[160];	/* why it failed, empty on pass */
};

/**
 * snatpool_vector_check() - check one vector line (without its newline)
 * Return: 0 pass; 1 mismatch; -SNATPOOL_EVECTOR for a malformed line (or
 * any pool/selection error the line provokes); @res gets the details.
 * Never crashes on any input of @len octets.
 */
SNATPOOL_API int snatpool_vector_check(const char *line, size_t len,
				       struct snatpool_vector_result *res);

/** Totals of snatpool_vectors_verify(). */
struct snatpool_verify_stats {
	size_t passed;
	size_t failed;		/* mismatches and malformed lines */
	size_t malformed;
};

/** Called for each failed line of snatpool_vectors_verify(). */
typedef void (*snatpool_verify_cb)(size_t lineno,
				   const struct snatpool_vector_result *res,
				   void *ctx);

/**
 * snatpool_vectors_verify() - check every line read from @fd
 * @cb: NULL, or called for each failing line (line numbers count from 1)
 * Return: 0 if every line passed, 1 if any failed, -errno on a read error
 * (@st then holds what was counted so far).
 */
SNATPOOL_API int snatpool_vectors_verify(int fd, struct snatpool_verify_stats *st,
					 snatpool_verify_cb cb, void *ctx);

/* ------------------------------------------------------------------ */
/* Addresses                                                           */
/* ------------------------------------------------------------------ */

/**
 * snatpool_addr_parse() - parse one IPv4 or IPv6 address
 * @family: receives AF_INET or AF_INET6; @out: 16 octets (AF_INET uses 4)
 * Return: 0; -SNATPOOL_EADDR.
 */
SNATPOOL_API int snatpool_addr_parse(const char *text, int *family, uint8_t *out);

/**
 * snatpool_addr_format() - write @addr of @family as text into @buf
 * Return: the text's length; -EINVAL if @family is bad or @len < 46.
 */
SNATPOOL_API int snatpool_addr_format(int family, const uint8_t *addr,
				      char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/** Library error codes, returned negated; clear of errno values. */
enum snatpool_error {
	SNATPOOL_EADDR = 4000,	/* malformed address */
	SNATPOOL_ERANGE,	/* reversed or mixed-family range */
	SNATPOOL_EPREFIX,	/* bad prefix length or host bits set */
	SNATPOOL_EDUP,		/* address listed twice */
	SNATPOOL_EPORT,		/* port range outside 1..65535 or low > high */
	SNATPOOL_EEMPTY,	/* no address at all */
	SNATPOOL_ELIMIT,	/* more than SNATPOOL_MAX_ADDRS of one family */
	SNATPOOL_EFAMILY,	/* family neither AF_INET nor AF_INET6 */
	SNATPOOL_ENOFAMILY,	/* pool has no address of the source's family */
	SNATPOOL_EALGO,		/* unknown algorithm */
	SNATPOOL_ENOTRANGE,	/* algorithm needs one contiguous range */
	SNATPOOL_ECRYPTO,	/* OpenSSL failed */
	SNATPOOL_EVECTOR,	/* malformed vector line */
	SNATPOOL_ESYNTAX,	/* malformed spec token */
	SNATPOOL_EERR_END	/* first unused code */
};

/**
 * snatpool_strerror() - text for @err (either sign; SNATPOOL_E* or errno)
 * Return: a static string, never NULL.
 */
SNATPOOL_API const char *snatpool_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* SNATPOOL_H */

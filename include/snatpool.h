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

/*
 * Declare and size an option struct: SNATPOOL_OPTS(snatpool_pool_opts, o, .seed = 7);
 *
 * Option structs start with sz and only ever grow at the end.  The library
 * reads the fields that fit in sz and requires every octet after the end of
 * the last field it knows, up to sz, to be zero (-EINVAL otherwise), as
 * libbpf's OPTS_VALID does: a program built against a newer header that sets
 * a field this library does not have is refused, never silently ignored,
 * even when that field sits in what is trailing padding here.
 */
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

/** Default Maglev table size: the largest prime below 2^18 (512 KiB a family). */
#define SNATPOOL_MAGLEV_SIZE 262139u

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
	uint32_t maglev_size;	/* Maglev table size M, a prime >= the address
				 * count of each family; 0: SNATPOOL_MAGLEV_SIZE.
				 * Keep it fixed across pool changes: sources
				 * move minimally only between tables of one M */
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
 * -SNATPOOL_EALGO, -SNATPOOL_EMAGLEV, -EINVAL (NULL @out, bad @opts),
 * -ENOMEM.  Allocates the pool; a family's Maglev table (2 * M octets,
 * docs/algorithms.md) is built here when the pool's default algorithm is
 * snatpool-maglev-v1, otherwise on first use.
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
 * -SNATPOOL_ESYNTAX (an empty token: ",," or a trailing comma), -SNATPOOL_EMAGLEV
 * (as snatpool_pool_new()), -EINVAL (NULL @spec or @out, bad @opts),
 * -ENOMEM.  @diag names the offending token.
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
 * @pool:   read-only, shared by threads; no lock taken, nothing allocated,
 *          with two first-use exceptions: xpf-userspace-v1 creates one
 *          OpenSSL digest context per thread on that thread's first call
 *          (freed at thread exit), and snatpool-maglev-v1 builds a family's
 *          table on the pool's first use of it unless the pool was built
 *          with it as default algorithm (or snatpool_maglev_table() was
 *          called), under a per-pool lock
 * @family: AF_INET or AF_INET6; @src: 4 or 16 octets, network order
 * @algo:   SNATPOOL_ALGO_*, 0 for the pool's default
 * @index:  NULL, or receives the index in @family's configured order
 * @addr:   NULL, or receives the chosen address (4 or 16 octets)
 * Return: 0; -SNATPOOL_ENOFAMILY if @pool has no address of @family (fails
 * closed: never a default address); -SNATPOOL_EALGO (unknown @algo);
 * -SNATPOOL_ENOTRANGE (linux-nf-persistent on a non-contiguous family);
 * -SNATPOOL_ECRYPTO; -ENOMEM (first Maglev use only); -EINVAL.
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

/* ---- NAT64: cross-family selection (docs/algorithms.md, "NAT64") ---- */

/**
 * snatpool_select_nat64() - choose the IPv4 pool address for an IPv6 source
 * @pool:   as snatpool_select() (read-only, shared by threads; the IPv4
 *          Maglev table may be built on first use)
 * @src6:   the IPv6 source, 16 octets, network order
 * @algo:   SNATPOOL_ALGO_*, 0 for the pool's default
 * @index:  NULL, or receives the index in the pool's IPv4 configured order
 * @addr4:  NULL, or receives the chosen IPv4 address (4 octets)
 * NAT64 (RFC 6146): the IPv6 source chooses among the pool's IPv4
 * addresses, by the algorithm's NAT64 rule.  xpf-legacy-v0,
 * snatpool-xxh3-v1 and snatpool-maglev-v1 have one; the others refuse.
 * snatpool_select() is unchanged: it still chooses within the source's
 * own family.
 * Return: 0; -SNATPOOL_EALGO (unknown @algo); -SNATPOOL_ENOFAMILY (@pool
 * has no IPv4 address: fails closed); -SNATPOOL_ENONAT64 (@algo has no
 * NAT64 rule: never a guess), in this order; -ENOMEM (first Maglev use
 * only); -EINVAL.
 */
SNATPOOL_API int snatpool_select_nat64(const struct snatpool *pool,
				       const uint8_t *src6, uint32_t algo,
				       uint32_t *index, uint8_t *addr4);

/**
 * snatpool_select_nat64_burst() - snatpool_select_nat64() for @count sources
 * @srcs6:   @count IPv6 sources packed back to back (16 octets each)
 * @indexes: receives @count indexes in the IPv4 configured order
 * Return: @count (as int, so @count must be <= INT_MAX), or the error
 * snatpool_select_nat64() would give; on error @indexes is unspecified.
 */
SNATPOOL_API int snatpool_select_nat64_burst(const struct snatpool *pool,
					     const uint8_t *srcs6, size_t count,
					     uint32_t algo, uint32_t *indexes);

/**
 * snatpool_maglev_table() - the Maglev table of @family, for dataplanes
 * @table: receives a pointer to @size 16-bit configured-order indexes
 *         (a family holds at most SNATPOOL_MAX_ADDRS = 65536 addresses, so
 *         every index fits), owned by @pool (valid while it lives); fill a
 *         BPF array map or a DPDK array from it
 * @size:  receives M, the table size (a prime, docs/algorithms.md)
 * Builds the table if it was not built yet (then thread-safe, may allocate).
 * Return: 0; -SNATPOOL_ENOFAMILY; -ENOMEM; -EINVAL.
 */
SNATPOOL_API int snatpool_maglev_table(const struct snatpool *pool, int family,
				       const uint16_t **table, uint32_t *size);

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

/*
 * A table holds the translation state of one pool: which internal source
 * (protocol, address, port) owns which translated tuple (protocol, pool
 * address, port), how many live flows use it, and, with persistent NAT
 * (RFC 4787 endpoint-independent mapping, Junos "persistent-nat"), the
 * idle leases that keep a tuple for a source after its last flow ended.
 *
 * A dataplane calls snatpool_table_claim() for each new flow and
 * snatpool_table_release() when the flow ends (or
 * snatpool_table_rollback() when installing the session failed).  Time is
 * the caller's: @now is seconds of a monotonic clock (e.g. CLOCK_MONOTONIC),
 * never going back (a smaller @now than one already seen counts as the
 * larger one).  Due leases are expired a few at a time inside the calls, in
 * amortized O(1), never by scanning the table; snatpool_table_expire() does
 * it on demand.
 *
 * Threads: every call may be made by any number of threads at once.  State
 * is sharded by internal source address, each shard and each (address,
 * protocol) port space behind its own short lock; there is no table-wide
 * lock, except that with the delta stream on (delta_capacity) appending a
 * record takes the stream's lock.
 *
 * Protocols: IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6
 * (ports are the query identifier), IPPROTO_DCCP, IPPROTO_SCTP,
 * IPPROTO_UDPLITE; each has its own port space per pool address.  Others
 * fail with -EPROTONOSUPPORT.
 *
 * NAT64 (RFC 6146): a flow whose family is SNATPOOL_AF_NAT64 is an IPv6
 * flow translated to IPv4.  Its key is (proto, IPv6 source, source port),
 * a key of its own beside the same source's native IPv6 mappings; it owns
 * an IPv4 tuple of the pool, in the IPv4 port spaces that IPv4 sources
 * share (an ICMPv6 query identifier is translated to an ICMP one), so
 * snatpool_table_lookup_xlat() and snatpool_table_permit() with AF_INET
 * find it.  With SNATPOOL_TABLE_F_PAIRED its address is
 * snatpool_select_nat64()'s (the NAT64 rule of the table's algorithm;
 * -SNATPOOL_ENONAT64 for an algorithm without one).  Mappings of such
 * flows report family SNATPOOL_AF_NAT64, an IPv4 xaddr and an xindex in
 * the IPv4 configured order.
 */

/**
 * The family of a NAT64 flow and mapping: not an AF_* value (no socket
 * family is one).  Source IPv6 (16 octets); the remote end (dst) is the
 * IPv4 address the IPv6 destination embeds (RFC 6052), 4 octets as the
 * dataplane extracted it, for the target-host permit modes.
 */
#define SNATPOOL_AF_NAT64 6464

/** A persistent-NAT table: opaque; see snatpool_table_new(). */
struct snatpool_table;

/** Which remote hosts may reach a persistent mapping (Junos permit modes). */
enum snatpool_permit {
	SNATPOOL_PERMIT_NONE             = 0, /* no persistent NAT: a mapping dies with its last flow */
	SNATPOOL_PERMIT_ANY_REMOTE_HOST  = 1, /* any remote host (full cone) */
	SNATPOOL_PERMIT_TARGET_HOST      = 2, /* remote addresses this source sent to */
	SNATPOOL_PERMIT_TARGET_HOST_PORT = 3, /* remote address and port pairs it sent to */
};

/** How a new port is chosen once port preservation did not apply. */
enum snatpool_port_strategy {
	SNATPOOL_PORTS_SEQUENTIAL = 0, /* per-address cursor, then oldest freed port first */
	SNATPOOL_PORTS_RANDOM     = 1, /* random start, next free port (RFC 6056 alg. 1) */
	SNATPOOL_PORTS_DET44      = 2, /* port blocks only: block start + (sport + i) mod
					* block size for the first free i (FD.io VPP det44) */
};

/** Table flags. */
enum snatpool_table_flags {
	SNATPOOL_TABLE_F_PAIRED          = 1u << 0, /* address from snatpool_select(): paired pooling */
	SNATPOOL_TABLE_F_NO_PRESERVE     = 1u << 1, /* do not try to keep the original port */
	SNATPOOL_TABLE_F_PRESERVE_PARITY = 1u << 2, /* keep the original port's parity (RFC 4787 REQ-4) */
};

/** Mapping event types, for the event hook (RFC 6888 REQ-12 logging). */
enum snatpool_event_type {
	SNATPOOL_EV_CREATED    = 1, /* a tuple was given to a source */
	SNATPOOL_EV_RELEASED   = 2, /* the tuple was freed (last flow gone, no lease kept) */
	SNATPOOL_EV_EXPIRED    = 3, /* an idle lease timed out; its tuple was freed */
	SNATPOOL_EV_ROLLEDBACK = 4, /* a claim was undone; its tuple is free at once */
	SNATPOOL_EV_UTIL_RAISE = 5, /* port utilization reached util_raise_pct */
	SNATPOOL_EV_UTIL_CLEAR = 6, /* port utilization fell to util_clear_pct */
};

/**
 * One flow as the dataplane sees it: the key of its mapping and its remote end.
 * Its size is frozen (ABI): snatpool_table_lookup_burst() takes an array of
 * it, so it has no sz and gains no field; a richer flow would be a new
 * struct with its own burst call.  The same holds for struct snatpool_mapping.
 */
struct snatpool_flow {
	int      family;	/* AF_INET or AF_INET6, both addresses; or
				 * SNATPOOL_AF_NAT64: src IPv6, dst IPv4 */
	uint8_t  proto;		/* IPPROTO_*, see above */
	uint16_t sport;		/* original source port, host order (ICMP: identifier) */
	uint16_t dport;		/* remote port, host order (0 for ICMP) */
	uint8_t  src[16];	/* original source address, network order */
	uint8_t  dst[16];	/* remote address, network order */
};

/**
 * A mapping: a source (protocol, address, port) and its translated tuple.
 * Size frozen (ABI), as struct snatpool_flow's: the burst calls take arrays
 * of it.
 */
struct snatpool_mapping {
	int      family;	/* the key's: AF_INET, AF_INET6, SNATPOOL_AF_NAT64 */
	uint8_t  proto;
	uint16_t sport;		/* the key: original source port */
	uint8_t  src[16];	/* the key: original source address */
	uint32_t xindex;	/* translated address: index in its family's configured
				 * order (SNATPOOL_AF_NAT64: the IPv4 order) */
	uint8_t  xaddr[16];	/* translated address (IPv4: 4 octets, then zeros) */
	uint16_t xport;		/* translated port, host order */
	uint32_t flows;		/* live flows using it */
	uint32_t expires;	/* idle lease: its deadline (caller's clock); 0 while flows live */
	uint32_t flags;		/* SNATPOOL_MAP_F_* */
};

/** Mapping flags. */
enum snatpool_mapping_flags {
	SNATPOOL_MAP_F_NEW       = 1u << 0, /* this claim created the mapping */
	SNATPOOL_MAP_F_REUSED    = 1u << 1, /* this claim reused a live mapping or an idle lease */
	SNATPOOL_MAP_F_PRESERVED = 1u << 2, /* the translated port is the original port */
};

/** A mapping event, passed to the event hook. */
struct snatpool_table_event {
	uint32_t type;		/* SNATPOOL_EV_* */
	uint32_t now;		/* the @now of the call that caused it */
	uint32_t util_pct;	/* SNATPOOL_EV_UTIL_*: utilization, percent */
	struct snatpool_mapping map;	/* not for SNATPOOL_EV_UTIL_* */
};

/**
 * snatpool_table_event_cb - the event hook
 * Called on the thread that caused the event, with one of the table's locks
 * held: it must return quickly and must not call into the table.
 */
typedef void (*snatpool_table_event_cb)(const struct snatpool_table_event *ev,
					void *ctx);

/*
 * Event queue: the event hook for callers that must not run code under the
 * table's locks (language bindings, slow loggers).  Set the table's
 * event_cb to snatpool_event_queue_push and event_ctx to the queue: each
 * event is copied into a bounded ring under the queue's own short lock (a
 * leaf lock: it never calls out), and whoever wants them drains the ring
 * later, from any thread, with no table lock held.  When the ring is full
 * the new event is dropped and counted.  The queue must outlive the table
 * it serves (free the table first).
 */

/** A bounded queue of table events: opaque, shared by threads. */
struct snatpool_event_queue;

/**
 * snatpool_event_queue_new() - a queue holding at most @capacity events
 * @capacity: 1..(1 << 24)
 * @out:      receives the queue (untouched on error)
 * Return: 0; -EINVAL (NULL @out, @capacity out of range); -ENOMEM.
 */
SNATPOOL_API int snatpool_event_queue_new(size_t capacity,
					  struct snatpool_event_queue **out);

/** snatpool_event_queue_free() - free @q (no table may still use it); NULL is a no-op. */
SNATPOOL_API void snatpool_event_queue_free(struct snatpool_event_queue *q);

/**
 * snatpool_event_queue_push() - queue a copy of @ev; a snatpool_table_event_cb
 * @ctx: the queue
 * Never blocks on anything but the queue's lock and never allocates; when
 * the queue is full @ev is dropped and counted.  NULL @ev or @ctx: nothing.
 */
SNATPOOL_API void snatpool_event_queue_push(const struct snatpool_table_event *ev,
					    void *ctx);

/**
 * snatpool_event_queue_drain() - move up to @max queued events, oldest
 * first, into @out
 * Return: how many were moved (0 when empty); -EINVAL (NULL @q, NULL @out
 * with @max > 0, @max > INT_MAX).
 */
SNATPOOL_API int snatpool_event_queue_drain(struct snatpool_event_queue *q,
					    struct snatpool_table_event *out,
					    size_t max);

/**
 * snatpool_event_queue_stats() - the queue's counters
 * @queued:  NULL, or receives how many events wait now
 * @dropped: NULL, or receives how many were dropped (queue full) since
 *           the queue was made
 * Return: 0; -EINVAL (NULL @q).
 */
SNATPOOL_API int snatpool_event_queue_stats(struct snatpool_event_queue *q,
					    size_t *queued, uint64_t *dropped);

struct snatpool_portblock;

/** Table options; all zero gives the defaults named below. */
struct snatpool_table_opts {
	size_t   sz;		/* sizeof(struct snatpool_table_opts) */
	uint32_t max_mappings;	/* live-flow table capacity (mappings and leases); 0: 65536 */
	uint32_t flags;		/* SNATPOOL_TABLE_F_* */
	uint32_t permit;	/* SNATPOOL_PERMIT_*; NONE: no persistent NAT */
	uint32_t strategy;	/* SNATPOOL_PORTS_* */
	uint32_t algo;		/* paired selection: SNATPOOL_ALGO_*; 0: the pool's default */
	uint32_t inactivity_timeout;	/* idle lease lifetime, s; 0: 300 */
	uint32_t max_session_number;	/* most live flows per mapping; 0: 65535 */
	uint32_t hold_down;	/* s a freed port rests before reuse; 0: none (RFC 8512 suggests 120) */
	uint32_t port_quota;	/* most ports one internal address may hold; 0: no limit */
	uint32_t shards;	/* power of two, 1..256; 0: 64 */
	uint64_t seed;		/* hashing and random ports; 0: from getrandom() */
	uint8_t  util_raise_pct;	/* utilization alarm raise threshold, 1..100; 0: no alarm */
	uint8_t  util_clear_pct;	/* clear threshold (< raise); 0 with raise set: raise - 10 */
	uint32_t delta_capacity;	/* HA stream: records kept for export; 0: stream off */
	uint32_t expire_budget;	/* due leases expired per call; 0: 8 */
	snatpool_table_event_cb event_cb;	/* NULL: no events */
	void    *event_ctx;
	/*
	 * Tables inside the block (deterministic NAT): NULL, or a port-block
	 * plan over the same pool, whose subscribers are of the family they
	 * are translated to.  A claim then takes the address of the source's
	 * block and a port only inside that block: the original port when it
	 * is inside, free and not resting, else by @strategy within the block
	 * (SEQUENTIAL: the lowest free port; RANDOM: a random start, the next
	 * free one; DET44: det44's (sport + i) mod block size).  A source with
	 * no block is -ENOENT (drop it), a full block -SNATPOOL_EEXHAUSTED:
	 * never a port of another block.  Not with SNATPOOL_TABLE_F_PAIRED.
	 * The plan must outlive the table.
	 */
	const struct snatpool_portblock *portblock;
	/*
	 * Workers (threads) that claim on this table; 0: 1.  Each port space
	 * (protocol, pool address) is split into this many stripes of
	 * contiguous ports, and a claim takes a port of its worker's stripe
	 * first (the worker snatpool_table_worker() names for its source),
	 * another stripe only when that one has none free, so exhaustion is
	 * what it is with one worker.  Workers fed by source
	 * (snatpool_table_worker()) then share no lock and no written cache
	 * line on claims and releases.  The original port is kept only when
	 * it lies in the stripe the port is taken from.  1 to the table's
	 * shards; not with @portblock.
	 */
	uint32_t workers;
	size_t   :0;
};

/**
 * snatpool_table_new() - create a table for @pool
 * @pool: the pool; it is only read and must outlive the table (pools are
 *        immutable: to change a pool, build a new one and a new table)
 * @opts: NULL for defaults
 * @out:  receives the table (untouched on error)
 * Return: 0; -EINVAL (bad @opts, unknown flags, strategy or permit mode,
 * shards not a power of two, workers more than shards or with a
 * portblock, clear >= raise, SNATPOOL_PORTS_DET44 without
 * a portblock, a portblock over another pool, of subscribers of another
 * family than the one they are translated to, or with
 * SNATPOOL_TABLE_F_PAIRED); -SNATPOOL_EALGO;
 * -ENOMEM.  Allocates the shards and their hash slots at once; mappings
 * and port spaces as they are first used.
 */
SNATPOOL_API int snatpool_table_new(const struct snatpool *pool,
				    const struct snatpool_table_opts *opts,
				    struct snatpool_table **out);

/** snatpool_table_free() - free @t (no thread may still use it); NULL is a no-op. */
SNATPOOL_API void snatpool_table_free(struct snatpool_table *t);

/**
 * snatpool_table_claim() - get the translated tuple for a new flow
 * @flow: the flow; with target-host permit modes its remote end is recorded
 * @now:  caller's monotonic seconds
 * @out:  NULL, or receives the mapping (flags say new, reused, preserved)
 *
 * A live mapping or an unexpired lease of (proto, src, sport) is reused.
 * Otherwise a tuple no other mapping owns is claimed: the address is
 * snatpool_select()'s with SNATPOOL_TABLE_F_PAIRED (and only that one),
 * else any address with a free port, starting at one picked by the
 * table's hash of the flow's key (protocol, source address and source
 * port: two flows of one source may start at different addresses); the
 * port is the original one when it is in range, free and not resting,
 * else by the table's strategy (keeping parity if asked).
 * Never takes an owned tuple and never evicts a mapping (RFC 6888 REQ-11).
 * With a portblock (struct snatpool_table_opts) the address and port come
 * from the source's block only.
 * Return: 0; -SNATPOOL_EEXHAUSTED (no free port: on the paired address, or
 * on any address, or in the source's block); -ENOENT (portblock: the
 * source has no block); -SNATPOOL_EFULL (table at max_mappings);
 * -SNATPOOL_EQUOTA (source at port_quota); -SNATPOOL_ESESSIONS (mapping at
 * max_session_number); -SNATPOOL_ENOFAMILY (the pool has no address of
 * the translated family: IPv4 for SNATPOOL_AF_NAT64); -EPROTONOSUPPORT (a
 * protocol the table does not take, or one @flow's family cannot carry:
 * ICMP over IPv6 or NAT64, ICMPv6 over IPv4); -EINVAL; -ENOMEM; a
 * snatpool_select() or, for NAT64 flows, snatpool_select_nat64() error
 * (-SNATPOOL_ENONAT64: PAIRED with an algorithm that has no NAT64 rule).
 */
SNATPOOL_API int snatpool_table_claim(struct snatpool_table *t,
				      const struct snatpool_flow *flow,
				      uint32_t now, struct snatpool_mapping *out);

/**
 * snatpool_table_release() - a flow of @flow's key ended
 * When its last flow ends a mapping becomes an idle lease for
 * inactivity_timeout seconds (persistent NAT), or is freed at once (its
 * port then rests hold_down seconds before reuse).
 * Return: 0; -ENOENT (no live flow of that key); -EPROTONOSUPPORT; -EINVAL.
 */
SNATPOOL_API int snatpool_table_release(struct snatpool_table *t,
					const struct snatpool_flow *flow,
					uint32_t now);

/**
 * snatpool_table_rollback() - undo a claim whose session install failed
 * If the claim created the mapping and no other flow uses it, the mapping
 * is removed and its tuple is free again at once (no lease, no hold-down);
 * otherwise this is snatpool_table_release() (a reused lease goes idle and
 * expires as usual, it is never pinned).
 * Return: as snatpool_table_release().
 */
SNATPOOL_API int snatpool_table_rollback(struct snatpool_table *t,
					 const struct snatpool_flow *flow,
					 uint32_t now);

/**
 * snatpool_table_lookup() - the mapping of @flow's key (proto, src, sport)
 * Takes no lock: it reads the shard optimistically and retries (then locks)
 * if a writer was busy there.
 * Return: 0 and *@out; -ENOENT (none, or only an expired lease); -EINVAL.
 */
SNATPOOL_API int snatpool_table_lookup(struct snatpool_table *t,
				       const struct snatpool_flow *flow,
				       uint32_t now, struct snatpool_mapping *out);

/**
 * snatpool_table_lookup_burst() - snatpool_table_lookup() of @count flows
 * @flows: the flows
 * @out:   @count mappings: @out[i] is filled where @ret[i] is 0
 * @ret:   @count results: @ret[i] is what snatpool_table_lookup() would
 *         return for @flows[i]
 * For a dataplane's packet burst.  The results are those of @count single
 * lookups, but the cache misses of up to 16 flows overlap: all their hashes
 * come first, then their hash slots and entries are prefetched.
 * Return: how many were found (@ret[i] == 0); -EINVAL (NULL @t, NULL arrays
 * with @count > 0, @count > INT_MAX).
 */
SNATPOOL_API int snatpool_table_lookup_burst(struct snatpool_table *t,
					     const struct snatpool_flow *flows,
					     size_t count, uint32_t now,
					     struct snatpool_mapping *out, int *ret);

/**
 * snatpool_table_lookup_xlat() - the mapping owning a translated tuple
 * (for inbound packets: @xaddr, @xport are their destination)
 * Return: 0 and *@out; -ENOENT; -EPROTONOSUPPORT (as snatpool_table_claim():
 * a protocol not taken or one @family cannot carry); -EINVAL.
 */
SNATPOOL_API int snatpool_table_lookup_xlat(struct snatpool_table *t,
					    int family, uint8_t proto,
					    const uint8_t *xaddr, uint16_t xport,
					    uint32_t now,
					    struct snatpool_mapping *out);

/**
 * snatpool_table_permit() - may @remote:@rport reach the translated tuple?
 * Asked for an inbound packet with no session: permitted if a mapping owns
 * the tuple and the table's permit mode admits the remote end (any host;
 * a host the source sent to; an address and port pair it sent to).
 * Return: 1 permitted; 0 not (counted); -ENOENT no mapping owns the tuple
 * (or the table keeps no persistent NAT); -EPROTONOSUPPORT (as
 * snatpool_table_claim()); -EINVAL.
 */
SNATPOOL_API int snatpool_table_permit(struct snatpool_table *t, int family,
				       uint8_t proto, const uint8_t *xaddr,
				       uint16_t xport, const uint8_t *remote,
				       uint16_t rport, uint32_t now);

/**
 * snatpool_table_expire() - expire leases due at @now
 * @budget: most leases to expire; 0 for all that are due
 * Return: how many expired; -EINVAL (NULL @t).
 */
SNATPOOL_API int snatpool_table_expire(struct snatpool_table *t, uint32_t now,
				       size_t budget);

/**
 * Table and pool counters.  Names follow RFC 8512 (ietf-nat statistics)
 * where it has one.  Set sz (SNATPOOL_OPTS()); fields beyond it are not
 * written.
 */
struct snatpool_table_stats {
	size_t   sz;
	uint64_t live_flows;		/* flows claimed and not yet released */
	uint64_t total_mappings;	/* RFC 8512 total-mappings: live and idle */
	uint64_t total_tcp_mappings;	/* RFC 8512 */
	uint64_t total_udp_mappings;	/* RFC 8512 */
	uint64_t total_icmp_mappings;	/* RFC 8512 (ICMP and ICMPv6) */
	uint64_t leases;		/* idle persistent leases (a subset of the mappings) */
	uint64_t ports_allocated;	/* RFC 8512 port-numbers/ports-allocated: owned tuples */
	uint64_t ports_free;		/* RFC 8512 port-numbers/ports-free, summed over protocols in use */
	uint64_t allocations;		/* mappings created */
	uint64_t reuses;		/* claims that reused a live mapping or a lease */
	uint64_t releases;		/* flows released */
	uint64_t rollbacks;		/* flows rolled back */
	uint64_t expirations;		/* idle leases expired */
	uint64_t exhausted_ports;	/* claims failed: no free port on any address */
	uint64_t exhausted_paired;	/* claims failed: the paired address (or the source's
					 * port block) had no free port */
	uint64_t exhausted_holddown;	/* of those, some port was free but resting */
	uint64_t table_full;		/* claims failed: max_mappings */
	uint64_t quota_exceeded;	/* claims failed: port_quota (RFC 6888 REQ-4) */
	uint64_t session_limit;		/* claims failed: max_session_number */
	uint64_t permit_denied;		/* snatpool_table_permit() said no */
	uint64_t delta_exported;	/* HA records produced */
	uint64_t delta_lost;		/* HA records dropped: stream buffer full */
	uint64_t imports_applied;	/* HA records and snapshot mappings applied */
	uint64_t imports_duplicate;	/* HA records seen before (ignored) */
	uint64_t imports_rejected;	/* HA records refused: tuple owned by another source */
	uint32_t util_pct;		/* port utilization of the busiest protocol, percent */
	uint32_t util_alarm;		/* 1 while the utilization alarm is raised */
	uint64_t util_raised;		/* times the alarm was raised */
	uint64_t util_cleared;		/* times it was cleared */
	size_t   :0;
};

/**
 * snatpool_table_stats() - read the counters into @st
 * Locks each shard in turn, so totals are exact when no call runs.
 * Return: 0; -EINVAL (NULL, or @st->sz too small for @st->sz itself).
 */
SNATPOOL_API int snatpool_table_stats(struct snatpool_table *t,
				      struct snatpool_table_stats *st);

/** Called once per mapping by snatpool_table_walk(); non-zero stops the walk. */
typedef int (*snatpool_table_walk_cb)(const struct snatpool_mapping *m, void *ctx);

/**
 * snatpool_table_worker() - which of the table's workers owns @src's flows
 * @family: AF_INET, AF_INET6 or SNATPOOL_AF_NAT64 (an IPv6 @src)
 * A table is sharded by internal source address; its shards are divided
 * among its workers (snatpool_table_opts.workers) in contiguous ranges,
 * and each worker has a stripe of every port space.  A dataplane that
 * sends every flow of a source to the worker this names (an RSS
 * indirection table, a software hand-off ring, as VPP's NAT workers do)
 * gives each worker shards and ports of its own: claims and releases on
 * different workers then share no lock and write no cache line in
 * common.  Any thread may still call any table function for any flow:
 * this is about speed, never about correctness.  Fixed for a table's life
 * (it depends on its seed, shards and workers only).
 * Return: the worker, 0 to workers - 1; -EINVAL (NULL @t or @src, unknown
 * @family).
 */
SNATPOOL_API int snatpool_table_worker(const struct snatpool_table *t, int family,
				       const uint8_t *src);

/**
 * snatpool_table_walk() - call @cb for every mapping (shard by shard, each
 * under its lock: @cb must not call into the table)
 * Return: 0, or the first non-zero value of @cb; -EINVAL (NULL @t or @cb).
 */
SNATPOOL_API int snatpool_table_walk(struct snatpool_table *t, uint32_t now,
				     snatpool_table_walk_cb cb, void *ctx);

/*
 * Snapshots: a table's mappings (keys, tuples, flow counts, remaining lease
 * lifetimes, permitted remotes) in a versioned, checksummed binary format
 * (lib/table_snapshot.c describes it).  Lifetimes are stored relative to
 * the saving @now and rebased on the loading @now, so they survive a
 * restart whose monotonic clock starts again.
 */

/**
 * snatpool_table_snapshot() - write a snapshot of @t into @buf
 * Return: the snapshot's length; it was written only if <= @cap (call with
 * @cap 0 to size a buffer; the table may grow in between); -EINVAL; -ENOMEM.
 */
SNATPOOL_API long snatpool_table_snapshot(struct snatpool_table *t, uint32_t now,
					  void *buf, size_t cap);

/**
 * snatpool_table_save() - save a snapshot to @path, crash-safe: a
 * temporary file beside it, fsync, rename, fsync of the directory
 * Return: 0; -errno (the old file, if any, is untouched).
 */
SNATPOOL_API int snatpool_table_save(struct snatpool_table *t,
				     const char *path, uint32_t now);

/**
 * snatpool_table_load_mem() - load a snapshot into the empty table @t
 * Everything is checked before anything is applied: on any error @t is
 * left exactly as it was.
 * Return: the number of mappings loaded; -EBUSY (@t is not empty);
 * -SNATPOOL_ESNAPSHOT (truncated, corrupt, foreign version, another pool,
 * or inconsistent: a key or tuple twice, a tuple outside the pool, or, in
 * a table inside the block, a tuple outside its source's block);
 * -SNATPOOL_EFULL, -SNATPOOL_EQUOTA (does not fit @t's limits); -ENOMEM.
 */
SNATPOOL_API int snatpool_table_load_mem(struct snatpool_table *t,
					 const void *buf, size_t len,
					 uint32_t now);

/**
 * snatpool_table_load() - snatpool_table_load_mem() from a file
 * Return: as snatpool_table_load_mem(), or -errno reading @path.
 */
SNATPOOL_API int snatpool_table_load(struct snatpool_table *t,
				     const char *path, uint32_t now);

/*
 * HA delta stream: with delta_capacity set, every change (mapping created,
 * refreshed, released to an idle lease, expired, freed, rolled back) is
 * queued as a fixed-size, versioned, checksummed record with a sequence
 * number.  A peer imports them to hold the same mappings and port
 * ownership.  Records older than the importer's last one are ignored
 * (replays are idempotent); a gap stops the import with -SNATPOOL_EGAP
 * (resynchronize with a snapshot); a record giving a tuple to a second
 * source is rejected and counted.
 */

/** Size of one HA delta record, octets. */
#define SNATPOOL_DELTA_RECORD_SIZE 96

/**
 * snatpool_table_delta_export() - move queued records into @buf
 * Return: octets written (whole records, at most @cap); -EINVAL.
 */
SNATPOOL_API long snatpool_table_delta_export(struct snatpool_table *t,
					      void *buf, size_t cap);

/**
 * snatpool_table_delta_import() - apply records exported by a peer
 * @consumed: NULL, or receives the octets used (whole records; a record
 *            cut short at the end is left for the next call)
 * Each record is applied entirely or not at all.
 * Return: records applied; -SNATPOOL_EDELTA (bad version, checksum or
 * field, or another pool: nothing from that record on is applied);
 * -SNATPOOL_EGAP (a record is missing before the next one); -ENOMEM.
 */
SNATPOOL_API int snatpool_table_delta_import(struct snatpool_table *t,
					     const void *buf, size_t len,
					     uint32_t now, size_t *consumed);

/*
 * Deterministic port blocks (RFC 7422): each subscriber of a range gets a
 * fixed pool address and port block by arithmetic alone, so no per-flow
 * state or logging is needed.  Which arithmetic is a port-block algorithm,
 * with IDs and names of its own (enum snatpool_pbalgo, a space separate
 * from enum snatpool_algo), each defined in docs/algorithms.md:
 *
 *   snatpool-spread-v1  libsnatpool's first formula (the default): address
 *                       i mod n, block i div n
 *   xpf-det-v0          xpf's deterministic CGNAT, bit for bit: address
 *                       i div B, block i mod B, B = ports div block size
 *   vpp-det44-v0        FD.io VPP det44, bit for bit: geometry derived
 *                       from the inside prefix and the outside prefix
 *                       (the pool), ports 1024-65535
 */

/** Port-block algorithm IDs: frozen, never renumbered or reused (tests/check_portblock.c). */
enum snatpool_pbalgo {
	SNATPOOL_PBALGO_SPREAD_V1    = 1, /* "snatpool-spread-v1" */
	SNATPOOL_PBALGO_XPF_DET_V0   = 2, /* "xpf-det-v0" */
	SNATPOOL_PBALGO_VPP_DET44_V0 = 3, /* "vpp-det44-v0" */
};

/** Port-block flags (snatpool_portblock_opts.flags). */
enum snatpool_pb_flags {
	/* xpf-det-v0, IPv6 subscribers: a source must also carry the base's
	 * prefix octets (xpf does not compare them; with this flag the plan
	 * is no longer xpf's for sources outside the prefix) */
	SNATPOOL_PB_F_STRICT = 1u << 0,
};

/** snatpool_pbalgo_by_name() - ID of port-block algorithm @name; -SNATPOOL_EALGO if unknown. */
SNATPOOL_API int snatpool_pbalgo_by_name(const char *name);

/** snatpool_pbalgo_name() - the name of port-block algorithm @id, or NULL if unknown. */
SNATPOOL_API const char *snatpool_pbalgo_name(uint32_t id);

/**
 * snatpool_pbalgo_list() - the known port-block IDs, ascending
 * Return: how many exist; at most @max are written to @ids (@ids may be
 * NULL with @max 0).
 */
SNATPOOL_API int snatpool_pbalgo_list(uint32_t *ids, size_t max);

/**
 * Port block geometry.  Fields past block_size came later; a caller built
 * against an older header gets snatpool-spread-v1.
 *
 * snatpool-spread-v1: subscribers @count from @base; AF_INET: one address
 *   each (@prefix_len 0 or 32); AF_INET6: prefixes of @prefix_len 32..64.
 *   @xfamily is the pool family handed out (0: AF_INET).
 * xpf-det-v0: AF_INET: @base/@prefix_len (1..32) is xpf's host prefix,
 *   one subscriber per address; AF_INET6: @prefix_len 32 or 64, the
 *   subscriber is the 32-bit word after the prefix and the count is the
 *   pool's capacity.  @count 0 (derived) or the derived count; @xfamily
 *   AF_INET (or 0); @block_size required.
 * vpp-det44-v0: AF_INET only; @base/@prefix_len is the inside prefix, the
 *   pool's IPv4 addresses must be one aligned prefix in ascending order
 *   (the outside prefix) and its ports 1024-65535; @block_size 0 (derived)
 *   or the derived ports_per_host; @count 0 or 2^(32 - prefix_len).
 */
struct snatpool_portblock_opts {
	size_t   sz;
	int      family;	/* subscribers: AF_INET, or AF_INET6 prefixes */
	uint8_t  base[16];	/* first subscriber address (or prefix), network order */
	uint32_t count;		/* subscribers */
	uint8_t  prefix_len;	/* see above, per algorithm */
	int      xfamily;	/* pool family handed out; 0: AF_INET */
	uint16_t block_size;	/* ports per block */
	uint32_t algo;		/* SNATPOOL_PBALGO_*; 0: SNATPOOL_PBALGO_SPREAD_V1 */
	uint32_t flags;		/* SNATPOOL_PB_F_* */
	size_t   :0;
};

/** A port block plan: opaque, immutable, shared by threads. */
struct snatpool_portblock;

/**
 * snatpool_portblock_new() - build a plan over @pool (which must outlive it)
 * Return: 0; -SNATPOOL_EGEOMETRY (count 0, block size 0 or above the port
 * range, too few blocks for @count subscribers, bad prefix length, base
 * with bits set past its prefix, range overflowing the address space, a
 * configuration the algorithm does not take); -SNATPOOL_EALGO;
 * -SNATPOOL_ENOFAMILY; -EINVAL; -ENOMEM.
 */
SNATPOOL_API int snatpool_portblock_new(const struct snatpool *pool,
					const struct snatpool_portblock_opts *opts,
					struct snatpool_portblock **out);

/**
 * snatpool_portblock_new_diag() - snatpool_portblock_new(), and on error
 * @diag (NULL or) names the offending value in token, e.g.
 * "block_size=0" or "prefix_len=33"
 */
SNATPOOL_API int snatpool_portblock_new_diag(const struct snatpool *pool,
					     const struct snatpool_portblock_opts *opts,
					     struct snatpool_portblock **out,
					     struct snatpool_diag *diag);

/** snatpool_portblock_free() - NULL is a no-op. */
SNATPOOL_API void snatpool_portblock_free(struct snatpool_portblock *pb);

/** What a plan is: its algorithm and derived geometry. */
struct snatpool_portblock_info {
	size_t   sz;
	uint32_t algo;		/* SNATPOOL_PBALGO_* */
	uint32_t flags;		/* SNATPOOL_PB_F_* */
	int      family, xfamily;
	uint8_t  base[16];	/* subscriber base, network order */
	uint8_t  prefix_len;	/* as given (spread-v1 AF_INET: 32) */
	uint32_t count;		/* subscribers */
	uint32_t addrs;		/* pool addresses of @xfamily */
	uint32_t blocks;	/* blocks per address */
	uint16_t block_size;	/* ports per block */
	uint16_t port_lo;	/* first port of block 0 */
	uint16_t port_hi;	/* the pool's last port */
	uint8_t  fingerprint[32];	/* SHA-256 of the canonical configuration
					 * (docs/algorithms.md) */
	size_t   :0;
};

/**
 * snatpool_portblock_info() - describe @pb into @info (whose sz the caller
 * sets: fields past it are not written)
 * Return: 0; -EINVAL.
 */
SNATPOOL_API int snatpool_portblock_info(const struct snatpool_portblock *pb,
					 struct snatpool_portblock_info *info);

/**
 * snatpool_portblock_map() - the block of subscriber @src
 * @src: 4 or 16 octets of the subscriber family (an AF_INET6 address
 *       anywhere in the subscriber's prefix)
 * @xindex, @xaddr (16 octets), @port_lo, @port_hi: NULL or receive the block
 * Return: the subscriber's number (>= 0); -ENOENT outside the range
 * (fail closed: never translate such a source); -EINVAL.
 */
SNATPOOL_API long snatpool_portblock_map(const struct snatpool_portblock *pb,
					 const uint8_t *src, uint32_t *xindex,
					 uint8_t *xaddr, uint16_t *port_lo,
					 uint16_t *port_hi);

/**
 * snatpool_portblock_reverse() - the subscriber using @xaddr:@xport
 * @sub: receives the subscriber's address (AF_INET6: its prefix, host
 *       bits zero), 4 or 16 octets
 * Return: the subscriber's number; -ENOENT (no subscriber has it: not a
 * pool address, outside the blocks, in the unused tail of the range or
 * past @count); -EINVAL.  Answers exactly what snatpool_portblock_map()
 * gives, nothing more.
 */
SNATPOOL_API long snatpool_portblock_reverse(const struct snatpool_portblock *pb,
					     const uint8_t *xaddr, uint16_t xport,
					     uint8_t *sub);

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

/*
 * Cross-family lines (NAT64, snatpool_select_nat64()) carry this schema and
 * one more key, "xfamily" (the family of "address" and of the addresses
 * "index" counts in), after "family":
 *   {"schema":"snatpool-vectors/2",...,"family":6,"xfamily":4,...}
 * A reader of /1 only refuses them (unknown schema) instead of checking
 * them as single-family lines.  This library reads both.
 */
#define SNATPOOL_VECTORS_SCHEMA_XFAMILY "snatpool-vectors/2"

/*
 * Port-block vector lines (docs/algorithms.md, "Port-block vectors") carry
 * their own schema; snatpool_vector_check() and snatpool_vectors_verify()
 * take both kinds, a file may mix them:
 *   {"schema":"snatpool-portblock-vectors/1","algo":"xpf-det-v0","algo_id":2,
 *    "pool":"203.0.113.0/27","ports":"1024-65535","subscribers":"100.64.0.0/22",
 *    "count":0,"block_size":2016,"flags":0,"op":"map","src":"100.64.0.1",
 *    "result":"block","address":"203.0.113.0","port_lo":3040,"port_hi":5055,
 *    "subscriber":1}
 * op "reverse" has "address" and "port" and answers "result":"subscriber"
 * with "subscriber" and "subscriber_address"; either op may answer
 * "result":"none".
 */
#define SNATPOOL_PORTBLOCK_VECTORS_SCHEMA "snatpool-portblock-vectors/1"

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
 * snatpool_prefix_parse() - parse "ADDR/LEN", an IPv4 or IPv6 prefix
 * @family: receives AF_INET or AF_INET6; @addr: 16 octets (AF_INET uses 4)
 * @plen: receives LEN, 0..32 or 0..128 (decimal, at most 3 digits)
 * Host bits past @plen are not checked here: what takes the prefix does
 * (snatpool_portblock_new() refuses them, naming the value).  Outputs are
 * written only on success.
 * Return: 0; -SNATPOOL_EADDR (the address part); -SNATPOOL_EPREFIX (no
 * "/LEN", or a bad or too long LEN); -EINVAL (a NULL argument).
 */
SNATPOOL_API int snatpool_prefix_parse(const char *text, int *family, uint8_t *addr,
				       unsigned int *plen);

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
	SNATPOOL_EEXHAUSTED,	/* no free port (on the paired address or any) */
	SNATPOOL_EFULL,		/* table at its mapping capacity */
	SNATPOOL_EQUOTA,	/* internal address at its port quota */
	SNATPOOL_ESESSIONS,	/* mapping at its max session number */
	SNATPOOL_ESNAPSHOT,	/* truncated, corrupt, foreign or inconsistent snapshot */
	SNATPOOL_EDELTA,	/* malformed or foreign HA delta record */
	SNATPOOL_EGAP,		/* HA delta records missing */
	SNATPOOL_ECONFLICT,	/* tuple owned by another source */
	SNATPOOL_EGEOMETRY,	/* port block geometry does not fit */
	SNATPOOL_EMAGLEV,	/* Maglev size not a prime >= the address count */
	SNATPOOL_ENONAT64,	/* algorithm has no NAT64 (cross-family) rule */
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

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table.h - private layout of struct snatpool_table, shared by table.c
 * (mappings, leases, expiry), table_ports.c (port spaces), table_stats.c
 * (counters, events, alarms), table_snapshot.c and table_delta.c.
 *
 *   table ─┬─ shard[0..S-1]   (by hash of the internal source address)
 *          │    lock, hash slots, entry chunks, idle-lease FIFO,
 *          │    per-source port counts (quota), counters
 *          └─ ports[family][proto slot][address]   (allocated when first used)
 *               lock, owned bitmap, resting bitmap, owner ids,
 *               cursor(s), FIFO ring(s) of freed ports, hold-down marks
 *
 * Lock order: shard, then ports, then the delta stream.  A thread never
 * holds two shard locks except by trylock or in the all-shards order of
 * snp_lock_all().
 */
#ifndef SNP_TABLE_H
#define SNP_TABLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <netinet/in.h>
#include <string.h>

#include "internal.h"

#define SNP_NIL		UINT32_MAX
#define SNP_NO_TSAN	__attribute__((no_sanitize("thread")))
#if defined(__SANITIZE_THREAD__)
#define SNP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SNP_TSAN 1
#endif
#endif
/* The lock-free readers are inlined, except under ThreadSanitizer: there a
 * SNP_NO_TSAN function inlined into its caller would be instrumented. */
#ifdef SNP_TSAN
#define SNP_READER_INLINE __attribute__((noinline))
#else
#define SNP_READER_INLINE inline __attribute__((always_inline))
#endif
#define SNP_NPROTO	7		/* protocol slots, see snp_proto_slot() */
#define SNP_CHUNK_BITS	10
#define SNP_CHUNK	(1u << SNP_CHUNK_BITS)
#define SNP_IDX_BITS	24		/* entries per shard; owner id = shard << 24 | idx */
#define SNP_IDX_MASK	((1u << SNP_IDX_BITS) - 1)	/* never an entry index: a slot
						 * value of all ones is empty */
#define SNP_MAX_SHARDS	256u
#define SNP_PERMIT_MAX	64u		/* remotes remembered per mapping */
#define SNP_MARKS	64u		/* hold-down time marks per ring */

/* Entry flags. */
#define SNP_E_USED	0x01
#define SNP_E_V6	0x02
#define SNP_E_IDLE	0x04		/* persistent lease with no flow, in the FIFO */
#define SNP_E_FRESH	0x08		/* created by a claim, no flow released since */
#define SNP_E_PRESERVED	0x10

/*
 * One mapping: 32 octets, half a cache line, so a lookup that reaches it
 * reads one line (entries are 32-aligned).  The key is (proto, family, src,
 * sport); the translated tuple is (proto, family, xidx, xport).  A live
 * mapping counts its flows; an idle lease (SNP_E_IDLE, no flow) keeps its
 * expiry time in the same word: read flows with snp_ent_flows().
 */
struct snp_ent {
	uint8_t  src[16];
	uint16_t sport;
	uint8_t  proto;
	uint8_t  flags;
	uint16_t xidx;
	uint16_t xport;
	union {
		uint32_t nflows;	/* live: flows using it */
		uint32_t deadline;	/* idle: expiry time */
	};
	uint32_t aux;			/* in use: low 32 bits of the key hash
					 * (its home slot); free: next free */
};

_Static_assert(sizeof(struct snp_ent) == 32, "a mapping is 32 octets");

/* Idle FIFO links, kept apart from the entries: lookups never read them. */
struct snp_link {
	uint32_t qprev, qnext;
};

/* A chunk: SNP_CHUNK entries, then their SNP_CHUNK links. */
#define SNP_CHUNK_BYTES	(SNP_CHUNK * (sizeof(struct snp_ent) + sizeof(struct snp_link)))

struct snp_remote {
	uint8_t  addr[16];
	uint16_t port;
};

/* Remotes a target-host mapping sent to: oldest replaced when full. */
struct snp_permit {
	uint32_t n, next;
	struct snp_remote r[SNP_PERMIT_MAX];
};

/* Packets per internal source address, for the port quota. */
struct snp_sub {
	uint8_t  addr[16];
	uint32_t cnt;			/* 0: empty slot */
	uint8_t  v6;
};

/*
 * A shard's hash slots: slot = tag << 24 | entry index (tag: the top 8 bits
 * of the key hash), SNP_SLOT_EMPTY if empty.  An entry's home slot is the
 * low bits of its key hash (kept in the entry's aux).
 */
#define SNP_SLOT_EMPTY	UINT32_MAX
struct snp_slots {
	uint32_t mask, limit;		/* size - 1; most entries before doubling */
	struct snp_slots *next;		/* on the retired list */
	uint8_t  from_arena;
	uint32_t v[] __attribute__((aligned(64)));
};

struct snp_shard_ctr {
	uint64_t live_flows, mappings, leases, byproto[3];
	uint64_t allocations, reuses, releases, rollbacks, expirations;
	uint64_t exhausted_ports, exhausted_paired, exhausted_holddown;
	uint64_t table_full, quota_exceeded, session_limit, permit_denied;
};

struct snp_shard {
	pthread_mutex_t lock;
	_Atomic uint32_t seq;		/* odd while a lock holder may write (seqlock) */
	/* open addressing, linear probing; never more than 7/8 full (then it
	 * doubles: one shard holds every flow of a source, so it may hold
	 * many more than its share); replaced arrays stay until the table
	 * is freed, as a lock-free reader may still be in one */
	_Atomic(struct snp_slots *) slots;
	struct snp_slots *retired;	/* list of replaced arrays, by ->next */
	uint32_t   last_now;
	struct snp_ent **chunks;
	struct snp_permit ***pchunks;	/* target-host modes only */
	uint32_t   nchunks, chunks_cap;
	uint32_t   hiwater;		/* slots ever handed out */
	uint32_t   freelist;
	uint32_t   qhead, qtail;	/* idle FIFO, oldest first */
	struct snp_sub *subs;		/* port_quota only */
	uint32_t   sub_mask, nsubs;
	struct snp_shard_ctr c;
} __attribute__((aligned(64)));

/* FIFO ring of freed ports (offsets in the range), oldest first. */
struct snp_ring {
	uint16_t *buf;
	uint32_t  cap, head, cnt;
	uint32_t  seq_head;		/* push number of buf[head] */
	uint32_t  mk_head, mk_cnt;	/* hold-down marks: pushes from seq on were at t or later */
	struct { uint32_t seq, t; } mk[SNP_MARKS];
};

/* The port space of one (protocol, pool address). */
struct snp_ports {
	pthread_mutex_t lock;
	uint32_t  n;			/* ports in the range */
	_Atomic uint32_t owned;		/* written under lock, peeked without */
	uint32_t  cursor[2];		/* next never-handed-out offset, per parity class */
	uint32_t  last_now;
	uint64_t *bm_owned;
	uint64_t *bm_rest;		/* in a ring (resting) */
	uint32_t *owner;		/* owner id, valid where owned */
	uint64_t  rng;
	struct snp_ring ring[2];	/* [parity] with PRESERVE_PARITY, else ring[0] */
};

/* One queued HA record (SNATPOOL_DELTA_RECORD_SIZE octets, encoded). */
struct snp_delta {
	pthread_mutex_t lock;
	uint8_t  *buf;
	uint32_t  cap, head, cnt;	/* records */
	uint64_t  seq;			/* last sequence number handed out */
	uint64_t  exported, lost;
};

struct snatpool_table {
	const struct snatpool *pool;
	uint32_t  max_mappings, flags, permit, strategy, algo;
	uint32_t  timeout, max_sessions, hold_down, quota, expire_budget;
	uint8_t   util_raise, util_clear;
	snatpool_table_event_cb event_cb;
	void     *event_ctx;
	uint64_t  seed;
	uint64_t  seed_mix;		/* mix64(seed): whitens IPv4 keys in snp_key_hash() */
	uint32_t  fingerprint;		/* of the pool: snapshots and HA records */
	uint16_t  port_lo, port_hi;
	uint32_t  nports;
	uint32_t  nshards, shard_mask;
	struct snp_shard *shards;
	/* one mapping (transparent huge pages asked for) holds every shard's
	 * hash slots and, as far as it goes, the entry chunks: lookups miss
	 * the cache twice but rarely the TLB */
	uint8_t  *arena;
	size_t    arena_sz, slots_sz;
	_Atomic size_t arena_next;	/* next free chunk offset after the slots */
	_Atomic(struct snp_ports *) *ports[2];	/* [v6][slot * n + idx] */
	uint32_t  nfam[2];
	uint32_t *order[2];		/* address indexes sorted by address */
	_Atomic uint32_t slot_used;	/* bit per slot */
	_Atomic uint32_t alarm;
	_Atomic uint64_t util_raised, util_cleared;
	struct snp_delta delta;		/* cap 0: off */
	/* written by every claim and free: a cache line of their own, so that
	 * they do not evict the read-mostly fields above from other cores */
	struct {
		_Atomic uint32_t nmappings;
		_Atomic uint64_t owned_slot[SNP_NPROTO];
	} __attribute__((aligned(64))) hot;
	/* importer side of the HA stream and snapshot loads, under ilock
	 * (taken before any shard lock) */
	pthread_mutex_t ilock;
	uint64_t  iseq;			/* last HA sequence number applied */
	uint64_t  imp_applied, imp_dup, imp_rejected;
} __attribute__((aligned(64)));

/*
 * Shard locks double as the writer side of a seqlock: snatpool_table_lookup()
 * reads without the lock (no atomic read-modify-write, so the CPU overlaps
 * the cache misses of consecutive lookups) and retries if seq moved.
 */
static inline void snp_shard_lock(struct snp_shard *s)
{
	pthread_mutex_lock(&s->lock);
	atomic_store_explicit(&s->seq, atomic_load_explicit(&s->seq, memory_order_relaxed) + 1,
			      memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
}

static inline void snp_shard_unlock(struct snp_shard *s)
{
	atomic_store_explicit(&s->seq, atomic_load_explicit(&s->seq, memory_order_relaxed) + 1,
			      memory_order_release);
	pthread_mutex_unlock(&s->lock);
}

/* The reader side: a sequence number to read under, then whether what was
 * read since may be used (not if a writer was busy then or came since). */
static inline uint32_t snp_read_begin(const struct snp_shard *s)
{
	return atomic_load_explicit(&s->seq, memory_order_acquire);
}

static inline bool snp_read_valid(const struct snp_shard *s, uint32_t seq)
{
	atomic_thread_fence(memory_order_acquire);
	return !(seq & 1) && atomic_load_explicit(&s->seq, memory_order_relaxed) == seq;
}

/* ---- table.c ---- */
int snp_proto_slot(uint8_t proto);
static inline struct snp_ent *snp_ent_at(struct snp_shard *s, uint32_t idx)
{
	return &s->chunks[idx >> SNP_CHUNK_BITS][idx & (SNP_CHUNK - 1)];
}
static inline struct snp_link *snp_link_at(struct snp_shard *s, uint32_t idx)
{
	return (struct snp_link *)(void *)(s->chunks[idx >> SNP_CHUNK_BITS] + SNP_CHUNK) +
	       (idx & (SNP_CHUNK - 1));
}
static inline uint32_t snp_ent_flows(const struct snp_ent *e)
{
	return (e->flags & SNP_E_IDLE) ? 0 : e->nflows;
}
static inline struct snp_permit **snp_permit_at(struct snp_shard *s, uint32_t idx)
{
	return &s->pchunks[idx >> SNP_CHUNK_BITS][idx & (SNP_CHUNK - 1)];
}
static inline int snp_ent_family(const struct snp_ent *e)
{
	return (e->flags & SNP_E_V6) ? AF_INET6 : AF_INET;
}
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/*
 * The hashes of a flow.  The source hash picks the shard (its top bits:
 * every flow of a source lives in one shard, for the quota) and, without
 * address persistence, the first address tried (its low half).  The key
 * hash picks the home slot (low bits) and the slot tag (top 8 bits).  Both
 * are on every lookup's path, so IPv4, the common case, costs one multiply
 * for each, and neither waits for the other.
 */
static inline uint64_t snp_src_hash(const struct snatpool_table *t, int family,
				    const uint8_t *src)
{
	uint64_t a, b;
	uint32_t v;

	if (family == AF_INET6) {
		memcpy(&a, src, 8);
		memcpy(&b, src + 8, 8);
		return mix64(a ^ mix64(b ^ t->seed) ^ (uint64_t)family);
	}
	memcpy(&v, src, 4);
	return (uint64_t)(v ^ (uint32_t)t->seed) * 0x9e3779b97f4a7c15ull;
}

static inline uint64_t snp_key_hash(const struct snatpool_table *t, uint64_t h,
				    int family, uint8_t proto, const uint8_t *src,
				    uint16_t sport)
{
	unsigned __int128 p;
	uint64_t k;
	uint32_t v;

	if (family == AF_INET6)
		return mix64(h + ((uint64_t)sport << 16 | (uint64_t)proto << 8 | 1));
	/* the whole key in one word, then one 64x64->128 multiply whose
	 * halves are folded (wyhash's "mum"): every bit of the result
	 * depends on every bit of the key */
	memcpy(&v, src, 4);
	k = ((uint64_t)v << 32 | (uint64_t)sport << 16 | (uint64_t)proto << 8) ^ t->seed_mix;
	p = (unsigned __int128)k * 0x9e3779b97f4a7c15ull;
	return (uint64_t)p ^ (uint64_t)(p >> 64);
}

struct snp_shard *snp_shard_of(struct snatpool_table *t, uint64_t h);
uint32_t snp_find(struct snp_shard *s, uint64_t kh, int family, uint8_t proto,
		  const uint8_t *src, uint16_t sport);
void snp_fill_mapping(const struct snatpool_table *t, const struct snp_ent *e,
		      struct snatpool_mapping *m);
void snp_lock_all(struct snatpool_table *t);
void snp_unlock_all(struct snatpool_table *t);
bool snp_table_empty(struct snatpool_table *t);
uint32_t snp_clamp_now(uint32_t *last, uint32_t now);
/* Insert a mapping of a known tuple (snapshot, HA import): shard locked.
 * Return: 0; -SNATPOOL_ECONFLICT; -SNATPOOL_EFULL; -ENOMEM. */
int snp_insert_at(struct snatpool_table *t, struct snp_shard *s, uint64_t kh,
		  int family, uint8_t proto, const uint8_t *src, uint16_t sport,
		  uint32_t xidx, uint16_t xport, uint16_t nflows, bool idle,
		  uint32_t deadline, uint32_t *idx_out);
/* Remove entry @idx of @s (shard locked); @rest: the port rests (hold-down) */
void snp_remove(struct snatpool_table *t, struct snp_shard *s, uint32_t idx,
		int mode, uint32_t now, int dtype);
uint32_t snp_xindex(const struct snatpool_table *t, int family, const uint8_t *xaddr);
uint32_t snp_pool_fingerprint(const struct snatpool *pool);
void snp_idle_enqueue(struct snp_shard *s, uint32_t idx);
void snp_idle_dequeue(struct snp_shard *s, uint32_t idx);
/* Enqueue keeping the FIFO sorted by deadline (imports: lifetimes vary). */
void snp_idle_insert(struct snp_shard *s, uint32_t idx);
int snp_permit_add(struct snatpool_table *t, struct snp_shard *s, uint32_t idx,
		   const uint8_t *addr, uint16_t port);

/* ---- table_ports.c ---- */
enum snp_free_mode {
	SNP_FREE_NOW  = 0,	/* rollback: free again at once */
	SNP_FREE_REST = 1,	/* release, expiry: rests in the FIFO */
	SNP_FREE_RAW  = 2,	/* undoing a load: only the owned bit */
};
struct snp_ports *snp_ports_get(struct snatpool_table *t, int family, int slot,
				uint32_t xidx);
struct snp_ports *snp_ports_peek(struct snatpool_table *t, int family, int slot,
				 uint32_t xidx);
void snp_ports_free_all(struct snatpool_table *t);
/* The functions below run with ps->lock held. */
int snp_ports_alloc(struct snatpool_table *t, struct snp_ports *ps, int slot,
		    int want, uint32_t now, uint32_t owner, uint16_t *port,
		    bool *preserved, bool *holddown);
int snp_ports_take(struct snatpool_table *t, struct snp_ports *ps, int slot,
		   uint16_t port, uint32_t owner);
void snp_ports_release(struct snatpool_table *t, struct snp_ports *ps, int slot,
		       uint16_t port, int mode, uint32_t now);
bool snp_ports_owned(const struct snatpool_table *t, const struct snp_ports *ps,
		     uint16_t port, uint32_t *owner);

/* ---- table_stats.c ---- */
void snp_event(struct snatpool_table *t, uint32_t type, uint32_t now,
	       const struct snp_ent *e);
void snp_util_check(struct snatpool_table *t, int slot, uint32_t now);
uint64_t snp_slot_capacity(const struct snatpool_table *t);

/* ---- table_delta.c ---- */
enum snp_delta_type {
	SNP_D_CREATED = 1, SNP_D_REFRESHED, SNP_D_RELEASED, SNP_D_EXPIRED,
	SNP_D_FREED, SNP_D_ROLLEDBACK,
};
/* Queue a record for @e (called with the shard lock, and for records that
 * move a port with that port space's lock too). */
void snp_delta_emit(struct snatpool_table *t, int type, const struct snp_ent *e,
		    uint32_t now, const uint8_t *remote, uint16_t rport);
static inline bool snp_delta_on(const struct snatpool_table *t)
{
	return t->delta.cap != 0;
}

/* ---- little-endian codec, for snapshots and HA records ---- */
static inline void snp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void snp_put32(uint8_t *p, uint32_t v)
{
	snp_put16(p, (uint16_t)v);
	snp_put16(p + 2, (uint16_t)(v >> 16));
}
static inline void snp_put64(uint8_t *p, uint64_t v)
{
	snp_put32(p, (uint32_t)v);
	snp_put32(p + 4, (uint32_t)(v >> 32));
}
static inline uint16_t snp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t snp_get32(const uint8_t *p)
{
	return (uint32_t)snp_get16(p) | (uint32_t)snp_get16(p + 2) << 16;
}
static inline uint64_t snp_get64(const uint8_t *p)
{
	return (uint64_t)snp_get32(p) | (uint64_t)snp_get32(p + 4) << 32;
}
uint64_t snp_checksum(const void *p, size_t len);

#endif /* SNP_TABLE_H */

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table.h - private layout of struct snatpool_table and what the table's
 * files share.  One concept per file; a file calls only files listed below
 * it (no call cycle, checked with `farm-studio look`):
 *
 *   table_snapshot.c  save and load           table_import.c  HA import
 *   table_create.c    create and free         table_inbound.c lookup_xlat, permit
 *   table_lookup.c    lock-free lookups, walk
 *   table_mapping.c   claim, release, rollback, expiry, insert and remove
 *   table_ports.c     port spaces             table_delta.c   HA export
 *   table_stats.c     counters, events, alarm table_permit.c  permit sets
 *   table_index.c     hash slots (the index)  table_quota.c   per-source counts
 *   table_idle.c      idle-lease FIFO         table_arena.c   arena, entry freelist
 *   table_record.c    checksum, pool fingerprint, the one record validator
 *   table_order.c     translated address to index (sorted)
 *   table.c           the protocol table, the clock clamp, lock all shards
 *
 * Headers: this one (layout, seqlock, entries, declarations), table_key.h
 * (a flow's hashes and key compare, inline for the lookups), table_probe.h
 * (the one linear-probing delete), table_record.h (little-endian codec,
 * checksum, fingerprint, the record check).
 *
 *   table ─┬─ shard[0..S-1]   (by hash of the internal source address)
 *          │    lock, hash slots, entry chunks, idle-lease FIFO,
 *          │    per-source port counts (quota), counters
 *          └─ ports[family][proto slot][address]   (allocated when first used)
 *               owned bitmap, resting bitmap, owner ids,
 *               stripe[0..workers-1]: lock, cursor(s), FIFO ring(s) of
 *               freed ports, hold-down marks
 *
 * Lock order: shard, then a port stripe, then the delta stream.  A thread never
 * holds two shard locks except by trylock or in the all-shards order of
 * snp_lock_all().
 */
#ifndef SNP_TABLE_H
#define SNP_TABLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
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
#define SNP_E_X4	0x20		/* with SNP_E_V6: NAT64, the tuple is IPv4 */

/*
 * Key families: AF_INET, AF_INET6 and SNATPOOL_AF_NAT64 (an IPv6 source
 * owning an IPv4 tuple).  What a key family's source address is, and what
 * family its tuple, its port spaces and its remotes are.
 */
static inline bool snp_kfam_ok(int kfam)
{
	return kfam == AF_INET || kfam == AF_INET6 || kfam == SNATPOOL_AF_NAT64;
}
static inline int snp_kfam_src(int kfam)
{
	return kfam == AF_INET ? AF_INET : AF_INET6;
}
static inline int snp_kfam_x(int kfam)
{
	return kfam == AF_INET6 ? AF_INET6 : AF_INET;
}

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

/* Mappings (so translated ports) per internal source address, for the port quota. */
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

/* A shard's counters, under its lock; the table's are their sums (read
 * by snatpool_table_stats()), so no claim writes a table-wide counter.
 * The first six share a cache line with the idle FIFO's ends (see
 * snp_shard); byslot and rollbacks fill the next. */
struct snp_shard_ctr {
	uint64_t live_flows, mappings, leases, allocations, reuses, releases;
	uint64_t byslot[SNP_NPROTO];	/* mappings, so owned ports, per protocol slot */
	uint64_t rollbacks, expirations;
	uint64_t exhausted_ports, exhausted_paired, exhausted_holddown;
	uint64_t table_full, quota_exceeded, session_limit, permit_denied;
};

/*
 * A shard, laid out by who writes what: claims and releases on other
 * cores take each shard's lines in turn, so what one claim writes is kept
 * to three lines (the lock's, the FIFO's with the busiest counters, the
 * per-slot counters), and what lock-free lookups read sits on a line that
 * only the index's growth writes.
 */
struct snp_shard {
	/* line 0: the lock, the seqlock and what every claim writes */
	pthread_mutex_t lock;
	_Atomic uint32_t seq;		/* odd while a lock holder may write (seqlock) */
	uint32_t   last_now;
	uint32_t   freelist;
	uint32_t   hiwater;		/* slots ever handed out */
	/* mappings this shard may still create before asking the table's
	 * credit (max_mappings, handed out in batches); atomic only so that a
	 * shard of a nearly full table may take them back */
	_Atomic uint32_t credit;
	/* line 1: read by lookups, written when the index or chunks grow.
	 * Open addressing, linear probing; never more than 7/8 full (then it
	 * doubles: one shard holds every flow of a source, so it may hold
	 * many more than its share); replaced arrays stay until the table
	 * is freed, as a lock-free reader may still be in one */
	_Atomic(struct snp_slots *) slots __attribute__((aligned(64)));
	struct snp_ent **chunks;
	uint32_t   chunks_cap;
	uint32_t   sub_mask;
	struct snp_permit ***pchunks;	/* target-host modes only */
	struct snp_slots *retired;	/* list of replaced arrays, by ->next */
	struct snp_sub *subs;		/* port_quota only */
	/* lines 2-4 */
	uint32_t   qhead __attribute__((aligned(64)));	/* idle FIFO, oldest first */
	uint32_t   qtail;
	uint32_t   nchunks, nsubs;
	struct snp_shard_ctr c;
} __attribute__((aligned(64)));

_Static_assert(offsetof(struct snp_shard, credit) + sizeof(uint32_t) <= 64,
	       "what every claim writes fits the lock's line");
_Static_assert(offsetof(struct snp_shard, qhead) == 128 &&
	       offsetof(struct snp_shard, c.byslot) == 128 + 64,
	       "the busiest counters share the FIFO's line");

/* FIFO ring of freed ports (offsets in the range), oldest first. */
struct snp_ring {
	uint16_t *buf;
	uint32_t  cap, head, cnt;
	uint32_t  seq_head;		/* push number of buf[head] */
	uint32_t  mk_head, mk_cnt;	/* hold-down marks: pushes from seq on were at t or later */
	struct { uint32_t seq, t; } mk[SNP_MARKS];
};

/*
 * One stripe of a port space: offsets lo..hi-1 (hi - lo a multiple of 64
 * but for the last stripe, so no bitmap word is under two locks), claimed
 * first by the shards of one worker (snp_shard_worker()).  A table with one
 * worker has one stripe: the whole space.  Line 0 is what a claim writes.
 */
struct snp_stripe {
	pthread_mutex_t lock;
	uint32_t  lo, hi;
	_Atomic uint32_t owned;		/* written under lock, peeked without */
	uint32_t  cursor[2];		/* next never-handed-out offset, per parity class */
	uint32_t  last_now;
	uint64_t  rng;
	struct snp_ring ring[2];	/* [parity] with PRESERVE_PARITY, else ring[0] */
} __attribute__((aligned(64)));

/* The port space of one (protocol, pool address): what its ports are
 * (read and written under the lock of the stripe holding them), then
 * its stripes. */
struct snp_ports {
	uint32_t  n;			/* ports in the range */
	uint32_t  nstripes;
	uint64_t *bm_owned;
	uint64_t *bm_rest;		/* in a ring (resting) */
	uint32_t *owner;		/* owner id, valid where owned */
	struct snp_stripe st[];
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
	const struct snatpool_portblock *pb;	/* tables inside the block, or NULL */
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
	uint32_t  workers;		/* stripes per port space (snatpool_table_worker()) */
	struct snp_shard *shards;
	/* one mapping (transparent huge pages asked for) holds every shard's
	 * hash slots and, as far as it goes, the entry chunks: lookups miss
	 * the cache twice but rarely the TLB */
	uint8_t  *arena;
	size_t    arena_sz, slots_sz;
	_Atomic(struct snp_ports *) *ports[2];	/* [v6][slot * n + idx] */
	uint32_t  nfam[2];
	uint32_t *order[2];		/* address indexes sorted by address */
	_Atomic uint32_t slot_used;	/* bit per slot */
	_Atomic uint32_t alarm;
	_Atomic uint64_t util_raised, util_cleared;
	/* cap 0: off; else written by every record: lines of its own */
	struct snp_delta delta __attribute__((aligned(64)));
	/* what no shard holds of max_mappings (see snp_shard's credit), the
	 * arena's next chunk, and owned ports per protocol slot, kept only
	 * for the utilization alarm (util_raise): cache lines of their own,
	 * so that they do not evict the read-mostly fields above from other
	 * cores */
	struct {
		_Atomic uint32_t credit;
		_Atomic uint32_t moves_begun, moves_done;	/* credit in flight */
		_Atomic size_t arena_next;	/* next free chunk offset after the slots */
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

/* ---- table.c: protocols, clock, all shards ---- */

/*
 * The protocols a table takes: each one's port-space slot (plus one; 0: not
 * taken) and the families it may carry (bit 0 IPv4, bit 1 IPv6).  The only
 * place that says which protocol a family may carry.
 */
struct snp_proto {
	uint8_t slot1, fams;
};
extern const struct snp_proto snp_protos[256];

/* The port-space slot of @proto, -1 if a table does not take it. */
static inline int snp_proto_slot(uint8_t proto)
{
	return (int)snp_protos[proto].slot1 - 1;
}

/* Whether a table takes @proto in @family (AF_INET, AF_INET6; else false).
 * A NAT64 key carries what its IPv6 source does: snp_key_carries(). */
static inline bool snp_proto_carries(uint8_t proto, int family)
{
	return (family == AF_INET || family == AF_INET6) &&
	       (snp_protos[proto].fams >> (family == AF_INET6) & 1);
}

static inline bool snp_key_carries(uint8_t proto, int kfam)
{
	return snp_proto_carries(proto, kfam == SNATPOOL_AF_NAT64 ? AF_INET6 : kfam);
}

/* @now, or the latest time seen through @last if @now went back. */
uint32_t snp_clamp_now(uint32_t *last, uint32_t now);
void snp_lock_all(struct snatpool_table *t);
void snp_unlock_all(struct snatpool_table *t);

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
/* The key family of @e (AF_INET, AF_INET6, SNATPOOL_AF_NAT64). */
static inline int snp_ent_family(const struct snp_ent *e)
{
	return !(e->flags & SNP_E_V6) ? AF_INET :
	       (e->flags & SNP_E_X4) ? SNATPOOL_AF_NAT64 : AF_INET6;
}
/* The family of @e's tuple, port space and remotes. */
static inline int snp_ent_xfamily(const struct snp_ent *e)
{
	return (e->flags & (SNP_E_V6 | SNP_E_X4)) == SNP_E_V6 ? AF_INET6 : AF_INET;
}
/* Shard locked: the slots are ours to read plainly. */
static inline struct snp_slots *snp_slots_of(struct snp_shard *s)
{
	return atomic_load_explicit(&s->slots, memory_order_relaxed);
}

/* A mapping a lookup may return at @now: live, or an idle lease not yet due. */
static inline bool snp_ent_alive(const struct snp_ent *e, uint32_t now)
{
	return !(e->flags & SNP_E_IDLE) || (int32_t)(e->deadline - now) > 0;
}
/* The id a port space names its owner by: shard << SNP_IDX_BITS | index. */
static inline uint32_t snp_owner_id(const struct snatpool_table *t,
				    const struct snp_shard *s, uint32_t idx)
{
	return (uint32_t)(s - t->shards) << SNP_IDX_BITS | idx;
}
/* ---- table_order.c ---- */
int snp_order_build(struct snatpool_table *t, int v6);
uint32_t snp_xindex(const struct snatpool_table *t, int family, const uint8_t *xaddr);

/* ---- table_arena.c: the arena, entry chunks and their freelist ---- */
int snp_arena_map(struct snatpool_table *t, size_t slots);
bool snp_in_arena(const struct snatpool_table *t, const void *p);
/* An entry index of @s, SNP_NIL if none (no memory, index space spent). */
uint32_t snp_ent_alloc(struct snatpool_table *t, struct snp_shard *s);
void snp_ent_free(struct snatpool_table *t, struct snp_shard *s, uint32_t idx);

/* ---- table_index.c: the hash slots (shard locked) ---- */
size_t snp_slots_bytes(uint32_t n);
void snp_slots_init(struct snp_slots *sl, uint32_t n, bool from_arena);
/* Room for one more entry.  Return: 0; -ENOMEM; -SNATPOOL_EFULL. */
int snp_slots_reserve(struct snp_shard *s);
void snp_hash_link(struct snp_shard *s, uint32_t idx, uint64_t kh);
void snp_hash_unlink(struct snp_shard *s, uint32_t idx);
uint32_t snp_find(struct snp_shard *s, uint64_t kh, int family, uint8_t proto,
		  const uint8_t *src, uint16_t sport);

/* ---- table_idle.c: the idle-lease FIFO (shard locked) ---- */
void snp_idle_enqueue(struct snp_shard *s, uint32_t idx);
void snp_idle_dequeue(struct snp_shard *s, uint32_t idx);
/* Enqueue keeping the FIFO sorted by deadline (imports: lifetimes vary). */
void snp_idle_insert(struct snp_shard *s, uint32_t idx);

/* ---- table_quota.c: mappings per source (shard locked) ---- */
/* One more for @addr.  Return: 0; -SNATPOOL_EQUOTA (only if @enforce); -ENOMEM. */
int snp_quota_inc(struct snatpool_table *t, struct snp_shard *s,
		  const uint8_t *addr, bool v6, bool enforce);
void snp_quota_dec(struct snp_shard *s, const uint8_t *addr, bool v6);

/* ---- table_permit.c: remotes of target-host mappings (shard locked) ---- */
/* Return: 1 added; 0 known; -ENOMEM. */
int snp_permit_add(struct snatpool_table *t, struct snp_shard *s, uint32_t idx,
		   const uint8_t *addr, uint16_t port);
bool snp_permit_has(const struct snatpool_table *t, struct snp_shard *s, uint32_t idx,
		    const uint8_t *addr, uint16_t port);

/* ---- table_mapping.c ---- */
/* No mapping in any shard (all shards locked). */
bool snp_table_empty(struct snatpool_table *t);
/* Insert a mapping of a known tuple (snapshot, HA import): shard locked;
 * @family is the key family (SNATPOOL_AF_NAT64: an IPv4 tuple).
 * Return: 0; -SNATPOOL_ECONFLICT; -SNATPOOL_EFULL; -ENOMEM. */
int snp_insert_at(struct snatpool_table *t, struct snp_shard *s, uint64_t kh,
		  int family, uint8_t proto, const uint8_t *src, uint16_t sport,
		  uint32_t xidx, uint16_t xport, uint16_t nflows, bool idle,
		  uint32_t deadline, uint32_t *idx_out);
/* Remove entry @idx of @s (shard locked); @mode: how its port is freed
 * (enum snp_free_mode); @dtype: the HA record to queue, 0 none. */
void snp_remove(struct snatpool_table *t, struct snp_shard *s, uint32_t idx,
		int mode, uint32_t now, int dtype);
/* Expire up to @budget (0: all) due leases of @s (locked); the number expired. */
int snp_expire_shard(struct snatpool_table *t, struct snp_shard *s, uint32_t now,
		     size_t budget);

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
/* The stripe holding @port (in range). */
struct snp_stripe *snp_stripe_of(const struct snatpool_table *t, struct snp_ports *ps,
				 uint16_t port);
/* The worker of shard @idx (snatpool_table_worker()): the stripe its
 * claims try first.  The shards are divided among the workers in
 * contiguous ranges. */
static inline uint32_t snp_shard_worker(const struct snatpool_table *t, uint32_t idx)
{
	return (uint32_t)((uint64_t)idx * t->workers / t->nshards);
}
/* The functions below run with the lock of stripe @st held (the stripe
 * holding @port, where there is one). */
int snp_ports_alloc(struct snatpool_table *t, struct snp_ports *ps, struct snp_stripe *st,
		    int slot, int want, uint32_t now, uint32_t owner, uint16_t *port,
		    bool *preserved, bool *holddown);
/* Tables inside the block (one stripe): as snp_ports_alloc(), within
 * ports @lo..@hi. */
int snp_ports_alloc_block(struct snatpool_table *t, struct snp_ports *ps,
			  struct snp_stripe *st, int slot, int want, uint32_t now,
			  uint32_t owner, uint16_t lo, uint16_t hi, uint16_t *port,
			  bool *preserved, bool *holddown);
int snp_ports_take(struct snatpool_table *t, struct snp_ports *ps, struct snp_stripe *st,
		   int slot, uint16_t port, uint32_t owner);
void snp_ports_release(struct snatpool_table *t, struct snp_ports *ps,
		       struct snp_stripe *st, int slot, uint16_t port, int mode,
		       uint32_t now);
/* Whether @port is owned, and by whom (takes its stripe's lock). */
bool snp_ports_owned(const struct snatpool_table *t, struct snp_ports *ps,
		     uint16_t port, uint32_t *owner);

/* ---- table_stats.c ---- */
/* Report @type for @e (NULL: none) to the event hook, there being one. */
void snp_event_put(struct snatpool_table *t, uint32_t type, uint32_t now,
		   const struct snp_ent *e);
/* Raise or clear the utilization alarm after owned ports changed. */
void snp_util_check(struct snatpool_table *t, uint32_t now);
uint64_t snp_slot_capacity(const struct snatpool_table *t);

/* ---- table_delta.c (table_import.c reads what it writes) ---- */
enum snp_delta_type {
	SNP_D_CREATED = 1, SNP_D_REFRESHED, SNP_D_RELEASED, SNP_D_EXPIRED,
	SNP_D_FREED, SNP_D_ROLLEDBACK,
};
#define SNP_D_MAGIC	0x44504e53u	/* "SNPD" */
#define SNP_D_VERSION	1
static inline bool snp_delta_on(const struct snatpool_table *t)
{
	return t->delta.cap != 0;
}
/* Queue a record for @e, the stream on (called with the shard lock, and
 * for records that move a port with that port space's lock too). */
void snp_delta_put(struct snatpool_table *t, int type, const struct snp_ent *e,
		   uint32_t now, const uint8_t *remote, uint16_t rport);

#endif /* SNP_TABLE_H */

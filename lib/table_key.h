/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_key.h - a flow's key as the table sees it: the hashes that pick
 * its shard, home slot, tag and first address; how every find compares it;
 * the flow check; the mapping an entry reads as.  Inline: all of it is on
 * the lookups' path.
 */
#ifndef SNP_TABLE_KEY_H
#define SNP_TABLE_KEY_H

#include "table.h"

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
 * every flow of a source lives in one shard, for the quota).  The key hash
 * (protocol, source, source port) picks the home slot (low bits) and the
 * slot tag (top 8 bits) and, without address persistence (PAIRED), the
 * first pool address tried (its low half): flows of one source may start
 * at different addresses.  Both are on every lookup's path, so IPv4, the
 * common case, costs one multiply for each, and neither waits for the other.
 */
static inline uint64_t snp_src_hash(const struct snatpool_table *t, int family,
				    const uint8_t *src)
{
	uint64_t a, b;
	uint32_t v;

	if (family != AF_INET) {	/* AF_INET6, NAT64: one shard per source */
		memcpy(&a, src, 8);
		memcpy(&b, src + 8, 8);
		return mix64(a ^ mix64(b ^ t->seed) ^ (uint64_t)AF_INET6);
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

	if (family != AF_INET)		/* NAT64: a key of its own */
		return mix64(h + ((uint64_t)sport << 16 | (uint64_t)proto << 8 |
				  (family == AF_INET6 ? 1 : 3)));
	/* the whole key in one word, then one 64x64->128 multiply whose
	 * halves are folded (wyhash's "mum"): every bit of the result
	 * depends on every bit of the key */
	memcpy(&v, src, 4);
	k = ((uint64_t)v << 32 | (uint64_t)sport << 16 | (uint64_t)proto << 8) ^ t->seed_mix;
	p = (unsigned __int128)k * 0x9e3779b97f4a7c15ull;
	return (uint64_t)p ^ (uint64_t)(p >> 64);
}

/* The shard index of a flow whose source hash is @h. */
static inline uint32_t snp_shard_idx(const struct snatpool_table *t, uint64_t h)
{
	return (uint32_t)(h >> 56) & t->shard_mask;	/* nshards <= 256 */
}

static inline struct snp_shard *snp_shard_of(struct snatpool_table *t, uint64_t h)
{
	return &t->shards[snp_shard_idx(t, h)];
}

static inline bool snp_addr_eq(const uint8_t *a, const uint8_t *b, bool v6)
{
	uint64_t x0, y0, x1, y1;
	uint32_t x, y;

	if (!v6) {
		memcpy(&x, a, 4);
		memcpy(&y, b, 4);
		return x == y;
	}
	memcpy(&x0, a, 8);
	memcpy(&y0, b, 8);
	memcpy(&x1, a + 8, 8);
	memcpy(&y1, b + 8, 8);
	return !((x0 ^ y0) | (x1 ^ y1));
}

/*
 * A key as every find compares it, with the lock or without: the entry's
 * octets 16-19 (sport, proto, flags) must equal @word under SNP_KEYW_MASK
 * (the flags' SNP_E_USED, SNP_E_V6 and SNP_E_X4), and its source the key's.  An
 * entry not in use never matches.  The mask places the flags in the top
 * octet of the word, as a little-endian host loads it.
 */
#define SNP_KEYW_MASK	(0xffffffu | (uint32_t)(SNP_E_USED | SNP_E_V6 | SNP_E_X4) << 24)
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "SNP_KEYW_MASK assumes a little-endian host");

struct snp_rkey {
	const uint8_t *src;
	uint32_t word;
	bool v6;
};

/* @v6: an IPv6 source; @x4 (with @v6): NAT64, the tuple is IPv4. */
static inline __attribute__((always_inline)) struct snp_rkey
snp_rkey_make(bool v6, bool x4, uint8_t proto, const uint8_t *src, uint16_t sport)
{
	struct snp_rkey k = { src, 0, v6 };
	union { struct { uint16_t sport; uint8_t proto, flags; } f; uint32_t w; } u;

	u.f.sport = sport;
	u.f.proto = proto;
	u.f.flags = SNP_E_USED | (v6 ? SNP_E_V6 : 0) | (v6 && x4 ? SNP_E_X4 : 0);
	k.word = u.w;
	return k;
}

/* The key of key family @kfam (AF_INET, AF_INET6, SNATPOOL_AF_NAT64). */
static inline __attribute__((always_inline)) struct snp_rkey
snp_rkey_kfam(int kfam, uint8_t proto, const uint8_t *src, uint16_t sport)
{
	return snp_rkey_make(kfam != AF_INET, kfam == SNATPOOL_AF_NAT64, proto, src, sport);
}

static inline __attribute__((always_inline)) struct snp_rkey
snp_rkey_of(const struct snatpool_flow *f, const bool v6, const bool x4)
{
	return snp_rkey_make(v6, x4, f->proto, f->src, f->sport);
}

static inline bool snp_rkey_eq(const struct snp_ent *e, const struct snp_rkey *k)
{
	uint32_t w;

	memcpy(&w, &e->sport, 4);
	return !((w ^ k->word) & SNP_KEYW_MASK) && snp_addr_eq(e->src, k->src, k->v6);
}

/* The slot tag of key hash @kh, in place (above the index bits). */
static inline uint32_t snp_slot_tag(uint64_t kh)
{
	return (uint32_t)(kh >> 56) << SNP_IDX_BITS;
}

/* A flow a table takes, in a few instructions for the lookups' paths
 * (not a NAT64 one: those take the slow path, snp_flow_check()). */
static inline bool snp_flow_ok(const struct snatpool_table *t, const struct snatpool_flow *f)
{
	return t && f && snp_proto_carries(f->proto, f->family);
}

/* 0 and the flow's protocol slot; -EINVAL; -EPROTONOSUPPORT. */
static inline int snp_flow_check(const struct snatpool_table *t,
				 const struct snatpool_flow *f, int *slot)
{
	if (!t || !f || !snp_kfam_ok(f->family))
		return -EINVAL;
	if (!snp_key_carries(f->proto, f->family))
		return -EPROTONOSUPPORT;
	*slot = snp_proto_slot(f->proto);
	return 0;
}

/* Fill @m from @e, an entry of family @v6 (a constant in the lookups). */
static inline __attribute__((always_inline)) void
snp_fill_mapping_fam(const struct snatpool_table *t, const struct snp_ent *e,
		     struct snatpool_mapping *m, const bool v6)
{
	bool idle = e->flags & SNP_E_IDLE;

	/* every field and gap written once: no memset first */
	memset(&m->proto, 0, offsetof(struct snatpool_mapping, sport) -
	       offsetof(struct snatpool_mapping, proto));
	m->family = v6 ? AF_INET6 : AF_INET;
	m->proto = e->proto;
	m->sport = e->sport;
	m->xindex = e->xidx;
	if (v6 && (e->flags & SNP_E_X4)) {	/* NAT64 */
		m->family = SNATPOOL_AF_NAT64;
		memcpy(m->src, e->src, 16);
		memset(m->xaddr, 0, 16);
		memcpy(m->xaddr, t->pool->v4.addrs + (size_t)e->xidx * 4, 4);
	} else if (v6) {
		memcpy(m->src, e->src, 16);
		memcpy(m->xaddr, t->pool->v6.addrs + (size_t)e->xidx * 16, 16);
	} else {
		memset(m->src, 0, 16);
		memcpy(m->src, e->src, 4);
		memset(m->xaddr, 0, 16);
		memcpy(m->xaddr, t->pool->v4.addrs + (size_t)e->xidx * 4, 4);
	}
	memset(&m->xport, 0, offsetof(struct snatpool_mapping, flows) -
	       offsetof(struct snatpool_mapping, xport));
	m->xport = e->xport;
	m->flows = idle ? 0 : e->nflows;
	m->expires = idle ? e->deadline : 0;
	m->flags = e->flags & SNP_E_PRESERVED ? SNATPOOL_MAP_F_PRESERVED : 0;
}

static inline void snp_fill_mapping(const struct snatpool_table *t,
				    const struct snp_ent *e, struct snatpool_mapping *m)
{
	snp_fill_mapping_fam(t, e, m, e->flags & SNP_E_V6);
}

#endif /* SNP_TABLE_KEY_H */

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_record.h - what snapshots and HA records share (table_record.c):
 * the little-endian codec, the checksum, the pool fingerprint and the one
 * check of a mapping record.
 */
#ifndef SNP_TABLE_RECORD_H
#define SNP_TABLE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "internal.h"

struct snatpool_table;

/* little-endian */
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
uint32_t snp_pool_fingerprint(const struct snatpool *pool);

/* Flags of a mapping record, the same bits in snapshots and HA records. */
#define SNP_R_IDLE	1
#define SNP_R_REMOTE	2	/* HA records only: a remote the mapping admits */
#define SNP_R_PRESERVED	4
#define SNP_R_NAT64	8	/* family 6, IPv4 tuple; readers before it refuse it */

/* One mapping as a snapshot or HA record carries it, decoded. */
struct snp_rec {
	int      family;		/* key family: AF_INET, AF_INET6, SNATPOOL_AF_NAT64
					 * (after snp_rec_check()); 0: neither */
	uint8_t  proto, flags;		/* SNP_R_* */
	uint16_t sport, xport, nflows;
	uint32_t xidx, remaining;	/* idle: seconds left */
	uint8_t  src[16];
};

/* The family a record's family octet (4, 6) names; 0 if neither. */
static inline int snp_rec_family(uint8_t octet)
{
	return octet == 4 ? AF_INET : octet == 6 ? AF_INET6 : 0;
}

/*
 * The one check of a decoded mapping record against table @t: family and
 * protocol taken, translated tuple in the pool, only @flags_ok flags, no
 * deadline unless idle, at most @max_flows flows, and with @state (the
 * record sets a mapping's state) idle exactly when it has no flow.  @src16
 * is the record's 16 source octets: an IPv4 source's last 12 must be zero;
 * the source is copied into @r.  SNP_R_NAT64 (in @flags_ok) on a family 6
 * record makes @r's family SNATPOOL_AF_NAT64, its tuple IPv4.  Return: true
 * if valid.
 */
bool snp_rec_check(const struct snatpool_table *t, struct snp_rec *r,
		   const uint8_t *src16, uint8_t flags_ok, bool state,
		   uint32_t max_flows);
bool snp_zero(const uint8_t *p, size_t n);

#endif /* SNP_TABLE_RECORD_H */

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_quota.c - mappings per internal source address, for the port
 * quota: a shard's second open-addressing hash (every flow of a source
 * lives in one shard), linear probing, at most half full.
 */
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "table_key.h"
#include "table_probe.h"

static uint32_t sub_hash(const uint8_t *addr, bool v6)
{
	uint64_t a = 0, b = 0;

	memcpy(&a, addr, v6 ? 8 : 4);
	if (v6)
		memcpy(&b, addr + 8, 8);
	return (uint32_t)mix64(a ^ mix64(b + v6));
}

static struct snp_sub *sub_find(struct snp_shard *s, const uint8_t *addr, bool v6)
{
	uint32_t i;

	if (!s->subs)
		return NULL;
	for (i = sub_hash(addr, v6) & s->sub_mask;; i = (i + 1) & s->sub_mask) {
		struct snp_sub *u = &s->subs[i];

		if (!u->cnt)
			return NULL;
		if (u->v6 == v6 && !memcmp(u->addr, addr, v6 ? 16 : 4))
			return u;
	}
}

static int sub_grow(struct snp_shard *s)
{
	uint32_t ncap = s->subs ? (s->sub_mask + 1) * 2 : 16, i;
	struct snp_sub *old = s->subs, *nu = calloc(ncap, sizeof(*nu));
	uint32_t omask = s->sub_mask;

	if (!nu)
		return -ENOMEM;
	s->subs = nu;
	s->sub_mask = ncap - 1;
	if (old) {
		for (i = 0; i <= omask; i++) {
			uint32_t j;

			if (!old[i].cnt)
				continue;
			for (j = sub_hash(old[i].addr, old[i].v6) & s->sub_mask;
			     s->subs[j].cnt; j = (j + 1) & s->sub_mask)
				;
			s->subs[j] = old[i];
		}
		free(old);
	}
	return 0;
}

int snp_quota_inc(struct snatpool_table *t, struct snp_shard *s,
		  const uint8_t *addr, bool v6, bool enforce)
{
	struct snp_sub *u = sub_find(s, addr, v6);
	uint32_t i;

	if (u) {
		if (enforce && u->cnt >= t->quota)
			return -SNATPOOL_EQUOTA;
		u->cnt++;
		return 0;
	}
	if ((s->nsubs + 1) * 2 > (s->subs ? s->sub_mask + 1 : 0) && sub_grow(s))
		return -ENOMEM;
	for (i = sub_hash(addr, v6) & s->sub_mask; s->subs[i].cnt;
	     i = (i + 1) & s->sub_mask)
		;
	memset(&s->subs[i], 0, sizeof(s->subs[i]));
	memcpy(s->subs[i].addr, addr, v6 ? 16 : 4);
	s->subs[i].v6 = v6;
	s->subs[i].cnt = 1;
	s->nsubs++;
	return 0;
}

struct sub_ctx {
	struct snp_shard *s;
};

static inline bool sub_used(void *c, uint32_t j)
{
	return ((struct sub_ctx *)c)->s->subs[j].cnt != 0;
}

static inline uint32_t sub_home(void *c, uint32_t j)
{
	const struct snp_sub *u = &((struct sub_ctx *)c)->s->subs[j];

	return sub_hash(u->addr, u->v6);
}

static inline void sub_move(void *c, uint32_t from, uint32_t to)
{
	struct snp_shard *s = ((struct sub_ctx *)c)->s;

	s->subs[to] = s->subs[from];
}

void snp_quota_dec(struct snp_shard *s, const uint8_t *addr, bool v6)
{
	struct snp_sub *u = sub_find(s, addr, v6);
	struct sub_ctx c = { s };
	uint32_t i;

	if (!u || --u->cnt)
		return;
	i = snp_probe_delete(s->sub_mask, (uint32_t)(u - s->subs), &c,
			     sub_used, sub_home, sub_move);
	s->subs[i].cnt = 0;
	s->nsubs--;
}

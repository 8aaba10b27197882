/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_snapshot.c - save and load a table's mappings.
 *
 * Format (little-endian):
 *
 *   header, 64 octets
 *     0  "SNPTBL\r\n"       8  u32 version (1)    12 u32 header size (64)
 *    16  u32 pool fingerprint                     20 u32 permit mode
 *    24  u64 mappings       32 u64 HA sequence number at the snapshot
 *    40  u64 body octets    48 u32 mapping record size (48)   52..63 zero
 *   body: per mapping, 48 octets
 *     0  u8 family (4, 6)   1 u8 protocol   2 u8 flags (1 idle, 4 preserved,
 *                                                      8 NAT64)
 *     3  u8 zero            4 u16 source port   6 u16 translated port
 *     8  u32 translated address index      12 u16 live flows
 *    14  u16 remotes that follow           16 u32 idle: seconds left
 *    20  16 octets source address (IPv4: 4, then zeros)    36..47 zero
 *   then its remotes, 20 octets each: 16 octets address (of the translated
 *   family: IPv4, 4 then zeros, for NAT64), u16 port, u16 zero
 *   trailer: u64 XXH64 of header and body
 *
 * A NAT64 mapping (an IPv6 source owning an IPv4 tuple) is family 6 with
 * flag 8; its index and port are in the IPv4 port space.  The version
 * stays 1, so a snapshot without NAT64 mappings is what it was; a reader
 * from before NAT64 refuses flag 8 as an unknown flag (-SNATPOOL_ESNAPSHOT)
 * and so the whole snapshot, never loading such a mapping as IPv6.
 *
 * A snapshot is taken with every shard locked, so it is one consistent
 * state, and carries the HA sequence number of that state: a peer that
 * loads it continues the delta stream from there.  Loading checks the
 * whole file before touching the table.
 */
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "table.h"
#include "table_key.h"
#include "table_record.h"

#define S_MAGIC		"SNPTBL\r\n"
#define S_VERSION	1
#define S_HDR		64
#define S_REC		48
#define S_REM		20

static size_t ent_size(struct snatpool_table *t, struct snp_shard *s, uint32_t idx)
{
	struct snp_permit *p = t->permit >= SNATPOOL_PERMIT_TARGET_HOST ?
			       *snp_permit_at(s, idx) : NULL;

	return S_REC + (p ? (size_t)p->n * S_REM : 0);
}

static size_t ent_write(struct snatpool_table *t, struct snp_shard *s, uint32_t idx,
			uint32_t now, uint8_t *r)
{
	const struct snp_ent *e = snp_ent_at(s, idx);
	struct snp_permit *p = t->permit >= SNATPOOL_PERMIT_TARGET_HOST ?
			       *snp_permit_at(s, idx) : NULL;
	int v6 = !!(e->flags & SNP_E_V6);
	uint32_t i, n = p ? p->n : 0;

	memset(r, 0, S_REC);
	r[0] = v6 ? 6 : 4;
	r[1] = e->proto;
	r[2] = (uint8_t)(((e->flags & SNP_E_IDLE) ? SNP_R_IDLE : 0) |
			 ((e->flags & SNP_E_PRESERVED) ? SNP_R_PRESERVED : 0) |
			 ((e->flags & SNP_E_X4) ? SNP_R_NAT64 : 0));
	snp_put16(r + 4, e->sport);
	snp_put16(r + 6, e->xport);
	snp_put32(r + 8, e->xidx);
	snp_put16(r + 12, (uint16_t)snp_ent_flows(e));
	snp_put16(r + 14, (uint16_t)n);
	if (e->flags & SNP_E_IDLE)
		snp_put32(r + 16, (int32_t)(e->deadline - now) > 0 ? e->deadline - now : 0);
	memcpy(r + 20, e->src, v6 ? 16 : 4);
	for (i = 0; i < n; i++) {
		uint8_t *q = r + S_REC + (size_t)i * S_REM;

		memset(q, 0, S_REM);
		memcpy(q, p->r[i].addr, 16);
		snp_put16(q + 16, p->r[i].port);
	}
	return S_REC + (size_t)n * S_REM;
}

SNP_API long snatpool_table_snapshot(struct snatpool_table *t, uint32_t now,
				     void *buf, size_t cap)
{
	uint8_t *out = buf;
	size_t body = 0, off, count = 0;
	uint32_t i, j;
	uint64_t seq;

	if (!t || (!buf && cap))
		return -EINVAL;
	snp_lock_all(t);
	for (i = 0; i < t->nshards; i++) {
		struct snp_shard *s = &t->shards[i];

		for (j = 0; j < s->hiwater; j++)
			if (snp_ent_at(s, j)->flags & SNP_E_USED) {
				body += ent_size(t, s, j);
				count++;
			}
	}
	if (S_HDR + body + 8 > (size_t)LONG_MAX) {
		snp_unlock_all(t);
		return -ENOMEM;
	}
	if (cap < S_HDR + body + 8) {
		snp_unlock_all(t);
		return (long)(S_HDR + body + 8);
	}
	pthread_mutex_lock(&t->delta.lock);
	seq = t->delta.seq;
	pthread_mutex_unlock(&t->delta.lock);
	memset(out, 0, S_HDR);
	memcpy(out, S_MAGIC, 8);
	snp_put32(out + 8, S_VERSION);
	snp_put32(out + 12, S_HDR);
	snp_put32(out + 16, t->fingerprint);
	snp_put32(out + 20, t->permit);
	snp_put64(out + 24, count);
	snp_put64(out + 32, seq);
	snp_put64(out + 40, body);
	snp_put32(out + 48, S_REC);
	off = S_HDR;
	for (i = 0; i < t->nshards; i++) {
		struct snp_shard *s = &t->shards[i];
		uint32_t snow = (int32_t)(s->last_now - now) > 0 ? s->last_now : now;

		for (j = 0; j < s->hiwater; j++)
			if (snp_ent_at(s, j)->flags & SNP_E_USED)
				off += ent_write(t, s, j, snow, out + off);
	}
	snp_unlock_all(t);
	snp_put64(out + off, snp_checksum(out, off));
	return (long)(off + 8);
}

SNP_API int snatpool_table_save(struct snatpool_table *t, const char *path,
				uint32_t now)
{
	char *tmp = NULL, *dcopy = NULL;
	uint8_t *buf = NULL;
	long len, need;
	int fd = -1, dfd, err;

	if (!t || !path)
		return -EINVAL;
	need = snatpool_table_snapshot(t, now, NULL, 0);
	for (;;) {
		uint8_t *nb;

		if (need < 0)
			return (int)need;
		need += need / 8 + 4096;	/* room for growth meanwhile */
		nb = realloc(buf, (size_t)need);
		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		len = snatpool_table_snapshot(t, now, buf, (size_t)need);
		if (len < 0 || len <= need)
			break;
		need = len;
	}
	if (len < 0) {
		err = (int)len;
		goto out;
	}
	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0) {
		tmp = NULL;
		err = -ENOMEM;
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		tmp = NULL;
		goto out;
	}
	err = snp_write_all(fd, buf, (size_t)len);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	fd = -1;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		goto out;
	}
	/* make the rename itself durable */
	dcopy = strdup(path);
	if (!dcopy) {
		err = -ENOMEM;
		goto out;
	}
	dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd))
			err = -errno;
		close(dfd);
	}
out:
	free(dcopy);
	free(tmp);
	free(buf);
	return err;
}

/* One mapping of a snapshot, checked. */
struct lrec {
	struct snp_rec m;
	uint16_t nrem;
	const uint8_t *rem;
};

static int cmp_key(const void *a, const void *b)
{
	const struct lrec *x = *(const struct lrec *const *)a, *y = *(const struct lrec *const *)b;

	if (x->m.family != y->m.family)
		return x->m.family - y->m.family;
	if (x->m.proto != y->m.proto)
		return x->m.proto - y->m.proto;
	if (x->m.sport != y->m.sport)
		return x->m.sport - y->m.sport;
	return memcmp(x->m.src, y->m.src, 16);
}

/* Tuples: a NAT64 mapping's is IPv4, as an IPv4 source's. */
static int cmp_tuple(const void *a, const void *b)
{
	const struct lrec *x = *(const struct lrec *const *)a, *y = *(const struct lrec *const *)b;
	int sx = snp_proto_slot(x->m.proto), sy = snp_proto_slot(y->m.proto);
	int fx = snp_kfam_x(x->m.family), fy = snp_kfam_x(y->m.family);

	if (fx != fy)
		return fx - fy;
	if (sx != sy)
		return sx - sy;
	if (x->m.xidx != y->m.xidx)
		return x->m.xidx < y->m.xidx ? -1 : 1;
	return x->m.xport - y->m.xport;
}

/* Source addresses: NAT64 and native IPv6 mappings of one source count together. */
static int cmp_src(const void *a, const void *b)
{
	const struct lrec *x = *(const struct lrec *const *)a, *y = *(const struct lrec *const *)b;
	int fx = snp_kfam_src(x->m.family), fy = snp_kfam_src(y->m.family);

	if (fx != fy)
		return fx - fy;
	return memcmp(x->m.src, y->m.src, 16);
}

static int cmp_remaining(const void *a, const void *b)
{
	const struct lrec *x = *(const struct lrec *const *)a, *y = *(const struct lrec *const *)b;

	if (x->m.remaining != y->m.remaining)
		return x->m.remaining < y->m.remaining ? -1 : 1;
	return 0;
}

/* Parse and check everything; @recs gets @count records.  No table change. */
static int parse(struct snatpool_table *t, const uint8_t *p, size_t len,
		 struct lrec **recsp, size_t *countp, uint64_t *seqp)
{
	uint64_t count, body, i;
	struct lrec *recs = NULL, **v = NULL;
	size_t off;
	int err = -SNATPOOL_ESNAPSHOT;

	if (len < S_HDR + 8 || memcmp(p, S_MAGIC, 8) || snp_get32(p + 8) != S_VERSION ||
	    snp_get32(p + 12) != S_HDR || snp_get32(p + 48) != S_REC ||
	    !snp_zero(p + 52, S_HDR - 52))
		return -SNATPOOL_ESNAPSHOT;
	body = snp_get64(p + 40);
	count = snp_get64(p + 24);
	if (body != len - S_HDR - 8 || count > body / S_REC ||
	    snp_get64(p + len - 8) != snp_checksum(p, len - 8) ||
	    snp_get32(p + 16) != t->fingerprint || snp_get32(p + 20) > SNATPOOL_PERMIT_TARGET_HOST_PORT)
		return -SNATPOOL_ESNAPSHOT;
	if (count > t->max_mappings)
		return -SNATPOOL_EFULL;
	recs = calloc(count ? count : 1, sizeof(*recs));
	v = calloc(count ? count : 1, sizeof(*v));
	if (!recs || !v) {
		err = -ENOMEM;
		goto fail;
	}
	off = S_HDR;
	for (i = 0; i < count; i++) {
		const uint8_t *r = p + off;
		struct lrec *l = &recs[i];
		size_t alen, k;

		if (len - 8 - off < S_REC)
			goto fail;
		l->m.family = snp_rec_family(r[0]);
		l->m.proto = r[1];
		l->m.flags = r[2];
		l->m.sport = snp_get16(r + 4);
		l->m.xport = snp_get16(r + 6);
		l->m.xidx = snp_get32(r + 8);
		l->m.nflows = snp_get16(r + 12);
		l->nrem = snp_get16(r + 14);
		l->m.remaining = snp_get32(r + 16);
		if (r[3] || l->nrem > SNP_PERMIT_MAX || !snp_zero(r + 36, 12) ||
		    !snp_rec_check(t, &l->m, r + 20, SNP_R_IDLE | SNP_R_PRESERVED |
				   SNP_R_NAT64, true, t->max_sessions))
			goto fail;
		alen = snp_kfam_x(l->m.family) == AF_INET6 ? 16 : 4;	/* the remotes' */
		off += S_REC;
		if ((len - 8 - off) / S_REM < l->nrem)
			goto fail;
		l->rem = p + off;
		for (k = 0; k < l->nrem; k++) {
			const uint8_t *q = p + off + k * S_REM;

			if (!snp_zero(q + alen, 16 - alen) || q[18] || q[19])
				goto fail;
		}
		off += (size_t)l->nrem * S_REM;
		v[i] = l;
	}
	if (off != len - 8)
		goto fail;
	/* no key twice, no tuple twice, quotas kept */
	qsort(v, count, sizeof(*v), cmp_key);
	for (i = 1; i < count; i++)
		if (!cmp_key(&v[i - 1], &v[i]))
			goto fail;
	qsort(v, count, sizeof(*v), cmp_tuple);
	for (i = 1; i < count; i++)
		if (!cmp_tuple(&v[i - 1], &v[i]))
			goto fail;
	if (t->quota) {
		uint64_t run = 1;

		qsort(v, count, sizeof(*v), cmp_src);
		for (i = 0; i < count; i++) {
			run = i && !cmp_src(&v[i - 1], &v[i]) ? run + 1 : 1;
			if (run > t->quota) {
				err = -SNATPOOL_EQUOTA;
				goto fail;
			}
		}
	}
	free(v);
	*recsp = recs;
	*countp = count;
	*seqp = snp_get64(p + 32);
	return 0;
fail:
	free(v);
	free(recs);
	return err;
}

SNP_API int snatpool_table_load_mem(struct snatpool_table *t, const void *buf,
				    size_t len, uint32_t now)
{
	struct lrec *recs = NULL, **v = NULL;
	uint32_t *where = NULL;
	size_t count = 0, i, k;
	uint64_t seq = 0;
	int err;

	if (!t || (!buf && len))
		return -EINVAL;
	err = parse(t, buf, len, &recs, &count, &seq);
	if (err)
		return err;
	if (count > INT32_MAX) {
		free(recs);
		return -SNATPOOL_EFULL;
	}
	v = calloc(count ? count : 1, sizeof(*v));
	where = calloc(count ? count : 1, sizeof(*where));
	if (!v || !where) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < count; i++)
		v[i] = &recs[i];
	/* soonest deadline first keeps each shard's idle FIFO sorted */
	qsort(v, count, sizeof(*v), cmp_remaining);
	pthread_mutex_lock(&t->ilock);
	snp_lock_all(t);
	if (!snp_table_empty(t)) {
		err = -EBUSY;
		goto unlock;
	}
	for (i = 0; i < count; i++) {
		struct lrec *l = v[i];
		uint64_t h = snp_src_hash(t, l->m.family, l->m.src);
		uint64_t kh = snp_key_hash(t, h, l->m.family, l->m.proto, l->m.src, l->m.sport);
		struct snp_shard *s = snp_shard_of(t, h);
		uint32_t rem = l->m.remaining < t->timeout ? l->m.remaining : t->timeout;
		uint32_t snow = (int32_t)(s->last_now - now) > 0 ? s->last_now : now;

		err = snp_insert_at(t, s, kh, l->m.family, l->m.proto, l->m.src, l->m.sport,
				    l->m.xidx, l->m.xport, l->m.nflows, l->m.flags & SNP_R_IDLE,
				    snow + rem, &where[i]);
		if (err)
			break;
		if (l->m.flags & SNP_R_PRESERVED)
			snp_ent_at(s, where[i])->flags |= SNP_E_PRESERVED;
		for (k = 0; k < l->nrem && t->permit >= SNATPOOL_PERMIT_TARGET_HOST; k++) {
			const uint8_t *q = l->rem + k * S_REM;

			if (snp_permit_add(t, s, where[i], q, snp_get16(q + 16)) < 0) {
				err = -ENOMEM;
				break;
			}
		}
		if (err) {
			i++;
			break;
		}
	}
	if (err) {
		/* undo: the table was empty, make it so again, cursors untouched */
		while (i-- > 0) {
			struct lrec *l = v[i];
			uint64_t h = snp_src_hash(t, l->m.family, l->m.src);

			snp_remove(t, snp_shard_of(t, h), where[i], SNP_FREE_RAW, now, 0);
		}
		if (err == -SNATPOOL_ECONFLICT)
			err = -SNATPOOL_ESNAPSHOT;
		goto unlock;
	}
	t->iseq = seq;
	pthread_mutex_lock(&t->delta.lock);
	if (t->delta.seq < seq)		/* a restarted active continues its stream */
		t->delta.seq = seq;
	pthread_mutex_unlock(&t->delta.lock);
	t->imp_applied += count;
	err = (int)count;
unlock:
	snp_unlock_all(t);
	pthread_mutex_unlock(&t->ilock);
out:
	free(where);
	free(v);
	free(recs);
	return err;
}

SNP_API int snatpool_table_load(struct snatpool_table *t, const char *path,
				uint32_t now)
{
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	int fd, err;

	if (!t || !path)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;

		if (len == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				close(fd);
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			close(fd);
			free(buf);
			return err;
		}
		if (!r)
			break;
		len += (size_t)r;
	}
	close(fd);
	err = snatpool_table_load_mem(t, buf, len, now);
	free(buf);
	return err;
}

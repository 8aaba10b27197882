/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * table_model.c - randomized model test: at least 1M operations (claim,
 * release, rollback, time steps with expiry, lookups, save/load cycles, HA
 * delta export into a standby and duplicate replays) against a plain model
 * of what the table must do, in four configurations.
 *
 * The model is written from the documented rules, not from the library:
 * which key owns which tuple, live flows, idle leases and their deadlines,
 * when a claim must fail and with which error (reuse and max sessions, then
 * quota, then capacity, then exhaustion: no port free and rested on the
 * paired address or on any address), and the counters.  The exact port
 * the library picks is not modelled; that a port is free, rested and (with
 * parity) of the right parity, is.
 *
 * Sources are IPv4, IPv6, and NAT64 (SNATPOOL_AF_NAT64): the NAT64 ones use
 * the IPv6 sources' addresses, so each such address holds two keys per
 * protocol and port (native and NAT64), counted together by the quota; a
 * NAT64 key takes its tuple in the IPv4 port spaces, paired through
 * snatpool_select_nat64().
 *
 * usage: table_model [ops per configuration] [seed]
 */
#include <inttypes.h>
#include <stdbool.h>

#include "table_testutil.h"

#define NV4	40
#define NV6	8
#define N64	NV6		/* NAT64 source i has IPv6 source i's address */
#define NSRC	(NV4 + NV6 + N64)
#define NSPORT	4
#define NPROTO	2
#define NKEYS	(NSRC * NSPORT * NPROTO)
#define PLO	1024
#define PHI	1055
#define NPORT	(PHI - PLO + 1)
#define MAXA	2		/* addresses per family, at most */

struct cfg {
	const char *name;
	uint32_t strategy, permit, flags, hold, timeout, quota, maxmap, maxsess;
	uint32_t workers;	/* 0: 1.  32 ports make one 64-port stripe and
				 * empty ones: claims pass over the empty ones */
};

static const struct cfg cfgs[] = {
	{ "sequential-persistent", SNATPOOL_PORTS_SEQUENTIAL, SNATPOOL_PERMIT_ANY_REMOTE_HOST,
	  0, 0, 40, 5, 150, 3 },
	{ "random-paired-holddown", SNATPOOL_PORTS_RANDOM, SNATPOOL_PERMIT_TARGET_HOST,
	  SNATPOOL_TABLE_F_PAIRED, 7, 30, 6, 200, 2 },
	{ "sequential-parity-nonpersistent", SNATPOOL_PORTS_SEQUENTIAL, SNATPOOL_PERMIT_NONE,
	  SNATPOOL_TABLE_F_PRESERVE_PARITY | SNATPOOL_TABLE_F_NO_PRESERVE, 5, 40, 4, 120, 3 },
	{ "random-holddown-4-workers", SNATPOOL_PORTS_RANDOM, SNATPOOL_PERMIT_ANY_REMOTE_HOST,
	  0, 7, 30, 6, 200, 2, 4 },
};

struct mkey {
	bool     live;		/* has a mapping */
	bool     idle, fresh;
	uint32_t xidx;
	uint16_t xport;
	uint32_t flows, deadline;
};

struct model {
	const struct cfg *c;
	struct mkey k[NKEYS];
	int      owner[2][NPROTO][MAXA][NPORT];	/* key + 1, or 0 */
	int64_t  freed[2][NPROTO][MAXA][NPORT];	/* rests until freed + hold */
	uint32_t nmap, now;
	uint64_t allocations, reuses, releases, rollbacks, expirations;
	uint64_t exhausted, full, quota, sessions;
};

static struct snatpool *pool;
static uint32_t nfam[2];
static uint64_t rng;
static int failures;

#define FAIL(...) do {							\
	fprintf(stderr, "table_model: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	if (++failures > 10)						\
		exit(1);						\
} while (0)

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int key_src(int key)
{
	return key / (NSPORT * NPROTO);
}

static struct snatpool_flow key_flow(int key)
{
	int src = key_src(key), sp = (key / NPROTO) % NSPORT, pr = key % NPROTO;
	struct snatpool_flow f;

	memset(&f, 0, sizeof(f));
	f.proto = pr ? IPPROTO_UDP : IPPROTO_TCP;
	/* original ports: two inside the pool's range, two outside */
	f.sport = (uint16_t)(sp < 2 ? PLO + 3 + sp : 40000 + sp);
	if (src < NV4) {
		f.family = AF_INET;
		f.src[0] = 10;
		f.src[3] = (uint8_t)src;
		f.dst[0] = 192;
		f.dst[3] = (uint8_t)(rnd() % 3);
	} else if (src < NV4 + NV6) {
		f.family = AF_INET6;
		f.src[0] = 0x20;
		f.src[1] = 0x01;
		f.src[15] = (uint8_t)src;
		f.dst[0] = 0x20;
		f.dst[15] = (uint8_t)(rnd() % 3);
	} else {		/* NAT64: an IPv6 source's address, an IPv4 remote */
		f.family = SNATPOOL_AF_NAT64;
		f.src[0] = 0x20;
		f.src[1] = 0x01;
		f.src[15] = (uint8_t)(src - NV6);
		f.dst[0] = 192;
		f.dst[3] = (uint8_t)(rnd() % 3);
	}
	f.dport = (uint16_t)(80 + rnd() % 2);
	return f;
}

/* The port spaces' family: IPv6 only for native IPv6 keys. */
static int fam_i(int key)
{
	return key_src(key) >= NV4 && key_src(key) < NV4 + NV6;
}

static bool nat64_key(int key)
{
	return key_src(key) >= NV4 + NV6;
}

static int proto_i(int key)
{
	return key % NPROTO;
}

static bool eligible(struct model *m, int fi, int pi, uint32_t a, uint32_t p,
		     uint16_t sport)
{
	if (m->owner[fi][pi][a][p])
		return false;
	if (m->freed[fi][pi][a][p] + (int64_t)m->c->hold > (int64_t)m->now)
		return false;
	if ((m->c->flags & SNATPOOL_TABLE_F_PRESERVE_PARITY) &&
	    ((PLO + p) & 1) != (sport & 1u))
		return false;
	return true;
}

static bool any_eligible(struct model *m, int fi, int pi, uint32_t a, uint16_t sport)
{
	uint32_t p;

	for (p = 0; p < NPORT; p++)
		if (eligible(m, fi, pi, a, p, sport))
			return true;
	return false;
}

/* Mappings of the key's source address: native IPv6 and NAT64 together. */
static uint32_t src_count(struct model *m, int key)
{
	int s = key_src(key), i, twin = -1;
	uint32_t n = 0;

	if (s >= NV4 + NV6)
		twin = s - NV6;
	else if (s >= NV4)
		twin = s + NV6;
	for (i = s * NSPORT * NPROTO; i < (s + 1) * NSPORT * NPROTO; i++)
		n += m->k[i].live;
	for (i = twin * NSPORT * NPROTO; twin >= 0 && i < (twin + 1) * NSPORT * NPROTO; i++)
		n += m->k[i].live;
	return n;
}

static void model_free(struct model *m, int key, bool rest)
{
	struct mkey *k = &m->k[key];
	int fi = fam_i(key), pi = proto_i(key);

	m->owner[fi][pi][k->xidx][k->xport - PLO] = 0;
	m->freed[fi][pi][k->xidx][k->xport - PLO] = rest ? (int64_t)m->now : INT32_MIN;
	k->live = k->idle = k->fresh = false;
	k->flows = 0;
	m->nmap--;
}

static void do_claim(struct snatpool_table *t, struct model *m, int key)
{
	struct snatpool_flow f = key_flow(key);
	struct snatpool_mapping out;
	struct mkey *k = &m->k[key];
	int fi = fam_i(key), pi = proto_i(key), err, want;
	uint32_t a, sel = 0;
	bool can = false;

	err = snatpool_table_claim(t, &f, m->now, &out);
	if (k->live) {
		want = k->flows >= m->c->maxsess ? -SNATPOOL_ESESSIONS : 0;
		if (err != want) {
			FAIL("%s: claim of live key %d: %d, want %d", m->c->name, key, err, want);
			return;
		}
		if (err) {
			m->sessions++;
			return;
		}
		if (!(out.flags & SNATPOOL_MAP_F_REUSED) || out.xindex != k->xidx ||
		    out.xport != k->xport)
			FAIL("%s: reuse of key %d gave another tuple", m->c->name, key);
		k->flows++;
		k->idle = false;
		m->reuses++;
		return;
	}
	if (m->c->quota && src_count(m, key) >= m->c->quota)
		want = -SNATPOOL_EQUOTA;
	else if (m->nmap >= m->c->maxmap)
		want = -SNATPOOL_EFULL;
	else {
		if (m->c->flags & SNATPOOL_TABLE_F_PAIRED) {
			if (nat64_key(key))
				snatpool_select_nat64(pool, f.src, 0, &sel, NULL);
			else
				snatpool_select(pool, f.family, f.src, 0, &sel, NULL);
			can = any_eligible(m, fi, pi, sel, f.sport);
		} else {
			for (a = 0; a < nfam[fi] && !can; a++)
				can = any_eligible(m, fi, pi, a, f.sport);
		}
		want = can ? 0 : -SNATPOOL_EEXHAUSTED;
	}
	if (err != want) {
		FAIL("%s: claim of new key %d at %u: %d (%s), want %d", m->c->name, key,
		     m->now, err, snatpool_strerror(err), want);
		return;
	}
	switch (want) {
	case -SNATPOOL_EQUOTA:		m->quota++; return;
	case -SNATPOOL_EFULL:		m->full++; return;
	case -SNATPOOL_EEXHAUSTED:	m->exhausted++; return;
	}
	if (!(out.flags & SNATPOOL_MAP_F_NEW) || out.xindex >= nfam[fi] ||
	    out.xport < PLO || out.xport > PHI) {
		FAIL("%s: bad new mapping", m->c->name);
		return;
	}
	if ((m->c->flags & SNATPOOL_TABLE_F_PAIRED) && out.xindex != sel)
		FAIL("%s: paired key %d moved to address %u (selected %u)", m->c->name, key,
		     out.xindex, sel);
	if (!eligible(m, fi, pi, out.xindex, out.xport - PLO, f.sport))
		FAIL("%s: key %d got tuple %u:%u that is owned, resting or of the wrong parity",
		     m->c->name, key, out.xindex, out.xport);
	k->live = k->fresh = true;
	k->idle = false;
	k->flows = 1;
	k->xidx = out.xindex;
	k->xport = out.xport;
	m->owner[fi][pi][k->xidx][k->xport - PLO] = key + 1;
	m->nmap++;
	m->allocations++;
}

static void do_end(struct snatpool_table *t, struct model *m, int key, bool rollback)
{
	struct snatpool_flow f = key_flow(key);
	struct mkey *k = &m->k[key];
	int err = rollback ? snatpool_table_rollback(t, &f, m->now)
			   : snatpool_table_release(t, &f, m->now);

	if (!k->live || !k->flows) {
		if (err != -ENOENT)
			FAIL("%s: end of key %d without flows: %d", m->c->name, key, err);
		return;
	}
	if (err) {
		FAIL("%s: end of key %d: %d", m->c->name, key, err);
		return;
	}
	if (rollback)
		m->rollbacks++;
	else
		m->releases++;
	k->flows--;
	if (k->flows) {
		if (!rollback)
			k->fresh = false;
	} else if (rollback && k->fresh) {
		model_free(m, key, false);
	} else if (m->c->permit != SNATPOOL_PERMIT_NONE) {
		k->fresh = false;
		k->idle = true;
		k->deadline = m->now + m->c->timeout;
	} else {
		model_free(m, key, true);
	}
}

static void do_time(struct snatpool_table *t, struct snatpool_table *sb,
		    struct model *m, uint32_t step)
{
	int key, n = 0, got;

	m->now += step;
	for (key = 0; key < NKEYS; key++) {
		struct mkey *k = &m->k[key];

		if (k->live && k->idle && (int32_t)(k->deadline - m->now) <= 0) {
			model_free(m, key, true);
			n++;
		}
	}
	m->expirations += (uint64_t)n;
	got = snatpool_table_expire(t, m->now, 0);
	if (got != n)
		FAIL("%s: expire at %u: %d, want %d", m->c->name, m->now, got, n);
	snatpool_table_expire(sb, m->now, 0);
}

struct wset {
	size_t n;
	struct snatpool_mapping m[NKEYS];
};

static int collect(const struct snatpool_mapping *mp, void *ctx)
{
	struct wset *w = ctx;

	if (w->n < NKEYS)
		w->m[w->n] = *mp;
	w->n++;
	return 0;
}

static int mkey_of(const struct snatpool_mapping *mp)
{
	int src = mp->family == AF_INET ? mp->src[3] :
		  mp->family == SNATPOOL_AF_NAT64 ? mp->src[15] + NV6 : mp->src[15];
	int sp = mp->sport >= 40000 ? mp->sport - 40000 : mp->sport - PLO - 3;
	int pr = mp->proto == IPPROTO_UDP;

	return (src * NSPORT + sp) * NPROTO + pr;
}

/* The table's mappings are exactly the model's. */
static void compare(struct snatpool_table *t, struct model *m, const char *what)
{
	static struct wset w;
	SNATPOOL_OPTS(snatpool_table_stats, st);
	uint64_t flows = 0, leases = 0;
	size_t i;
	int key;

	w.n = 0;
	snatpool_table_walk(t, m->now, collect, &w);
	if (w.n != m->nmap) {
		FAIL("%s: %s: %zu mappings, model %u", m->c->name, what, w.n, m->nmap);
		return;
	}
	for (i = 0; i < w.n; i++) {
		const struct snatpool_mapping *mp = &w.m[i];
		struct mkey *k;

		key = mkey_of(mp);
		k = &m->k[key];
		if (!k->live || k->xidx != mp->xindex || k->xport != mp->xport ||
		    k->flows != mp->flows || (k->idle ? k->deadline : 0) != mp->expires)
			FAIL("%s: %s: key %d differs (live %d %u:%u flows %u exp %u; table %u:%u %u %u)",
			     m->c->name, what, key, k->live, k->xidx, k->xport, k->flows,
			     k->idle ? k->deadline : 0, mp->xindex, mp->xport, mp->flows,
			     mp->expires);
	}
	for (key = 0; key < NKEYS; key++) {
		flows += m->k[key].flows;
		leases += m->k[key].live && m->k[key].idle;
	}
	snatpool_table_stats(t, &st);
	if (st.live_flows != flows || st.total_mappings != m->nmap ||
	    st.leases != leases || st.ports_allocated != m->nmap)
		FAIL("%s: %s: stats flows %" PRIu64 "/%" PRIu64 " mappings %" PRIu64 "/%u leases %"
		     PRIu64 "/%" PRIu64, m->c->name, what, st.live_flows, flows,
		     st.total_mappings, m->nmap, st.leases, leases);
}

static void compare_counters(struct snatpool_table *t, struct model *m)
{
	SNATPOOL_OPTS(snatpool_table_stats, st);

	snatpool_table_stats(t, &st);
	if (st.allocations != m->allocations || st.reuses != m->reuses ||
	    st.releases != m->releases || st.rollbacks != m->rollbacks ||
	    st.expirations != m->expirations ||
	    st.exhausted_ports + st.exhausted_paired != m->exhausted ||
	    st.table_full != m->full || st.quota_exceeded != m->quota ||
	    st.session_limit != m->sessions)
		FAIL("%s: counters differ: alloc %" PRIu64 "/%" PRIu64 " reuse %" PRIu64 "/%" PRIu64
		     " rel %" PRIu64 "/%" PRIu64 " rb %" PRIu64 "/%" PRIu64 " exp %" PRIu64 "/%" PRIu64
		     " exh %" PRIu64 "/%" PRIu64 " full %" PRIu64 "/%" PRIu64 " quota %" PRIu64 "/%"
		     PRIu64 " sess %" PRIu64 "/%" PRIu64, m->c->name,
		     st.allocations, m->allocations, st.reuses, m->reuses, st.releases,
		     m->releases, st.rollbacks, m->rollbacks, st.expirations, m->expirations,
		     st.exhausted_ports + st.exhausted_paired, m->exhausted, st.table_full,
		     m->full, st.quota_exceeded, m->quota, st.session_limit, m->sessions);
}

static struct snatpool_table *new_table(const struct cfg *c, bool delta)
{
	SNATPOOL_OPTS(snatpool_table_opts, o, .strategy = c->strategy, .permit = c->permit,
		      .flags = c->flags, .hold_down = c->hold, .inactivity_timeout = c->timeout,
		      .port_quota = c->quota, .max_mappings = c->maxmap,
		      .max_session_number = c->maxsess, .shards = 8, .seed = rnd() | 1,
		      .delta_capacity = delta ? 1u << 16 : 0, .workers = c->workers);
	struct snatpool_table *t = NULL;

	if (snatpool_table_new(pool, &o, &t))
		abort();
	return t;
}

static uint8_t dbuf[(1u << 16) * SNATPOOL_DELTA_RECORD_SIZE];

/* Move the active's records into the standby. */
static void ship(struct snatpool_table *t, struct snatpool_table *sb, struct model *m,
		 bool replay)
{
	long n = snatpool_table_delta_export(t, dbuf, sizeof(dbuf));
	size_t used = 0;
	int r;

	if (n < 0) {
		FAIL("%s: export: %ld", m->c->name, n);
		return;
	}
	r = snatpool_table_delta_import(sb, dbuf, (size_t)n, m->now, &used);
	if (r < 0 || used != (size_t)n)
		FAIL("%s: import of %ld octets: %d (%s), used %zu", m->c->name, n, r,
		     snatpool_strerror(r), used);
	if (replay && n) {	/* a replay changes nothing */
		r = snatpool_table_delta_import(sb, dbuf, (size_t)n, m->now, &used);
		if (r != 0)
			FAIL("%s: replay applied %d records", m->c->name, r);
	}
}

/* No port was ever freed: every free port is fresh. */
static void forget_freed(struct model *m)
{
	int fi, pi, a, p;

	for (fi = 0; fi < 2; fi++)
		for (pi = 0; pi < NPROTO; pi++)
			for (a = 0; a < MAXA; a++)
				for (p = 0; p < NPORT; p++)
					m->freed[fi][pi][a][p] = INT32_MIN;
}

static void run(const struct cfg *c, long ops)
{
	static struct model m;
	struct snatpool_table *t, *sb;
	long i;

	memset(&m, 0, sizeof(m));
	forget_freed(&m);
	m.c = c;
	m.now = 1000;
	t = new_table(c, true);
	sb = new_table(c, false);
	for (i = 0; i < ops && failures == 0; i++) {
		uint64_t r = rnd();
		int key = (int)((r >> 8) % NKEYS);

		switch (r % 100) {
		case 0 ... 39:
			do_claim(t, &m, key);
			break;
		case 40 ... 74:
			do_end(t, &m, key, false);
			break;
		case 75 ... 84:
			do_end(t, &m, key, true);
			break;
		case 85 ... 87: {
			struct snatpool_flow f = key_flow(key);
			struct snatpool_mapping out;
			int err = snatpool_table_lookup(t, &f, m.now, &out);

			if (err != (m.k[key].live ? 0 : -ENOENT) ||
			    (!err && (out.xport != m.k[key].xport || out.flows != m.k[key].flows)))
				FAIL("%s: lookup of key %d: %d", c->name, key, err);
			break;
		}
		case 88 ... 89: {	/* a burst of 1..40 keys from here on */
			struct snatpool_flow f[40];
			struct snatpool_mapping out[40];
			int ret[40], n = 1 + (int)((r >> 32) % 40), b, k, found = 0;

			for (b = 0; b < n; b++)
				f[b] = key_flow((key + b * 7) % NKEYS);
			k = snatpool_table_lookup_burst(t, f, (size_t)n, m.now, out, ret);
			for (b = 0; b < n; b++) {
				const struct mkey *mk = &m.k[(key + b * 7) % NKEYS];

				found += mk->live;
				if (ret[b] != (mk->live ? 0 : -ENOENT) ||
				    (!ret[b] && (out[b].xport != mk->xport || out[b].flows != mk->flows)))
					FAIL("%s: burst lookup %d of key %d: %d", c->name, b,
					     (key + b * 7) % NKEYS, ret[b]);
			}
			if (k != found)
				FAIL("%s: burst lookup found %d, want %d", c->name, k, found);
			break;
		}
		default:
			ship(t, sb, &m, r % 7 == 0);
			do_time(t, sb, &m, (uint32_t)(1 + (r >> 40) % 12));
			break;
		}
		if (i % 20000 == 19999) {
			ship(t, sb, &m, false);
			compare(t, &m, "checkpoint");
			compare(sb, &m, "standby");
			compare_counters(t, &m);
		}
		if (i % 100000 == 99999) {	/* restart: save, load into a new table */
			long len = snatpool_table_snapshot(t, m.now, NULL, 0);
			uint8_t *buf = malloc((size_t)len);
			struct snatpool_table *t2 = new_table(c, true);
			int key2, n;

			ship(t, sb, &m, false);
			if (!buf || snatpool_table_snapshot(t, m.now, buf, (size_t)len) != len)
				abort();
			n = snatpool_table_load_mem(t2, buf, (size_t)len, m.now);
			if (n != (int)m.nmap)
				FAIL("%s: load: %d (%s), want %u", c->name, n, snatpool_strerror(n),
				     m.nmap);
			if (snatpool_table_load_mem(t2, buf, (size_t)len, m.now) != -EBUSY)
				FAIL("%s: second load into a busy table", c->name);
			free(buf);
			snatpool_table_free(t);
			t = t2;
			/* a new table: fresh counters, every free port fresh, no fresh claims */
			memset(&m.allocations, 0, sizeof(uint64_t) * 9);
			for (key2 = 0; key2 < NKEYS; key2++)
				m.k[key2].fresh = false;
			forget_freed(&m);
			compare(t, &m, "after load");
		}
	}
	ship(t, sb, &m, true);
	compare(t, &m, "end");
	compare(sb, &m, "standby end");
	compare_counters(t, &m);
	printf("%s: %ld operations, %u mappings at the end, %" PRIu64 " allocations since the "
	       "last restart, %" PRIu64 " exhausted, %" PRIu64 " full, %" PRIu64 " quota\n",
	       c->name, i, m.nmap, m.allocations, m.exhausted, m.full, m.quota);
	snatpool_table_free(t);
	snatpool_table_free(sb);
}

int main(int argc, char **argv)
{
	long ops = argc > 1 ? atol(argv[1]) : 350000;
	size_t i;

	rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 20261126;
	pool = tt_pool("198.51.100.1-198.51.100.2,2001:db8::1", PLO, PHI);
	nfam[0] = (uint32_t)snatpool_pool_count(pool, AF_INET);
	nfam[1] = (uint32_t)snatpool_pool_count(pool, AF_INET6);
	for (i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++)
		run(&cfgs[i], ops);
	snatpool_pool_free(pool);
	if (failures) {
		printf("table_model: %d failures\n", failures);
		return 1;
	}
	printf("table_model: %ld operations, all agree\n", ops * (long)(sizeof(cfgs) / sizeof(cfgs[0])));
	return 0;
}

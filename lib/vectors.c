/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * vectors.c - golden vectors: the one-line checker and the file verifier
 * (the deterministic edge-case generator is vecgen.c).
 *
 * Line format (include/snatpool.h): one flat JSON object a line.  The
 * reader takes keys in any order, ignores unknown keys with scalar values,
 * and calls anything else malformed; it reads exactly @len octets and
 * never past them.  Schema /1 is single-family; /2 adds "xfamily" for
 * cross-family (NAT64) lines (tests/vectors/README.md).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* ---- a flat JSON object reader ----------------------------------- */

struct snp_jv {
	const char *key;	/* key name we look for */
	bool        is_str;
	bool        seen;
	char        str[1024];	/* string value (pool specs may be longer: see spec) */
	char       *big;	/* the pool spec when longer than str */
	uint64_t    num;
};

enum { JV_SCHEMA, JV_ALGO, JV_ALGO_ID, JV_FAMILY, JV_POOL, JV_SEED, JV_SRC,
       JV_INDEX, JV_ADDRESS, JV_XFAMILY,
       /* port-block lines (SNATPOOL_PORTBLOCK_VECTORS_SCHEMA) */
       JV_PORTS, JV_SUBS, JV_COUNT, JV_BSIZE, JV_FLAGS, JV_OP, JV_RESULT, JV_PORT,
       JV_PORT_LO, JV_PORT_HI, JV_SUB, JV_SUBADDR, JV_N };

struct snp_jparse {
	const char *p, *end;
	char err[96];
};

static void snp_jws(struct snp_jparse *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' ||
				 *j->p == '\n'))
		j->p++;
}

static int snp_jfail(struct snp_jparse *j, const char *what, const char *start)
{
	snprintf(j->err, sizeof(j->err), "%s at column %zu", what,
		 (size_t)(j->p - start) + 1);
	return -1;
}

/*
 * A string at j->p into @out (@cap octets incl. NUL; @big receives a
 * malloc'd copy when it does not fit and @big is non-NULL).  Escapes:
 * \" \\ \/ and \u00XX below 0x80; no control characters.
 */
static int snp_jstring(struct snp_jparse *j, const char *start, char *out,
		       size_t cap, char **big)
{
	size_t n = 0, bigcap = 0;
	char *b = NULL;

	if (j->p >= j->end || *j->p != '"')
		return snp_jfail(j, "expected string", start);
	j->p++;
	for (;;) {
		unsigned char c;

		if (j->p >= j->end) {
			free(b);
			return snp_jfail(j, "unterminated string", start);
		}
		c = (unsigned char)*j->p++;
		if (c == '"')
			break;
		if (c < 0x20) {
			free(b);
			return snp_jfail(j, "control character in string", start);
		}
		if (c == '\\') {
			if (j->p >= j->end)
				goto bad_escape;
			c = (unsigned char)*j->p++;
			if (c == 'u') {
				unsigned v = 0;
				int k;

				if (j->end - j->p < 4)
					goto bad_escape;
				for (k = 0; k < 4; k++) {
					char h = *j->p++;

					v <<= 4;
					if (h >= '0' && h <= '9') v |= (unsigned)(h - '0');
					else if (h >= 'a' && h <= 'f') v |= (unsigned)(h - 'a' + 10);
					else if (h >= 'A' && h <= 'F') v |= (unsigned)(h - 'A' + 10);
					else goto bad_escape;
				}
				if (v == 0 || v >= 0x80)
					goto bad_escape;
				c = (unsigned char)v;
			} else if (c != '"' && c != '\\' && c != '/') {
				goto bad_escape;
			}
		}
		if (n + 1 >= cap && !big) {
			return snp_jfail(j, "string too long", start);
		} else if (n + 1 >= cap || b) {
			if (!b) {
				bigcap = cap * 2;
				b = malloc(bigcap);
				if (!b)
					return snp_jfail(j, "out of memory", start);
				memcpy(b, out, n);
			} else if (n + 1 >= bigcap) {
				char *nb = realloc(b, bigcap * 2);

				if (!nb) {
					free(b);
					return snp_jfail(j, "out of memory", start);
				}
				b = nb;
				bigcap *= 2;
			}
			b[n++] = (char)c;
			continue;
		}
		out[n++] = (char)c;
	}
	if (b) {
		b[n] = '\0';
		*big = b;
		out[0] = '\0';
	} else {
		out[n] = '\0';
	}
	return 0;
bad_escape:
	free(b);
	return snp_jfail(j, "unsupported escape in string", start);
}

static int snp_jnumber(struct snp_jparse *j, const char *start, uint64_t *v)
{
	uint64_t x = 0;
	const char *d = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
		unsigned dig = (unsigned)(*j->p - '0');

		if (x > (UINT64_MAX - dig) / 10)
			return snp_jfail(j, "number out of range", start);
		x = x * 10 + dig;
		j->p++;
	}
	if (j->p == d)
		return snp_jfail(j, "expected a non-negative integer", start);
	if (j->p - d > 1 && *d == '0')
		return snp_jfail(j, "leading zero in number", start);
	if (j->p < j->end && (*j->p == '.' || *j->p == 'e' || *j->p == 'E'))
		return snp_jfail(j, "expected an integer", start);
	*v = x;
	return 0;
}

/* Skip an unknown key's scalar value. */
static int snp_jskip(struct snp_jparse *j, const char *start)
{
	static const char *const lits[] = { "true", "false", "null" };
	char tmp[256];
	size_t i;

	if (j->p < j->end && *j->p == '"') {
		char *big = NULL;
		int err = snp_jstring(j, start, tmp, sizeof(tmp), &big);

		free(big);
		return err;
	}
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
		while (j->p < j->end && ((*j->p >= '0' && *j->p <= '9') || *j->p == '.' ||
					 *j->p == 'e' || *j->p == 'E' || *j->p == '+' ||
					 *j->p == '-'))
			j->p++;
		return 0;
	}
	for (i = 0; i < 3; i++) {
		size_t l = strlen(lits[i]);

		if ((size_t)(j->end - j->p) >= l && !memcmp(j->p, lits[i], l)) {
			j->p += l;
			return 0;
		}
	}
	return snp_jfail(j, "unsupported value", start);
}

static int snp_jobject(const char *line, size_t len, struct snp_jv *jv, char *err,
		       size_t errlen)
{
	struct snp_jparse j = { line, line + len, "" };
	int rc = -1;

	snp_jws(&j);
	if (j.p >= j.end || *j.p != '{') {
		snp_jfail(&j, "expected '{'", line);
		goto out;
	}
	j.p++;
	snp_jws(&j);
	if (j.p < j.end && *j.p == '}') {
		j.p++;
	} else {
		for (;;) {
			char key[64];
			int k;

			snp_jws(&j);
			if (snp_jstring(&j, line, key, sizeof(key), NULL))
				goto out;
			snp_jws(&j);
			if (j.p >= j.end || *j.p != ':') {
				snp_jfail(&j, "expected ':'", line);
				goto out;
			}
			j.p++;
			snp_jws(&j);
			for (k = 0; k < JV_N; k++)
				if (!strcmp(jv[k].key, key))
					break;
			if (k == JV_N) {
				if (snp_jskip(&j, line))
					goto out;
			} else if (jv[k].seen) {
				snprintf(j.err, sizeof(j.err), "duplicate key \"%s\"", key);
				goto out;
			} else if (jv[k].is_str) {
				if (snp_jstring(&j, line, jv[k].str, sizeof(jv[k].str),
						k == JV_POOL ? &jv[k].big : NULL))
					goto out;
				jv[k].seen = true;
			} else {
				if (snp_jnumber(&j, line, &jv[k].num))
					goto out;
				jv[k].seen = true;
			}
			snp_jws(&j);
			if (j.p < j.end && *j.p == ',') {
				j.p++;
				continue;
			}
			if (j.p < j.end && *j.p == '}') {
				j.p++;
				break;
			}
			snp_jfail(&j, "expected ',' or '}'", line);
			goto out;
		}
	}
	snp_jws(&j);
	if (j.p != j.end) {
		snp_jfail(&j, "trailing characters after object", line);
		goto out;
	}
	rc = 0;
out:
	if (rc)
		snprintf(err, errlen, "%s", j.err);
	return rc;
}

/* ---- checking one line -------------------------------------------- */

struct snp_vcache {
	char *spec;
	uint64_t seed;
	uint16_t port_lo, port_hi;
	struct snatpool *pool;
	int err;
	struct snatpool_diag diag;
};

static void snp_vcache_clear(struct snp_vcache *c)
{
	free(c->spec);
	snatpool_pool_free(c->pool);
	memset(c, 0, sizeof(*c));
}

static int snp_vcache_get(struct snp_vcache *c, const char *spec, uint64_t seed,
			  uint16_t lo, uint16_t hi, struct snatpool **pool,
			  struct snatpool_diag *diag)
{
	if (!c->spec || c->seed != seed || c->port_lo != lo || c->port_hi != hi ||
	    strcmp(c->spec, spec)) {
		SNATPOOL_OPTS(snatpool_pool_opts, opts, .seed = seed, .port_lo = lo,
			      .port_hi = hi);

		snp_vcache_clear(c);
		c->spec = strdup(spec);
		if (!c->spec)
			return -ENOMEM;
		c->seed = seed;
		c->port_lo = lo;
		c->port_hi = hi;
		c->err = snatpool_pool_from_spec(spec, &opts, &c->pool, &c->diag);
	}
	*pool = c->pool;
	*diag = c->diag;
	return c->err;
}

__attribute__((format(printf, 3, 4)))
static int snp_vfail(struct snatpool_vector_result *res, int status,
		     const char *fmt, ...)
{
	va_list ap;

	res->status = status;
	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
	return status;
}

/* ---- checking one port-block line ---------------------------------- */

static bool snp_jv_has(const struct snp_jv *jv, const int *keys, size_t n,
		       struct snatpool_vector_result *res)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (!jv[keys[k]].seen) {
			snp_vfail(res, -SNATPOOL_EVECTOR, "missing key \"%s\"", jv[keys[k]].key);
			return false;
		}
	return true;
}

static int snp_parse_portrange(const char *text, uint16_t *lo, uint16_t *hi)
{
	unsigned long a, b;
	char *end;

	if (*text < '0' || *text > '9')
		return -1;
	a = strtoul(text, &end, 10);
	if (*end != '-' || end[1] < '0' || end[1] > '9')
		return -1;
	b = strtoul(end + 1, &end, 10);
	if (*end || a > 65535 || b > 65535)
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

static int snp_pbcheck(struct snp_jv *jv, struct snatpool_vector_result *res,
		       struct snp_vcache *cache)
{
	static const int required[] = { JV_ALGO, JV_POOL, JV_PORTS, JV_SUBS, JV_COUNT,
					JV_BSIZE, JV_FLAGS, JV_OP, JV_RESULT };
	static const int map_keys[] = { JV_ADDRESS, JV_PORT_LO, JV_PORT_HI, JV_SUB };
	static const int rev_keys[] = { JV_ADDRESS, JV_PORT };
	const int mal = -SNATPOOL_EVECTOR;
	struct snatpool_portblock_opts opts = { .sz = sizeof(opts) };
	struct snatpool_portblock *pb = NULL;
	struct snatpool *pool;
	struct snatpool_diag diag;
	uint8_t a[16], want[16], got[16];
	uint16_t lo, hi, plo = 0, phi = 0;
	unsigned int plen;
	bool none;
	int algo, fam, err, rc;
	long sub;

	if (!snp_jv_has(jv, required, sizeof(required) / sizeof(required[0]), res))
		return res->status;
	algo = snatpool_pbalgo_by_name(jv[JV_ALGO].str);
	if (algo < 0)
		return snp_vfail(res, mal, "unknown port-block algorithm \"%.60s\"",
				 jv[JV_ALGO].str);
	if (jv[JV_ALGO_ID].seen && jv[JV_ALGO_ID].num != (uint64_t)algo)
		return snp_vfail(res, mal, "algo_id does not match algo \"%.60s\"",
				 jv[JV_ALGO].str);
	if (snp_parse_portrange(jv[JV_PORTS].str, &lo, &hi))
		return snp_vfail(res, mal, "ports: not LO-HI \"%.60s\"", jv[JV_PORTS].str);
	if (snatpool_prefix_parse(jv[JV_SUBS].str, &opts.family, opts.base, &plen))
		return snp_vfail(res, mal, "subscribers: not BASE/PLEN \"%.60s\"",
				 jv[JV_SUBS].str);
	opts.prefix_len = (uint8_t)plen;
	if (jv[JV_COUNT].num > UINT32_MAX || jv[JV_BSIZE].num > 65535 ||
	    jv[JV_FLAGS].num > UINT32_MAX)
		return snp_vfail(res, mal, "count, block_size or flags out of range");
	opts.count = (uint32_t)jv[JV_COUNT].num;
	opts.block_size = (uint16_t)jv[JV_BSIZE].num;
	opts.flags = (uint32_t)jv[JV_FLAGS].num;
	opts.algo = (uint32_t)algo;
	none = !strcmp(jv[JV_RESULT].str, "none");
	if (!strcmp(jv[JV_OP].str, "map")) {
		if (!jv[JV_SRC].seen)
			return snp_vfail(res, mal, "missing key \"src\"");
		if (!none && (strcmp(jv[JV_RESULT].str, "block") ||
			      !snp_jv_has(jv, map_keys, 4, res)))
			return res->status ? res->status :
			       snp_vfail(res, mal, "map result neither block nor none");
	} else if (!strcmp(jv[JV_OP].str, "reverse")) {
		if (!snp_jv_has(jv, rev_keys, 2, res))
			return res->status;
		if (!none && (strcmp(jv[JV_RESULT].str, "subscriber") || !jv[JV_SUB].seen ||
			      !jv[JV_SUBADDR].seen))
			return snp_vfail(res, mal, "reverse result neither subscriber nor none");
	} else {
		return snp_vfail(res, mal, "op neither map nor reverse");
	}
	err = snp_vcache_get(cache, jv[JV_POOL].big ? jv[JV_POOL].big : jv[JV_POOL].str,
			     0, lo, hi, &pool, &diag);
	if (err)
		return snp_vfail(res, mal, "pool: %.63s: %s", diag.token, snatpool_strerror(err));
	err = snatpool_portblock_new_diag(pool, &opts, &pb, &diag);
	if (err)
		return snp_vfail(res, mal, "portblock: %.63s: %s", diag.token,
				 snatpool_strerror(err));
	rc = 1;
	if (!strcmp(jv[JV_OP].str, "map")) {
		if (snatpool_addr_parse(jv[JV_SRC].str, &fam, a)) {
			rc = snp_vfail(res, mal, "src: malformed address \"%.60s\"", jv[JV_SRC].str);
			goto out;
		}
		sub = fam == opts.family ? snatpool_portblock_map(pb, a, NULL, got, &plo, &phi)
					 : -ENOENT;
		if (none) {
			if (sub >= 0) {
				snatpool_addr_format(AF_INET, got, res->got_addr, sizeof(res->got_addr));
				snprintf(res->msg, sizeof(res->msg),
					 "mismatch: want none, got %.30s %u-%u subscriber %ld",
					 res->got_addr, plo, phi, sub);
				goto out;
			}
		} else {
			if (snatpool_addr_parse(jv[JV_ADDRESS].str, &fam, want)) {
				rc = snp_vfail(res, mal, "address: malformed");
				goto out;
			}
			if (sub < 0) {
				snprintf(res->msg, sizeof(res->msg),
					 "mismatch: want %.30s %u-%u subscriber %" PRIu64 ", got none",
					 jv[JV_ADDRESS].str, (unsigned)jv[JV_PORT_LO].num,
					 (unsigned)jv[JV_PORT_HI].num, jv[JV_SUB].num);
				goto out;
			}
			if (memcmp(want, got, (size_t)snp_alen(fam)) ||
			    jv[JV_PORT_LO].num != plo || jv[JV_PORT_HI].num != phi ||
			    jv[JV_SUB].num != (uint64_t)sub) {
				snatpool_addr_format(fam, got, res->got_addr, sizeof(res->got_addr));
				snprintf(res->msg, sizeof(res->msg),
					 "mismatch: want %.30s %u-%u subscriber %" PRIu64
					 ", got %.30s %u-%u subscriber %ld",
					 jv[JV_ADDRESS].str, (unsigned)jv[JV_PORT_LO].num,
					 (unsigned)jv[JV_PORT_HI].num, jv[JV_SUB].num,
					 res->got_addr, plo, phi, sub);
				goto out;
			}
		}
	} else {
		if (snatpool_addr_parse(jv[JV_ADDRESS].str, &fam, a) || jv[JV_PORT].num > 65535) {
			rc = snp_vfail(res, mal, "address or port malformed");
			goto out;
		}
		memset(got, 0, sizeof(got));
		sub = fam == AF_INET ? snatpool_portblock_reverse(pb, a, (uint16_t)jv[JV_PORT].num,
								   got) : -ENOENT;
		if (none != (sub < 0)) {
			snprintf(res->msg, sizeof(res->msg), "mismatch: want %s, got %s",
				 none ? "none" : "a subscriber", sub < 0 ? "none" : "a subscriber");
			goto out;
		}
		if (!none) {
			int sfam;

			if (snatpool_addr_parse(jv[JV_SUBADDR].str, &sfam, want) ||
			    sfam != opts.family) {
				rc = snp_vfail(res, mal, "subscriber_address malformed");
				goto out;
			}
			if (jv[JV_SUB].num != (uint64_t)sub ||
			    memcmp(want, got, (size_t)snp_alen(sfam))) {
				snatpool_addr_format(sfam, got, res->got_addr, sizeof(res->got_addr));
				snprintf(res->msg, sizeof(res->msg),
					 "mismatch: want subscriber %" PRIu64 " %.30s, got %ld %.30s",
					 jv[JV_SUB].num, jv[JV_SUBADDR].str, sub, res->got_addr);
				goto out;
			}
		}
	}
	rc = 0;
out:
	if (rc == 1)
		res->status = 1;
	snatpool_portblock_free(pb);
	return rc;
}

static int snp_vcheck(const char *line, size_t len, struct snatpool_vector_result *res,
		      struct snp_vcache *cache)
{
	struct snp_jv jv[JV_N] = {
		[JV_SCHEMA] = { "schema", true }, [JV_ALGO] = { "algo", true },
		[JV_ALGO_ID] = { "algo_id", false }, [JV_FAMILY] = { "family", false },
		[JV_POOL] = { "pool", true }, [JV_SEED] = { "seed", false },
		[JV_SRC] = { "src", true }, [JV_INDEX] = { "index", false },
		[JV_ADDRESS] = { "address", true }, [JV_XFAMILY] = { "xfamily", false },
		[JV_PORTS] = { "ports", true }, [JV_SUBS] = { "subscribers", true },
		[JV_COUNT] = { "count", false }, [JV_BSIZE] = { "block_size", false },
		[JV_FLAGS] = { "flags", false }, [JV_OP] = { "op", true },
		[JV_RESULT] = { "result", true }, [JV_PORT] = { "port", false },
		[JV_PORT_LO] = { "port_lo", false }, [JV_PORT_HI] = { "port_hi", false },
		[JV_SUB] = { "subscriber", false },
		[JV_SUBADDR] = { "subscriber_address", true },
	};
	static const int required[] = { JV_SCHEMA, JV_FAMILY, JV_POOL, JV_SEED,
					JV_SRC, JV_INDEX, JV_ADDRESS };
	const int mal = -SNATPOOL_EVECTOR;
	struct snatpool *pool;
	struct snatpool_diag diag;
	uint8_t src[16], want[16], got[16];
	int sfam, afam, xfam, algo, err, rc;
	bool nat64;
	uint32_t idx;
	char emsg[96];
	size_t k;

	memset(res, 0, sizeof(*res));
	if (!line)
		return snp_vfail(res, mal, "no line");
	if (snp_jobject(line, len, jv, emsg, sizeof(emsg))) {
		rc = snp_vfail(res, mal, "malformed JSON: %s", emsg);
		goto out;
	}
	if (jv[JV_SCHEMA].seen &&
	    !strcmp(jv[JV_SCHEMA].str, SNATPOOL_PORTBLOCK_VECTORS_SCHEMA)) {
		rc = snp_pbcheck(jv, res, cache);
		goto out;
	}
	for (k = 0; k < sizeof(required) / sizeof(required[0]); k++)
		if (!jv[required[k]].seen) {
			rc = snp_vfail(res, mal, "missing key \"%s\"", jv[required[k]].key);
			goto out;
		}
	/*
	 * /1: single-family lines.  /2 adds "xfamily", the family of "address"
	 * (cross-family lines, NAT64); a /1 reader refuses /2 by its schema,
	 * so a /2 line is never checked as a single-family one.
	 */
	if (!strcmp(jv[JV_SCHEMA].str, SNATPOOL_VECTORS_SCHEMA)) {
		if (jv[JV_XFAMILY].seen) {
			rc = snp_vfail(res, mal, "\"xfamily\" needs schema \"%s\"",
				       SNATPOOL_VECTORS_SCHEMA_XFAMILY);
			goto out;
		}
	} else if (!strcmp(jv[JV_SCHEMA].str, SNATPOOL_VECTORS_SCHEMA_XFAMILY)) {
		if (!jv[JV_XFAMILY].seen) {
			rc = snp_vfail(res, mal, "missing key \"xfamily\"");
			goto out;
		}
	} else {
		rc = snp_vfail(res, mal, "unknown schema \"%.60s\"", jv[JV_SCHEMA].str);
		goto out;
	}
	if (!jv[JV_ALGO].seen && !jv[JV_ALGO_ID].seen) {
		rc = snp_vfail(res, mal, "missing key \"algo\"");
		goto out;
	}
	if (jv[JV_ALGO].seen) {
		algo = snatpool_algo_by_name(jv[JV_ALGO].str);
		if (algo < 0) {
			rc = snp_vfail(res, mal, "unknown algorithm \"%.60s\"", jv[JV_ALGO].str);
			goto out;
		}
		if (jv[JV_ALGO_ID].seen && jv[JV_ALGO_ID].num != (uint64_t)algo) {
			rc = snp_vfail(res, mal, "algo_id does not match algo \"%.60s\"",
				       jv[JV_ALGO].str);
			goto out;
		}
	} else {
		if (jv[JV_ALGO_ID].num > UINT32_MAX ||
		    !snp_algo_known((uint32_t)jv[JV_ALGO_ID].num)) {
			rc = snp_vfail(res, mal, "unknown algo_id");
			goto out;
		}
		algo = (int)jv[JV_ALGO_ID].num;
	}
	if (snatpool_addr_parse(jv[JV_SRC].str, &sfam, src)) {
		rc = snp_vfail(res, mal, "src: malformed address \"%.60s\"", jv[JV_SRC].str);
		goto out;
	}
	if (jv[JV_FAMILY].num != (sfam == AF_INET ? 4u : 6u)) {
		rc = snp_vfail(res, mal, "family does not match src \"%.60s\"", jv[JV_SRC].str);
		goto out;
	}
	xfam = sfam;
	if (jv[JV_XFAMILY].seen) {
		if (jv[JV_XFAMILY].num != 4 && jv[JV_XFAMILY].num != 6) {
			rc = snp_vfail(res, mal, "xfamily is neither 4 nor 6");
			goto out;
		}
		xfam = jv[JV_XFAMILY].num == 4 ? AF_INET : AF_INET6;
		if (sfam == AF_INET && xfam == AF_INET6) {
			rc = snp_vfail(res, mal, "no selection of IPv6 addresses for IPv4 sources");
			goto out;
		}
	}
	nat64 = sfam != xfam;
	if (snatpool_addr_parse(jv[JV_ADDRESS].str, &afam, want) || afam != xfam) {
		rc = snp_vfail(res, mal, "address: malformed or of another family \"%.60s\"",
			       jv[JV_ADDRESS].str);
		goto out;
	}
	if (jv[JV_INDEX].num >= SNATPOOL_MAX_ADDRS) {
		rc = snp_vfail(res, mal, "index out of range");
		goto out;
	}
	res->want_index = (uint32_t)jv[JV_INDEX].num;
	snatpool_addr_format(xfam, want, res->want_addr, sizeof(res->want_addr));

	err = snp_vcache_get(cache, jv[JV_POOL].big ? jv[JV_POOL].big : jv[JV_POOL].str,
			     jv[JV_SEED].num, 0, 0, &pool, &diag);
	if (err) {
		rc = snp_vfail(res, mal, "pool: %.63s: %s", diag.token, snatpool_strerror(err));
		goto out;
	}
	if (nat64)
		err = snatpool_select_nat64(pool, src, (uint32_t)algo, &idx, got);
	else
		err = snatpool_select(pool, sfam, src, (uint32_t)algo, &idx, got);
	if (err) {
		rc = snp_vfail(res, mal, "%s: %s", nat64 ? "select_nat64" : "select",
			       snatpool_strerror(err));
		goto out;
	}
	res->got_index = idx;
	snatpool_addr_format(xfam, got, res->got_addr, sizeof(res->got_addr));
	if (idx != res->want_index || memcmp(got, want, (size_t)snp_alen(xfam))) {
		res->status = 1;
		snprintf(res->msg, sizeof(res->msg),
			 "mismatch: want index %u address %s, got index %u address %s",
			 res->want_index, res->want_addr, res->got_index, res->got_addr);
		rc = 1;
		goto out;
	}
	rc = 0;
out:
	free(jv[JV_POOL].big);
	return rc;
}

SNP_API int snatpool_vector_check(const char *line, size_t len,
				  struct snatpool_vector_result *res)
{
	struct snatpool_vector_result tmp;
	struct snp_vcache cache = { 0 };
	int rc = snp_vcheck(line, len, res ? res : &tmp, &cache);

	snp_vcache_clear(&cache);
	return rc;
}

/* ---- verifying a file ----------------------------------------------- */

#define SNP_LINE_MAX (64u << 20)

static bool snp_blank(const char *s, size_t n)
{
	while (n--)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return false;
		else
			s++;
	return true;
}

static void snp_verify_line(const char *line, size_t n, size_t lineno,
			    struct snatpool_verify_stats *st, snatpool_verify_cb cb,
			    void *ctx, struct snp_vcache *cache)
{
	struct snatpool_vector_result res;
	int rc;

	if (n && line[n - 1] == '\r')
		n--;
	if (snp_blank(line, n))
		return;
	rc = snp_vcheck(line, n, &res, cache);
	if (!rc) {
		st->passed++;
		return;
	}
	st->failed++;
	if (rc < 0)
		st->malformed++;
	if (cb)
		cb(lineno, &res, ctx);
}

static void snp_verify_overlong(size_t lineno, struct snatpool_verify_stats *st,
				snatpool_verify_cb cb, void *ctx)
{
	struct snatpool_vector_result res = { .status = -SNATPOOL_EVECTOR };

	snprintf(res.msg, sizeof(res.msg), "line longer than %u octets", SNP_LINE_MAX);
	st->failed++;
	st->malformed++;
	if (cb)
		cb(lineno, &res, ctx);
}

SNP_API int snatpool_vectors_verify(int fd, struct snatpool_verify_stats *st,
				    snatpool_verify_cb cb, void *ctx)
{
	struct snp_vcache cache = { 0 };
	struct snatpool_verify_stats tmp;
	size_t cap = 1 << 16, len = 0, lineno = 0, scan = 0;
	bool overlong = false;
	char *buf;
	int rc = 0;

	if (!st)
		st = &tmp;
	memset(st, 0, sizeof(*st));
	if (fd < 0)
		return -EBADF;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		char *nl = memchr(buf + scan, '\n', len - scan);
		ssize_t r;

		if (nl) {
			size_t n = (size_t)(nl - buf);

			lineno++;
			if (overlong) {
				snp_verify_overlong(lineno, st, cb, ctx);
				overlong = false;
			} else {
				snp_verify_line(buf, n, lineno, st, cb, ctx, &cache);
			}
			memmove(buf, nl + 1, len - n - 1);
			len -= n + 1;
			scan = 0;
			continue;
		}
		scan = len;
		if (len == cap) {
			char *nb;

			if (cap >= SNP_LINE_MAX) {	/* drop the rest of this line */
				overlong = true;
				len = scan = 0;
			} else {
				nb = realloc(buf, cap * 2);
				if (!nb) {
					rc = -ENOMEM;
					break;
				}
				buf = nb;
				cap *= 2;
			}
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (r == 0) {
			if (len || overlong) {
				lineno++;
				if (overlong) {
					snp_verify_overlong(lineno, st, cb, ctx);
				} else {
					snp_verify_line(buf, len, lineno, st, cb, ctx, &cache);
				}
			}
			break;
		}
		len += (size_t)r;
	}
	free(buf);
	snp_vcache_clear(&cache);
	if (rc)
		return rc;
	return st->failed ? 1 : 0;
}

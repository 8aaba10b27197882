/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * spec.c - the pool text spec: comma-separated ADDR, A-B and PREFIX/LEN
 * tokens, both families mixed, expanded left to right into the configured
 * order, then handed whole to the pool builder.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pool.h"

struct snp_tok {
	size_t off, len;
};

struct snp_expand {
	struct snatpool_addr *addrs;
	uint32_t *tok;		/* token number of each address */
	size_t n, cap;
	size_t per_fam[2];	/* expanded so far: v4, v6 */
};

static int snp_expand_grow(struct snp_expand *e, size_t more)
{
	size_t cap = e->cap ? e->cap : 64;
	void *a, *t;

	if (e->n + more <= e->cap)
		return 0;
	while (cap < e->n + more)
		cap *= 2;
	a = realloc(e->addrs, cap * sizeof(*e->addrs));
	if (!a)
		return -ENOMEM;
	e->addrs = a;
	t = realloc(e->tok, cap * sizeof(*e->tok));
	if (!t)
		return -ENOMEM;
	e->tok = t;
	e->cap = cap;
	return 0;
}

/* Parse @len octets at @s (spaces trimmed) as one address. */
static int snp_parse_part(const char *s, size_t len, int *family, uint8_t *out)
{
	char buf[64];

	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (!len || len >= sizeof(buf) || memchr(s, '\0', len))
		return -SNATPOOL_EADDR;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return snatpool_addr_parse(buf, family, out);
}

/* Big-endian 128-bit helpers over 16 octets. */
static void snp_add_be(uint8_t *a, int alen, uint64_t v)
{
	int i;

	for (i = alen - 1; i >= 0 && v; i--) {
		v += a[i];
		a[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* B - A + 1 when it fits in 64 bits and A <= B; 0 if A > B; UINT64_MAX if huge. */
static uint64_t snp_span(const uint8_t *a, const uint8_t *b, int alen)
{
	unsigned __int128 x = 0, y = 0;
	int i;

	for (i = 0; i < alen; i++) {
		x = x << 8 | a[i];
		y = y << 8 | b[i];
	}
	if (x > y)
		return 0;
	if (y - x >= UINT64_MAX)
		return UINT64_MAX;
	return (uint64_t)(y - x) + 1;
}

static int snp_expand_run(struct snp_expand *e, int family, const uint8_t *first,
			  uint64_t count, uint32_t tok)
{
	int fi = family == AF_INET6, alen = snp_alen(family), err;
	uint8_t cur[16];
	uint64_t i;

	if (count > SNATPOOL_MAX_ADDRS - e->per_fam[fi])
		return -SNATPOOL_ELIMIT;
	err = snp_expand_grow(e, (size_t)count);
	if (err)
		return err;
	memcpy(cur, first, 16);
	for (i = 0; i < count; i++) {
		struct snatpool_addr *a = &e->addrs[e->n];

		a->family = family;
		memset(a->addr, 0, sizeof(a->addr));
		memcpy(a->addr, cur, (size_t)alen);
		e->tok[e->n++] = tok;
		snp_add_be(cur, alen, 1);
	}
	e->per_fam[fi] += count;
	return 0;
}

static int snp_token(struct snp_expand *e, const char *s, size_t len, uint32_t tok)
{
	const char *slash = memchr(s, '/', len), *dash = memchr(s, '-', len);
	uint8_t a[16] = { 0 }, b[16] = { 0 };
	int fa, fb, err;

	if (slash) {
		const char *p = slash + 1, *end = s + len;
		unsigned long plen = 0;
		int bits;

		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (dash || p == end || end - p > 3)
			return -SNATPOOL_EPREFIX;
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				return -SNATPOOL_EPREFIX;
			plen = plen * 10 + (unsigned long)(*p - '0');
		}
		err = snp_parse_part(s, (size_t)(slash - s), &fa, a);
		if (err)
			return err;
		bits = snp_alen(fa) * 8;
		if (plen > (unsigned long)bits)
			return -SNATPOOL_EPREFIX;
		if (snp_host_bits_set(a, (unsigned int)bits / 8, (unsigned int)plen))
			return -SNATPOOL_EPREFIX;	/* host bits set */
		if (bits - (int)plen > 17)
			return -SNATPOOL_ELIMIT;
		return snp_expand_run(e, fa, a, 1ull << (bits - (int)plen), tok);
	}
	if (dash) {
		uint64_t span;

		err = snp_parse_part(s, (size_t)(dash - s), &fa, a);
		if (!err)
			err = snp_parse_part(dash + 1, len - (size_t)(dash + 1 - s), &fb, b);
		if (err)
			return err;
		if (fa != fb)
			return -SNATPOOL_ERANGE;
		span = snp_span(a, b, snp_alen(fa));
		if (!span)
			return -SNATPOOL_ERANGE;
		return snp_expand_run(e, fa, a, span, tok);
	}
	err = snp_parse_part(s, len, &fa, a);
	if (err)
		return err;
	return snp_expand_run(e, fa, a, 1, tok);
}

SNP_API int snatpool_pool_from_spec(const char *spec,
				    const struct snatpool_pool_opts *opts,
				    struct snatpool **out,
				    struct snatpool_diag *diag)
{
	struct snp_expand e = { 0 };
	struct snp_tok *toks = NULL;
	size_t ntok = 0, captok = 0, pos = 0, bad;
	int err = 0;

	if (!spec || !out)
		return -EINVAL;
	for (;;) {
		size_t start = pos, end;

		while (spec[pos] && spec[pos] != ',')
			pos++;
		end = pos;
		while (start < end && (spec[start] == ' ' || spec[start] == '\t'))
			start++;
		while (end > start && (spec[end - 1] == ' ' || spec[end - 1] == '\t'))
			end--;
		if (start == end) {
			if (!spec[pos] && !ntok) {	/* blank spec */
				err = snp_diag(diag, SNATPOOL_EEMPTY, start, NULL, 0);
				goto out;
			}
			err = snp_diag(diag, SNATPOOL_ESYNTAX, start, "", 0);
			goto out;
		}
		if (ntok == captok) {
			size_t nc = captok ? captok * 2 : 16;
			void *t = realloc(toks, nc * sizeof(*toks));

			if (!t) {
				err = -ENOMEM;
				goto out;
			}
			toks = t;
			captok = nc;
		}
		toks[ntok] = (struct snp_tok){ start, end - start };
		err = snp_token(&e, spec + start, end - start, (uint32_t)ntok);
		if (err) {
			if (err != -ENOMEM)
				snp_diag(diag, -err, start, spec + start, end - start);
			goto out;
		}
		ntok++;
		if (!spec[pos])
			break;
		pos++;
	}
	err = snp_pool_build(e.addrs, e.n, opts, out, &bad, diag);
	if (err && bad != SIZE_MAX) {
		const struct snp_tok *t = &toks[e.tok[bad]];

		snp_diag(diag, -err, t->off, spec + t->off, t->len);
	}
out:
	free(e.addrs);
	free(e.tok);
	free(toks);
	return err;
}

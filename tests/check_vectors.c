/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * check_vectors.c - the committed golden vectors (computed outside the
 * library: tests/vectors/gen/, the kernel) through the file verifier, the
 * one-line checker, single and burst selection; the generator's own output
 * through the verifier; and the reader's handling of malformed lines.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "testutil.h"

static char *vec_path(const char *name)
{
	const char *top = getenv("top_srcdir");
	char *p = malloc(4096);

	snprintf(p, 4096, "%s/tests/vectors/%s", top ? top : ".", name);
	return p;
}

/* The value of "key":"..." or "key":N in one of our lines, into @out. */
static int field(const char *line, const char *key, char *out, size_t cap)
{
	char pat[32];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	if (*p == '"') {
		e = strchr(++p, '"');
	} else {
		e = p + strspn(p, "0123456789");
	}
	if (!e || (size_t)(e - p) >= cap)
		return -1;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return 0;
}

static struct snatpool *cached;
static char cached_key[65536 + 32];

/* Burst selection of the line's source must give the line's index. */
static void check_burst(const char *line)
{
	static char pool[65536], seed[32], src[64], algo[8], index[16], key[65536 + 32];
	char xfam[8];
	uint8_t s[16];
	uint32_t got;
	int fam;

	ck_assert_int_eq(field(line, "pool", pool, sizeof(pool)), 0);
	ck_assert_int_eq(field(line, "seed", seed, sizeof(seed)), 0);
	ck_assert_int_eq(field(line, "src", src, sizeof(src)), 0);
	ck_assert_int_eq(field(line, "algo_id", algo, sizeof(algo)), 0);
	ck_assert_int_eq(field(line, "index", index, sizeof(index)), 0);
	snprintf(key, sizeof(key), "%s|%s", pool, seed);
	if (!cached || strcmp(key, cached_key)) {
		snatpool_pool_free(cached);
		cached = tu_pool(pool, strtoull(seed, NULL, 10));
		strcpy(cached_key, key);
	}
	fam = tu_addr(src, s);
	if (!field(line, "xfamily", xfam, sizeof(xfam)) && atoi(xfam) == 4 && fam == AF_INET6)
		ck_assert_int_eq(snatpool_select_nat64_burst(cached, s, 1,
							     (uint32_t)atoi(algo), &got), 1);
	else
		ck_assert_int_eq(snatpool_select_burst(cached, fam, s, 1,
						       (uint32_t)atoi(algo), &got), 1);
	ck_assert_msg(got == (uint32_t)strtoul(index, NULL, 10), "burst: %s", line);
}

static void fail_cb(size_t lineno, const struct snatpool_vector_result *r, void *ctx)
{
	fprintf(stderr, "%s:%zu: %s\n", (const char *)ctx, lineno, r->msg);
}

START_TEST(test_committed_files)
{
	const char *top = getenv("top_srcdir");
	char dir[4096];
	struct dirent *de;
	DIR *d;
	size_t files = 0, lines = 0;

	snprintf(dir, sizeof(dir), "%s/tests/vectors", top ? top : ".");
	d = opendir(dir);
	ck_assert_msg(d != NULL, "no %s", dir);
	while ((de = readdir(d))) {
		struct snatpool_verify_stats st;
		char *path, *line = NULL;
		size_t cap = 0;
		ssize_t len;
		FILE *f;
		int fd;

		if (!strstr(de->d_name, ".jsonl"))
			continue;
		path = vec_path(de->d_name);
		fd = open(path, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		ck_assert_msg(snatpool_vectors_verify(fd, &st, fail_cb, path) == 0,
			      "%s: %zu passed, %zu failed", path, st.passed, st.failed);
		ck_assert_uint_gt(st.passed, 0);
		close(fd);
		f = fopen(path, "r");
		while ((len = getline(&line, &cap, f)) > 0) {
			struct snatpool_vector_result r;

			if (line[len - 1] == '\n')
				line[--len] = '\0';
			if (!len)
				continue;
			/* Single lines (pool rebuilt each time) on a sample. */
			if (lines % 16 == 0)
				ck_assert_int_eq(snatpool_vector_check(line, (size_t)len, &r), 0);
			check_burst(line);
			lines++;
		}
		free(line);
		fclose(f);
		free(path);
		files++;
	}
	closedir(d);
	snatpool_pool_free(cached);
	cached = NULL;
	ck_assert_uint_ge(files, 5);
	fprintf(stderr, "vectors: %zu files, %zu lines\n", files, lines);
}
END_TEST

static void roundtrip(uint32_t algo)
{
	struct snatpool_verify_stats st;
	FILE *tmp = tmpfile();
	int n, fd = fileno(tmp);

	n = snatpool_vectors_write(fd, algo);
	ck_assert_int_gt(n, 300);
	lseek(fd, 0, SEEK_SET);
	ck_assert_int_eq(snatpool_vectors_verify(fd, &st, NULL, NULL), 0);
	ck_assert_uint_eq(st.passed, (size_t)n);
	fclose(tmp);
}

START_TEST(test_generator_roundtrip)
{
	uint32_t a;

	for (a = 1; a <= 5; a++)
		roundtrip(a);
	ck_assert_int_eq(snatpool_vectors_write(1, 9), -SNATPOOL_EALGO);
	ck_assert_int_lt(snatpool_vectors_write(-1, 1), 0);
}
END_TEST

#define GOOD "{\"schema\":\"snatpool-vectors/1\",\"algo\":\"xpf-legacy-v0\",\"algo_id\":1," \
	     "\"family\":4,\"pool\":\"198.51.100.1-198.51.100.4\",\"seed\":0," \
	     "\"src\":\"10.0.1.100\",\"index\":2,\"address\":\"198.51.100.3\"}"

START_TEST(test_line_checker)
{
	static const char *const malformed[] = {
		"", "{", "}", "[]", "null", "{}", "{\"schema\":\"snatpool-vectors/1\"}",
		GOOD "x", GOOD ",", "{\"schema\":\"snatpool-vectors/2\"" GOOD + 33,
		"{\"schema\":\"snatpool-vectors/1\",\"schema\":\"snatpool-vectors/1\"}",
		"{\"schema\":\"snatpool-vectors/1\",\"algo\":\"nope\",\"algo_id\":1,\"family\":4,"
		"\"pool\":\"10.0.0.1\",\"seed\":0,\"src\":\"1.2.3.4\",\"index\":0,\"address\":\"10.0.0.1\"}",
		"{\"schema\":\"snatpool-vectors/1\",\"algo\":\"xpf-legacy-v0\",\"algo_id\":2,\"family\":4,"
		"\"pool\":\"10.0.0.1\",\"seed\":0,\"src\":\"1.2.3.4\",\"index\":0,\"address\":\"10.0.0.1\"}",
		"{\"schema\":\"snatpool-vectors/1\",\"algo_id\":1,\"family\":6,"
		"\"pool\":\"10.0.0.1\",\"seed\":0,\"src\":\"1.2.3.4\",\"index\":0,\"address\":\"10.0.0.1\"}",
		"{\"schema\":\"snatpool-vectors/1\",\"algo_id\":1,\"family\":4,"
		"\"pool\":\"10.0.0.300\",\"seed\":0,\"src\":\"1.2.3.4\",\"index\":0,\"address\":\"10.0.0.1\"}",
		"{\"schema\":\"snatpool-vectors/1\",\"algo_id\":1,\"family\":6,"
		"\"pool\":\"10.0.0.1\",\"seed\":0,\"src\":\"::1\",\"index\":0,\"address\":\"::2\"}",
		"{\"schema\":\"snatpool-vectors/1\",\"algo_id\":1,\"family\":4,"
		"\"pool\":\"10.0.0.1\",\"seed\":-1,\"src\":\"1.2.3.4\",\"index\":0,\"address\":\"10.0.0.1\"}",
		"{\"schema\":\"snatpool-vectors/1\",\"algo_id\":1,\"family\":4,"
		"\"pool\":\"10.0.0.1\",\"seed\":18446744073709551616,\"src\":\"1.2.3.4\",\"index\":0,"
		"\"address\":\"10.0.0.1\"}",
		"{\"schema\":\"snatpool-vectors/1\",\"algo_id\":1,\"family\":4,"
		"\"pool\":\"10.0.0.1\",\"seed\":0,\"src\":\"1.2.3.4\",\"index\":0.5,\"address\":\"10.0.0.1\"}",
		"{\"schema\":\"snatpool-vectors/1\",\"algo_id\":1,\"family\":4,"
		"\"pool\":\"10.0.0.1\",\"seed\":0,\"src\":\"1.2.3.4\",\"index\":0,\"address\":\"10.0.0.1\\u0000\"}",
		"{\"schema\":\"snatpool-vectors/1\",\"algo_id\":3,\"family\":4,"
		"\"pool\":\"10.0.0.2,10.0.0.1\",\"seed\":0,\"src\":\"1.2.3.4\",\"index\":0,\"address\":\"10.0.0.2\"}",
		"{\"schema\":\"snatpool-vectors/1\",\"algo_id\":1,\"family\":4,\"extra\":{},"
		"\"pool\":\"10.0.0.1\",\"seed\":0,\"src\":\"1.2.3.4\",\"index\":0,\"address\":\"10.0.0.1\"}",
	};
	struct snatpool_vector_result r;
	size_t i;

	ck_assert_int_eq(snatpool_vector_check(GOOD, strlen(GOOD), &r), 0);
	ck_assert_str_eq(r.msg, "");
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		int rc = snatpool_vector_check(malformed[i], strlen(malformed[i]), &r);

		ck_assert_msg(rc == -SNATPOOL_EVECTOR, "line %zu: rc %d", i, rc);
		ck_assert_int_eq(r.status, rc);
		ck_assert_str_ne(r.msg, "");
	}
	/* Reads exactly len octets: a good prefix is not a good line. */
	ck_assert_int_eq(snatpool_vector_check(GOOD, strlen(GOOD) - 1, &r), -SNATPOOL_EVECTOR);
	ck_assert_int_eq(snatpool_vector_check(NULL, 0, &r), -SNATPOOL_EVECTOR);
	/* Keys in another order, unknown scalar keys and escapes are fine. */
	{
		const char *l = "{ \"address\" : \"198.51.100.3\", \"note\": \"x\\\"y\", \"n\": -1.5e3,"
				" \"ok\": true, \"index\":2, \"src\":\"10.0.1.100\", \"seed\":0,"
				" \"pool\":\"198.51.100.1\\u002d198.51.100.4\", \"family\":4,"
				" \"algo\":\"xpf-legacy-v0\", \"schema\":\"snatpool-vectors\\/1\" }";

		ck_assert_int_eq(snatpool_vector_check(l, strlen(l), &r), 0);
	}
	/* A wrong expectation is a mismatch (1), not malformed. */
	{
		char bad[512];

		strcpy(bad, GOOD);
		*strstr(bad, "\"index\":2") = '\0';
		strcat(bad, "\"index\":1,\"address\":\"198.51.100.2\"}");
		ck_assert_int_eq(snatpool_vector_check(bad, strlen(bad), &r), 1);
		ck_assert_uint_eq(r.want_index, 1);
		ck_assert_uint_eq(r.got_index, 2);
		ck_assert_str_eq(r.got_addr, "198.51.100.3");
	}
}
END_TEST

/* Schema /2: cross-family (NAT64) lines and what makes them malformed. */
#define X2 "{\"schema\":\"snatpool-vectors/2\",\"algo\":\"xpf-legacy-v0\",\"algo_id\":1,"
#define XPOOL "\"pool\":\"198.51.100.1-198.51.100.7,2001:db8::/126\",\"seed\":0,"
START_TEST(test_xfamily_lines)
{
	/* 2001:db8::1: octets 20 01 0d b8, LE32 0xb80d0120 = 3087860000 = 7 * 441122857 + 1 */
	static const char good[] = X2 "\"family\":6,\"xfamily\":4," XPOOL
		"\"src\":\"2001:db8::1\",\"index\":1,\"address\":\"198.51.100.2\"}";
	/* xfamily == family: as a /1 line; 10.0.0.3: LE32 0x0300000a mod 7 = 6 */
	static const char same[] = X2 "\"family\":4,\"xfamily\":4," XPOOL
		"\"src\":\"10.0.0.3\",\"index\":6,\"address\":\"198.51.100.7\"}";
	static const char wrong[] = X2 "\"family\":6,\"xfamily\":4," XPOOL
		"\"src\":\"2001:db8::1\",\"index\":5,\"address\":\"198.51.100.6\"}";
	static const char *const malformed[] = {
		/* /2 without xfamily */
		X2 "\"family\":6," XPOOL
		"\"src\":\"2001:db8::1\",\"index\":6,\"address\":\"198.51.100.7\"}",
		/* xfamily in a /1 line */
		"{\"schema\":\"snatpool-vectors/1\",\"algo_id\":1,\"family\":6,\"xfamily\":4,"
		XPOOL "\"src\":\"2001:db8::1\",\"index\":6,\"address\":\"198.51.100.7\"}",
		/* IPv4 source, IPv6 address: no such selection */
		X2 "\"family\":4,\"xfamily\":6," XPOOL
		"\"src\":\"10.0.0.3\",\"index\":0,\"address\":\"2001:db8::\"}",
		/* xfamily neither 4 nor 6 */
		X2 "\"family\":6,\"xfamily\":5," XPOOL
		"\"src\":\"2001:db8::1\",\"index\":6,\"address\":\"198.51.100.7\"}",
		/* address not of xfamily */
		X2 "\"family\":6,\"xfamily\":4," XPOOL
		"\"src\":\"2001:db8::1\",\"index\":1,\"address\":\"2001:db8::1\"}",
		/* an algorithm without a NAT64 rule */
		"{\"schema\":\"snatpool-vectors/2\",\"algo_id\":2,\"family\":6,\"xfamily\":4,"
		XPOOL "\"src\":\"2001:db8::1\",\"index\":6,\"address\":\"198.51.100.7\"}",
		/* a pool without IPv4 addresses */
		X2 "\"family\":6,\"xfamily\":4,\"pool\":\"2001:db8::/126\",\"seed\":0,"
		"\"src\":\"2001:db8::1\",\"index\":0,\"address\":\"198.51.100.1\"}",
	};
	struct snatpool_vector_result r;
	size_t i;

	ck_assert_int_eq(snatpool_vector_check(good, strlen(good), &r), 0);
	ck_assert_str_eq(r.got_addr, "198.51.100.2");
	ck_assert_int_eq(snatpool_vector_check(same, strlen(same), &r), 0);
	ck_assert_int_eq(snatpool_vector_check(wrong, strlen(wrong), &r), 1);
	ck_assert_uint_eq(r.got_index, 1);
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		int rc = snatpool_vector_check(malformed[i], strlen(malformed[i]), &r);

		ck_assert_msg(rc == -SNATPOOL_EVECTOR, "line %zu: rc %d", i, rc);
		ck_assert_str_ne(r.msg, "");
	}
	ck_assert_ptr_nonnull(strstr(r.msg, "no address of"));	/* ENOFAMILY named */
	snatpool_vector_check(malformed[5], strlen(malformed[5]), &r);
	ck_assert_ptr_nonnull(strstr(r.msg, "NAT64"));
	ck_assert_str_eq(SNATPOOL_VECTORS_SCHEMA_XFAMILY, "snatpool-vectors/2");
}
END_TEST

struct seen {
	size_t lines[8];
	size_t n;
};

static void seen_cb(size_t lineno, const struct snatpool_vector_result *r, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8)
		s->lines[s->n++] = lineno;
}

START_TEST(test_verify_line_numbers)
{
	FILE *tmp = tmpfile();
	struct snatpool_verify_stats st;
	struct seen s = { { 0 }, 0 };
	int fd = fileno(tmp);

	fputs(GOOD "\n\n   \n{broken\n" GOOD "\r\n", tmp);
	fputs("{\"schema\":\"snatpool-vectors/1\",\"algo_id\":1,\"family\":4,\"pool\":\"198.51.100.1-198.51.100.4\","
	      "\"seed\":0,\"src\":\"10.0.1.100\",\"index\":0,\"address\":\"198.51.100.1\"}\n", tmp);
	fputc('\0', tmp);	/* line 7: a NUL and no newline */
	fflush(tmp);
	lseek(fd, 0, SEEK_SET);
	ck_assert_int_eq(snatpool_vectors_verify(fd, &st, seen_cb, &s), 1);
	ck_assert_uint_eq(st.passed, 2);
	ck_assert_uint_eq(st.failed, 3);
	ck_assert_uint_eq(st.malformed, 2);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_uint_eq(s.lines[0], 4);
	ck_assert_uint_eq(s.lines[1], 6);
	ck_assert_uint_eq(s.lines[2], 7);
	fclose(tmp);
	ck_assert_int_eq(snatpool_vectors_verify(-1, &st, NULL, NULL), -EBADF);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vectors");
	TCase *tc = tcase_create("vectors");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_line_checker);
	tcase_add_test(tc, test_xfamily_lines);
	tcase_add_test(tc, test_verify_line_numbers);
	tcase_add_test(tc, test_generator_roundtrip);
	tcase_add_test(tc, test_committed_files);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

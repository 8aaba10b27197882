/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * check_opts.c - every option struct is checked from the end of its last
 * field (libbpf's OPTS_VALID), not from sizeof: a non-zero octet right
 * after the last field, even inside the struct's trailing padding, is
 * -EINVAL; zero octets there, up to any sz, are accepted.
 */
#include <stddef.h>
#include <sys/socket.h>

#include "testutil.h"

#define OFFSETOFEND(T, f) (offsetof(T, f) + sizeof(((T *)0)->f))
#define ALIGN_UP(x, a) (((x) + (a) - 1) / (a) * (a))

/*
 * The last field named here is the one the library checks from: a field
 * added after it without moving the check grows sizeof past this and fails
 * the build.
 */
#define LAST_OK(T, f) \
	_Static_assert(sizeof(T) == ALIGN_UP(OFFSETOFEND(T, f), _Alignof(T)), \
		       #T ": a field after " #f "? move the library's SNP_OPTS_VALID too")
LAST_OK(struct snatpool_pool_opts, maglev_size);
LAST_OK(struct snatpool_table_opts, workers);
LAST_OK(struct snatpool_portblock_opts, flags);

/* The caller's view: known fields, then @extra more octets, all zero. */
union big {
	struct snatpool_pool_opts pool;
	struct snatpool_table_opts table;
	struct snatpool_portblock_opts pb;
	unsigned char raw[512];
};

static int pool_new(const void *opts)
{
	struct snatpool *p = NULL;
	int err = snatpool_pool_from_spec("192.0.2.1-192.0.2.4", opts, &p, NULL);

	snatpool_pool_free(p);
	return err;
}

static int table_new(const void *opts)
{
	struct snatpool *p = tu_pool("192.0.2.1-192.0.2.4", 1);
	struct snatpool_table *t = NULL;
	int err = snatpool_table_new(p, opts, &t);

	snatpool_table_free(t);
	snatpool_pool_free(p);
	return err;
}

static int pb_new(const void *opts)
{
	struct snatpool *p = tu_pool("192.0.2.1-192.0.2.4", 1);
	struct snatpool_portblock *pb = NULL;
	int err = snatpool_portblock_new(p, opts, &pb);

	snatpool_portblock_free(pb);
	snatpool_pool_free(p);
	return err;
}

/* @u holds valid options of @end octets of fields (sz already set). */
static void tail(union big *u, size_t end, size_t size, int (*make)(const void *),
		 const char *what)
{
	size_t sz, at;

	ck_assert_msg(end <= size, "%s", what);
	ck_assert_msg(make(u) == 0, "%s: the valid options fail", what);
	/* any sz, zero tail: accepted */
	for (sz = end; sz <= size + 16; sz++) {
		u->pool.sz = sz;
		ck_assert_msg(make(u) == 0, "%s: zero tail up to %zu refused", what, sz);
	}
	/* one non-zero octet anywhere after the last field: -EINVAL */
	for (at = end; at < size + 16; at++) {
		u->pool.sz = size + 16;
		u->raw[at] = 0x5a;
		ck_assert_msg(make(u) == -EINVAL, "%s: octet %zu (last field ends at %zu, "
			      "sizeof %zu) not refused", what, at, end, size);
		u->raw[at] = 0;
	}
	/* ...including inside the padding of sz == sizeof, when there is some */
	if (end < size) {
		u->pool.sz = size;
		u->raw[end] = 1;
		ck_assert_msg(make(u) == -EINVAL, "%s: padding octet accepted", what);
		u->raw[end] = 0;
	}
	/* an octet beyond sz is not the caller's: ignored */
	u->pool.sz = end;
	u->raw[end] = 1;
	ck_assert_msg(make(u) == 0, "%s: octet beyond sz read", what);
	u->raw[end] = 0;
}

START_TEST(test_pool_opts)
{
	union big u;

	memset(&u, 0, sizeof(u));
	u.pool.sz = sizeof(u.pool);
	u.pool.seed = 7;
	u.pool.maglev_size = 65537;
	tail(&u, OFFSETOFEND(struct snatpool_pool_opts, maglev_size),
	     sizeof(struct snatpool_pool_opts), pool_new, "snatpool_pool_opts");
	/* the documented example: 28 octets of fields in a 32-octet struct */
	ck_assert_uint_eq(OFFSETOFEND(struct snatpool_pool_opts, maglev_size), 28);
	ck_assert_uint_eq(sizeof(struct snatpool_pool_opts), 32);
}
END_TEST

START_TEST(test_table_opts)
{
	union big u;

	memset(&u, 0, sizeof(u));
	u.table.sz = sizeof(u.table);
	u.table.max_mappings = 64;
	u.table.seed = 3;
	tail(&u, OFFSETOFEND(struct snatpool_table_opts, workers),
	     sizeof(struct snatpool_table_opts), table_new, "snatpool_table_opts");
}
END_TEST

START_TEST(test_portblock_opts)
{
	union big u;

	memset(&u, 0, sizeof(u));
	u.pb.sz = sizeof(u.pb);
	u.pb.family = AF_INET;
	u.pb.base[0] = 100;
	u.pb.base[1] = 64;
	u.pb.count = 8;
	u.pb.block_size = 1024;
	tail(&u, OFFSETOFEND(struct snatpool_portblock_opts, flags),
	     sizeof(struct snatpool_portblock_opts), pb_new, "snatpool_portblock_opts");
	/* an older caller's struct ended at block_size: its sz still works */
	ck_assert_uint_eq(OFFSETOFEND(struct snatpool_portblock_opts, block_size), 42);
	u.pb.sz = 42;
	ck_assert_int_eq(pb_new(&u), 0);
	ck_assert_uint_eq(OFFSETOFEND(struct snatpool_portblock_opts, flags), 52);
}
END_TEST

START_TEST(test_short_sz)
{
	union big u;

	memset(&u, 0, sizeof(u));
	u.pool.sz = sizeof(size_t) - 1;		/* not even sz itself */
	ck_assert_int_eq(pool_new(&u), -EINVAL);
	ck_assert_int_eq(table_new(&u), -EINVAL);
	ck_assert_int_eq(pb_new(&u), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("opts");
	TCase *tc = tcase_create("opts");

	tcase_add_test(tc, test_pool_opts);
	tcase_add_test(tc, test_table_opts);
	tcase_add_test(tc, test_portblock_opts);
	tcase_add_test(tc, test_short_sz);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

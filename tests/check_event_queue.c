/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* check_event_queue.c - the bounded event queue and its use as a table's hook. */
#include <limits.h>
#include <pthread.h>

#include "testutil.h"
#include "table_testutil.h"

static struct snatpool_table_event ev_of(uint32_t type, uint32_t now)
{
	struct snatpool_table_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.now = now;
	return ev;
}

START_TEST(test_new_free)
{
	struct snatpool_event_queue *q = (void *)1;

	ck_assert_int_eq(snatpool_event_queue_new(0, &q), -EINVAL);
	ck_assert_int_eq(snatpool_event_queue_new(((size_t)1 << 24) + 1, &q), -EINVAL);
	ck_assert_int_eq(snatpool_event_queue_new(4, NULL), -EINVAL);
	ck_assert_ptr_eq(q, (void *)1);		/* untouched on error */
	ck_assert_int_eq(snatpool_event_queue_new(4, &q), 0);
	snatpool_event_queue_free(q);
	snatpool_event_queue_free(NULL);
}
END_TEST

START_TEST(test_fifo_wrap_drop)
{
	struct snatpool_event_queue *q = NULL;
	struct snatpool_table_event ev, out[8];
	size_t queued = 99;
	uint64_t dropped = 99;
	uint32_t i;

	ck_assert_int_eq(snatpool_event_queue_new(3, &q), 0);
	ck_assert_int_eq(snatpool_event_queue_drain(q, out, 8), 0);
	ck_assert_int_eq(snatpool_event_queue_drain(q, NULL, 0), 0);
	ck_assert_int_eq(snatpool_event_queue_drain(q, NULL, 1), -EINVAL);
	ck_assert_int_eq(snatpool_event_queue_drain(NULL, out, 1), -EINVAL);
	ck_assert_int_eq(snatpool_event_queue_drain(q, out, (size_t)INT_MAX + 1), -EINVAL);
	ck_assert_int_eq(snatpool_event_queue_stats(NULL, &queued, &dropped), -EINVAL);
	/* push 5 into 3 slots: 2 dropped, the 3 oldest kept */
	for (i = 1; i <= 5; i++) {
		ev = ev_of(SNATPOOL_EV_CREATED, i);
		snatpool_event_queue_push(&ev, q);
	}
	snatpool_event_queue_push(NULL, q);	/* ignored, not counted */
	snatpool_event_queue_push(&ev, NULL);
	ck_assert_int_eq(snatpool_event_queue_stats(q, &queued, &dropped), 0);
	ck_assert_uint_eq(queued, 3);
	ck_assert_uint_eq(dropped, 2);
	ck_assert_int_eq(snatpool_event_queue_drain(q, out, 2), 2);
	ck_assert_uint_eq(out[0].now, 1);
	ck_assert_uint_eq(out[1].now, 2);
	/* the ring wraps: FIFO order survives */
	for (i = 6; i <= 7; i++) {
		ev = ev_of(SNATPOOL_EV_RELEASED, i);
		snatpool_event_queue_push(&ev, q);
	}
	ck_assert_int_eq(snatpool_event_queue_drain(q, out, 8), 3);
	ck_assert_uint_eq(out[0].now, 3);
	ck_assert_uint_eq(out[1].now, 6);
	ck_assert_uint_eq(out[2].now, 7);
	ck_assert_uint_eq(out[2].type, SNATPOOL_EV_RELEASED);
	ck_assert_int_eq(snatpool_event_queue_stats(q, &queued, NULL), 0);
	ck_assert_uint_eq(queued, 0);
	ck_assert_int_eq(snatpool_event_queue_stats(q, NULL, &dropped), 0);
	ck_assert_uint_eq(dropped, 2);
	snatpool_event_queue_free(q);
}
END_TEST

/* The queue as a table's hook: claim, release and rollback arrive in order. */
START_TEST(test_table_hook)
{
	struct snatpool *p = tt_pool("198.51.100.1-198.51.100.2", 1024, 65535);
	struct snatpool_event_queue *q = NULL;
	struct snatpool_table *t = NULL;
	struct snatpool_table_event out[16];
	struct snatpool_flow f = tt_flow(IPPROTO_TCP, "10.0.0.1", 40000, "192.0.2.1", 443);
	struct snatpool_flow g = tt_flow(IPPROTO_UDP, "10.0.0.2", 5000, "192.0.2.1", 53);
	struct snatpool_mapping m;
	uint64_t dropped = 1;

	ck_assert_int_eq(snatpool_event_queue_new(2, &q), 0);
	{
		SNATPOOL_OPTS(snatpool_table_opts, o, .event_cb = snatpool_event_queue_push,
			      .event_ctx = q, .seed = 3);
		ck_assert_int_eq(snatpool_table_new(p, &o, &t), 0);
	}
	ck_assert_int_eq(snatpool_table_claim(t, &f, 10, &m), 0);
	ck_assert_int_eq(snatpool_table_release(t, &f, 11), 0);
	ck_assert_int_eq(snatpool_table_claim(t, &g, 12, NULL), 0);	/* third: dropped */
	ck_assert_int_eq(snatpool_event_queue_drain(q, out, 16), 2);
	ck_assert_uint_eq(out[0].type, SNATPOOL_EV_CREATED);
	ck_assert_uint_eq(out[0].now, 10);
	ck_assert_uint_eq(out[0].map.xport, m.xport);
	ck_assert(!memcmp(out[0].map.xaddr, m.xaddr, 4));
	ck_assert_uint_eq(out[1].type, SNATPOOL_EV_RELEASED);
	ck_assert_uint_eq(out[1].now, 11);
	ck_assert_int_eq(snatpool_event_queue_stats(q, NULL, &dropped), 0);
	ck_assert_uint_eq(dropped, 1);
	ck_assert_int_eq(snatpool_table_rollback(t, &g, 13), 0);
	ck_assert_int_eq(snatpool_event_queue_drain(q, out, 16), 1);
	ck_assert_uint_eq(out[0].type, SNATPOOL_EV_ROLLEDBACK);
	ck_assert_uint_eq(out[0].map.sport, 5000);
	snatpool_table_free(t);
	snatpool_event_queue_free(q);
	snatpool_pool_free(p);
}
END_TEST

/* Pushers on several threads, a drainer on another: nothing lost or doubled. */
#define NTHREADS 4
#define PER_THREAD 20000
static struct snatpool_event_queue *mt_q;

static void *pusher(void *arg)
{
	uint32_t id = (uint32_t)(uintptr_t)arg, i;
	struct snatpool_table_event ev;

	for (i = 0; i < PER_THREAD; i++) {
		ev = ev_of(id, i);
		snatpool_event_queue_push(&ev, mt_q);
	}
	return NULL;
}

START_TEST(test_threads)
{
	pthread_t th[NTHREADS];
	struct snatpool_table_event out[64];
	uint32_t next[NTHREADS + 1] = { 0 };
	uint64_t got = 0, dropped = 0;
	size_t queued = 1;
	int i, n, k, running = NTHREADS, joined[NTHREADS] = { 0 };

	ck_assert_int_eq(snatpool_event_queue_new(256, &mt_q), 0);
	for (i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, pusher, (void *)(uintptr_t)(i + 1)), 0);
	while (running) {
		n = snatpool_event_queue_drain(mt_q, out, 64);
		ck_assert_int_ge(n, 0);
		for (k = 0; k < n; k++) {
			/* per pusher, events come in order (some may be dropped) */
			ck_assert_uint_ge(out[k].now, next[out[k].type]);
			next[out[k].type] = out[k].now + 1;
		}
		got += (uint64_t)n;
		if (n == 0) {
			for (running = 0, i = 0; i < NTHREADS; i++) {
				if (!joined[i])
					joined[i] = pthread_tryjoin_np(th[i], NULL) == 0;
				running += !joined[i];
			}
		}
	}
	while ((n = snatpool_event_queue_drain(mt_q, out, 64)) > 0)
		got += (uint64_t)n;
	ck_assert_int_eq(snatpool_event_queue_stats(mt_q, &queued, &dropped), 0);
	ck_assert_uint_eq(queued, 0);
	ck_assert_uint_eq(got + dropped, (uint64_t)NTHREADS * PER_THREAD);
	snatpool_event_queue_free(mt_q);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("event_queue");
	TCase *tc = tcase_create("event_queue");

	tcase_add_test(tc, test_new_free);
	tcase_add_test(tc, test_fifo_wrap_drop);
	tcase_add_test(tc, test_table_hook);
	tcase_add_test(tc, test_threads);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

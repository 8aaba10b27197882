/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * event_queue.c - a bounded ring of table events, filled by the event hook
 * (under a table lock, so: copy and return) and drained by the caller.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SNP_EVQ_MAX_CAPACITY ((size_t)1 << 24)

struct snatpool_event_queue {
	pthread_mutex_t lock;		/* leaf lock: nothing is called under it */
	size_t cap;
	size_t head;			/* oldest event */
	size_t len;
	uint64_t dropped;
	struct snatpool_table_event ring[];
};

SNATPOOL_API int snatpool_event_queue_new(size_t capacity,
					  struct snatpool_event_queue **out)
{
	struct snatpool_event_queue *q;

	if (!out || capacity == 0 || capacity > SNP_EVQ_MAX_CAPACITY)
		return -EINVAL;
	q = calloc(1, sizeof(*q) + capacity * sizeof(q->ring[0]));
	if (!q)
		return -ENOMEM;
	if (pthread_mutex_init(&q->lock, NULL)) {
		free(q);
		return -ENOMEM;
	}
	q->cap = capacity;
	*out = q;
	return 0;
}

SNATPOOL_API void snatpool_event_queue_free(struct snatpool_event_queue *q)
{
	if (!q)
		return;
	pthread_mutex_destroy(&q->lock);
	free(q);
}

SNATPOOL_API void snatpool_event_queue_push(const struct snatpool_table_event *ev,
					    void *ctx)
{
	struct snatpool_event_queue *q = ctx;

	if (!ev || !q)
		return;
	pthread_mutex_lock(&q->lock);
	if (q->len == q->cap) {
		q->dropped++;
	} else {
		q->ring[(q->head + q->len) % q->cap] = *ev;
		q->len++;
	}
	pthread_mutex_unlock(&q->lock);
}

SNATPOOL_API int snatpool_event_queue_drain(struct snatpool_event_queue *q,
					    struct snatpool_table_event *out,
					    size_t max)
{
	size_t n, i;

	if (!q || (!out && max) || max > INT_MAX)
		return -EINVAL;
	pthread_mutex_lock(&q->lock);
	n = q->len < max ? q->len : max;
	for (i = 0; i < n; i++)
		out[i] = q->ring[(q->head + i) % q->cap];
	q->head = (q->head + n) % q->cap;
	q->len -= n;
	pthread_mutex_unlock(&q->lock);
	return (int)n;
}

SNATPOOL_API int snatpool_event_queue_stats(struct snatpool_event_queue *q,
					    size_t *queued, uint64_t *dropped)
{
	if (!q)
		return -EINVAL;
	pthread_mutex_lock(&q->lock);
	if (queued)
		*queued = q->len;
	if (dropped)
		*dropped = q->dropped;
	pthread_mutex_unlock(&q->lock);
	return 0;
}

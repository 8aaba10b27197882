/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * fuzz_vectors.c - the vector reader: any bytes through the one-line
 * checker and the file verifier (through a pipe) give pass, mismatch or
 * malformed with a message; never a crash or a leak.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snatpool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snatpool_vector_result r;
	struct snatpool_verify_stats st;
	int fds[2], rc;

	if (size > 60000)
		return 0;
	rc = snatpool_vector_check((const char *)data, size, &r);
	if (rc != 0 && rc != 1 && rc != -SNATPOOL_EVECTOR)
		abort();
	if (rc && !memchr(r.msg, '\0', sizeof(r.msg)))
		abort();
	if (pipe(fds))
		return 0;
	if (write(fds[1], data, size) != (ssize_t)size)
		abort();	/* fits the pipe buffer: size <= 60000 */
	close(fds[1]);
	rc = snatpool_vectors_verify(fds[0], &st, NULL, NULL);
	close(fds[0]);
	if (rc < 0 || st.malformed > st.failed)
		abort();
	return 0;
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * compute.c - the C consumer of the conformance suite: one selection per
 * job line, straight through the public API.
 *
 *   compute JOBS        jobs from a file (or "-"), results on stdout
 *   compute --bench     per-call cost of snatpool_select(), key=value
 *
 * Jobs (tests/conformance/jobs.py writes them), one result line each:
 *   P \t SEED \t MAGLEV_SIZE \t SPEC   a pool for the S lines after it:
 *                                     "pool ok" or "pool error CODE"
 *   S \t ALGO \t SRC                  "INDEX ADDRESS", or "error CODE"
 *   X \t ALGO \t SRC                  the same through snatpool_select_nat64()
 *                                     (CODE positive: SNATPOOL_E* or errno)
 *   #...                              copied through
 * The Python and Go consumers print exactly the same lines.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <snatpool.h>

/* Split @line at tabs into @f (@n fields); false if it has not @n. */
static int split(char *line, char **f, int n)
{
	int k = 0;
	char *p = line;

	f[k++] = p;
	while ((p = strchr(p, '\t')) != NULL) {
		*p++ = '\0';
		if (k == n)
			return 0;
		f[k++] = p;
	}
	return k == n;
}

static int run_jobs(FILE *in)
{
	struct snatpool *pool = NULL;
	int pool_err = -EINVAL;		/* no P line yet */
	char *line = NULL, text[64];
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;

	while ((len = getline(&line, &cap, in)) >= 0) {
		char *f[4], *end;
		uint8_t src[16], addr[16];
		uint32_t index;
		int algo, fam, rc;

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#') {
			printf("%s\n", line);
		} else if (line[0] == 'P' && split(line, f, 4)) {
			uint64_t seed;
			unsigned long msize;

			errno = 0;
			seed = strtoull(f[1], &end, 10);
			if (errno || *end || !f[1][0])
				goto bad;
			msize = strtoul(f[2], &end, 10);
			if (*end || !f[2][0] || msize > UINT32_MAX)
				goto bad;
			{
				SNATPOOL_OPTS(snatpool_pool_opts, opts, .seed = seed,
					      .maglev_size = (uint32_t)msize);

				snatpool_pool_free(pool);
				pool = NULL;
				pool_err = snatpool_pool_from_spec(f[3], &opts, &pool, NULL);
			}
			if (pool_err)
				printf("pool error %d\n", -pool_err);
			else
				printf("pool ok\n");
		} else if ((line[0] == 'S' || line[0] == 'X') && split(line, f, 3)) {
			algo = snatpool_algo_by_name(f[1]);
			rc = algo < 0 ? algo : snatpool_addr_parse(f[2], &fam, src);
			if (rc >= 0)
				rc = pool_err;
			if (rc >= 0 && line[0] == 'X') {
				rc = fam == AF_INET6 ? snatpool_select_nat64(pool, src, (uint32_t)algo,
									     &index, addr)
						     : -SNATPOOL_EFAMILY;
				fam = AF_INET;
			} else if (rc >= 0) {
				rc = snatpool_select(pool, fam, src, (uint32_t)algo, &index, addr);
			}
			if (rc >= 0)
				rc = snatpool_addr_format(fam, addr, text, sizeof(text));
			if (rc < 0)
				printf("error %d\n", -rc);
			else
				printf("%" PRIu32 " %s\n", index, text);
		} else {
			goto bad;
		}
	}
	free(line);
	snatpool_pool_free(pool);
	return ferror(in) || fflush(stdout) ? 2 : 0;
bad:
	fprintf(stderr, "compute: line %lu: not a job line\n", lineno);
	free(line);
	snatpool_pool_free(pool);
	return 2;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/*
 * The same loop the bindings' benchmarks run: one snatpool_select() per
 * call over precomputed IPv4 sources, best of 5 runs of N calls.
 */
static int bench(unsigned long n)
{
	enum { NSRC = 4096 };
	static uint8_t srcs[NSRC][4];
	struct snatpool *pool;
	uint32_t index, sum = 0;
	uint8_t addr[16];
	double best = 0;
	unsigned long i;
	int run, rc;

	rc = snatpool_pool_from_spec("198.51.100.0/24", NULL, &pool, NULL);
	if (rc) {
		fprintf(stderr, "compute: %s\n", snatpool_strerror(rc));
		return 1;
	}
	for (i = 0; i < NSRC; i++) {
		uint32_t v = (uint32_t)i * 2654435761u;

		srcs[i][0] = 10;
		srcs[i][1] = (uint8_t)(v >> 16);
		srcs[i][2] = (uint8_t)(v >> 8);
		srcs[i][3] = (uint8_t)v;
	}
	for (run = 0; run < 6; run++) {	/* the first run warms up */
		double t0 = now_ns(), ns;

		for (i = 0; i < n; i++) {
			snatpool_select(pool, AF_INET, srcs[i % NSRC], SNATPOOL_ALGO_XXH3_V1,
					&index, addr);
			sum += index + addr[3];
		}
		ns = (now_ns() - t0) / (double)n;
		if (run && (best == 0 || ns < best))
			best = ns;
	}
	snatpool_pool_free(pool);
	printf("call_ns.c.select=%.1f algo=snatpool-xxh3-v1 calls=%lu checksum=%" PRIu32 "\n",
	       best, n, sum);
	return 0;
}

int main(int argc, char **argv)
{
	FILE *in;
	int rc;

	if (argc >= 2 && !strcmp(argv[1], "--bench"))
		return bench(argc >= 3 && strtoul(argv[2], NULL, 10) ?
			     strtoul(argv[2], NULL, 10) : 2000000ul);
	if (argc != 2) {
		fprintf(stderr, "usage: compute JOBS | compute --bench [N]\n");
		return 2;
	}
	in = strcmp(argv[1], "-") ? fopen(argv[1], "r") : stdin;
	if (!in) {
		fprintf(stderr, "compute: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	rc = run_jobs(in);
	if (in != stdin)
		fclose(in);
	return rc;
}

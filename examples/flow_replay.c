/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * flow_replay.c - replay a flow trace through a persistent-NAT table and
 * print the table's counters, one key=value a line.
 *
 * usage: flow_replay [-v] TRACE
 *
 * A trace is text, one record a line, fields separated by blanks, '#'
 * starting a comment:
 *
 *   pool SPEC                      the pool (snatpool_pool_from_spec), first
 *   ports LO HI                    its port range (before pool; default 1024 65535)
 *   option NAME VALUE              table options, before the first flow:
 *     permit none|any|target-host|target-host-port
 *     strategy sequential|random   paired 0|1   parity 0|1   preserve 0|1
 *     timeout S   hold-down S   quota N   max-mappings N   max-sessions N
 *   T claim PROTO SRC SPORT DST DPORT
 *   T release PROTO SRC SPORT
 *   T rollback PROTO SRC SPORT
 *   T expire
 *   T permit PROTO XADDR XPORT REMOTE RPORT
 *
 * T is the time in seconds (non-decreasing); PROTO is tcp, udp, icmp or
 * icmpv6.  With -v each claim prints its translation.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <snatpool.h>

static int proto_of(const char *s)
{
	if (!strcmp(s, "tcp"))
		return IPPROTO_TCP;
	if (!strcmp(s, "udp"))
		return IPPROTO_UDP;
	if (!strcmp(s, "icmp"))
		return IPPROTO_ICMP;
	if (!strcmp(s, "icmpv6"))
		return IPPROTO_ICMPV6;
	return -1;
}

static int set_option(struct snatpool_table_opts *o, const char *name, const char *val)
{
	unsigned long v = strtoul(val, NULL, 10);

	if (!strcmp(name, "permit")) {
		if (!strcmp(val, "none"))
			o->permit = SNATPOOL_PERMIT_NONE;
		else if (!strcmp(val, "any"))
			o->permit = SNATPOOL_PERMIT_ANY_REMOTE_HOST;
		else if (!strcmp(val, "target-host"))
			o->permit = SNATPOOL_PERMIT_TARGET_HOST;
		else if (!strcmp(val, "target-host-port"))
			o->permit = SNATPOOL_PERMIT_TARGET_HOST_PORT;
		else
			return -1;
	} else if (!strcmp(name, "strategy")) {
		if (!strcmp(val, "sequential"))
			o->strategy = SNATPOOL_PORTS_SEQUENTIAL;
		else if (!strcmp(val, "random"))
			o->strategy = SNATPOOL_PORTS_RANDOM;
		else
			return -1;
	} else if (!strcmp(name, "paired")) {
		o->flags = v ? o->flags | SNATPOOL_TABLE_F_PAIRED : o->flags & ~SNATPOOL_TABLE_F_PAIRED;
	} else if (!strcmp(name, "parity")) {
		o->flags = v ? o->flags | SNATPOOL_TABLE_F_PRESERVE_PARITY
			     : o->flags & ~SNATPOOL_TABLE_F_PRESERVE_PARITY;
	} else if (!strcmp(name, "preserve")) {
		o->flags = v ? o->flags & ~SNATPOOL_TABLE_F_NO_PRESERVE
			     : o->flags | SNATPOOL_TABLE_F_NO_PRESERVE;
	} else if (!strcmp(name, "timeout")) {
		o->inactivity_timeout = (uint32_t)v;
	} else if (!strcmp(name, "hold-down")) {
		o->hold_down = (uint32_t)v;
	} else if (!strcmp(name, "quota")) {
		o->port_quota = (uint32_t)v;
	} else if (!strcmp(name, "max-mappings")) {
		o->max_mappings = (uint32_t)v;
	} else if (!strcmp(name, "max-sessions")) {
		o->max_session_number = (uint32_t)v;
	} else {
		return -1;
	}
	return 0;
}

/* PROTO SRC SPORT [DST DPORT] into @f. */
static int parse_flow(char **tok, int ntok, struct snatpool_flow *f)
{
	int p, fam = 0, fam2 = 0;

	memset(f, 0, sizeof(*f));
	if (ntok < 3 || (p = proto_of(tok[0])) < 0 || snatpool_addr_parse(tok[1], &fam, f->src))
		return -1;
	f->proto = (uint8_t)p;
	f->family = fam;
	f->sport = (uint16_t)strtoul(tok[2], NULL, 10);
	if (ntok >= 5) {
		if (snatpool_addr_parse(tok[3], &fam2, f->dst) || fam2 != fam)
			return -1;
		f->dport = (uint16_t)strtoul(tok[4], NULL, 10);
	}
	return 0;
}

int main(int argc, char **argv)
{
	SNATPOOL_OPTS(snatpool_table_opts, topts, .max_mappings = 65536);
	SNATPOOL_OPTS(snatpool_pool_opts, popts);
	SNATPOOL_OPTS(snatpool_table_stats, st);
	struct snatpool_table *t = NULL;
	struct snatpool *pool = NULL;
	struct snatpool_diag diag;
	const char *path;
	char line[1024];
	unsigned long lineno = 0, flows = 0, errors = 0;
	int verbose = 0, err;
	uint32_t now = 0;
	FILE *in;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: flow_replay [-v] TRACE\n");
		return 2;
	}
	path = argv[1];
	in = fopen(path, "r");
	if (!in) {
		perror(path);
		return 2;
	}
	while (fgets(line, sizeof(line), in)) {
		char *tok[16], *save = NULL, *p;
		int ntok = 0;

		lineno++;
		if ((p = strchr(line, '#')))
			*p = '\0';
		for (p = strtok_r(line, " \t\r\n", &save); p && ntok < 16;
		     p = strtok_r(NULL, " \t\r\n", &save))
			tok[ntok++] = p;
		if (!ntok)
			continue;
		if (!strcmp(tok[0], "ports") && ntok == 3 && !pool) {
			popts.port_lo = (uint16_t)strtoul(tok[1], NULL, 10);
			popts.port_hi = (uint16_t)strtoul(tok[2], NULL, 10);
			continue;
		}
		if (!strcmp(tok[0], "pool") && ntok == 2 && !pool) {
			err = snatpool_pool_from_spec(tok[1], &popts, &pool, &diag);
			if (err) {
				fprintf(stderr, "%s:%lu: pool: %s: %s\n", path, lineno, diag.token,
					snatpool_strerror(err));
				return 1;
			}
			continue;
		}
		if (!strcmp(tok[0], "option") && ntok == 3 && !t) {
			if (set_option(&topts, tok[1], tok[2])) {
				fprintf(stderr, "%s:%lu: bad option %s\n", path, lineno, tok[1]);
				return 1;
			}
			continue;
		}
		if (ntok < 2 || !pool) {
			fprintf(stderr, "%s:%lu: expected a flow record after the pool\n", path, lineno);
			return 1;
		}
		if (!t && (err = snatpool_table_new(pool, &topts, &t))) {
			fprintf(stderr, "%s: table: %s\n", path, snatpool_strerror(err));
			return 1;
		}
		now = (uint32_t)strtoul(tok[0], NULL, 10);
		if (!strcmp(tok[1], "expire")) {
			snatpool_table_expire(t, now, 0);
			continue;
		}
		if (!strcmp(tok[1], "permit") && ntok == 7) {
			uint8_t xa[16], ra[16];
			int fx = 0, fr = 0, pr = proto_of(tok[2]);

			if (pr < 0 || snatpool_addr_parse(tok[3], &fx, xa) ||
			    snatpool_addr_parse(tok[5], &fr, ra) || fx != fr) {
				fprintf(stderr, "%s:%lu: bad permit record\n", path, lineno);
				return 1;
			}
			err = snatpool_table_permit(t, fx, (uint8_t)pr, xa,
						    (uint16_t)strtoul(tok[4], NULL, 10), ra,
						    (uint16_t)strtoul(tok[6], NULL, 10), now);
			if (verbose)
				printf("%s:%lu: permit: %s\n", path, lineno,
				       err == 1 ? "yes" : err == 0 ? "no" : snatpool_strerror(err));
			continue;
		}
		{
			struct snatpool_flow f;
			struct snatpool_mapping m;

			if (parse_flow(tok + 2, ntok - 2, &f)) {
				fprintf(stderr, "%s:%lu: bad flow\n", path, lineno);
				return 1;
			}
			if (!strcmp(tok[1], "claim"))
				err = snatpool_table_claim(t, &f, now, &m);
			else if (!strcmp(tok[1], "release"))
				err = snatpool_table_release(t, &f, now);
			else if (!strcmp(tok[1], "rollback"))
				err = snatpool_table_rollback(t, &f, now);
			else {
				fprintf(stderr, "%s:%lu: unknown record %s\n", path, lineno, tok[1]);
				return 1;
			}
			flows++;
			if (err)
				errors++;
			if (verbose && !strcmp(tok[1], "claim")) {
				char xa[64];

				if (err) {
					printf("%s:%lu: claim: %s\n", path, lineno, snatpool_strerror(err));
				} else {
					snatpool_addr_format(m.family, m.xaddr, xa, sizeof(xa));
					printf("%s:%lu: claim: %s %u%s%s\n", path, lineno, xa, m.xport,
					       m.flags & SNATPOOL_MAP_F_REUSED ? " reused" : "",
					       m.flags & SNATPOOL_MAP_F_PRESERVED ? " preserved" : "");
				}
			}
		}
	}
	fclose(in);
	if (!t) {
		fprintf(stderr, "%s: no flow records\n", path);
		return 1;
	}
	snatpool_table_stats(t, &st);
	printf("records=%lu\nfailed=%lu\nnow=%" PRIu32 "\n", flows, errors, now);
#define P(f) printf(#f "=%" PRIu64 "\n", (uint64_t)st.f)
	P(live_flows); P(total_mappings); P(total_tcp_mappings); P(total_udp_mappings);
	P(total_icmp_mappings); P(leases); P(ports_allocated); P(ports_free);
	P(allocations); P(reuses); P(releases); P(rollbacks); P(expirations);
	P(exhausted_ports); P(exhausted_paired); P(exhausted_holddown); P(table_full);
	P(quota_exceeded); P(session_limit); P(permit_denied); P(util_pct); P(util_alarm);
#undef P
	snatpool_table_free(t);
	snatpool_pool_free(pool);
	return 0;
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snat_loader.c - the user-space half shared by xdp_snat and afxdp_snat:
 * the library reference and the BPF object with its maps (pcap I/O is in
 * snat_pcap.c, the command line in harness/pkt/snp_harness.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "snat_loader.h"
#include "snp_harness.h"
#include "snp_pkt.h"
#include "snat.skel.h"

_Static_assert(SNP_PKT_ENOTIP >= 1 && (int)SNP_PKT_EHDR < (int)SNAT_ENOFAMILY,
	       "SNP_PKT_E* must fit in 1..4 of enum snat_status");

const char *snat_prog = "snat";

void snat_die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", snat_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int snat_ref_translate(const struct snatpool *pool, uint32_t algo,
		       uint8_t *frame, uint32_t len, uint32_t *index)
{
	struct snp_pkt p;
	uint8_t src[16], addr[16];
	int err = snp_pkt_parse(frame, frame + len, &p);

	if (err)
		return -err;
	memcpy(src, p.saddr, p.alen);
	if (p.nat64) {		/* IPv6 to 64:ff9b::/96: the IPv4 NAT64 choice */
		uint8_t a4[4];

		err = snatpool_select_nat64(pool, src, algo, index, a4);
		if (!err)
			snp_pkt_nat64_addr(addr, a4);
	} else {
		err = snatpool_select(pool, p.fam == SNP_FAM6 ? AF_INET6 : AF_INET,
				      src, algo, index, addr);
	}
	switch (err) {
	case 0:
		snp_pkt_rewrite(&p, addr);
		return SNAT_OK;
	case -SNATPOOL_ENOFAMILY:
		return SNAT_ENOFAMILY;
	case -SNATPOOL_ENONAT64:
		return SNAT_ENONAT64;
	case -SNATPOOL_ENOTRANGE:
		return SNAT_ENOTRANGE;
	case -SNATPOOL_EALGO:
		return SNAT_EALGO;
	default:
		snat_die("snatpool_select%s: %s", p.nat64 ? "_nat64" : "",
			 snatpool_strerror(err));
	}
}

const char *snat_status_str(uint32_t status)
{
	static const char *const s[SNAT_STATUS_MAX] = {
		[SNAT_OK]          = "ok",
		[SNP_PKT_ENOTIP]   = "not IPv4/IPv6",
		[SNP_PKT_ETRUNC]   = "a header or the IP packet is cut short",
		[SNP_PKT_EPROTO]   = "not UDP/TCP",
		[SNP_PKT_EHDR]     = "bad IP version, IHL or length",
		[SNAT_ENOFAMILY]   = "pool has no address of the family",
		[SNAT_ENOTRANGE]   = "family is not one contiguous range",
		[SNAT_EALGO]       = "unknown algorithm",
		[SNAT_EMAP]        = "map lookup failed",
		[SNAT_PASSTHROUGH] = "passed through",
		[SNAT_ENONAT64]    = "algorithm has no NAT64 rule",
		[SNAT_DET_DROPPED] = "subscriber with no block: dropped",
		[SNAT_DET_OTHER]   = "not of the subscribers' family",
	};

	return status < SNAT_STATUS_MAX && s[status] ? s[status] : "bad status";
}

uint64_t snat_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the BPF object ---------------------------------------------------- */

static int libbpf_warn_only(enum libbpf_print_level level, const char *fmt,
			    va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Batch-fill an array map with @n values of @vsz octets at keys 0..n-1. */
static void fill_array(struct bpf_map *map, const void *vals, uint32_t vsz,
		       uint32_t n)
{
	enum { CHUNK = 65536 };
	uint32_t *keys = malloc(CHUNK * sizeof(*keys));
	int fd = bpf_map__fd(map);
	uint32_t done, i;

	if (!keys)
		snat_die("out of memory");
	for (done = 0; done < n; done += CHUNK) {
		uint32_t cnt = n - done < CHUNK ? n - done : CHUNK;
		LIBBPF_OPTS(bpf_map_batch_opts, bo);
		int err;

		for (i = 0; i < cnt; i++)
			keys[i] = done + i;
		err = bpf_map_update_batch(fd, keys, (const uint8_t *)vals +
					   (size_t)done * vsz, &cnt, &bo);
		if (err)
			snat_die("filling map %s: %s", bpf_map__name(map),
				 strerror(-err));
	}
	free(keys);
}

/* Elements of snat_maglev for a table of @m slots. */
static uint32_t maglev_elems(uint32_t m)
{
	return (m + SNAT_MAGLEV_PER_ELEM - 1) / SNAT_MAGLEV_PER_ELEM;
}

/*
 * Fill snat_maglev (@total elements) from the library's tables: family f's
 * slot s is e[s % 4] of element cfg->mbase[f] + s / 4.
 */
static void fill_maglev(struct bpf_map *map, const struct snat_cfg *cfg,
			const uint16_t *const table[2], uint32_t total)
{
	struct snat_maglev_elem *e = calloc(total, sizeof(*e));
	int f;

	if (!e)
		snat_die("out of memory");
	for (f = 0; f < 2; f++)
		if (cfg->pool.f[f].msize)
			memcpy(e + cfg->mbase[f], table[f],
			       (size_t)cfg->pool.f[f].msize * sizeof(*table[f]));
	fill_array(map, e, sizeof(*e), total);
	free(e);
}

const char *snat_prog_name(enum snat_progid id)
{
	switch (id) {
	case SNAT_PROG_XDP:      return "snat_xdp";
	case SNAT_PROG_XSK_META: return "snat_xsk";
	case SNAT_PROG_XSK_MAP:  return "snat_xsk_map";
	case SNAT_PROG_DET:      return "snat_det";
	}
	return "?";
}

static struct bpf_program *prog_of(struct snat_bpf *skel, enum snat_progid id)
{
	switch (id) {
	case SNAT_PROG_XDP:      return skel->progs.snat_xdp;
	case SNAT_PROG_XSK_META: return skel->progs.snat_xsk;
	case SNAT_PROG_XSK_MAP:  return skel->progs.snat_xsk_map;
	case SNAT_PROG_DET:      return skel->progs.snat_det;
	}
	return NULL;
}

struct bpf_program *snat_bpf_prog(struct snat_bpf *skel)
{
	static const enum snat_progid ids[] = {
		SNAT_PROG_XDP, SNAT_PROG_XSK_META, SNAT_PROG_XSK_MAP, SNAT_PROG_DET,
	};
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (bpf_program__autoload(prog_of(skel, ids[i])))
			return prog_of(skel, ids[i]);
	return NULL;
}

/*
 * The verifier's own complaint in @log: the last line before its
 * "processed N insns" summary that is not an instruction, a register
 * state or a source line.  NULL if the log has none.
 */
static const char *verifier_error(char *log, size_t *len)
{
	const char *best = NULL, *line = log;
	size_t best_len = 0;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (!strncmp(line, "processed ", 10))
			break;
		if (n && !(line[0] >= '0' && line[0] <= '9') && line[0] != ';' &&
		    line[0] != ' ' && strncmp(line, "from ", 5) &&
		    strncmp(line, "func#", 5) && strncmp(line, "Func#", 5) &&
		    strncmp(line, "Validating", 10) && strncmp(line, "R", 1)) {
			best = line;
			best_len = n;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	*len = best_len;
	return best;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level; (void)fmt; (void)ap;
	return 0;
}

struct snat_bpf *snat_bpf_try_load(const struct snatpool *pool, uint32_t algo,
				   uint32_t flags, enum snat_progid id,
				   char *why, size_t whylen)
{
	enum { LOG_SIZE = 16 << 20 };	/* newer kernels keep the log's tail */
	static const int fams[2] = { AF_INET, AF_INET6 };
	static const enum snat_progid ids[] = {
		SNAT_PROG_XDP, SNAT_PROG_XSK_META, SNAT_PROG_XSK_MAP, SNAT_PROG_DET,
	};
	struct snat_cfg cfg = { .algo = algo, .flags = flags };
	const uint16_t *table[2] = { NULL, NULL };
	struct bpf_map *pools[2];
	struct snat_bpf *skel;
	uint32_t key = 0, melems = 0;
	char *log;
	size_t i;
	int f, err;

	log = calloc(1, LOG_SIZE);
	if (!log)
		snat_die("out of memory");
	libbpf_set_print(libbpf_warn_only);
	skel = snat_bpf__open();
	if (!skel)
		snat_die("opening the BPF object: %s", strerror(errno));
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		bpf_program__set_autoload(prog_of(skel, ids[i]), ids[i] == id);
	bpf_program__set_log_buf(prog_of(skel, id), log, LOG_SIZE);
	pools[0] = skel->maps.snat_pool4;
	pools[1] = skel->maps.snat_pool6;
	err = snp_hview_load(pool, &cfg.pool, table);
	if (err)
		snat_die("the pool's view: %s", snatpool_strerror(err));
	for (f = 0; f < 2; f++) {
		uint32_t n = cfg.pool.f[f].n;

		cfg.mbase[f] = melems;
		melems += maglev_elems(cfg.pool.f[f].msize);
		if (bpf_map__set_max_entries(pools[f], n ? (uint32_t)n : 1))
			snat_die("sizing the maps failed");
	}
	if (bpf_map__set_max_entries(skel->maps.snat_maglev, melems ? melems : 1))
		snat_die("sizing the maps failed");
	libbpf_set_print(libbpf_quiet);	/* the reason is @why, one line */
	err = snat_bpf__load(skel);
	libbpf_set_print(libbpf_warn_only);
	if (err) {
		struct utsname u;
		size_t elen;
		const char *e = verifier_error(log, &elen);

		if (uname(&u))
			strcpy(u.release, "?");
		if (e)
			snprintf(why, whylen, "loading program %s: the kernel refuses it: "
				 "%.*s (%s; uname -r: %s)", snat_prog_name(id), (int)elen, e,
				 strerror(-err), u.release);
		else
			snprintf(why, whylen, "loading program %s: %s (uname -r: %s)",
				 snat_prog_name(id), strerror(-err), u.release);
		snat_bpf__destroy(skel);
		free(log);
		return NULL;
	}
	free(log);
	bpf_program__set_log_buf(prog_of(skel, id), NULL, 0);
	for (f = 0; f < 2; f++) {
		uint32_t n = cfg.pool.f[f].n, alen = f ? 16 : 4, k;
		uint8_t *addrs;

		if (!n)
			continue;
		addrs = malloc((size_t)n * alen);
		if (!addrs)
			snat_die("out of memory");
		for (k = 0; k < n; k++)
			snatpool_pool_addr(pool, fams[f], k, addrs + (size_t)k * alen);
		fill_array(pools[f], addrs, alen, n);
		free(addrs);
	}
	if (melems)
		fill_maglev(skel->maps.snat_maglev, &cfg, table, melems);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.snat_cfg), &key, &cfg, BPF_ANY))
		snat_die("writing the config map: %s", strerror(errno));
	return skel;
}

struct snat_bpf *snat_bpf_load(const struct snatpool *pool, uint32_t algo,
			       uint32_t flags, enum snat_progid id)
{
	char why[512];
	struct snat_bpf *skel = snat_bpf_try_load(pool, algo, flags, id, why, sizeof(why));

	if (!skel)
		snat_die("%s", why);
	return skel;
}

void snat_bpf_set_flags(struct snat_bpf *skel, uint32_t flags)
{
	int fd = bpf_map__fd(skel->maps.snat_cfg);
	struct snat_cfg cfg;
	uint32_t key = 0;

	if (bpf_map_lookup_elem(fd, &key, &cfg))
		snat_die("reading the config map: %s", strerror(errno));
	cfg.flags = flags;
	if (bpf_map_update_elem(fd, &key, &cfg, BPF_ANY))
		snat_die("writing the config map: %s", strerror(errno));
}

void snat_bpf_set_pb(struct snat_bpf *skel, const void *pb, size_t size)
{
	uint32_t key = 0;

	if (size != bpf_map__value_size(skel->maps.snat_pb))
		snat_die("snat_pb: %zu octets, the map holds %u", size,
			 bpf_map__value_size(skel->maps.snat_pb));
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.snat_pb), &key, pb, BPF_ANY))
		snat_die("writing the snat_pb map: %s", strerror(errno));
}

void snat_bpf_print_prog_stats(struct snat_bpf *skel, const char *harness)
{
	struct bpf_program *prog = snat_bpf_prog(skel);
	struct bpf_prog_info info;
	uint32_t ilen = sizeof(info);
	const char *progname = bpf_program__name(prog);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &ilen))
		snat_die("bpf_obj_get_info_by_fd: %s", strerror(errno));
	/* instructions the verifier walked (its "processed N insns") */
	printf("verifier_insns.%s.%s=%u\n", harness, progname, info.verified_insns);
	printf("xlated_insns.%s.%s=%u\n", harness, progname, info.xlated_prog_len / 8);
	printf("jited_bytes.%s.%s=%u\n", harness, progname, info.jited_prog_len);
}

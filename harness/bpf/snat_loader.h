/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snat_loader.h - what the XDP and AF_XDP harnesses share in user space:
 * pcap in and out, the library-side reference translation of a frame, and
 * loading snat.bpf.o with its maps filled from a struct snatpool.  The
 * command line is every harness's: harness/pkt/snp_harness.h.
 */
#ifndef SNAT_LOADER_H
#define SNAT_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <snatpool.h>

#include "snat_shared.h"

struct snat_bpf;		/* the bpftool skeleton (snat.skel.h) */
struct bpf_program;

/* One frame of the input, and what the harness made of it. */
struct snat_frame {
	uint8_t  *data;
	uint32_t  caplen, len;	/* captured and original length */
	int64_t   sec, nsec;	/* timestamp, copied to the output */
};

struct snat_frames {
	struct snat_frame *f;
	size_t             n;
};

/* Print "PROG: reason" on stderr (snat_prog names PROG) and exit 1. */
void snat_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Read every frame of an Ethernet pcap into memory; exits on error. */
void snat_pcap_read(const char *path, struct snat_frames *fr);
void snat_frames_free(struct snat_frames *fr);

/* Write @fr (data as it is now) to @path; exits on error. */
void snat_pcap_write(const char *path, const struct snat_frames *fr);

/*
 * The reference: translate @frame (@len octets, changed in place) with the
 * library's choice, through the same parser and rewrite as the XDP program.
 * Returns SNAT_OK and the index, or the status the XDP program should give.
 */
int snat_ref_translate(const struct snatpool *pool, uint32_t algo,
		       uint8_t *frame, uint32_t len, uint32_t *index);

/* Status text: "ok", "not IPv4/IPv6", ... */
const char *snat_status_str(uint32_t status);

/* The programs of snat.bpf.o; a load loads exactly one. */
enum snat_progid {
	SNAT_PROG_XDP,		/* snat_xdp: translate, for BPF_PROG_TEST_RUN */
	SNAT_PROG_XSK_META,	/* snat_xsk: AF_XDP, choice in XDP metadata */
	SNAT_PROG_XSK_MAP,	/* snat_xsk_map: AF_XDP, choice in a ring map */
	SNAT_PROG_DET,		/* snat_det: deterministic NAT, for BPF_PROG_TEST_RUN */
};

/* "snat_xdp", "snat_xsk", "snat_xsk_map" */
const char *snat_prog_name(enum snat_progid id);

/*
 * Open snat.bpf.o (embedded by the skeleton), size its maps from @pool,
 * load program @id alone (the verifier runs here; the others are not
 * loaded, so a kernel that refuses one of them cannot fail this one) and
 * fill the maps.  On failure returns NULL with @why (@whylen octets) set
 * to one line: the program's name, the first error line of the verifier
 * log (or the errno text) and the kernel release (uname -r); nothing is
 * printed.
 */
struct snat_bpf *snat_bpf_try_load(const struct snatpool *pool, uint32_t algo,
				   uint32_t flags, enum snat_progid id,
				   char *why, size_t whylen);

/* snat_bpf_try_load(), or exit 1 with its one line of why. */
struct snat_bpf *snat_bpf_load(const struct snatpool *pool, uint32_t algo,
			       uint32_t flags, enum snat_progid id);

/* The loaded program (the one snat_bpf_try_load() was asked for). */
struct bpf_program *snat_bpf_prog(struct snat_bpf *skel);

void snat_bpf_set_flags(struct snat_bpf *skel, uint32_t flags);

/* snat_det's geometry (a struct snp_pb of lib/core/snp_pb.h) into snat_pb. */
void snat_bpf_set_pb(struct snat_bpf *skel, const void *pb, size_t size);

/* Verifier and JIT figures of the loaded program, printed as key=value. */
void snat_bpf_print_prog_stats(struct snat_bpf *skel, const char *harness);

/* Monotonic clock in nanoseconds. */
uint64_t snat_now_ns(void);

extern const char *snat_prog;

#endif /* SNAT_LOADER_H */

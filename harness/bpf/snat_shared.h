/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snat_shared.h - what the XDP program (snat.bpf.c) and its user-space
 * loaders (xdp_snat.c, afxdp_snat.c) agree on: the layout of the config
 * map, the per-packet result, the AF_XDP metadata and the status codes.
 * Compiled by clang -target bpf and by the host compiler alike.
 */
#ifndef SNAT_SHARED_H
#define SNAT_SHARED_H

#include "core/snp_dispatch.h"

/* cfg.flags */
#define SNAT_F_PASSTHROUGH 1u	/* snat_xdp: return XDP_TX untouched */
#define SNAT_F_HANDOFF     2u	/* snat_xsk*: hand the choice to user space */

/*
 * Status of one packet (snat_result.status, snat_meta.status): 1..4 are the
 * SNP_PKT_E* reasons of harness/pkt/snp_pkt.h (the parser every harness
 * shares), the rest are the selection's.
 */
enum snat_status {
	SNAT_OK = 0,		/* translated (or, in snat_xsk, chosen) */
	SNAT_ENOFAMILY = 5,	/* pool has no address of the family */
	SNAT_ENOTRANGE,		/* linux-nf-persistent on a non-range family */
	SNAT_EALGO,		/* unknown algorithm id */
	SNAT_EMAP,		/* a map lookup failed (table and pool disagree) */
	SNAT_PASSTHROUGH,	/* pass-through path: not looked at */
	SNAT_ENONAT64,		/* NAT64 frame, algorithm without a NAT64 rule */
	SNAT_DET_DROPPED,	/* snat_det: a subscriber-family frame with no block */
	SNAT_DET_OTHER,		/* snat_det: not of the subscribers' family */
	SNAT_STATUS_MAX
};

/* Slot 0 of the config map; written once by the loader. */
struct snat_cfg {
	struct snp_view pool;	/* seed and per family n, msize, contiguous */
	snp_u32 algo;		/* SNATPOOL_ALGO_* (SNP_ALGO_*) */
	snp_u32 flags;		/* SNAT_F_* */
	snp_u32 mbase[2];	/* first snat_maglev element of each table */
};

/* The program's last verdict, in .bss (read by the loader after a test run). */
struct snat_result {
	snp_u32 status;		/* enum snat_status */
	snp_u32 index;		/* configured-order index when status == SNAT_OK */
};

/*
 * How snat_xsk* hands its choice for a frame to the AF_XDP harness.  Some
 * kernels refuse bpf_xdp_adjust_meta() in XDP programs (6.18.44-fc-v1294
 * does, while its helper probes say yes), so there are two programs, each
 * loadable on its own, and the harness learns which one the kernel takes
 * by loading it:
 *
 *   snat_xsk      metadata in front of the frame (bpf_xdp_adjust_meta),
 *                 struct snat_meta at data - sizeof(struct snat_meta);
 *   snat_xsk_map  a record in the snat_handoff ring map: the program counts
 *                 the frames it sees (snat_handoff_seq) and writes frame
 *                 seq's record at slot seq % SNAT_HANDOFF_SLOTS; user space
 *                 reads the map through mmap, and checks seq and length, so
 *                 a lost or foreign record fails the run instead of
 *                 pairing a choice with the wrong frame.
 */
#define SNAT_META_MAGIC 0x736e6174u	/* "snat": the record was written */
struct snat_meta {
	snp_u32 magic;
	snp_u32 status;
	snp_u32 index;
	snp_u32 pad;
};

#define SNAT_HANDOFF_SLOTS 4096u	/* a power of two, >= frames in flight */
struct snat_handoff {
	snp_u32 magic;		/* SNAT_META_MAGIC */
	snp_u32 seq;		/* the program's frame counter for this frame */
	snp_u32 len;		/* data_end - data, as the program saw it */
	snp_u32 status;		/* enum snat_status */
	snp_u32 index;
	snp_u32 pad;		/* 24 octets: an mmap'ed array has no gaps */
};

#define SNAT_XSK_MAX 64		/* XSKMAP entries (queues) */

/*
 * An element of snat_maglev: 4 consecutive 16-bit Maglev table entries.  An
 * array map rounds each value up to 8 octets, so one entry an element
 * would take 8 octets a slot (2 MiB for the default M, four times the
 * library's table); packed, the map is the table's 2 * M octets.
 */
#define SNAT_MAGLEV_PER_ELEM 4
struct snat_maglev_elem {
	snp_u16 e[SNAT_MAGLEV_PER_ELEM];
};

#endif /* SNAT_SHARED_H */

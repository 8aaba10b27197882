/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snat.bpf.c - source NAT in XDP with every libsnatpool algorithm, compiled
 * from the freestanding cores in lib/core (the only copy of each).
 *
 *   snat_xdp  rewrites the IPv4/IPv6 source to the pool address the
 *             configured algorithm picks (an IPv6 frame to 64:ff9b::/96:
 *             the IPv4 address of its NAT64 rule, written as
 *             64:ff9b::A.B.C.D) and returns XDP_TX; a frame it
 *             cannot translate is returned untouched with XDP_PASS.  The
 *             verdict and the index go to snat_last (.bss) for the loader,
 *             which runs frames through BPF_PROG_TEST_RUN (xdp_snat.c).
 *   snat_xsk  redirects every frame to the AF_XDP socket of its queue,
 *             with the choice in front of it as metadata (struct snat_meta)
 *             when SNAT_F_HANDOFF is set, so that the AF_XDP harness can
 *             compare it with the library's on live traffic (afxdp_snat.c).
 *   snat_xsk_map  the same, handing the choice over in the snat_handoff
 *             ring map instead, for kernels that refuse
 *             bpf_xdp_adjust_meta() (snat_shared.h).
 *   snat_det  deterministic NAT (port blocks, lib/core/snp_pb.h through
 *             harness/pkt/snp_det.h): a subscriber's source address and
 *             port go into its block (XDP_TX), a subscriber-family frame
 *             with no block is dropped (XDP_DROP, never sent out
 *             untranslated), other frames pass (XDP_PASS).  The geometry
 *             is the snat_pb map (struct snp_pb, written by the loader from
 *             snatpool_portblock_info()), the addresses snat_pool4.
 *
 * Each program loads on its own (the loader turns autoload off for the
 * others), so a kernel that refuses one takes none of the others down.
 *
 * Maps, all filled by the loader from one struct snatpool: snat_cfg (algo,
 * seed, n and Maglev size per family), snat_pool4/6 (the addresses in
 * configured order) and snat_maglev (snatpool_maglev_table() of both
 * families, packed SNAT_MAGLEV_PER_ELEM entries an element); the sized ones
 * get their max_entries from the pool before the load.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "core/snp_dispatch.h"
#include "snat_shared.h"
#include "snp_pkt.h"
#include "snp_det.h"

struct snat_addr6 {
	__u8 a[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct snat_cfg);
} snat_cfg SEC(".maps");

/* max_entries of the next four: set from the pool by the loader */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);		/* network-order octets, as stored */
} snat_pool4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct snat_addr6);
} snat_pool6 SEC(".maps");

/*
 * Both Maglev tables in one map (as Katran's ch_rings holds every ring):
 * slot s of family f is e[s % 4] of element cfg.mbase[f] + s / 4.  With a
 * map for each family clang merges the two lookups into one call site whose
 * map is a register; the verifier then cannot inline the array lookup and
 * leaves a helper call (an indirect call through map->ops) per packet.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct snat_maglev_elem);
} snat_maglev SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, SNAT_XSK_MAX);
	__type(key, __u32);
	__type(value, __u32);
} snat_xsks SEC(".maps");

/* The AF_XDP hand-off ring of snat_xsk_map, read by user space via mmap. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SNAT_HANDOFF_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct snat_handoff);
} snat_handoff SEC(".maps");

/* snat_det's geometry: slot 0, written by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct snp_pb);
} snat_pb SEC(".maps");

struct snat_result snat_last;
__u32 snat_handoff_seq;		/* frames snat_xsk_map has handed over */

/*
 * The index @cfg's algorithm picks for @src of family @fam (4 or 16 octets):
 * snp_dispatch() chooses, a slot it returns is looked up in snat_maglev.
 * @nat64 (an IPv6 frame to 64:ff9b::/96): the IPv6 source chooses in the
 * IPv4 family and its table by the algorithm's NAT64 rule
 * (snp_dispatch_nat64()); an algorithm without one gives SNAT_ENONAT64.
 */
static __always_inline int snat_choose(const struct snat_cfg *cfg, __u8 fam,
				       int nat64, const __u8 *src, __u32 *index)
{
	__u32 f = fam == SNP_FAM6 && !nat64;
	const struct snp_view_family *vf = f ? &cfg->pool.f[1] : &cfg->pool.f[0];
	__u32 v, key;
	struct snat_maglev_elem *e;
	int kind = nat64 ? snp_dispatch_nat64(cfg->algo, vf, cfg->pool.seed, src, &v)
			 : snp_dispatch(cfg->algo, vf, cfg->pool.seed, src, &v);

	switch (kind) {
	case SNP_PICK_INDEX:
		break;
	case SNP_PICK_SLOT:
		key = (f ? cfg->mbase[1] : cfg->mbase[0]) + v / SNAT_MAGLEV_PER_ELEM;
		e = bpf_map_lookup_elem(&snat_maglev, &key);
		if (!e)
			return SNAT_EMAP;
		v = e->e[v % SNAT_MAGLEV_PER_ELEM];
		break;
	case SNP_PICK_ENOFAMILY:
		return SNAT_ENOFAMILY;
	case SNP_PICK_ENOTRANGE:
		return SNAT_ENOTRANGE;
	case SNP_PICK_ENOTABLE:
		return SNAT_EMAP;
	case SNP_PICK_ENONAT64:
		return SNAT_ENONAT64;
	default:		/* SNP_PICK_EALGO and any kind this program does not know */
		return SNAT_EALGO;
	}
	if (v >= vf->n)
		return SNAT_EMAP;
	*index = v;
	return SNAT_OK;
}

/* Parse the frame and choose; the source is copied to @src. */
static __always_inline int snat_frame_choose(struct xdp_md *ctx,
					     const struct snat_cfg *cfg,
					     struct snp_pkt *p, __u8 src[16],
					     __u32 *index)
{
	__u8 *data = (__u8 *)(long)ctx->data;
	__u8 *end = (__u8 *)(long)ctx->data_end;
	unsigned int i;
	int err = snp_pkt_parse(data, end, p);

	if (err)
		return -err;		/* SNP_PKT_E*: 1..4 */
	for (i = 0; i < 16; i++) {
		if (i >= p->alen)
			break;
		src[i] = p->saddr[i];
	}
	return snat_choose(cfg, p->fam, p->nat64, src, index);
}

SEC("xdp")
int snat_xdp(struct xdp_md *ctx)
{
	__u32 key = 0, index = 0;
	__u8 src[16] = {};
	struct snp_pkt p;
	struct snat_cfg *cfg;
	int st;

	cfg = bpf_map_lookup_elem(&snat_cfg, &key);
	if (!cfg)
		return XDP_ABORTED;
	if (cfg->flags & SNAT_F_PASSTHROUGH) {
		snat_last.status = SNAT_PASSTHROUGH;
		return XDP_TX;
	}
	st = snat_frame_choose(ctx, cfg, &p, src, &index);
	if (st == SNAT_OK) {
		const __u8 *a = 0;
		__u8 naddr[16];

		if (p.fam == SNP_FAM6 && !p.nat64) {
			struct snat_addr6 *a6 = bpf_map_lookup_elem(&snat_pool6, &index);

			if (a6)
				a = a6->a;
		} else {
			a = bpf_map_lookup_elem(&snat_pool4, &index);
			if (a && p.nat64) {	/* the IPv4 choice, as 64:ff9b::A.B.C.D */
				snp_pkt_nat64_addr(naddr, a);
				a = naddr;
			}
		}
		if (a)
			snp_pkt_rewrite(&p, a);
		else
			st = SNAT_EMAP;
	}
	snat_last.status = st;
	snat_last.index = index;
	return st == SNAT_OK ? XDP_TX : XDP_PASS;
}

/*
 * The AF_XDP programs redirect every frame to the socket of its queue;
 * with SNAT_F_HANDOFF they first choose and hand the choice over, in front
 * of the frame (snat_xsk) or in the snat_handoff ring (snat_xsk_map).  The
 * loader loads exactly one of them (snat_shared.h says why).  Their common
 * part: NULL when the choice is not to be handed over, else the config,
 * with *@st and *@index set for the frame.
 */
static __always_inline const struct snat_cfg *snat_xsk_choose(struct xdp_md *ctx,
							      int *st, __u32 *index)
{
	__u32 key = 0;
	__u8 src[16] = {};
	struct snp_pkt p;
	struct snat_cfg *cfg = bpf_map_lookup_elem(&snat_cfg, &key);

	if (!cfg || !(cfg->flags & SNAT_F_HANDOFF))
		return NULL;
	*index = 0;
	*st = snat_frame_choose(ctx, cfg, &p, src, index);
	return cfg;
}

SEC("xdp")
int snat_xsk(struct xdp_md *ctx)
{
	struct snat_meta *meta;
	__u32 index;
	int st;

	if (snat_xsk_choose(ctx, &st, &index) &&
	    bpf_xdp_adjust_meta(ctx, -(int)sizeof(*meta)) == 0) {
		meta = (void *)(long)ctx->data_meta;
		if ((__u8 *)(meta + 1) <= (__u8 *)(long)ctx->data) {
			meta->magic = SNAT_META_MAGIC;
			meta->status = st;
			meta->index = index;
			meta->pad = 0;
		}
	}
	return bpf_redirect_map(&snat_xsks, ctx->rx_queue_index, XDP_PASS);
}

SEC("xdp")
int snat_xsk_map(struct xdp_md *ctx)
{
	struct snat_handoff *h;
	__u32 index, seq, slot;
	int st;

	if (snat_xsk_choose(ctx, &st, &index)) {
		/*
		 * One sender, one queue: frames come one at a time, in order
		 * (the harness fails on reordering anyway), so a plain counter
		 * is enough; a race would show as a wrong seq in user space.
		 */
		seq = snat_handoff_seq;
		snat_handoff_seq = seq + 1;
		slot = seq & (SNAT_HANDOFF_SLOTS - 1);
		h = bpf_map_lookup_elem(&snat_handoff, &slot);
		if (h) {
			h->seq = seq;
			h->len = (__u32)(ctx->data_end - ctx->data);
			h->status = st;
			h->index = index;
			h->pad = 0;
			h->magic = SNAT_META_MAGIC;
		}
	}
	return bpf_redirect_map(&snat_xsks, ctx->rx_queue_index, XDP_PASS);
}

SEC("xdp")
int snat_det(struct xdp_md *ctx)
{
	__u8 *data = (__u8 *)(long)ctx->data;
	__u8 *end = (__u8 *)(long)ctx->data_end;
	__u32 key = 0;
	struct snp_pb *g = bpf_map_lookup_elem(&snat_pb, &key);
	struct snp_pb_slot s = {};
	struct snp_pkt p;
	__u16 nport = 0;
	__u8 *x;
	int err;

	if (!g)
		return XDP_ABORTED;
	err = snp_pkt_parse(data, end, &p);
	if (err) {
		snat_last.status = -err;
		return XDP_PASS;
	}
	switch (snp_det_pick(g, &p, &s, &nport)) {
	case SNP_DET_PASS:
		snat_last.status = SNAT_DET_OTHER;
		return XDP_PASS;
	case SNP_DET_DROP:
		snat_last.status = SNAT_DET_DROPPED;
		return XDP_DROP;
	}
	x = bpf_map_lookup_elem(&snat_pool4, &s.xindex);
	if (!x) {		/* fail closed */
		snat_last.status = SNAT_EMAP;
		return XDP_DROP;
	}
	snp_det_apply(&p, x, nport);
	snat_last.status = SNAT_OK;
	snat_last.index = s.xindex;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

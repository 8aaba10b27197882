/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_det.h - deterministic NAT (port blocks) of one parsed frame, for every
 * harness: the XDP program (clang -target bpf), AF_XDP, DPDK and the
 * library reference path.  Freestanding, like snp_pkt.h.
 *
 *   SNP_DET_PASS  the frame is not of the subscribers' family (or not
 *                 UDP/TCP): passed on unchanged, as before
 *   SNP_DET_DROP  a subscriber-family frame with no block (outside the
 *                 subscribers, or a fragment without ports): fail closed,
 *                 never sent out untranslated
 *   SNP_DET_XLAT  translated: source address and port rewritten
 *
 * IPv6 subscribers (xpf's NAT64 mode) get an IPv4 address; the frame stays
 * IPv6 with the source 64:ff9b::A.B.C.D (snp_pkt_nat64_addr(), as the
 * harnesses' NAT64 selection writes it), so that the chosen address and
 * port are checked without an RFC 7915 header translation.
 */
#ifndef SNP_DET_H
#define SNP_DET_H

#include "snp_pkt.h"
#include "core/snp_dispatch.h"

enum snp_det_verdict { SNP_DET_PASS = 0, SNP_DET_XLAT = 1, SNP_DET_DROP = 2 };

/* The block of @p's source, and the port inside it; the verdict. */
static SNP_INLINE int snp_det_pick(const struct snp_pb *g, const struct snp_pkt *p,
				   struct snp_pb_slot *s, snp_u16 *nport)
{
	if (p->fam != g->fam)
		return SNP_DET_PASS;
	if (!p->sport || snp_dispatch_block(g, p->saddr, s) != SNP_PICK_BLOCK)
		return SNP_DET_DROP;
	*nport = (snp_u16)snp_pb_port_stateless(s, snp_load_be16(p->sport));
	return SNP_DET_XLAT;
}

/* Rewrite @p to the IPv4 address @x4 (4 octets) and port @nport. */
static SNP_INLINE void snp_det_apply(const struct snp_pkt *p, const snp_u8 *x4, snp_u16 nport)
{
	snp_u8 m[16];

	if (p->alen == 4) {
		snp_pkt_rewrite_nat(p, x4, nport);
		return;
	}
	snp_pkt_nat64_addr(m, x4);
	snp_pkt_rewrite_nat(p, m, nport);
}

#endif /* SNP_DET_H */

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snp_pkt.h - find the source address of an Ethernet frame and rewrite it
 * with incremental checksum updates (RFC 1624), for every harness: the
 * library reference path (harness/lib), DPDK, the AF_XDP userspace program
 * and, compiled with clang -target bpf, the XDP program.
 *
 *   +----------+---------+----------------------+-------------+---------
 *   | dst  src | [802.1Q]| IPv4 (IHL*4 octets)  | UDP 8 / TCP | payload
 *   | MAC  MAC | type    | or IPv6 (40 octets)  | >= 20       |
 *   +----------+---------+----------------------+-------------+---------
 *                         ^ saddr at +12 (v4) or +8 (v6); csum at +6 (UDP)
 *                           or +16 (TCP) of the L4 header
 *
 * What translates: IPv4 (any IHL, non-first fragments get the IP checksum
 * only) and IPv6 whose next header is UDP or TCP directly, with the whole
 * IP packet (by its length field) inside the frame.  Anything else is
 * reported as an error and must be passed on unchanged by the caller.
 *
 * Freestanding like lib/core (static inline, fixed-width types, no libc,
 * octets loaded one at a time, constant loop bounds) and written for the
 * BPF verifier: every access is preceded by a pointer comparison against
 * @end on the same pointer.
 */
#ifndef SNP_PKT_H
#define SNP_PKT_H

#include "core/snp_common.h"

#define SNP_ETH_HLEN     14
#define SNP_ETH_P_IPV4   0x0800
#define SNP_ETH_P_IPV6   0x86dd
#define SNP_ETH_P_8021Q  0x8100
#define SNP_ETH_P_8021AD 0x88a8
#define SNP_IPPROTO_TCP  6
#define SNP_IPPROTO_UDP  17

/* Why a frame was not translated (negated by snp_pkt_parse()). */
enum snp_pkt_err {
	SNP_PKT_ENOTIP = 1,	/* neither IPv4 nor IPv6 */
	SNP_PKT_ETRUNC,		/* a header or the IP packet is cut short */
	SNP_PKT_EPROTO,		/* not UDP or TCP (IPv6: extension headers) */
	SNP_PKT_EHDR,		/* bad version, IHL or length field */
};

struct snp_pkt {
	snp_u8 *ip;		/* IPv4 or IPv6 header */
	snp_u8 *saddr;		/* source address, 4 or 16 octets */
	snp_u8 *l4csum;		/* UDP/TCP checksum; NULL: not in this frame */
	snp_u8 *sport;		/* UDP/TCP source port; NULL: not in this frame */
	snp_u8  fam;		/* SNP_FAM4 or SNP_FAM6 */
	snp_u8  alen;		/* 4 or 16 */
	snp_u8  proto;		/* SNP_IPPROTO_UDP or SNP_IPPROTO_TCP */
	snp_u8  udp4;		/* IPv4 UDP: a zero checksum stays zero */
	snp_u8  nat64;		/* IPv6 to 64:ff9b::/96: NAT64 (snp_pkt_nat64_addr()) */
};

static SNP_INLINE snp_u16 snp_load_be16(const snp_u8 *p)
{
	return (snp_u16)((snp_u16)p[0] << 8 | p[1]);
}

static SNP_INLINE void snp_store_be16(snp_u8 *p, snp_u16 v)
{
	p[0] = (snp_u8)(v >> 8);
	p[1] = (snp_u8)v;
}

/*
 * Parse the frame [@data, @end).  Returns 0 and fills @p, or a negative
 * SNP_PKT_E* code (then @p is unspecified).
 */
static SNP_INLINE int snp_pkt_parse(snp_u8 *data, const snp_u8 *end,
				    struct snp_pkt *p)
{
	snp_u8 *ip = data + SNP_ETH_HLEN, *l4;
	snp_u16 type;
	snp_u32 ihl, tot;

	if (data + SNP_ETH_HLEN > end)
		return -SNP_PKT_ETRUNC;
	type = snp_load_be16(data + 12);
	if (type == SNP_ETH_P_8021Q || type == SNP_ETH_P_8021AD) {
		if (data + SNP_ETH_HLEN + 4 > end)
			return -SNP_PKT_ETRUNC;
		type = snp_load_be16(data + 16);
		ip = data + SNP_ETH_HLEN + 4;
	}

	if (type == SNP_ETH_P_IPV4) {
		if (ip + 20 > end)
			return -SNP_PKT_ETRUNC;
		if ((ip[0] >> 4) != 4)
			return -SNP_PKT_EHDR;
		ihl = (snp_u32)(ip[0] & 0x0f) * 4;
		tot = snp_load_be16(ip + 2);
		if (ihl < 20 || tot < ihl)
			return -SNP_PKT_EHDR;
		if (ip + tot > end)
			return -SNP_PKT_ETRUNC;
		if (ip[9] != SNP_IPPROTO_UDP && ip[9] != SNP_IPPROTO_TCP)
			return -SNP_PKT_EPROTO;
		p->ip = ip;
		p->saddr = ip + 12;
		p->fam = SNP_FAM4;
		p->alen = 4;
		p->proto = ip[9];
		p->udp4 = ip[9] == SNP_IPPROTO_UDP;
		p->nat64 = 0;
		p->l4csum = 0;
		p->sport = 0;
		/* A non-first fragment carries no L4 header. */
		if ((snp_load_be16(ip + 6) & 0x1fff) != 0)
			return 0;
		l4 = ip + ihl;
		if (ip[9] == SNP_IPPROTO_UDP) {
			if (l4 + 8 > end || ihl + 8 > tot)
				return -SNP_PKT_ETRUNC;
			p->l4csum = l4 + 6;
		} else {
			if (l4 + 20 > end || ihl + 20 > tot)
				return -SNP_PKT_ETRUNC;
			p->l4csum = l4 + 16;
		}
		p->sport = l4;
		return 0;
	}

	if (type == SNP_ETH_P_IPV6) {
		if (ip + 40 > end)
			return -SNP_PKT_ETRUNC;
		if ((ip[0] >> 4) != 6)
			return -SNP_PKT_EHDR;
		tot = snp_load_be16(ip + 4);
		if (ip + 40 + tot > end)
			return -SNP_PKT_ETRUNC;
		if (ip[6] != SNP_IPPROTO_UDP && ip[6] != SNP_IPPROTO_TCP)
			return -SNP_PKT_EPROTO;
		l4 = ip + 40;
		if (ip[6] == SNP_IPPROTO_UDP) {
			if (l4 + 8 > end || tot < 8)
				return -SNP_PKT_ETRUNC;
			p->l4csum = l4 + 6;
		} else {
			if (l4 + 20 > end || tot < 20)
				return -SNP_PKT_ETRUNC;
			p->l4csum = l4 + 16;
		}
		p->sport = l4;
		p->ip = ip;
		p->saddr = ip + 8;
		p->fam = SNP_FAM6;
		p->alen = 16;
		p->proto = ip[6];
		p->udp4 = 0;
		/* destination in the NAT64 well-known prefix 64:ff9b::/96 (RFC 6052) */
		p->nat64 = ip[24] == 0x00 && ip[25] == 0x64 && ip[26] == 0xff &&
			   ip[27] == 0x9b && ip[28] == 0 && ip[29] == 0 && ip[30] == 0 &&
			   ip[31] == 0 && ip[32] == 0 && ip[33] == 0 && ip[34] == 0 &&
			   ip[35] == 0;
		return 0;
	}
	return -SNP_PKT_ENOTIP;
}

/* Fold a 32-bit sum of 16-bit words (< 2^22 here) to 16 bits. */
static SNP_INLINE snp_u32 snp_csum_fold(snp_u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s;
}

/* RFC 1624 eqn 3: HC' = ~(~HC + ~m + m'); @delta is the sum of ~m + m'. */
static SNP_INLINE snp_u16 snp_csum_update(snp_u16 hc, snp_u32 delta)
{
	return (snp_u16)~snp_csum_fold((snp_u32)(snp_u16)~hc + delta);
}

/* ~old + new of the 16-bit word at @off, and the new word stored. */
static SNP_INLINE snp_u32 snp_pkt_swap16(snp_u8 *p, const snp_u8 *n,
					 unsigned int off)
{
	snp_u32 d = (snp_u16)~snp_load_be16(p + off);

	d += snp_load_be16(n + off);
	p[off] = n[off];
	p[off + 1] = n[off + 1];
	return d;
}

/*
 * Replace the source address with @naddr (@p->alen octets) and update the
 * IPv4 header checksum and the UDP/TCP checksum.  An IPv4 UDP checksum of
 * zero (none) stays zero; a UDP checksum that comes out zero is sent as
 * 0xffff (RFC 768, RFC 8200).
 */
static SNP_INLINE void snp_pkt_rewrite_l4(const struct snp_pkt *p,
					  const snp_u8 *naddr, snp_u32 l4delta);

static SNP_INLINE void snp_pkt_rewrite(const struct snp_pkt *p,
				       const snp_u8 *naddr)
{
	snp_pkt_rewrite_l4(p, naddr, 0);
}

/*
 * snp_pkt_rewrite(), with @l4delta (a sum of ~old + new words, as
 * snp_pkt_swap16() gives) of changes that only the L4 checksum covers,
 * folded into the same update.
 */
static SNP_INLINE void snp_pkt_rewrite_l4(const struct snp_pkt *p,
					  const snp_u8 *naddr, snp_u32 l4delta)
{
	snp_u8 *sa = p->saddr;
	snp_u32 delta;

	delta = snp_pkt_swap16(sa, naddr, 0) + snp_pkt_swap16(sa, naddr, 2);
	if (p->alen == 16) {
		delta += snp_pkt_swap16(sa, naddr, 4) + snp_pkt_swap16(sa, naddr, 6);
		delta += snp_pkt_swap16(sa, naddr, 8) + snp_pkt_swap16(sa, naddr, 10);
		delta += snp_pkt_swap16(sa, naddr, 12) + snp_pkt_swap16(sa, naddr, 14);
	} else {
		snp_store_be16(p->ip + 10,
			       snp_csum_update(snp_load_be16(p->ip + 10), delta));
	}
	if (p->l4csum) {
		snp_u16 c = snp_load_be16(p->l4csum);

		if (p->udp4 && c == 0)
			return;
		c = snp_csum_update(c, delta + l4delta);
		if (p->proto == SNP_IPPROTO_UDP && c == 0)
			c = 0xffff;
		snp_store_be16(p->l4csum, c);
	}
}

/*
 * NAT64 frames (@p->nat64): the harnesses choose an IPv4 pool address by
 * the algorithm's NAT64 rule and make the choice visible without RFC 7915
 * header translation: the IPv6 source becomes the chosen address embedded
 * in the well-known prefix, 64:ff9b::A.B.C.D (RFC 6052), written with
 * snp_pkt_rewrite() (L4 checksum updated, length unchanged).  A stateless
 * RFC 7915 translator with that prefix would turn it into A.B.C.D.
 */
static SNP_INLINE void snp_pkt_nat64_addr(snp_u8 naddr[16], const snp_u8 *addr4)
{
	naddr[0] = 0x00; naddr[1] = 0x64; naddr[2] = 0xff; naddr[3] = 0x9b;
	naddr[4] = 0; naddr[5] = 0; naddr[6] = 0; naddr[7] = 0;
	naddr[8] = 0; naddr[9] = 0; naddr[10] = 0; naddr[11] = 0;
	naddr[12] = addr4[0]; naddr[13] = addr4[1];
	naddr[14] = addr4[2]; naddr[15] = addr4[3];
}

/*
 * Deterministic NAT (port blocks): replace the source address with @naddr
 * and the source port with @nport, one incremental update of each checksum
 * for both.  The caller checked that @p->sport is set (a first fragment or
 * a whole packet).
 */
static SNP_INLINE void snp_pkt_rewrite_nat(const struct snp_pkt *p,
					   const snp_u8 *naddr, snp_u16 nport)
{
	snp_u8 np[2];

	snp_store_be16(np, nport);
	snp_pkt_rewrite_l4(p, naddr, snp_pkt_swap16(p->sport, np, 0));
}

#endif /* SNP_PKT_H */

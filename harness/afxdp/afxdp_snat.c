/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * afxdp_snat.c - the AF_XDP dataplane harness: frames of IN.pcap cross a
 * veth pair between two network namespaces of its own, are received on an
 * AF_XDP socket, translated in user space with the library
 * (snatpool_select_burst()) and written to OUT.pcap in input order.
 *
 *   afxdp_snat --algo NAME --pool SPEC [--seed N] --in IN.pcap --out OUT.pcap
 *              [--bench] [--passthrough] [--handoff auto|meta|map]
 *
 *   ns snpx-PID-tx                       ns snpx-PID-rx
 *   AF_PACKET raw socket --> veth0 ===== veth1 --> XDP snat_xsk[_map] (SKB)
 *   (IN.pcap frames, dst MAC          |  choice -> metadata or map, redirect
 *    set to veth1's)                  v
 *                               AF_XDP socket, copy mode, queue 0
 *                               -> snatpool_select_burst() + rewrite
 *                                  (IPv6 to 64:ff9b::/96: the NAT64 burst,
 *                                  64:ff9b::A.B.C.D, harness/README.md)
 *                               -> OUT.pcap (original dst MAC put back)
 *
 * One thread drives both ends (a socket stays in the namespace it was made
 * in): it sends a window of frames, then takes them off the RX ring.  On a
 * veth the frames arrive in the order they were sent, so frame k received
 * is frame k sent; every received frame is compared with what was sent and
 * any loss, reordering or alteration fails the run.
 *
 * The XDP program (snat.bpf.c, the cores of lib/core compiled for BPF)
 * hands its own choice for each frame over, and every frame's BPF choice is
 * compared with the library's, so a run also checks the BPF build of every
 * algorithm on live traffic.  The hand-off (--handoff) is XDP metadata
 * (snat_xsk, "meta") or a ring map read through mmap (snat_xsk_map,
 * "map"); "auto", the default, loads snat_xsk and falls back to
 * snat_xsk_map when the kernel refuses it: some refuse
 * bpf_xdp_adjust_meta() while their helper probes say yes, so only a real
 * load tells.  The line afxdp_handoff=meta|map says which one ran.
 *
 * Frames shorter than an Ethernet header or longer than the veth MTU
 * (SNAT_AFXDP_MTU) cannot cross; they are written unchanged and counted.
 *
 * With --pbalgo (deterministic NAT, snp_harness.h) user space translates
 * each received frame with the port-block core (harness/pkt/snp_det.h, the
 * code of lib/core that xpf's AF_XDP dataplane would carry): subscribers'
 * address and port into their block, subscriber-family frames with no
 * block dropped (left out of OUT.pcap), and the counts line gains
 * dropped=N.  The XDP program then only redirects (no hand-off).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "snat_loader.h"
#include "snp_det.h"
#include "snp_harness.h"
#include "snat.skel.h"

#define SNAT_AFXDP_MTU 3826		/* veth MTU: frames up to MTU + 14 = a
					   UMEM frame less XDP_PACKET_HEADROOM */
#define NUM_FRAMES     4096
#define FRAME_SIZE     XSK_UMEM__DEFAULT_FRAME_SIZE	/* 4096 */
#define RING_SIZE      2048
#define WINDOW         256		/* frames in flight; <= RING_SIZE / 2 */
#define RECV_TIMEOUT_MS 5000

extern char **environ;

/* ---- namespaces and the veth pair ------------------------------------- */

static char ns_tx[32], ns_rx[32];
static int ns_made;
static int ifindex_rx;
static volatile sig_atomic_t got_signal;

static int run_cmd(char *const argv[])
{
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ))
		return -1;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Run "ip ARGS..." (words split on spaces); die with the command on failure. */
static void ip_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void ip_cmd(const char *fmt, ...)
{
	char line[256], *argv[32], *save = NULL, *w;
	int n = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	{
		char copy[256];

		memcpy(copy, line, sizeof(copy));
		argv[n++] = "ip";
		for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			if (n == 31)
				snat_die("'ip %s': too many words", line);
			argv[n++] = w;
		}
		argv[n] = NULL;
		if (run_cmd(argv))
			snat_die("'ip %s' failed (needs root and iproute2)", line);
	}
}

static void ns_cleanup(void)
{
	char *del_tx[] = { "ip", "netns", "del", ns_tx, NULL };
	char *del_rx[] = { "ip", "netns", "del", ns_rx, NULL };

	if (!ns_made)
		return;
	ns_made = 0;
	run_cmd(del_tx);
	run_cmd(del_rx);
}

static void on_signal(int sig)
{
	got_signal = sig;
}

static int ns_fd(const char *name)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		snat_die("%s: %s", path, strerror(errno));
	return fd;
}

static void ns_enter(int fd, const char *name)
{
	if (setns(fd, CLONE_NEWNET))
		snat_die("setns %s: %s", name, strerror(errno));
}

static void write_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		snat_die("%s: %s", path, strerror(errno));
	close(fd);
}

/*
 * Make ns_tx and ns_rx with IPv6 off (before the veth exists: no ND/MLD
 * frames), veth0 in ns_tx and veth1 in ns_rx, both up.  Returns with the
 * thread in ns_rx; *tx_fd and *rx_fd are the namespaces.
 */
static void ns_setup(int *tx_fd, int *rx_fd)
{
	int root = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct sigaction sa = { .sa_handler = on_signal };

	if (root < 0)
		snat_die("/proc/self/ns/net: %s", strerror(errno));
	snprintf(ns_tx, sizeof(ns_tx), "snpx-%d-tx", (int)getpid());
	snprintf(ns_rx, sizeof(ns_rx), "snpx-%d-rx", (int)getpid());
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	atexit(ns_cleanup);
	ns_made = 1;
	ip_cmd("netns add %s", ns_tx);
	ip_cmd("netns add %s", ns_rx);
	*tx_fd = ns_fd(ns_tx);
	*rx_fd = ns_fd(ns_rx);
	ns_enter(*tx_fd, ns_tx);
	write_sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	ns_enter(*rx_fd, ns_rx);
	write_sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	ns_enter(root, "(root)");
	close(root);
	ip_cmd("link add veth0 netns %s mtu %d type veth peer name veth1 netns %s mtu %d",
	       ns_tx, SNAT_AFXDP_MTU, ns_rx, SNAT_AFXDP_MTU);
	ip_cmd("-n %s link set veth0 up", ns_tx);
	ip_cmd("-n %s link set veth1 up", ns_rx);
	ns_enter(*rx_fd, ns_rx);
}

/* ---- the AF_XDP socket ------------------------------------------------- */

struct xsk {
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *sock;
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq, rx;
	struct xsk_ring_prod tx;
};

static void xsk_open(struct xsk *x, struct snat_bpf *skel)
{
	struct xsk_umem_config ucfg = {
		.fill_size = RING_SIZE, .comp_size = RING_SIZE,
		.frame_size = FRAME_SIZE, .frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = RING_SIZE, .tx_size = RING_SIZE,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = XDP_FLAGS_SKB_MODE, .bind_flags = XDP_COPY,
	};
	size_t size = (size_t)NUM_FRAMES * FRAME_SIZE;
	uint32_t idx, i;
	int err;

	x->area = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->area == MAP_FAILED)
		snat_die("mmap of the UMEM: %s", strerror(errno));
	err = xsk_umem__create(&x->umem, x->area, size, &x->fq, &x->cq, &ucfg);
	if (err)
		snat_die("xsk_umem__create: %s", strerror(-err));
	err = xsk_socket__create(&x->sock, "veth1", 0, x->umem, &x->rx, &x->tx, &scfg);
	if (err)
		snat_die("xsk_socket__create on veth1: %s", strerror(-err));
	err = bpf_xdp_attach(ifindex_rx, bpf_program__fd(snat_bpf_prog(skel)),
			     XDP_FLAGS_SKB_MODE, NULL);
	if (err)
		snat_die("attaching %s to veth1: %s",
			 bpf_program__name(snat_bpf_prog(skel)), strerror(-err));
	err = xsk_socket__update_xskmap(x->sock, bpf_map__fd(skel->maps.snat_xsks));
	if (err)
		snat_die("xsk_socket__update_xskmap: %s", strerror(-err));
	/* frames 0..RING_SIZE-1 live in the fill ring, the rest are spare */
	if (xsk_ring_prod__reserve(&x->fq, RING_SIZE, &idx) != RING_SIZE)
		snat_die("cannot fill the fill ring");
	for (i = 0; i < RING_SIZE; i++)
		*xsk_ring_prod__fill_addr(&x->fq, idx + i) = (uint64_t)i * FRAME_SIZE;
	xsk_ring_prod__submit(&x->fq, RING_SIZE);
}

static void xsk_close(struct xsk *x)
{
	bpf_xdp_detach(ifindex_rx, XDP_FLAGS_SKB_MODE, NULL);
	xsk_socket__delete(x->sock);
	xsk_umem__delete(x->umem);
	munmap(x->area, (size_t)NUM_FRAMES * FRAME_SIZE);
}

/* ---- one replay of the frames ------------------------------------------ */

struct replay {
	const struct snatpool *pool;
	uint32_t algo;
	int       tx_sock;
	uint8_t   mac_rx[ETH_ALEN];
	const struct snat_frames *in;	/* the input, as read */
	uint8_t **sendbuf;		/* frame i with dst MAC = veth1's */
	uint8_t  *sendable;		/* 1: frame i can cross the veth */
	uint8_t  *addrs[2];		/* pool addresses per family, packed */
	size_t    nsend;
	/* how the XDP program hands its choice over */
	enum snat_progid prog;		/* SNAT_PROG_XSK_META or _MAP */
	const struct snat_handoff *ring;	/* snat_handoff, mmap'ed (_MAP) */
	uint32_t  seq;			/* the next record the ring must hold */
	/* per run */
	int       translate, check, meta;
	struct snat_frames *out;	/* NULL: do not keep the frames */
	size_t    translated, errors, disagree, dropped;
	uint64_t  received;
	/* deterministic NAT (--pbalgo): the core's geometry */
	const struct snp_pb *det;
	uint8_t  *drop;			/* 1: frame i was dropped */
	uint64_t  inner_ns;		/* time in translate_burst() */
};

/* Send frames [from, to) that can cross; returns how many were sent. */
static size_t send_window(struct replay *r, size_t from, size_t to, size_t *ids)
{
	struct mmsghdr msgs[WINDOW];
	struct iovec iov[WINDOW];
	size_t i, n = 0, done = 0;

	for (i = from; i < to; i++) {
		if (!r->sendable[i])
			continue;
		iov[n].iov_base = r->sendbuf[i];
		iov[n].iov_len = r->in->f[i].caplen;
		memset(&msgs[n], 0, sizeof(msgs[n]));
		msgs[n].msg_hdr.msg_iov = &iov[n];
		msgs[n].msg_hdr.msg_iovlen = 1;
		ids[n++] = i;
	}
	while (done < n) {
		int s = sendmmsg(r->tx_sock, msgs + done, (unsigned int)(n - done), 0);

		if (s < 0) {
			if (errno == EINTR && !got_signal)
				continue;
			snat_die("sending on veth0: %s", strerror(errno));
		}
		done += (size_t)s;
	}
	return n;
}

/*
 * Deterministic NAT of the @n received frames @data[] (lengths @len[],
 * input frames @ids[]) in place with the port-block core; @st[] gets each
 * status: a frame of another family counts as an error (SNAT_ENOFAMILY),
 * one to drop is marked in r->drop.
 */
static void translate_det(struct replay *r, uint8_t **data, const uint32_t *len,
			  size_t n, uint32_t *st, const size_t *ids)
{
	struct snp_pkt p;
	struct snp_pb_slot s;
	uint16_t nport;
	size_t i;

	for (i = 0; i < n; i++) {
		int err = snp_pkt_parse(data[i], data[i] + len[i], &p);

		st[i] = err ? (uint32_t)-err : SNAT_ENOFAMILY;
		if (err)
			continue;
		switch (snp_det_pick(r->det, &p, &s, &nport)) {
		case SNP_DET_XLAT:
			snp_det_apply(&p, r->addrs[0] + (size_t)s.xindex * 4, nport);
			st[i] = SNAT_OK;
			break;
		case SNP_DET_DROP:
			r->drop[ids[i]] = 1;
			st[i] = SNAT_OK;
			break;
		}
	}
}

/*
 * Translate the @n received frames @data[] (lengths @len[]) in place with
 * snatpool_select_burst(), one call per family; @st[] gets each status.
 */
static void translate_burst(struct replay *r, uint8_t **data, const uint32_t *len,
			    size_t n, uint32_t *st, uint32_t *index)
{
	static const int af[2] = { AF_INET, AF_INET6 };
	struct snp_pkt p[WINDOW];
	uint8_t srcs[3][WINDOW * 16];
	uint32_t idx[3][WINDOW], which[3][WINDOW];
	size_t cnt[3] = { 0, 0, 0 }, i, k;
	int f;

	/* groups: [0] IPv4, [1] IPv6, [2] IPv6 to 64:ff9b::/96 (NAT64) */
	for (i = 0; i < n; i++) {
		int err = snp_pkt_parse(data[i], data[i] + len[i], &p[i]);

		if (err) {
			st[i] = (uint32_t)-err;
			continue;
		}
		f = p[i].nat64 ? 2 : p[i].fam == SNP_FAM6;
		memcpy(srcs[f] + cnt[f] * p[i].alen, p[i].saddr, p[i].alen);
		which[f][cnt[f]++] = (uint32_t)i;
		st[i] = SNAT_OK;
	}
	for (f = 0; f < 3; f++) {
		uint32_t alen = f == 0 ? 4 : 16;
		int got;

		if (!cnt[f])
			continue;
		if (f == 2)
			got = snatpool_select_nat64_burst(r->pool, srcs[f], cnt[f], r->algo,
							  idx[f]);
		else
			got = snatpool_select_burst(r->pool, af[f], srcs[f], cnt[f], r->algo,
						    idx[f]);
		if (got == -SNATPOOL_ENOFAMILY || got == -SNATPOOL_ENONAT64) {
			for (k = 0; k < cnt[f]; k++)
				st[which[f][k]] = got == -SNATPOOL_ENOFAMILY ?
						  SNAT_ENOFAMILY : SNAT_ENONAT64;
			continue;
		}
		if (got != (int)cnt[f])
			snat_die("snatpool_select%s_burst: %s", f == 2 ? "_nat64" : "",
				 snatpool_strerror(got));
		for (k = 0; k < cnt[f]; k++) {
			uint8_t naddr[16];

			i = which[f][k];
			index[i] = idx[f][k];
			if (f == 2) {
				snp_pkt_nat64_addr(naddr, r->addrs[0] + (size_t)idx[f][k] * 4);
				snp_pkt_rewrite(&p[i], naddr);
			} else {
				snp_pkt_rewrite(&p[i], r->addrs[f] + (size_t)idx[f][k] * alen);
			}
		}
	}
}

/*
 * The XDP program's choice for frame @id (@data, @len as received): from
 * the metadata in front of it, or from the next record of the ring map.
 */
static void bpf_choice(struct replay *r, size_t id, const uint8_t *data,
		       uint32_t len, uint32_t *st, uint32_t *index)
{
	if (r->prog == SNAT_PROG_XSK_META) {
		const struct snat_meta *md = (const void *)(data - sizeof(*md));

		if (md->magic != SNAT_META_MAGIC)
			snat_die("frame %zu: no metadata from snat_xsk", id + 1);
		*st = md->status;
		*index = md->index;
	} else {
		const struct snat_handoff *h =
			&r->ring[r->seq & (SNAT_HANDOFF_SLOTS - 1)];
		/* written before the frame was redirected, so before we saw it */
		uint32_t magic = __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE);

		if (magic != SNAT_META_MAGIC || h->seq != r->seq || h->len != len)
			snat_die("frame %zu: snat_xsk_map's record %u is not this "
				 "frame's (seq %u, %u octets; the frame has %u)", id + 1,
				 r->seq, h->seq, h->len, len);
		*st = h->status;
		*index = h->index;
		r->seq++;
	}
}

/* Take the @n frames sent (ids[]) off the RX ring, translate, keep. */
static void recv_window(struct replay *r, struct xsk *x, const size_t *ids, size_t n)
{
	size_t got = 0;

	while (got < n) {
		uint8_t *data[WINDOW];
		uint32_t len[WINDOW], st[WINDOW], index[WINDOW];
		uint64_t addr[WINDOW];
		uint32_t idx_rx, idx_fq, k, m;

		m = xsk_ring_cons__peek(&x->rx, (uint32_t)(n - got), &idx_rx);
		if (!m) {
			struct pollfd pfd = { .fd = xsk_socket__fd(x->sock), .events = POLLIN };
			int pr = poll(&pfd, 1, RECV_TIMEOUT_MS);

			if (got_signal)
				snat_die("stopped by signal %d", (int)got_signal);
			if (pr < 0 && errno != EINTR)
				snat_die("poll: %s", strerror(errno));
			if (pr == 0)
				snat_die("%zu of %zu frames of a window never arrived "
					 "(frame %zu first missing)", n - got, n, ids[got] + 1);
			continue;
		}
		for (k = 0; k < m; k++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x->rx, idx_rx + k);
			size_t i = ids[got + k];

			addr[k] = d->addr;
			data[k] = xsk_umem__get_data(x->area, d->addr);
			len[k] = d->len;
			if (len[k] != r->in->f[i].caplen ||
			    (r->check && memcmp(data[k], r->sendbuf[i], len[k])))
				snat_die("frame %zu: what arrived (%u octets) is not what was "
					 "sent (%u): lost, reordered or foreign frame", i + 1,
					 len[k], r->in->f[i].caplen);
			index[k] = 0;
		}
		if (r->meta) {
			/* the BPF choice, read before the rewrite changes the frame */
			for (k = 0; k < m; k++)
				bpf_choice(r, ids[got + k], data[k], len[k], &st[k],
					   &index[k]);
		}
		if (r->translate) {
			uint32_t bst[WINDOW], bidx[WINDOW];
			uint64_t t0;

			if (r->meta) {
				memcpy(bst, st, m * sizeof(*st));
				memcpy(bidx, index, m * sizeof(*index));
			}
			t0 = snat_now_ns();
			if (r->det)
				translate_det(r, data, len, m, st, ids + got);
			else
				translate_burst(r, data, len, m, st, index);
			r->inner_ns += snat_now_ns() - t0;
			for (k = 0; k < m; k++) {
				if (r->det && r->drop[ids[got + k]])
					r->dropped++;
				else if (st[k] == SNAT_OK)
					r->translated++;
				else
					r->errors++;
				if (r->meta && (bst[k] != st[k] ||
						(st[k] == SNAT_OK && bidx[k] != index[k])) &&
				    r->disagree++ < 5)
					fprintf(stderr, "%s: frame %zu: BPF says %s/%u, the "
						"library %s/%u\n", snat_prog, ids[got + k] + 1,
						snat_status_str(bst[k]), bidx[k],
						snat_status_str(st[k]), index[k]);
			}
		}
		if (r->out) {
			for (k = 0; k < m; k++) {
				struct snat_frame *o = &r->out->f[ids[got + k]];

				memcpy(o->data, data[k], len[k]);
				memcpy(o->data, r->in->f[ids[got + k]].data, ETH_ALEN);
			}
		}
		xsk_ring_cons__release(&x->rx, m);
		/* give the frames back to the kernel */
		if (xsk_ring_prod__reserve(&x->fq, m, &idx_fq) != m)
			snat_die("fill ring full");
		for (k = 0; k < m; k++)
			*xsk_ring_prod__fill_addr(&x->fq, idx_fq + k) = addr[k];
		xsk_ring_prod__submit(&x->fq, m);
		got += m;
		r->received += m;
	}
}

/* Replay frames [from, to) once; returns the wall time in ns. */
static uint64_t replay_window(struct replay *r, struct xsk *x, size_t from, size_t to)
{
	size_t ids[WINDOW], n;
	uint64_t t0 = snat_now_ns();

	if (got_signal)		/* exit() runs ns_cleanup() */
		snat_die("stopped by signal %d", (int)got_signal);
	n = send_window(r, from, to, ids);
	recv_window(r, x, ids, n);
	return snat_now_ns() - t0;
}

/* Replay every frame once, a window at a time. */
static void replay_all(struct replay *r, struct xsk *x)
{
	size_t from;

	for (from = 0; from < r->in->n; from += WINDOW)
		replay_window(r, x, from, from + WINDOW < r->in->n ? from + WINDOW : r->in->n);
}

/* ---- main -------------------------------------------------------------- */

static int open_tx_socket(int tx_fd)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int s;

	ns_enter(tx_fd, ns_tx);
	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);	/* 0: send only */
	if (s < 0)
		snat_die("AF_PACKET socket: %s", strerror(errno));
	sll.sll_ifindex = (int)if_nametoindex("veth0");
	if (!sll.sll_ifindex || bind(s, (struct sockaddr *)&sll, sizeof(sll)))
		snat_die("binding to veth0: %s", strerror(errno));
	return s;
}

static void rx_mac(uint8_t mac[ETH_ALEN])
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "veth1");
	if (s < 0 || ioctl(s, SIOCGIFHWADDR, &ifr))
		snat_die("MAC of veth1: %s", strerror(errno));
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	close(s);
}

/*
 * Translating against passing through, window by window: each window is
 * sent, received and translated, then sent and received again untouched
 * (the order swapped every round), @rounds times, and each mode keeps its
 * best time for the window.  Both modes do the same send, XDP redirect,
 * copy, ring and fill-queue work on the same frames at the same moment, so
 * the difference is the translation (parse, select, rewrite, including the
 * cache misses on the frames it reads); pairing per window rather than per
 * replay keeps a drift of the machine (a shared VM) out of the difference.
 * A window takes well under a time slice, so its best of many rounds is
 * an uninterrupted one.
 */
static void bench(struct replay *r, struct xsk *x, struct snat_bpf *skel,
		  const char *algo_name)
{
	size_t rounds = r->nsend ? (400000 + r->nsend - 1) / r->nsend : 1, k, from;
	uint64_t sum[2] = { 0, 0 }, inner = 0;
	double ns[2];
	int mode;

	if (!r->nsend)
		snat_die("--bench: no frame can cross the veth");
	if (rounds < 32)
		rounds = 32;
	snat_bpf_set_flags(skel, 0);	/* snat_xsk* only redirect */
	r->meta = 0;
	r->check = 0;
	r->out = NULL;
	r->translate = 1;
	replay_all(r, x);		/* warm-up */
	for (from = 0; from < r->in->n; from += WINDOW) {
		size_t to = from + WINDOW < r->in->n ? from + WINDOW : r->in->n;
		uint64_t best[2] = { UINT64_MAX, UINT64_MAX }, best_inner = UINT64_MAX;

		for (k = 0; k < rounds; k++) {
			size_t j;

			for (j = 0; j < 2; j++) {
				uint64_t t;

				mode = (int)((k + j) & 1);
				r->translate = mode;
				r->inner_ns = 0;
				t = replay_window(r, x, from, to);
				if (t < best[mode])
					best[mode] = t;
				if (mode && r->inner_ns < best_inner)
					best_inner = r->inner_ns;
			}
		}
		sum[0] += best[0];
		sum[1] += best[1];
		inner += best_inner;
	}
	for (mode = 0; mode < 2; mode++)
		ns[mode] = (double)sum[mode] / (double)r->nsend;
	printf("ns_per_pkt.afxdp.%s=%.1f\n", algo_name, ns[1]);
	printf("passthrough_ns_per_pkt.afxdp=%.1f\n", ns[0]);
	printf("added_ns.afxdp.%s=%.1f\n", algo_name, ns[1] - ns[0]);
	printf("cost.afxdp.%s=%.3f\n", algo_name, 1.0 - ns[0] / ns[1]);
	printf("pps.afxdp.%s=%.0f\n", algo_name, 1e9 / ns[1]);
	printf("passthrough_pps.afxdp=%.0f\n", 1e9 / ns[0]);
	/* translate_burst() timed alone, best of the rounds for each window */
	printf("translate_ns.afxdp.%s=%.1f\n", algo_name, (double)inner / (double)r->nsend);
	snat_bpf_print_prog_stats(skel, "afxdp");
}

/*
 * Load the AF_XDP program that --handoff asks for; "auto" tries metadata
 * first and takes the ring map when the kernel refuses it, saying so.
 * Prints afxdp_handoff=meta|map.
 */
static struct snat_bpf *load_xsk(const struct snatpool *pool,
				 const struct snp_hargs *a, struct replay *r)
{
	const char *mode = a->handoff ? a->handoff : "auto";
	uint32_t flags = a->passthrough ? 0 : SNAT_F_HANDOFF;
	struct snat_bpf *skel = NULL;
	char why[512];
	size_t size;
	void *ring;

	if (strcmp(mode, "map")) {
		r->prog = SNAT_PROG_XSK_META;
		skel = snat_bpf_try_load(pool, a->algo, flags, r->prog, why, sizeof(why));
		if (!skel && !strcmp(mode, "meta"))
			snat_die("%s", why);
		if (!skel)
			printf("afxdp_meta_refused=%s\n", why);
	}
	if (!skel) {
		r->prog = SNAT_PROG_XSK_MAP;
		skel = snat_bpf_load(pool, a->algo, flags, r->prog);
		size = (size_t)SNAT_HANDOFF_SLOTS * sizeof(struct snat_handoff);
		ring = mmap(NULL, size, PROT_READ, MAP_SHARED,
			    bpf_map__fd(skel->maps.snat_handoff), 0);
		if (ring == MAP_FAILED)
			snat_die("mmap of snat_handoff: %s", strerror(errno));
		r->ring = ring;
	}
	printf("afxdp_handoff=%s\n", r->prog == SNAT_PROG_XSK_META ? "meta" : "map");
	return skel;
}

int main(int argc, char **argv)
{
	struct snat_frames in, out;
	struct replay r;
	struct snp_hargs a;
	struct snatpool *pool;
	struct snat_bpf *skel;
	struct xsk x;
	struct snatpool_portblock *pb = NULL;
	struct snp_pb g;
	int tx_fd, rx_fd, f;
	size_t i, translated, errors;

	snat_prog = "afxdp_snat";
	snp_hargs_parse(argc, argv, snat_prog, &a);
	pool = snp_hargs_pool(snat_prog, &a);
	snat_pcap_read(a.in, &in);
	memset(&r, 0, sizeof(r));
	if (a.pbalgo_name) {
		/* the XDP program only redirects: no choice to hand over */
		snp_hargs_portblock(snat_prog, &a, pool, &g, &pb);
		if (a.bench)
			snat_die("--bench: not with --pbalgo");
		a.algo = snatpool_pool_default_algo(pool);
		a.passthrough = 1;	/* for load_xsk(): no hand-off */
		skel = load_xsk(pool, &a, &r);
		a.passthrough = 0;
		r.det = &g;
		r.drop = calloc(in.n ? in.n : 1, 1);
		if (!r.drop)
			snat_die("out of memory");
	} else {
		skel = load_xsk(pool, &a, &r);
	}

	r.pool = pool;
	r.algo = a.algo;
	r.in = &in;
	for (f = 0; f < 2; f++) {
		int af = f ? AF_INET6 : AF_INET;
		uint32_t n = (uint32_t)snatpool_pool_count(pool, af), k, alen = f ? 16 : 4;

		r.addrs[f] = malloc((size_t)(n ? n : 1) * alen);
		if (!r.addrs[f])
			snat_die("out of memory");
		for (k = 0; k < n; k++)
			snatpool_pool_addr(pool, af, k, r.addrs[f] + (size_t)k * alen);
	}

	ns_setup(&tx_fd, &rx_fd);
	ifindex_rx = (int)if_nametoindex("veth1");
	if (!ifindex_rx)
		snat_die("veth1: %s", strerror(errno));
	rx_mac(r.mac_rx);
	xsk_open(&x, skel);
	r.tx_sock = open_tx_socket(tx_fd);
	ns_enter(rx_fd, ns_rx);

	/* what goes out: dst MAC = veth1's; what comes out: the input, to start */
	r.sendbuf = calloc(in.n ? in.n : 1, sizeof(*r.sendbuf));
	r.sendable = calloc(in.n ? in.n : 1, 1);
	out.n = in.n;
	out.f = calloc(in.n ? in.n : 1, sizeof(*out.f));
	if (!r.sendbuf || !r.sendable || !out.f)
		snat_die("out of memory");
	for (i = 0; i < in.n; i++) {
		const struct snat_frame *fi = &in.f[i];

		out.f[i] = *fi;
		out.f[i].data = malloc(fi->caplen ? fi->caplen : 1);
		if (!out.f[i].data)
			snat_die("out of memory");
		memcpy(out.f[i].data, fi->data, fi->caplen);
		r.sendable[i] = fi->caplen >= ETH_HLEN &&
				fi->caplen <= SNAT_AFXDP_MTU + ETH_HLEN;
		if (!r.sendable[i]) {
			if (!a.passthrough)
				r.errors++;
			continue;
		}
		r.sendbuf[i] = malloc(fi->caplen);
		if (!r.sendbuf[i])
			snat_die("out of memory");
		memcpy(r.sendbuf[i], fi->data, fi->caplen);
		memcpy(r.sendbuf[i], r.mac_rx, ETH_ALEN);
		r.nsend++;
	}
	if (r.errors)
		fprintf(stderr, "%s: %zu frames left unchanged: shorter than %d or longer "
			"than %d octets (cannot cross the veth)\n", snat_prog, r.errors,
			ETH_HLEN, SNAT_AFXDP_MTU + ETH_HLEN);

	r.translate = !a.passthrough;
	r.meta = !a.passthrough && !r.det;
	r.check = 1;
	r.out = &out;
	replay_all(&r, &x);
	if (r.disagree)
		snat_die("the XDP program and libsnatpool disagree on %zu of %zu frames",
			 r.disagree, r.nsend);
	if (r.det) {	/* fail closed: dropped frames are not sent on */
		size_t j = 0;

		for (i = 0; i < out.n; i++) {
			if (r.drop[i])
				free(out.f[i].data);
			else
				out.f[j++] = out.f[i];
		}
		out.n = j;
	}
	snat_pcap_write(a.out, &out);
	translated = r.translated;	/* this run's: bench() replays the frames */
	errors = r.errors;
	if (a.bench)			/* refused with --pbalgo */
		bench(&r, &x, skel, a.algo_name);
	snp_hcounts(r.det != NULL, in.n, translated, r.dropped, errors);
	xsk_close(&x);
	close(r.tx_sock);
	if (r.ring)
		munmap((void *)r.ring, (size_t)SNAT_HANDOFF_SLOTS * sizeof(*r.ring));
	snat_bpf__destroy(skel);
	ns_cleanup();
	for (i = 0; i < in.n; i++)
		free(r.sendbuf[i]);
	free(r.sendbuf);
	free(r.sendable);
	free(r.addrs[0]);
	free(r.addrs[1]);
	free(r.drop);
	snatpool_portblock_free(pb);
	snat_frames_free(&out);
	snat_frames_free(&in);
	snatpool_pool_free(pool);
	return fflush(stdout) ? 1 : 0;
}

/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * snat_pcap.c - frames in and out of pcap files for the harnesses.  Apart
 * from snat_loader.c because <pcap/bpf.h> and <linux/bpf.h> both define
 * struct bpf_insn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "snat_loader.h"

void snat_pcap_read(const char *path, struct snat_frames *fr)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	size_t cap = 0;
	pcap_t *pc;
	int r;

	memset(fr, 0, sizeof(*fr));
	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO,
						  errbuf);
	if (!pc)
		snat_die("%s", errbuf);
	if (pcap_datalink(pc) != DLT_EN10MB)
		snat_die("%s: link type %s, not Ethernet", path,
			 pcap_datalink_val_to_name(pcap_datalink(pc)));
	while ((r = pcap_next_ex(pc, &h, &d)) == 1) {
		struct snat_frame *f;

		if (fr->n == cap) {
			cap = cap ? 2 * cap : 1024;
			fr->f = realloc(fr->f, cap * sizeof(*fr->f));
			if (!fr->f)
				snat_die("out of memory");
		}
		f = &fr->f[fr->n++];
		f->caplen = h->caplen;
		f->len = h->len;
		f->sec = h->ts.tv_sec;
		f->nsec = h->ts.tv_usec;	/* nanoseconds: see the precision above */
		f->data = malloc(h->caplen ? h->caplen : 1);
		if (!f->data)
			snat_die("out of memory");
		memcpy(f->data, d, h->caplen);
	}
	if (r == -1)
		snat_die("%s: %s", path, pcap_geterr(pc));
	pcap_close(pc);
}

void snat_frames_free(struct snat_frames *fr)
{
	size_t i;

	for (i = 0; i < fr->n; i++)
		free(fr->f[i].data);
	free(fr->f);
	memset(fr, 0, sizeof(*fr));
}

void snat_pcap_write(const char *path, const struct snat_frames *fr)
{
	pcap_t *pc = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65536,
							 PCAP_TSTAMP_PRECISION_NANO);
	pcap_dumper_t *pd;
	size_t i;

	if (!pc)
		snat_die("pcap_open_dead failed");
	pd = pcap_dump_open(pc, path);
	if (!pd)
		snat_die("%s: %s", path, pcap_geterr(pc));
	for (i = 0; i < fr->n; i++) {
		const struct snat_frame *f = &fr->f[i];
		struct pcap_pkthdr h = {
			.ts = { .tv_sec = f->sec, .tv_usec = f->nsec },
			.caplen = f->caplen, .len = f->len,
		};

		pcap_dump((u_char *)pd, &h, f->data);
	}
	if (pcap_dump_flush(pd) || ferror(pcap_dump_file(pd)))
		snat_die("%s: write failed", path);
	pcap_dump_close(pd);
	pcap_close(pc);
}

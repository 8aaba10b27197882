# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Dataplane harnesses.  Each part keeps its rules in its own fragment.
# eBPF/XDP and AF_XDP (owner: BPF/AF_XDP harness):
include harness/bpf.mk
include harness/afxdp.mk
# DPDK, capture generator and conformance runner (owner: DPDK harness):
include harness/dpdk.mk
include harness/conformance.mk

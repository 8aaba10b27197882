#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Write the deterministic-NAT capture of the dataplane harnesses: flows
from the subscribers of the port-block cases of tests/harness/conformance.sh
(most inside the subscriber prefixes, some just outside, which every
dataplane must drop), built with gen_flows.py's frame writers.

    /usr/bin/python3 harness/pcapgen/gen_subscribers.py --out det.pcap

Sources: 700 addresses of 100.64.0.0/22 and the edges around it; 500 IPv6
sources of 2001:db8::/32 whose subscriber word (octets 4-7) is below 1100
(xpf-det-v0 NAT64 subscribers; a few past the pool's capacity), with
random host octets, some with another /32 and the same word (xpf does not
compare the prefix); 8 frames no harness translates.  Deterministic.
"""

import argparse
import ipaddress
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_flows as gf  # noqa: E402


def sources(rng):
    v4, seen = [], set()
    base = int(ipaddress.IPv4Address("100.64.0.0"))
    for v in [base - 1, base, base + 1, base + 1023, base + 1024, base + 2048,
              int(ipaddress.IPv4Address("10.0.0.1"))]:
        v4.append(ipaddress.IPv4Address(v))
    while len(v4) < 700:
        a = ipaddress.IPv4Address(base + rng.randrange(0, 1100))
        if a not in seen:
            seen.add(a)
            v4.append(a)
    v6 = []
    for _ in range(500):
        word = rng.randrange(0, 1100)
        pfx = 0x20010db8 if rng.random() < 0.9 else 0x3fff0001
        v6.append(ipaddress.IPv6Address(pfx << 96 | word << 64 | rng.getrandbits(64)))
    return v4 + list(dict.fromkeys(v6))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--flows", type=int, default=3000)
    ap.add_argument("--seed", type=lambda s: int(s, 0), default=0x7422)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    srcs = sources(rng)
    rng.shuffle(srcs)
    flows = gf.make_flows(args.flows, srcs, rng)
    frames = [gf.flow_frame(f, 0, rng) for f in flows]
    extra = gf.extra_frames()
    step = max(1, len(frames) // (len(extra) + 1))
    for k, fr in enumerate(extra):
        frames.insert((k + 1) * step + k, fr)
    with open(args.out, "wb") as out:
        gf.write_pcap(out, frames)
    print("flows=%d sources=%d packets=%d extra=%d" % (len(flows), len(srcs), len(frames),
                                                       len(extra)), file=sys.stderr)


if __name__ == "__main__":
    main()

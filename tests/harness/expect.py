# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Golden pool addresses for the dataplane conformance test, two ways that
must agree before any harness is judged:

  * models(): the independent Python implementations of
    tests/vectors/gen/ (hashlib, python3-xxhash, plain-Python jhash and
    Maglev), which never load libsnatpool;
  * cli(): `snatpool select` (the library through its CLI, $SNATPOOL).

Both return {source (ipaddress object): pool address (ipaddress object)}.
models_nat64() and cli_nat64() do the same for NAT64 (IPv6 sources, the
pool's IPv4 addresses) and return {} for an algorithm without a NAT64 rule
or a pool without IPv4 addresses: those frames are not translated.
"""

import ipaddress
import os
import subprocess
import sys

GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "..", "vectors", "gen")
sys.path.insert(0, GEN)

import common                  # noqa: E402
import linux_nf_persistent     # noqa: E402
import snatpool_maglev_v1      # noqa: E402
import snatpool_xxh3_v1        # noqa: E402
import xpf_legacy_v0           # noqa: E402
import xpf_userspace_v1        # noqa: E402

PICK = {
    "xpf-legacy-v0": xpf_legacy_v0.pick,
    "xpf-userspace-v1": xpf_userspace_v1.pick,
    "linux-nf-persistent": linux_nf_persistent.pick,
    "snatpool-xxh3-v1": snatpool_xxh3_v1.pick,
    "snatpool-maglev-v1": snatpool_maglev_v1.pick,
}
ALGOS = list(PICK)
PICK_NAT64 = {          # the algorithms with a NAT64 rule (docs/algorithms.md)
    "xpf-legacy-v0": xpf_legacy_v0.pick_nat64,
    "snatpool-xxh3-v1": snatpool_xxh3_v1.pick_nat64,
    "snatpool-maglev-v1": snatpool_maglev_v1.pick_nat64,
}


def models(algo, spec, seed, srcs):
    """Expected address of each source of @srcs from the Python models."""
    fams = common.parse_spec(spec)
    if algo == "linux-nf-persistent":
        for fam in (4, 6):
            if fams[fam] and not common.nf_range(fams[fam]):
                raise ValueError("%s: IPv%d part of %r is not one range"
                                 % (algo, fam, spec))
    pick = PICK[algo]
    out = {}
    # One family after the other: the Maglev model keeps one table at a time.
    for src in sorted(srcs, key=lambda a: a.version):
        addrs = fams[src.version]
        if not addrs:
            continue
        i = pick(src.version, addrs, seed, src)
        out[src] = addrs[i]
    return out


def cli(snatpool, algo, spec, seed, srcs):
    """Expected address of each source of @srcs from `snatpool select`."""
    srcs = list(srcs)
    text = "".join(str(s) + "\n" for s in srcs)
    r = subprocess.run([snatpool, "select", "--algo", algo, "--pool", spec,
                        "--seed", str(seed)], input=text.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=False)
    if r.returncode != 0:
        raise RuntimeError("snatpool select failed (%d): %s"
                           % (r.returncode, r.stderr.decode().strip()))
    out = {}
    lines = r.stdout.decode().splitlines()
    if len(lines) != len(srcs):
        raise RuntimeError("snatpool select printed %d lines for %d sources"
                           % (len(lines), len(srcs)))
    for src, ln in zip(srcs, lines):
        f = ln.split()
        if len(f) != 3 or ipaddress.ip_address(f[0]) != src:
            raise RuntimeError("snatpool select: unexpected line %r for %s"
                               % (ln, src))
        out[src] = ipaddress.ip_address(f[1])
    return out


def models_nat64(algo, spec, seed, srcs):
    """Expected IPv4 address of each IPv6 source of @srcs (NAT64)."""
    addrs = common.parse_spec(spec)[4]
    if algo not in PICK_NAT64 or not addrs:
        return {}
    return {src: addrs[PICK_NAT64[algo](addrs, seed, src)] for src in srcs}


def cli_nat64(snatpool, algo, spec, seed, srcs):
    """The same from `snatpool select --nat64` ({} when it refuses: no rule
    or no IPv4 address, a usage error)."""
    srcs = list(srcs)
    if not srcs:
        return {}
    text = "".join(str(s) + "\n" for s in srcs)
    r = subprocess.run([snatpool, "select", "--algo", algo, "--pool", spec,
                        "--seed", str(seed), "--nat64"], input=text.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if r.returncode == 2:
        return {}
    if r.returncode != 0:
        raise RuntimeError("snatpool select --nat64 failed (%d): %s"
                           % (r.returncode, r.stderr.decode().strip()))
    out = {}
    lines = r.stdout.decode().splitlines()
    if len(lines) != len(srcs):
        raise RuntimeError("snatpool select --nat64 printed %d lines for %d sources"
                           % (len(lines), len(srcs)))
    for src, ln in zip(srcs, lines):
        f = ln.split()
        if len(f) != 3 or ipaddress.ip_address(f[0]) != src:
            raise RuntimeError("snatpool select --nat64: unexpected line %r" % ln)
        out[src] = ipaddress.ip_address(f[1])
    return out

# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Every list of algorithms agrees with the registry (`snatpool algos`).

Lists that cannot derive from the registry (language constants, the
independent models, the C list the BPF side compiles) are read here and
compared, ID by ID and name by name; a list that lost or gained an algorithm
fails this test.  Lists that do derive from it (the harness tests' ALGOS,
fuzz_spec.c's loop) are checked to still do so.
"""

import os
import re
import subprocess
import sys

SRC = os.environ["top_srcdir"]
failures = []


def read(rel):
    with open(os.path.join(SRC, rel), encoding="utf-8") as f:
        return f.read()


def same(what, got, want):
    if got != want:
        failures.append("%s: %r, registry: %r" % (what, got, want))


out = subprocess.run([os.environ["SNATPOOL"], "algos"], check=True,
                     capture_output=True, text=True).stdout
registry = {}
for line in out.splitlines():
    ident, name = line.split()[:2]
    registry[int(ident)] = name
if not registry:
    sys.exit("algo_lists: `snatpool algos` printed nothing")
names = set(registry.values())

# include/snatpool.h: enum snatpool_algo, value and frozen name comment.
enum = {int(i): (c, n) for c, i, n in re.findall(
    r'SNATPOOL_ALGO_(\w+)\s*=\s*(\d+),\s*/\* "([^"]+)" \*/',
    read("include/snatpool.h"))}
same("include/snatpool.h enum", {i: n for i, (c, n) in enum.items()}, registry)
cname = {c: i for i, (c, n) in enum.items()}

# lib/core/snp_dispatch.h: SNP_ALGO_LIST, the IDs the dataplanes dispatch.
def x_list(name):
    """The X(id, NAME) lines of macro @name in lib/core/snp_dispatch.h."""
    m = re.search(r"#define %s\(X\)((?:[^\n]*\\\n)*[^\n]*)" % name,
                  read("lib/core/snp_dispatch.h"))
    return {int(i): c for i, c in re.findall(r"X\((\d+), (\w+)\)", m.group(1))} if m else {}


core = x_list("SNP_ALGO_LIST")
same("lib/core/snp_dispatch.h SNP_ALGO_LIST",
     {i: enum.get(i, ("", "?"))[1] for i in core}, registry)
same("SNP_ALGO_LIST names vs enum", core,
     {i: c for i, (c, n) in enum.items()})

# The port-block family's own IDs: SNP_PB_LIST vs enum snatpool_pbalgo.
pbenum = {int(i): c for c, i in re.findall(
    r"SNATPOOL_PBALGO_(\w+)\s*=\s*(\d+),", read("include/snatpool.h"))}
same("SNP_PB_LIST vs enum snatpool_pbalgo", x_list("SNP_PB_LIST"), pbenum)

# Bindings: one constant per algorithm.
go = re.findall(r'Algo = C\.SNATPOOL_ALGO_(\w+)\s*// "([^"]+)"',
                read("bindings/go/algo.go"))
same("bindings/go/algo.go", {cname.get(c, -1): n for c, n in go}, registry)
py = re.findall(r"^    (\w+) = capi\.SNATPOOL_ALGO_(\w+)$",
                read("bindings/python/snatpool/_pool.py"), re.M)
same("bindings/python/snatpool/_pool.py",
     {cname.get(c, -1): registry.get(cname.get(c, -1)) for m, c in py if m == c},
     registry)
rs_ids = dict(re.findall(r"Algo::(\w+) => sys::SNATPOOL_ALGO_(\w+),",
                         read("bindings/rust/snatpool/src/algo.rs")))
same("bindings/rust/snatpool/src/algo.rs Algo::id()",
     {cname.get(c, -1): registry.get(cname.get(c, -1)) for c in rs_ids.values()},
     registry)
rs_all = re.search(r"pub const ALL: \[Algo; (\d+)\] = \[([^\]]*)\]",
                   read("bindings/rust/snatpool/src/algo.rs"))
same("bindings/rust/snatpool/src/algo.rs Algo::ALL",
     set(re.findall(r"Algo::(\w+)", rs_all.group(2))), set(rs_ids))
rs_sys = {int(i): c for c, i in re.findall(
    r"pub const SNATPOOL_ALGO_(\w+): snatpool_algo = (\d+);",
    read("bindings/rust/snatpool-sys/src/bindings.rs"))}
same("bindings/rust/snatpool-sys/src/bindings.rs", rs_sys,
     {i: c for i, (c, n) in enum.items()})

# Independent models: one per algorithm.
sys.path.insert(0, os.path.join(SRC, "tests", "harness"))
import expect  # noqa: E402
same("tests/harness/expect.py PICK", set(expect.PICK), names)
props = re.search(r"ALGOS = \[([^\]]*)\]",
                  read("tests/conformance/props_gen.py")).group(1)
same("tests/conformance/props_gen.py ALGOS",
     set(re.findall(r'"([^"]+)"', props)), names)
for a in names:
    if not os.path.exists(os.path.join(SRC, "tests", "vectors", a + ".jsonl")):
        failures.append("tests/vectors/%s.jsonl missing" % a)

# Lists that must derive from the registry rather than spell it out.
for sh in ("harness/bpf/test-xdp.sh", "harness/afxdp/test-afxdp.sh",
           "tests/harness/conformance.sh"):
    text = read(sh)
    if not re.search(r'^ALGOS=\$\("\$SNATPOOL" algos \| ', text, re.M):
        failures.append("%s: ALGOS does not come from `snatpool algos`" % sh)
if "snatpool_algo_list" not in read("fuzz/fuzz_spec.c"):
    failures.append("fuzz/fuzz_spec.c: algorithms not from snatpool_algo_list()")

for f in failures:
    print("algo_lists: FAIL: " + f)
if failures:
    sys.exit(1)
print("algo_lists: %d algorithms; enum, dispatch, Go, Python, Rust, models, "
      "vectors, harness and fuzz lists agree" % len(registry))

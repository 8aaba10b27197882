# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""python3 -m snatpool against the snatpool CLI: same stdout, same exit
status (the CLI's path comes from $SNATPOOL, as make check sets it)."""

import os
import subprocess
import sys
import tempfile
import unittest

CLI = os.environ.get("SNATPOOL")
POOL = "198.51.100.1-198.51.100.4,2001:db8::/126"


def run(argv, stdin=b""):
    p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    return p.returncode, p.stdout, p.stderr


class TestCliParity(unittest.TestCase):
    def setUp(self):
        if not CLI:		# make check sets it; never skip quietly
            self.fail("$SNATPOOL (the CLI to compare with) is not set")

    def same(self, args, stdin=b"", stderr=True):
        py = run([sys.executable, "-m", "snatpool"] + args, stdin)
        c = run([CLI] + args, stdin)
        self.assertEqual(py[0], c[0], (args, py, c))
        self.assertEqual(py[1], c[1], args)
        if stderr:
            self.assertEqual(py[2], c[2], args)
        return py

    def test_select(self):
        for algo in ("xpf-legacy-v0", "xpf-userspace-v1", "snatpool-xxh3-v1",
                     "snatpool-maglev-v1", "4"):
            rc, out, _ = self.same(["select", "--algo", algo, "--pool", POOL, "--seed", "0x2a",
                                    "10.0.1.100", "::1", "::ffff:1.2.3.4", "bad"])
            self.assertEqual(rc, 1)
            self.assertEqual(len(out.splitlines()), 3)
        srcs = b"".join(b"10.%d.%d.1\n" % (i >> 8, i & 255) for i in range(5000))
        srcs += b"\n  2001:db8::9 \t\nnot-an-address\n" + b"x" * 100 + b"\n"
        self.same(["select", "--pool", "10.0.0.0/24,2001:db8::/120"], srcs)
        self.same(["select", "--algo", "linux-nf-persistent", "--pool", "10.0.0.1-10.0.0.9",
                   "--ports", "2000-3000", "1.2.3.4"])

    def test_select_usage(self):
        for args in (["select"], ["select", "--pool", "10.0.0.x"],
                     ["select", "--pool", "10.0.0.1", "--algo", "nope"],
                     ["select", "--pool", "10.0.0.1", "--seed", "-1"],
                     ["select", "--pool", "10.0.0.1", "--ports", "9-1"],
                     ["select", "--pool", "10.0.0.1", "--ports", "x"],
                     ["select", "--algo", "linux-nf-persistent", "--pool", "10.0.0.1,10.0.0.3"],
                     ["select", "--bogus"], ["select", "--pool"],
                     ["select", "--pool", "10.0.0.1", "::1"], [], ["frob"], ["--frob"]):
            rc, _, err = self.same(args)
            self.assertIn(rc, (1, 2), args)
            if rc == 2:
                self.assertEqual(len(err.splitlines()), 1, args)

    def test_vectors(self):
        for algo in ("xpf-legacy-v0", "snatpool-maglev-v1"):
            self.same(["vectors", "--algo", algo])
        for args in (["vectors"], ["vectors", "--algo", "x"], ["vectors", "--algo", "1", "extra"],
                     ["vectors", "--algo", "1", "--out", ""]):
            self.same(args)
        with tempfile.TemporaryDirectory() as d:
            a, b = os.path.join(d, "a"), os.path.join(d, "b")
            self.assertEqual(run([sys.executable, "-m", "snatpool", "vectors", "--algo",
                                  "xpf-userspace-v1", "--out", a])[0], 0)
            self.assertEqual(run([CLI, "vectors", "--algo", "xpf-userspace-v1", "--out", b])[0], 0)
            with open(a, "rb") as fa, open(b, "rb") as fb:
                self.assertEqual(fa.read(), fb.read())
            self.assertFalse(os.path.exists(a + ".tmp"))

    def test_verify(self):
        with tempfile.TemporaryDirectory() as d:
            good = os.path.join(d, "good.jsonl")
            bad = os.path.join(d, "bad.jsonl")
            empty = os.path.join(d, "empty.jsonl")
            run([CLI, "vectors", "--algo", "xpf-legacy-v0", "--out", good])
            with open(good) as f:
                lines = f.read().splitlines()
            with open(bad, "w") as f:
                f.write(lines[0].replace('"index":0', '"index":1') + "\n{}\n\x01junk\n" +
                        "\n".join(lines[1:4]) + "\n")
            open(empty, "w").close()
            rc, out, _ = self.same(["verify", good])
            self.assertEqual(rc, 0)
            self.assertEqual(out.decode().splitlines()[-1], "%d passed, 0 failed" % len(lines))
            rc, out, _ = self.same(["verify", good, bad])
            self.assertEqual(rc, 1)
            self.assertTrue(out.decode().endswith(" failed\n"))
            self.same(["verify", empty])
            self.same(["verify", os.path.join(d, "missing"), good])
            self.same(["verify"])
            with open(good, "rb") as f:
                self.same(["verify", "-"], f.read())


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""The conformance runner (standard library only; the consumers are
separate processes).

    compare.py vectors --work DIR --consumer NAME=CMD... --cli SNATPOOL
                       --verify NAME=CMD... FILE...
    compare.py props   --work DIR --consumer NAME=CMD... CASES

vectors: every line of every vectors file goes, as a job (jobs.py), to
each consumer (CMD JOBS prints one result line per job line) and to the
CLI (`snatpool select`, one run per pool); each must give the file's index
and address.  Each --verify command (CMD FILE... in the style of `snatpool
verify`) must pass every line.  A line passes when every consumer agrees
with the file.

props: the cases file (props_gen.py) goes to each consumer; every consumer
must print the same result (including the same error code) as the first.

Both end with "N passed, N failed" and exit 1 on any failure, on any
consumer that did not run or printed the wrong number of lines.
"""

import argparse
import concurrent.futures
import os
import shlex
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jobs  # noqa: E402

MAX_SHOWN = 20


def run_consumer(name, cmd, job_path, want_lines):
    """Run CMD JOBS; the list of its result lines, or an error string."""
    t0 = time.monotonic()
    try:
        p = subprocess.run(shlex.split(cmd) + [job_path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, check=False)
    except OSError as e:
        return "%s: cannot run %r: %s" % (name, cmd, e)
    dt = time.monotonic() - t0
    out = p.stdout.decode("utf-8", "replace").splitlines()
    if p.returncode != 0:
        return "%s: exit %d: %s" % (name, p.returncode,
                                    p.stderr.decode("utf-8", "replace").strip()[:400])
    if len(out) != want_lines:
        return "%s: %d result lines for %d job lines" % (name, len(out), want_lines)
    print("consumer %-7s ran: %d job lines in %.2f s" % (name, want_lines, dt))
    return out


def run_cli(snatpool, vectors):
    """`snatpool select` per run of lines sharing (algo, pool, seed), a few
    runs at a time: the parsed results per vector, ("ok", index, packed)
    or ("missing", stderr)."""
    groups, i = [], 0
    while i < len(vectors):
        v = vectors[i]
        j = i
        while (j < len(vectors) and vectors[j].algo == v.algo and
               vectors[j].pool == v.pool and vectors[j].seed == v.seed and
               vectors[j].msize == v.msize and vectors[j].nat64 == v.nat64):
            j += 1
        if v.msize:
            return "cli: --maglev-size is not a CLI option (line %s)" % v.where
        groups.append((i, j))
        i = j

    # An uninstalled CLI is libtool's wrapper script, which costs a shell
    # and more per run: run the real program with the library beside it.
    exe, env = snatpool, None
    real = os.path.join(os.path.dirname(snatpool), ".libs", os.path.basename(snatpool))
    with open(snatpool, "rb") as f:
        is_script = f.read(2) == b"#!"
    if is_script and os.path.exists(real) and os.environ.get("top_builddir"):
        exe = real
        env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(
            os.environ["top_builddir"], "lib", ".libs"))

    def one(group):
        i, j = group
        v = vectors[i]
        srcs = "".join(vectors[k].src + "\n" for k in range(i, j))
        p = subprocess.run([exe, "select", "--algo", v.algo, "--pool", v.pool,
                            "--seed", str(v.seed)] + (["--nat64"] if v.nat64 else []),
                           input=srcs.encode(), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        got = {}
        for line in p.stdout.decode("utf-8", "replace").splitlines():
            parts = line.split()
            if len(parts) == 3:
                got.setdefault(parts[0], []).append(parts)
        out = []
        for k in range(i, j):
            hit = got.get(vectors[k].src)
            if hit:
                _, addr, idx = hit.pop(0)
                out.append(("ok", int(idx), jobs.canon(addr)))
            else:
                out.append(("missing", p.stderr.decode("utf-8", "replace").strip()[:200]))
        return i, out

    results = [None] * len(vectors)
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as ex:
        for i, out in ex.map(one, groups):
            results[i:i + len(out)] = out
    print("consumer %-7s ran: %d lines in %d runs of snatpool select, %.2f s"
          % ("cli", len(vectors), len(groups), time.monotonic() - t0))
    return results


def run_verify(name, cmd, files, total):
    """CMD FILE...: must exit 0 and end with 'TOTAL passed, 0 failed'."""
    p = subprocess.run(shlex.split(cmd) + list(files), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    out = p.stdout.decode("utf-8", "replace").splitlines()
    last = out[-1] if out else ""
    want = "%d passed, 0 failed" % total
    if p.returncode != 0 or last != want:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()[:5]
        return "verify %s: exit %d, last line %r, want %r; %s" % (
            name, p.returncode, last, want, " | ".join(err))
    print("verify   %-7s ran: %s" % (name, last))
    return None


def parse_pairs(items):
    out = []
    for item in items or []:
        name, sep, cmd = item.partition("=")
        if not sep or not name or not cmd:
            raise SystemExit("compare.py: expected NAME=CMD, got %r" % item)
        out.append((name, cmd))
    return out


def results_for_cases(out, slots):
    """Map consumer output lines to case indexes (drop P-line results)."""
    res = [None] * sum(1 for s in slots if s is not None)
    for line, slot in zip(out, slots):
        if slot is not None:
            res[slot] = jobs.parse_result(line)
    return res


def cmd_vectors(a):
    vectors = jobs.read_vectors(a.files)
    if not vectors:
        print("no vector lines in %s" % " ".join(a.files))
        print("0 passed, 1 failed")
        return 1
    os.makedirs(a.work, exist_ok=True)
    job_path = os.path.join(a.work, "vectors.jobs")
    with open(job_path, "w", encoding="utf-8") as f:
        slots = jobs.write_jobs(f, vectors)
    print("%d vector lines from %d files, %d job lines" % (len(vectors), len(a.files), len(slots)))
    problems = []
    per = {}
    for name, cmd in parse_pairs(a.consumer):
        out = run_consumer(name, cmd, job_path, len(slots))
        if isinstance(out, str):
            problems.append(out)
            continue
        per[name] = results_for_cases(out, slots)
    if a.cli:
        res = run_cli(a.cli, vectors)
        if isinstance(res, str):
            problems.append(res)
        else:
            per["cli"] = res
    for name, cmd in parse_pairs(a.verify):
        err = run_verify(name, cmd, a.files, len(vectors))
        if err:
            problems.append(err)

    passed = failed = shown = 0
    for i, v in enumerate(vectors):
        want = ("ok", v.index, jobs.canon(v.address))
        bad = [(n, r[i]) for n, r in per.items() if r[i] != want]
        if bad:
            failed += 1
            if shown < MAX_SHOWN:
                shown += 1
                print("%s: want %d %s; %s" % (v.where, v.index, v.address, "; ".join(
                    "%s got %s" % (n, " ".join(str(x) if not isinstance(x, bytes) else
                                               jobs.fmt(x) for x in r)) for n, r in bad)))
        else:
            passed += 1
    expected = set(n for n, _ in parse_pairs(a.consumer)) | ({"cli"} if a.cli else set())
    missing = sorted(expected - set(per))
    for p in problems:
        print("FAIL: %s" % p)
    if missing:
        print("FAIL: consumers that did not run: %s" % ", ".join(missing))
    print("checked each line with: %s" % ", ".join(sorted(per)))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and not problems and not missing else 1


def cmd_props(a):
    os.makedirs(a.work, exist_ok=True)
    with open(a.cases, encoding="utf-8") as f:
        job_lines = sum(1 for _ in f)
    s_lines = 0
    with open(a.cases, encoding="utf-8") as f:
        for line in f:
            s_lines += line.startswith("S\t")
    outs, problems = [], []
    for name, cmd in parse_pairs(a.consumer):
        out = run_consumer(name, cmd, a.cases, job_lines)
        if isinstance(out, str):
            problems.append(out)
        else:
            outs.append((name, out))
    expected = len(parse_pairs(a.consumer))
    passed = failed = shown = 0
    kinds = {}
    if len(outs) == expected and outs:
        ref_name, ref = outs[0]
        with open(a.cases, encoding="utf-8") as f:
            for lineno, (job, *res) in enumerate(zip(f, *[o for _, o in outs]), 1):
                if not job.startswith(("S\t", "P\t")):
                    continue
                canon = [jobs.parse_result(r) for r in res]
                if job.startswith("S\t"):
                    kind = "error %d" % canon[0][1] if canon[0][0] == "error" else canon[0][0]
                    kinds[kind] = kinds.get(kind, 0) + 1
                if all(c == canon[0] for c in canon):
                    passed += job.startswith("S\t")
                    continue
                failed += 1
                if shown < MAX_SHOWN:
                    shown += 1
                    print("%s:%d: %s | %s" % (a.cases, lineno, job.strip()[:120], "; ".join(
                        "%s: %s" % (n, r) for (n, _), r in zip(outs, res))))
    for p in problems:
        print("FAIL: %s" % p)
    if len(outs) != expected:
        print("FAIL: only %d of %d consumers ran" % (len(outs), expected))
    print("results: %s" % ", ".join("%s %d" % kv for kv in sorted(kinds.items())))
    print("compared: %s over %d selections" % (", ".join(n for n, _ in outs), s_lines))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and not problems and len(outs) == expected else 1


def main():
    ap = argparse.ArgumentParser(prog="compare.py")
    sub = ap.add_subparsers(dest="mode", required=True)
    v = sub.add_parser("vectors")
    v.add_argument("--work", required=True)
    v.add_argument("--consumer", action="append")
    v.add_argument("--cli")
    v.add_argument("--verify", action="append")
    v.add_argument("files", nargs="+")
    p = sub.add_parser("props")
    p.add_argument("--work", required=True)
    p.add_argument("--consumer", action="append")
    p.add_argument("cases")
    a = ap.parse_args()
    return cmd_vectors(a) if a.mode == "vectors" else cmd_props(a)


if __name__ == "__main__":
    sys.exit(main())

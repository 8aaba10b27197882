# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""python3 -m snatpool select|vectors|verify: the snatpool(1) commands of
the same names, computed through the binding.

Same arguments, same standard output lines and exit status (0 success,
1 failure, 2 usage error with one line on stderr) as tools/snatpool.
"""

import errno
import getopt
import os
import socket
import sys

from . import capi
from .errors import Code, Error
from ._pool import Pool
from .vectors import _sanitize, format_failure

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
SRC_TEXT_MAX = 64	# as CLI_SRC_TEXT_MAX, NUL included
BATCH = 4096
BLANKS = " \t\r\v\f"


class Usage(Exception):
    """A usage error: one line, exit 2."""


class Fatal(Exception):
    """A failure: one line, exit 1."""


class Cli:
    def __init__(self, cmd):
        self.cmd = cmd

    def warn(self, msg):
        sys.stdout.flush()
        sys.stderr.write("snatpool %s: %s\n" % (self.cmd, msg))

    def getopt(self, argv, longopts):
        """gnu_getopt with the CLI's wording of errors."""
        try:
            return getopt.gnu_getopt(argv, "h", longopts + ["help"])
        except getopt.GetoptError as e:
            opt = e.opt if e.opt else "?"
            shown = ("--" if len(opt) > 1 else "-") + opt
            if "requires argument" in e.msg:
                raise Usage("option '%s' requires an argument" % shown)
            raise Usage("unknown option '%s'" % _sanitize(shown, 80))

    def missing(self, name):
        raise Usage("missing option --%s (see 'snatpool %s --help')" % (name, self.cmd))


def parse_algo(text):
    """--algo: a name or a known decimal ID, as cli_parse_algo()."""
    try:
        return capi.algo_by_name(text)
    except Error:
        pass
    if text.isdigit() and text.isascii() and int(text) <= 0xFFFFFFFF:
        if capi.algo_name(int(text)) is not None:
            return int(text)
    raise Usage("unknown algorithm '%s' (see 'snatpool algos')" % _sanitize(text, 80))


def _strtou64(text, base):
    digits = "0123456789abcdefABCDEF" if base == 16 else "0123456789"
    if not text or not text.isascii() or any(c not in digits for c in text):
        return None
    v = int(text, base)
    return v if v < 1 << 64 else None


def parse_seed(opt, text):
    if text[:2] in ("0x", "0X"):
        v = _strtou64(text[2:], 16)
    else:
        v = _strtou64(text, 10)
    if v is None:
        raise Usage("%s: '%s': expected a decimal or 0x hex number below 2^64"
                    % (opt, _sanitize(text, 80)))
    return v


def parse_ports(opt, text):
    lo, sep, hi = text.partition("-")
    a, b = _strtou64(lo, 10) if 0 < len(lo) < 16 else None, _strtou64(hi, 10)
    if not sep or a is None or b is None or a > 65535 or b > 65535:
        raise Usage("%s: '%s': expected LO-HI, two port numbers" % (opt, _sanitize(text, 80)))
    return a, b


SELECT_USAGE = """\
Usage: python3 -m snatpool select [--algo NAME] --pool SPEC [--seed N]
                                  [--ports LO-HI] [SRC...]
Print 'SRC ADDRESS INDEX' for each source address, as 'snatpool select'
does, computed through the Python binding.  Without SRC, sources are read
from standard input, one per line.

  --algo NAME     algorithm (name or ID); default: the pool's
  --pool SPEC     pool addresses, e.g. 198.51.100.1-198.51.100.8,2001:db8::/126
  --seed N        pool seed, decimal or 0x hex (default 0)
  --ports LO-HI   pool port range (default 1024-65535)
  -h, --help      show this help

Exit status: 0 all sources selected, 1 some source was bad or had no
address of its family, 2 usage error.
"""


def open_pool(cli, spec, seed, ports):
    try:
        return Pool(spec, seed=seed, ports=ports)
    except Error as e:
        if e.code == errno.ENOMEM:
            raise Fatal("--pool: %s" % e.message)
        if e.code == Code.EPORT:
            raise Usage("--ports: %s" % e.message)
        if e.token:
            raise Usage("--pool: %s: %s" % (_sanitize(e.token, 80), e.message))
        raise Usage("--pool: %s" % e.message)


def check_algo(pool, algo):
    """As cli_pool_check_algo(): the algorithm must serve every family."""
    for fam, name in ((socket.AF_INET, "IPv4"), (socket.AF_INET6, "IPv6")):
        if capi.pool_count(pool._h(), fam) == 0:
            continue
        try:
            capi.select(pool._h(), fam, bytes(4 if fam == socket.AF_INET else 16), algo)
        except Error as e:
            tag = capi.algo_name(algo or capi.pool_default_algo(pool._h())) or "?"
            if e.code in (Code.ECRYPTO, errno.ENOMEM):
                raise Fatal("%s: %s" % (tag, e.message))
            raise Usage("--pool: %s addresses: %s: %s" % (name, tag, e.message))


def read_sources(cli, args, stream, bad):
    """Yield (text, lineno, family, packed) of each good source; count and
    report the bad ones in bad[0]."""
    def parse(raw, lineno):
        where = "line %d: " % lineno if lineno else ""
        text = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
        if len(raw) >= SRC_TEXT_MAX or "\0" in text:
            bad[0] += 1
            cli.warn("%s'%s': %s" % (where, _sanitize(raw, 80), capi.strerror(Code.EADDR)))
            return None
        try:
            fam, packed = capi.addr_parse(text)
        except Error as e:
            bad[0] += 1
            cli.warn("%s'%s': %s" % (where, _sanitize(raw, 80), e.message))
            return None
        return text, lineno, fam, packed

    if args:
        for a in args:
            s = parse(a, 0)
            if s:
                yield s
        return
    lineno = 0
    for raw in stream:
        lineno += 1
        line = raw[:-1] if raw.endswith(b"\n") else raw
        line = line.strip(BLANKS.encode())
        if not line:
            continue
        s = parse(line, lineno)
        if s:
            yield s


def select_batch(cli, pool, algo, batch, names, out):
    """Burst per family, as cli_batch_select(); returns failures."""
    results = [None] * len(batch)
    failed = 0
    for fam in (socket.AF_INET, socket.AF_INET6):
        where = [i for i, s in enumerate(batch) if s[2] == fam]
        if not where:
            continue
        try:
            got = capi.select_burst(pool._h(), fam, b"".join(batch[i][3] for i in where), algo)
            for i, idx in zip(where, got):
                results[i] = idx
        except Error as e:
            for i in where:
                results[i] = e
    for s, r in zip(batch, results):
        if isinstance(r, Error):
            failed += 1
            where = "line %d: " % s[1] if s[1] else ""
            cli.warn("%s'%s': %s" % (where, s[0], r.message))
    for s, r in zip(batch, results):
        if not isinstance(r, Error):
            out.write("%s %s %d\n" % (s[0], names[s[2]][r], r))
    return failed


def cmd_select(cli, argv):
    opts, args = cli.getopt(argv, ["algo=", "pool=", "seed=", "ports="])
    algo, spec, seed, ports = 0, None, 0, None
    for o, v in opts:
        if o in ("-h", "--help"):
            sys.stdout.write(SELECT_USAGE)
            return EXIT_OK
        if o == "--algo":
            algo = parse_algo(v)
        elif o == "--pool":
            spec = v
        elif o == "--seed":
            seed = parse_seed("--seed", v)
        elif o == "--ports":
            ports = parse_ports("--ports", v)
    if spec is None:
        cli.missing("pool")
    with open_pool(cli, spec, seed, ports) as pool:
        check_algo(pool, algo)
        names = {fam: [capi.addr_format(fam, capi.pool_addr(pool._h(), fam, i))
                       for i in range(capi.pool_count(pool._h(), fam))]
                 for fam in (socket.AF_INET, socket.AF_INET6)}
        bad = [0]
        out = sys.stdout
        batch = []
        for s in read_sources(cli, args, sys.stdin.buffer, bad):
            batch.append(s)
            if len(batch) == BATCH:
                bad[0] += select_batch(cli, pool, algo, batch, names, out)
                batch = []
        if batch:
            bad[0] += select_batch(cli, pool, algo, batch, names, out)
    return EXIT_FAIL if bad[0] else EXIT_OK


VECTORS_USAGE = """\
Usage: python3 -m snatpool vectors --algo NAME [--out FILE]
Write the deterministic edge-case vectors of an algorithm, one JSON object
per line (schema %s), to standard output or FILE, as 'snatpool vectors'
does, through the Python binding.

  --algo NAME   algorithm (name or ID)
  --out FILE    write to FILE (through FILE.tmp, renamed when complete)
  -h, --help    show this help

Exit status: 0 written, 1 write error, 2 usage error.
""" % capi.SNATPOOL_VECTORS_SCHEMA


def cmd_vectors(cli, argv):
    opts, args = cli.getopt(argv, ["algo=", "out="])
    algo, out = 0, None
    for o, v in opts:
        if o in ("-h", "--help"):
            sys.stdout.write(VECTORS_USAGE)
            return EXIT_OK
        if o == "--algo":
            algo = parse_algo(v)
        elif o == "--out":
            out = v
    if args:
        raise Usage("unexpected argument '%s'" % args[0])
    if not algo:
        cli.missing("algo")
    if out is not None and not out:
        raise Usage("--out: empty file name")
    if out is None:
        sys.stdout.flush()
        try:
            capi.vectors_write(sys.stdout.fileno(), algo)
        except Error as e:
            cli.warn("writing vectors: %s" % e.message)
            return EXIT_FAIL
        return EXIT_OK
    tmp = out + ".tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    except OSError as e:
        cli.warn("%s: %s" % (tmp, e.strerror))
        return EXIT_FAIL
    try:
        try:
            capi.vectors_write(fd, algo)
            try:
                os.fsync(fd)
            except OSError as e:
                if e.errno != errno.EINVAL:
                    raise
        finally:
            os.close(fd)
        os.rename(tmp, out)
    except (Error, OSError) as e:
        cli.warn("%s: %s" % (out, e.message if isinstance(e, Error) else e.strerror))
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return EXIT_FAIL
    return EXIT_OK


VERIFY_USAGE = """\
Usage: python3 -m snatpool verify FILE...
Check every line of vector files against libsnatpool through the Python
binding, as 'snatpool verify' does.  FILE '-' is standard input.  Each
failing line is reported on standard error as FILE:LINE: message; standard
output ends with 'N passed, N failed'.

  -h, --help   show this help

Exit status: 0 every line passed, 1 a line failed or was malformed, or a
file held no vector, 2 usage error or unreadable file.
"""


def verify_file(cli, path, tot):
    from .vectors import verify
    name = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            res = verify(sys.stdin.fileno())
        else:
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError as e:
                cli.warn("%s: %s" % (path, e.strerror))
                return EXIT_USAGE
            try:
                res = verify(fd)
            finally:
                os.close(fd)
    except Error as e:
        cli.warn("%s: %s" % (name, e.message))
        return EXIT_USAGE
    sys.stdout.flush()
    for f in res.failures:
        sys.stderr.write("%s:%d: %s\n" % (name, f.lineno, format_failure(f)))
    tot[0] += res.passed
    tot[1] += res.failed
    if res.passed + res.failed == 0:
        cli.warn("%s: no vector in the file" % name)
        return EXIT_FAIL
    return EXIT_OK if res.failed == 0 else EXIT_FAIL


def cmd_verify(cli, argv):
    opts, args = cli.getopt(argv, [])
    for o, _ in opts:
        sys.stdout.write(VERIFY_USAGE)
        return EXIT_OK
    if not args:
        raise Usage("missing FILE (see 'snatpool verify --help')")
    tot = [0, 0]
    worst = EXIT_OK
    for path in args:
        worst = max(worst, verify_file(cli, path, tot))
    sys.stdout.write("%d passed, %d failed\n" % (tot[0], tot[1]))
    return worst


COMMANDS = {
    "select": (cmd_select, "the pool address of each source"),
    "vectors": (cmd_vectors, "write an algorithm's edge-case vectors"),
    "verify": (cmd_verify, "check vector files against this build"),
}


def usage():
    sys.stdout.write("Usage: python3 -m snatpool COMMAND [OPTION...] [ARG...]\n"
                     "       python3 -m snatpool --help | --version\n"
                     "The snatpool(1) commands below, through the Python binding.\n\n"
                     "Commands:\n")
    for name, (_, what) in COMMANDS.items():
        sys.stdout.write("  %-9s %s\n" % (name, what))
    sys.stdout.write("\nExit status: 0 success, 1 failure (bad source, failed vector),\n"
                     "2 usage error.\n")
    return EXIT_OK


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    cli = Cli(None)
    try:
        if not argv:
            raise Usage("missing command (see 'snatpool --help')")
        if argv[0] in ("--help", "-h"):
            return usage()
        if argv[0] in ("--version", "-V"):
            sys.stdout.write("snatpool %s\n" % capi.version())
            return EXIT_OK
        if argv[0] not in COMMANDS:
            what = "option" if argv[0].startswith("-") else "command"
            raise Usage("unknown %s '%s' (see 'snatpool --help')"
                        % (what, _sanitize(argv[0], 80)))
        cli.cmd = argv[0]
        return COMMANDS[argv[0]][0](cli, argv[1:])
    except Usage as e:
        sys.stdout.flush()
        sys.stderr.write(("snatpool %s: " % cli.cmd if cli.cmd else "snatpool: ")
                         + str(e) + "\n")
        return EXIT_USAGE
    except Fatal as e:
        sys.stdout.flush()
        sys.stderr.write("snatpool %s: %s\n" % (cli.cmd, e))
        return EXIT_FAIL


def run():
    try:
        rc = main()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        rc = EXIT_FAIL
    except KeyboardInterrupt:
        rc = 130
    sys.exit(rc)


if __name__ == "__main__":
    run()

# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Golden vectors: export an algorithm's edge-case vectors, check lines and
verify whole files, through the library's own writer and checker."""

from __future__ import annotations

import os
import threading
from collections import namedtuple
from typing import IO, Any, List, Union

from . import capi
from ._pool import Algo

__all__ = ["SCHEMA", "VectorResult", "VerifyResult", "write_vectors",
           "vectors", "check_vector", "verify", "format_failure"]

SCHEMA = capi.SNATPOOL_VECTORS_SCHEMA

VectorResult = namedtuple(
    "VectorResult", "lineno status want_index got_index want_addr got_addr msg")
VectorResult.__doc__ = """One checked line: ``status`` 0 pass, 1 mismatch,
negative (-SNATPOOL_E*) malformed; ``msg`` says why it failed."""
VectorResult.ok = property(lambda self: self.status == 0)

VerifyResult = namedtuple("VerifyResult", "passed failed malformed failures")
VerifyResult.__doc__ = """Totals of :func:`verify` and the failing lines
(a list of :class:`VectorResult`, line numbers counting from 1)."""


def write_vectors(algo: Union[Algo, int, str], file: Union[str, int, IO[Any]]) -> int:
    """Write the vectors of ``algo`` to ``file`` (a path, an int fd, or an
    object with ``fileno()``); returns the number of lines."""
    algo = Algo.parse(algo)
    if isinstance(file, int):
        return capi.vectors_write(file, algo)
    if isinstance(file, (str, bytes, os.PathLike)):
        with open(file, "wb") as f:
            return capi.vectors_write(f.fileno(), algo)
    if hasattr(file, "flush"):
        file.flush()
    return capi.vectors_write(file.fileno(), algo)


def vectors(algo: Union[Algo, int, str]) -> List[str]:
    """The vectors of ``algo`` as a list of JSON lines (without newlines)."""
    algo = Algo.parse(algo)
    rfd, wfd = os.pipe()
    chunks = []

    def drain():
        with os.fdopen(rfd, "rb") as r:
            chunks.append(r.read())

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        capi.vectors_write(wfd, algo)
    finally:
        os.close(wfd)
        reader.join()
    return chunks[0].decode().splitlines()


def check_vector(line: Union[str, bytes]) -> VectorResult:
    """Check one vector line (str or bytes, no newline): a :class:`VectorResult`."""
    _, (res, msg) = capi.vector_check(line)
    return VectorResult(*res, msg)


def verify(file: Union[str, int, IO[Any]]) -> VerifyResult:
    """Check every line of ``file`` (a path, an fd or an object with
    ``fileno()``): a :class:`VerifyResult`.  Raises snatpool.Error on a
    read error."""
    failures = []
    if isinstance(file, int):
        rc, st = capi.vectors_verify(file, failures)
    elif isinstance(file, (str, bytes, os.PathLike)):
        with open(file, "rb") as f:
            rc, st = capi.vectors_verify(f.fileno(), failures)
    else:
        rc, st = capi.vectors_verify(file.fileno(), failures)
    return VerifyResult(*st, [VectorResult(*res, msg) for res, msg in failures])


def _sanitize(text, size):
    """As the CLI's cli_sanitize(): non-printable octets become '?', text
    longer than size - 1 is cut to size - 4 and ends with '...'."""
    data = text.encode("utf-8", "replace") if isinstance(text, str) else text
    keep = len(data)
    if keep > size - 1:
        keep = size - 4
    out = "".join(chr(c) if 0x20 <= c < 0x7f else "?" for c in data[:keep])
    return out + "..." if keep < len(data) else out


def format_failure(res):
    """The message of a failing line, worded as ``snatpool verify`` words it."""
    if res.msg:
        return _sanitize(res.msg, 168)
    if res.status == 1:
        return "mismatch: want %u %s, got %u %s" % (
            res.want_index, _sanitize(res.want_addr, 56),
            res.got_index, _sanitize(res.got_addr, 56))
    return capi.strerror(res.status)

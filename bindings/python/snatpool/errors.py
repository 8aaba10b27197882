# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Exceptions raised by the snatpool package.

Every failure of a library call becomes an :class:`Error` carrying the
library's code (positive: ``SNATPOOL_E*`` from 4000 up, or an errno value)
and its message (``snatpool_strerror()``).  Bad input, the caller's to fix,
is also a :class:`ValueError`; the parsers add the offending token and its
offset.  The extension calls :func:`from_code` to build the exception it
raises; :class:`Code` lists the codes the header defines.
"""

from __future__ import annotations

import enum
import errno as _errno
from typing import Optional

from . import capi as _capi

__all__ = ["Code", "Error", "InvalidInput", "from_code"]

# Library error codes (enum snatpool_error), positive, taken from the header
# through the extension so that a code added there appears here.
Code = enum.IntEnum("Code", sorted(
    ((name[len("SNATPOOL_"):], getattr(_capi, name)) for name in dir(_capi)
     if name.startswith("SNATPOOL_E") and name != "SNATPOOL_EERR_END"
     and getattr(_capi, name) >= 4000),
    key=lambda item: item[1]))
Code.__doc__ = "Library error codes (enum snatpool_error), positive."


class Error(Exception):
    """A libsnatpool call failed.

    Attributes: ``code`` (int: a :class:`Code` value or an errno value),
    ``message`` (the library's text for it), ``token`` and ``offset`` (where
    a parser found bad input, else None and 0).
    """

    def __init__(self, code: int, message: str, token: Optional[str] = None,
                 offset: int = 0) -> None:
        self.code = code
        self.message = message
        self.token = token
        self.offset = offset
        text = "%s: %s" % (token, message) if token else message
        super().__init__(text)

    @property
    def name(self) -> str:
        """``"SNATPOOL_EADDR"`` etc., or the errno name."""
        try:
            return "SNATPOOL_" + Code(self.code).name
        except ValueError:
            return _errno.errorcode.get(self.code, str(self.code))

    def __repr__(self):
        return "%s(%s, %r, token=%r)" % (type(self).__name__, self.name,
                                         self.message, self.token)


class InvalidInput(Error, ValueError):
    """The input was wrong (a malformed address, spec, algorithm, ...)."""


# Codes that mean "the caller's input is wrong": also ValueError.
_BAD_INPUT = {getattr(Code, n) for n in (
    "EADDR", "ERANGE", "EPREFIX", "EDUP", "EPORT", "EEMPTY", "ELIMIT",
    "EFAMILY", "ENOFAMILY", "EALGO", "ENOTRANGE", "EVECTOR", "ESYNTAX",
    "EMAGLEV", "EGEOMETRY", "ESNAPSHOT", "EDELTA", "ENONAT64") if hasattr(Code, n)}
_BAD_INPUT |= {_errno.EINVAL, _errno.ERANGE, _errno.EPROTONOSUPPORT}


def from_code(code: int, message: str, token: Optional[str] = None,
              offset: int = 0) -> Error:
    """The exception for library code ``code`` (either sign)."""
    code = abs(code)
    cls = InvalidInput if code in _BAD_INPUT else Error
    return cls(code, message, token, offset)

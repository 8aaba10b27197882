// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

/*
#include <snatpool.h>
*/
import "C"

import (
	"fmt"
	"syscall"
)

// Code is a libsnatpool error code: a SNATPOOL_E* value (4000 and up) or
// an errno value, always positive.  A Code is an error; errors.Is(err,
// ErrAddr) holds for every error that carries that code.
type Code int

// The library's codes (enum snatpool_error).
const (
	ErrAddr      Code = C.SNATPOOL_EADDR      // malformed address
	ErrRange     Code = C.SNATPOOL_ERANGE     // reversed or mixed-family range
	ErrPrefix    Code = C.SNATPOOL_EPREFIX    // bad prefix length or host bits set
	ErrDup       Code = C.SNATPOOL_EDUP       // address listed twice
	ErrPort      Code = C.SNATPOOL_EPORT      // port range outside 1..65535 or low > high
	ErrEmpty     Code = C.SNATPOOL_EEMPTY     // no address at all
	ErrLimit     Code = C.SNATPOOL_ELIMIT     // more than MaxAddrs of one family
	ErrFamily    Code = C.SNATPOOL_EFAMILY    // family neither IPv4 nor IPv6
	ErrNoFamily  Code = C.SNATPOOL_ENOFAMILY  // pool has no address of the source's family
	ErrAlgo      Code = C.SNATPOOL_EALGO      // unknown algorithm
	ErrNotRange  Code = C.SNATPOOL_ENOTRANGE  // algorithm needs one contiguous range
	ErrCrypto    Code = C.SNATPOOL_ECRYPTO    // OpenSSL failed
	ErrVector    Code = C.SNATPOOL_EVECTOR    // malformed vector line
	ErrSyntax    Code = C.SNATPOOL_ESYNTAX    // malformed spec token
	ErrExhausted Code = C.SNATPOOL_EEXHAUSTED // no free port
	ErrFull      Code = C.SNATPOOL_EFULL      // table at its mapping capacity
	ErrQuota     Code = C.SNATPOOL_EQUOTA     // internal address at its port quota
	ErrSessions  Code = C.SNATPOOL_ESESSIONS  // mapping at its max session number
	ErrSnapshot  Code = C.SNATPOOL_ESNAPSHOT  // truncated, corrupt, foreign or inconsistent snapshot
	ErrDelta     Code = C.SNATPOOL_EDELTA     // malformed or foreign HA delta record
	ErrGap       Code = C.SNATPOOL_EGAP       // HA delta records missing
	ErrConflict  Code = C.SNATPOOL_ECONFLICT  // tuple owned by another source
	ErrGeometry  Code = C.SNATPOOL_EGEOMETRY  // port block geometry does not fit
	ErrMaglev    Code = C.SNATPOOL_EMAGLEV    // Maglev size not a prime >= the address count
	ErrNoNAT64   Code = C.SNATPOOL_ENONAT64   // algorithm has no NAT64 (cross-family) rule
)

// Error returns the library's text for the code (snatpool_strerror).
func (c Code) Error() string {
	return C.GoString(C.snatpool_strerror(C.int(c)))
}

// Is lets errors.Is(err, syscall.EINVAL) hold for errno codes too.
func (c Code) Is(target error) bool {
	if e, ok := target.(syscall.Errno); ok {
		return int(e) == int(c)
	}
	return false
}

// Error is a failed library call: the operation, the code and, for the
// parsers, the offending token and its offset.
type Error struct {
	Op     string // the C function, e.g. "snatpool_pool_from_spec"
	Code   Code
	Token  string // offending input, "" if none
	Offset int    // where Token starts (spec octet or address index)
}

func (e *Error) Error() string {
	if e.Token != "" {
		return fmt.Sprintf("%s: %s: %s", e.Op, e.Token, e.Code.Error())
	}
	return fmt.Sprintf("%s: %s", e.Op, e.Code.Error())
}

// Unwrap returns the Code, so errors.Is(err, snatpool.ErrAddr) works.
func (e *Error) Unwrap() error { return e.Code }

// errOf turns a negative return into an *Error (nil for rc >= 0).
func errOf(op string, rc C.int) error {
	if rc >= 0 {
		return nil
	}
	return &Error{Op: op, Code: Code(-rc)}
}

// errDiag is errOf with the parser's diagnostics.
func errDiag(op string, rc C.int, d *C.struct_snatpool_diag) error {
	if rc >= 0 {
		return nil
	}
	e := &Error{Op: op, Code: Code(-rc)}
	if d.code > 0 {
		e.Code = Code(d.code)
	}
	e.Token = C.GoString(&d.token[0])
	e.Offset = int(d.offset)
	return e
}

// bad is an input error found before calling the library.
func bad(op string, code Code, token string) error {
	return &Error{Op: op, Code: code, Token: token}
}

// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

// Package snatpool binds libsnatpool, source-NAT pool address selection:
// given a pool of translated addresses and an internal source address, an
// algorithm with a frozen name picks the pool address of the source, the
// same on every dataplane that implements it.
//
// The package links the installed C library through pkg-config
// (#cgo pkg-config: libsnatpool) and adds no logic of its own: every
// answer is the library's.  Addresses are [net/netip.Addr] values; an
// IPv4-mapped IPv6 address (::ffff:a.b.c.d) is an IPv6 source, as the
// library reads it.  Errors wrap the library's codes: test them with
// [errors.Is] against the Code constants (ErrAddr, ErrNoFamily, ...) or
// read the *Error for the code, message and offending token.  Bad input
// returns an error, never a panic.
//
// A Pool is immutable and safe for concurrent use.  Its C memory is freed
// by Close, or by a finalizer if Close was never called; a Pool must not
// be used after Close.
package snatpool

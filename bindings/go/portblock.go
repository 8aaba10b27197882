// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

/*
#include <stdint.h>
#include <snatpool.h>
*/
import "C"

import (
	"net/netip"
	"runtime"
	"unsafe"
)

// PortBlockOptions is the geometry of a deterministic port block plan
// (RFC 7422): Count subscribers from Base (an address, or an IPv6 prefix of
// PrefixLen 32..64 bits) each get an address of the pool's XFamily (IPv4
// if zero) and a block of BlockSize ports.
type PortBlockOptions struct {
	Base      netip.Addr
	Count     uint32
	PrefixLen uint8
	XFamily   Family
	BlockSize uint16
}

// PortBlock is a port block plan over a Pool: immutable, safe for
// concurrent use.  Close frees it (a finalizer does if Close was never
// called); the pool's memory lives at least as long as the plan.
type PortBlock struct {
	pinned[C.struct_snatpool_portblock]
	saf C.int // subscriber family
	xaf C.int // pool family handed out
}

// Block is one subscriber's share: the pool address and its port range.
type Block struct {
	Subscriber int // number from the range's base
	XIndex     int // index of XAddr in its family's configured order
	XAddr      netip.Addr
	PortLo     uint16
	PortHi     uint16
}

// NewPortBlock builds a plan over pool; bad geometry is ErrGeometry.
func NewPortBlock(pool *Pool, o PortBlockOptions) (*PortBlock, error) {
	const op = "snatpool_portblock_new"
	af, b, _, err := addrBytes(op, o.Base)
	if err != nil {
		return nil, err
	}
	xfam := o.XFamily
	if xfam == 0 {
		xfam = IPv4
	}
	xaf, err := xfam.af()
	if err != nil {
		return nil, err
	}
	var co C.struct_snatpool_portblock_opts
	co.sz = C.size_t(unsafe.Sizeof(co))
	co.family = af
	for i := range b {
		co.base[i] = C.uint8_t(b[i])
	}
	co.count = C.uint32_t(o.Count)
	co.prefix_len = C.uint8_t(o.PrefixLen)
	co.xfamily = xaf
	co.block_size = C.uint16_t(o.BlockSize)
	h, err := pool.retain()
	if err != nil {
		return nil, err
	}
	var pb *C.struct_snatpool_portblock
	if err := errOf(op, C.snatpool_portblock_new(h, &co, &pb)); err != nil {
		pool.release()
		return nil, err
	}
	p := &PortBlock{pinned: pinned[C.struct_snatpool_portblock]{h: pb, pool: pool,
		free: func(pb *C.struct_snatpool_portblock) { C.snatpool_portblock_free(pb) }},
		saf: af, xaf: xaf}
	runtime.SetFinalizer(p, (*PortBlock).Close)
	return p, nil
}

// Close frees the plan (no goroutine may still use it).  Idempotent.
func (p *PortBlock) Close() error {
	if p != nil && p.close() {
		runtime.SetFinalizer(p, nil)
	}
	return nil
}

// Map returns the block of subscriber src (an IPv6 subscriber: any address
// in its prefix); ok is false outside the range.
func (p *PortBlock) Map(src netip.Addr) (blk Block, ok bool, err error) {
	const op = "snatpool_portblock_map"
	_, s, _, err := addrBytes(op, src)
	if err != nil {
		return Block{}, false, err
	}
	h, err := p.handle()
	if err != nil {
		return Block{}, false, err
	}
	defer p.mu.RUnlock()
	var xindex C.uint32_t
	var xaddr [16]byte
	var lo, hi C.uint16_t
	n := C.snatpool_portblock_map(h, (*C.uint8_t)(unsafe.Pointer(&s[0])), &xindex,
		(*C.uint8_t)(unsafe.Pointer(&xaddr[0])), &lo, &hi)
	if n < 0 {
		if err := errOf(op, C.int(n)); !isNoEnt(err) {
			return Block{}, false, err
		}
		return Block{}, false, nil
	}
	return Block{Subscriber: int(n), XIndex: int(xindex), XAddr: addrFrom(p.xaf, &xaddr),
		PortLo: uint16(lo), PortHi: uint16(hi)}, true, nil
}

// Reverse returns the subscriber using xaddr:xport (its number and its
// address, for IPv6 its prefix with the host bits zero); ok is false if
// no subscriber has it.
func (p *PortBlock) Reverse(xaddr netip.Addr, xport uint16) (sub int, subAddr netip.Addr, ok bool, err error) {
	const op = "snatpool_portblock_reverse"
	_, x, _, err := addrBytes(op, xaddr)
	if err != nil {
		return 0, netip.Addr{}, false, err
	}
	h, err := p.handle()
	if err != nil {
		return 0, netip.Addr{}, false, err
	}
	defer p.mu.RUnlock()
	var s [16]byte
	n := C.snatpool_portblock_reverse(h, (*C.uint8_t)(unsafe.Pointer(&x[0])), C.uint16_t(xport),
		(*C.uint8_t)(unsafe.Pointer(&s[0])))
	if n < 0 {
		if err := errOf(op, C.int(n)); !isNoEnt(err) {
			return 0, netip.Addr{}, false, err
		}
		return 0, netip.Addr{}, false, nil
	}
	return int(n), addrFrom(p.saf, &s), true, nil
}

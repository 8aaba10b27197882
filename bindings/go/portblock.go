// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

/*
#include <stdint.h>
#include <stdlib.h>
#include <snatpool.h>
*/
import "C"

import (
	"fmt"
	"net/netip"
	"runtime"
	"unsafe"
)

// PortBlockAlgo is a port-block algorithm ID (enum snatpool_pbalgo): a
// space of its own, separate from the selection algorithms' Algo.  IDs and
// names are frozen.
type PortBlockAlgo uint32

const (
	// SpreadV1 is "snatpool-spread-v1", libsnatpool's first formula and the
	// default: subscriber i gets address i mod n, block i div n.
	SpreadV1 PortBlockAlgo = C.SNATPOOL_PBALGO_SPREAD_V1
	// XpfDetV0 is "xpf-det-v0", xpf's deterministic CGNAT bit for bit.
	XpfDetV0 PortBlockAlgo = C.SNATPOOL_PBALGO_XPF_DET_V0
	// VppDet44V0 is "vpp-det44-v0", FD.io VPP det44 bit for bit.
	VppDet44V0 PortBlockAlgo = C.SNATPOOL_PBALGO_VPP_DET44_V0
)

// PortBlockStrict makes xpf-det-v0 compare an IPv6 source's prefix octets,
// which xpf does not.
const PortBlockStrict uint32 = C.SNATPOOL_PB_F_STRICT

// String is the algorithm's frozen name ("" if unknown).
func (a PortBlockAlgo) String() string {
	n := C.snatpool_pbalgo_name(C.uint32_t(a))
	if n == nil {
		return ""
	}
	return C.GoString(n)
}

// PortBlockAlgoByName returns the ID of a port-block algorithm name.
func PortBlockAlgoByName(name string) (PortBlockAlgo, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	rc := C.snatpool_pbalgo_by_name(cs)
	if err := errOf("snatpool_pbalgo_by_name", rc); err != nil {
		return 0, err
	}
	return PortBlockAlgo(rc), nil
}

// PortBlockAlgos lists every port-block algorithm, ascending.
func PortBlockAlgos() []PortBlockAlgo {
	var ids [64]C.uint32_t
	n := int(C.snatpool_pbalgo_list(&ids[0], C.size_t(len(ids))))
	if n > len(ids) {
		n = len(ids)
	}
	out := make([]PortBlockAlgo, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, PortBlockAlgo(ids[i]))
	}
	return out
}

// PortBlockOptions is the geometry of a deterministic port block plan
// (RFC 7422).  With Algo SpreadV1 (or 0): Count subscribers from Base (an
// address, or an IPv6 prefix of PrefixLen 32..64 bits).  With XpfDetV0:
// Base/PrefixLen is xpf's host prefix (IPv6: /32 or /64), Count 0 (derived).
// With VppDet44V0: Base/PrefixLen is the inside prefix, the pool the outside
// prefix, BlockSize 0 (derived) or the derived size.  Subscribers get an
// address of the pool's XFamily (IPv4 if zero) and a block of ports.
type PortBlockOptions struct {
	Base      netip.Addr
	Count     uint32
	PrefixLen uint8
	XFamily   Family
	BlockSize uint16
	Algo      PortBlockAlgo // 0: SpreadV1
	Flags     uint32        // PortBlockStrict
}

// PortBlockInfo is what a plan is: its algorithm and derived geometry.
type PortBlockInfo struct {
	Algo        PortBlockAlgo
	Flags       uint32
	Count       uint32 // subscribers
	Addrs       uint32 // pool addresses handed out
	Blocks      uint32 // blocks per address
	BlockSize   uint16
	PortLo      uint16
	PortHi      uint16
	Fingerprint [32]byte // SHA-256 of the canonical configuration
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
	co.algo = C.uint32_t(o.Algo)
	co.flags = C.uint32_t(o.Flags)
	h, err := pool.retain()
	if err != nil {
		return nil, err
	}
	var pb *C.struct_snatpool_portblock
	var d C.struct_snatpool_diag
	if err := errDiag(op, C.snatpool_portblock_new_diag(h, &co, &pb, &d), &d); err != nil {
		pool.release()
		return nil, err
	}
	p := &PortBlock{pinned: pinned[C.struct_snatpool_portblock]{h: pb, pool: pool,
		free: func(pb *C.struct_snatpool_portblock) { C.snatpool_portblock_free(pb) }},
		saf: af, xaf: xaf}
	runtime.SetFinalizer(p, (*PortBlock).Close)
	return p, nil
}

// Info describes the plan.
func (p *PortBlock) Info() (PortBlockInfo, error) {
	h, err := p.handle()
	if err != nil {
		return PortBlockInfo{}, err
	}
	defer p.mu.RUnlock()
	var in C.struct_snatpool_portblock_info
	in.sz = C.size_t(unsafe.Sizeof(in))
	if err := errOf("snatpool_portblock_info", C.snatpool_portblock_info(h, &in)); err != nil {
		return PortBlockInfo{}, err
	}
	out := PortBlockInfo{Algo: PortBlockAlgo(in.algo), Flags: uint32(in.flags),
		Count: uint32(in.count), Addrs: uint32(in.addrs), Blocks: uint32(in.blocks),
		BlockSize: uint16(in.block_size), PortLo: uint16(in.port_lo), PortHi: uint16(in.port_hi)}
	for i := range out.Fingerprint {
		out.Fingerprint[i] = byte(in.fingerprint[i])
	}
	return out, nil
}

// FingerprintHex is the fingerprint as 64 lowercase hex digits.
func (in PortBlockInfo) FingerprintHex() string {
	return fmt.Sprintf("%x", in.Fingerprint[:])
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

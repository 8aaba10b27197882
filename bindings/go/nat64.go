// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

/*
#include <snatpool.h>
*/
import "C"

import (
	"net/netip"
	"unsafe"
)

// SelectNAT64 returns the IPv4 pool address, and its index in the pool's
// IPv4 configured order, that the algorithm's NAT64 rule gives the IPv6
// source src (snatpool_select_nat64).  Algo 0 is the pool's default.  An
// algorithm without a NAT64 rule fails with ErrNoNAT64, a pool without
// IPv4 addresses with ErrNoFamily, an IPv4 src with ErrFamily.
func (p *Pool) SelectNAT64(src netip.Addr, algo Algo) (netip.Addr, int, error) {
	_, b, n, err := addrBytes("snatpool_select_nat64", src)
	if err != nil {
		return netip.Addr{}, 0, err
	}
	if n != 16 {
		return netip.Addr{}, 0, bad("snatpool_select_nat64", ErrFamily, src.String())
	}
	h, err := p.handle()
	if err != nil {
		return netip.Addr{}, 0, err
	}
	var idx C.uint32_t
	var out [4]byte
	rc := C.snatpool_select_nat64(h, (*C.uint8_t)(unsafe.Pointer(&b[0])), C.uint32_t(algo),
		&idx, (*C.uint8_t)(unsafe.Pointer(&out[0])))
	p.mu.RUnlock()
	if rc < 0 {
		return netip.Addr{}, 0, errOf("snatpool_select_nat64", rc)
	}
	return netip.AddrFrom4(out), int(idx), nil
}

// SelectNAT64Burst selects for many IPv6 sources at once
// (snatpool_select_nat64_burst) and returns their IPv4 indexes in order.
func (p *Pool) SelectNAT64Burst(srcs []netip.Addr, algo Algo) ([]uint32, error) {
	if len(srcs) == 0 {
		return nil, nil
	}
	packed := make([]byte, 0, 16*len(srcs))
	for _, s := range srcs {
		_, b, n, err := addrBytes("snatpool_select_nat64_burst", s)
		if err != nil {
			return nil, err
		}
		if n != 16 {
			return nil, bad("snatpool_select_nat64_burst", ErrFamily, s.String())
		}
		packed = append(packed, b[:]...)
	}
	idx := make([]uint32, len(srcs))
	h, err := p.handle()
	if err != nil {
		return nil, err
	}
	rc := C.snatpool_select_nat64_burst(h, (*C.uint8_t)(unsafe.Pointer(&packed[0])),
		C.size_t(len(srcs)), C.uint32_t(algo), (*C.uint32_t)(unsafe.Pointer(&idx[0])))
	p.mu.RUnlock()
	if rc < 0 {
		return nil, errOf("snatpool_select_nat64_burst", rc)
	}
	return idx, nil
}

// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

import (
	"errors"
	"net/netip"
	"testing"
)

// The plan's arithmetic, written out here (snatpool.h): subscriber i gets
// address i mod n and block i div n of that address's port range.
func TestPortBlockArithmetic(t *testing.T) {
	pool := mustPool(t, "198.51.100.1-198.51.100.4", nil)
	pb, err := NewPortBlock(pool, PortBlockOptions{Base: netip.MustParseAddr("100.64.0.0"),
		Count: 300, BlockSize: 512})
	if err != nil {
		t.Fatal(err)
	}
	defer pb.Close()
	sub := netip.MustParseAddr("100.64.0.0")
	for i := 0; i < 300; i++ {
		blk, ok, err := pb.Map(sub)
		lo := uint16(1024 + (i/4)*512)
		want, _ := pool.Addr(IPv4, i%4)
		if err != nil || !ok || blk.Subscriber != i || blk.XIndex != i%4 || blk.XAddr != want ||
			blk.PortLo != lo || blk.PortHi != lo+511 {
			t.Fatalf("Map(%v) = %+v %v %v; want subscriber %d, %v ports %d-%d", sub, blk, ok, err,
				i, want, lo, lo+511)
		}
		for _, port := range []uint16{lo, lo + 200, lo + 511} {
			n, back, ok, err := pb.Reverse(blk.XAddr, port)
			if err != nil || !ok || n != i || back != sub {
				t.Fatalf("Reverse(%v, %d) = %d %v %v %v; want %d %v", blk.XAddr, port, n, back, ok, err, i, sub)
			}
		}
		sub = sub.Next()
	}
	if _, ok, err := pb.Map(sub); ok || err != nil { // subscriber 300: outside
		t.Fatalf("Map past the range: %v %v", ok, err)
	}
	if _, _, ok, err := pb.Reverse(netip.MustParseAddr("198.51.100.9"), 2000); ok || err != nil {
		t.Fatalf("Reverse of a foreign address: %v %v", ok, err)
	}
	if _, _, ok, err := pb.Reverse(netip.MustParseAddr("198.51.100.1"), 1023); ok || err != nil {
		t.Fatalf("Reverse below the port range: %v %v", ok, err)
	}
}

func TestPortBlockIPv6Prefixes(t *testing.T) {
	pool := mustPool(t, "198.51.100.1-198.51.100.2", nil)
	pb, err := NewPortBlock(pool, PortBlockOptions{Base: netip.MustParseAddr("2001:db8:100::"),
		PrefixLen: 56, Count: 10, BlockSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer pb.Close()
	// an address anywhere in the fourth /56 (subscriber 3)
	blk, ok, err := pb.Map(netip.MustParseAddr("2001:db8:100:3ff:1234::9"))
	if err != nil || !ok || blk.Subscriber != 3 || blk.XIndex != 1 || blk.PortLo != 1024+4096 {
		t.Fatalf("Map: %+v %v %v", blk, ok, err)
	}
	n, back, ok, err := pb.Reverse(blk.XAddr, blk.PortLo+7)
	if err != nil || !ok || n != 3 || back != netip.MustParseAddr("2001:db8:100:300::") {
		t.Fatalf("Reverse: %d %v %v %v", n, back, ok, err)
	}
}

func TestPortBlockErrors(t *testing.T) {
	pool := mustPool(t, "198.51.100.1", nil)
	base := netip.MustParseAddr("100.64.0.0")
	for _, o := range []PortBlockOptions{
		{Base: base, Count: 0, BlockSize: 512},   // no subscriber
		{Base: base, Count: 1, BlockSize: 0},     // no port
		{Base: base, Count: 200, BlockSize: 512}, // 126 blocks for 200
		{Base: netip.MustParseAddr("2001:db8::"), PrefixLen: 20, Count: 1, BlockSize: 512},
	} {
		if _, err := NewPortBlock(pool, o); !errors.Is(err, ErrGeometry) {
			t.Errorf("NewPortBlock(%+v): %v, want ErrGeometry", o, err)
		}
	}
	if _, err := NewPortBlock(pool, PortBlockOptions{Base: base, Count: 1, BlockSize: 512,
		XFamily: IPv6}); !errors.Is(err, ErrNoFamily) {
		t.Errorf("IPv6 from an IPv4 pool: %v", err)
	}
	if _, err := NewPortBlock(pool, PortBlockOptions{Count: 1, BlockSize: 512}); err == nil {
		t.Error("zero base address accepted")
	}
	pb, err := NewPortBlock(pool, PortBlockOptions{Base: base, Count: 1, BlockSize: 512})
	if err != nil {
		t.Fatal(err)
	}
	pb.Close()
	pb.Close()
	if _, _, err := pb.Map(base); !errors.Is(err, ErrClosed) {
		t.Errorf("Map after Close: %v", err)
	}
}

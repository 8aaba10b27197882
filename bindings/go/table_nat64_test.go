// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

import (
	"errors"
	"net/netip"
	"testing"
)

// NAT64 flows in a table: an IPv6 key owning an IPv4 tuple, paired through
// SelectNAT64, found by LookupXlat on the IPv4 tuple, carried by snapshots
// and the delta stream.
func TestTableNAT64(t *testing.T) {
	pool, err := NewPool("198.51.100.1-198.51.100.4,2001:db8::/126", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	tab, err := NewTable(pool, &TableOptions{Flags: TablePaired, Algo: XXH3V1,
		Permit: PermitTargetHost, DeltaCapacity: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	src := netip.MustParseAddr("2001:db8:1::5")
	f := Flow{Proto: 17, Src: src, SrcPort: 4000, Dst: netip.MustParseAddr("192.0.2.1"),
		DstPort: 53, NAT64: true}
	want, idx, err := pool.SelectNAT64(src, XXH3V1)
	if err != nil {
		t.Fatal(err)
	}
	m, err := tab.Claim(f, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !m.NAT64 || m.Src != src || m.XAddr != want || m.XIndex != idx || !m.XAddr.Is4() {
		t.Fatalf("claim: %+v, want %v (%d)", m, want, idx)
	}
	g := f
	g.SrcPort = 4001
	if m2, err := tab.Claim(g, 10); err != nil || m2.XAddr != want {
		t.Fatalf("paired: %+v %v", m2, err)
	}
	native := Flow{Proto: 17, Src: src, SrcPort: 4000, Dst: netip.MustParseAddr("2001:db8::9"), DstPort: 53}
	if _, ok, err := tab.Lookup(native, 10); ok || err != nil {
		t.Fatalf("the native IPv6 key is another one: %v %v", ok, err)
	}
	x, ok, err := tab.LookupXlat(17, m.XAddr, m.XPort, 10)
	if err != nil || !ok || !x.NAT64 || x.Src != src || x.SrcPort != 4000 {
		t.Fatalf("lookup_xlat: %+v %v %v", x, ok, err)
	}
	if ok, err := tab.Permit(17, m.XAddr, m.XPort, netip.MustParseAddr("192.0.2.1"), 9, 10); !ok || err != nil {
		t.Fatalf("permit: %v %v", ok, err)
	}
	snap, err := tab.Snapshot(10)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := tab.ExportDelta(64)
	if err != nil {
		t.Fatal(err)
	}
	for _, load := range []bool{true, false} {
		b, err := NewTable(pool, nil)
		if err != nil {
			t.Fatal(err)
		}
		if load {
			if n, err := b.Load(snap, 10); n != 2 || err != nil {
				t.Fatalf("load: %d %v", n, err)
			}
		} else if n, _, err := b.ImportDelta(recs, 10); n != 2 || err != nil {
			t.Fatalf("import: %d %v", n, err)
		}
		if y, ok, err := b.Lookup(f, 10); !ok || err != nil || y.XAddr != want || !y.NAT64 {
			t.Fatalf("after load %v: %+v %v %v", load, y, ok, err)
		}
		b.Close()
	}
	// families: a NAT64 flow is an IPv6 source and an IPv4 remote
	bad := f
	bad.Dst = netip.MustParseAddr("2001:db8::9")
	if _, err := tab.Claim(bad, 10); !errors.Is(err, ErrFamily) {
		t.Fatalf("IPv6 remote: %v", err)
	}
	// an algorithm without a NAT64 rule refuses
	u, err := NewTable(pool, &TableOptions{Flags: TablePaired, Algo: XpfUserspaceV1})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if _, err := u.Claim(f, 10); !errors.Is(err, ErrNoNAT64) {
		t.Fatalf("userspace: %v", err)
	}
}

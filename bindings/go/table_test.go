// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

import (
	"errors"
	"net/netip"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
)

var flow = Flow{Proto: 6, Src: netip.MustParseAddr("10.0.0.1"), SrcPort: 40000,
	Dst: netip.MustParseAddr("93.184.216.34"), DstPort: 443}

func TestTableLifecycle(t *testing.T) {
	pool := mustPool(t, "198.51.100.1-198.51.100.4", nil)
	tab, err := NewTable(pool, &TableOptions{Permit: PermitAnyRemoteHost, InactivityTimeout: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	m, err := tab.Claim(flow, 100)
	if err != nil || m.Flags&MappingNew == 0 || m.Src != flow.Src {
		t.Fatalf("Claim: %+v %v", m, err)
	}
	if a, _ := pool.Addr(IPv4, m.XIndex); a != m.XAddr {
		t.Fatalf("XIndex %d is %v, not %v", m.XIndex, a, m.XAddr)
	}
	if m2, err := tab.Claim(flow, 101); err != nil || m2.Flags&MappingReused == 0 || m2.Flows != 2 {
		t.Fatalf("reuse: %+v %v", m2, err)
	}
	if got, ok, err := tab.LookupXlat(6, m.XAddr, m.XPort, 101); !ok || err != nil || got.Src != flow.Src {
		t.Fatalf("LookupXlat: %+v %v %v", got, ok, err)
	}
	if ok, err := tab.Permit(6, m.XAddr, m.XPort, netip.MustParseAddr("1.2.3.4"), 80, 101); !ok || err != nil {
		t.Fatalf("Permit: %v %v", ok, err)
	}
	if ms, err := tab.Mappings(101); err != nil || len(ms) != 1 {
		t.Fatalf("Mappings: %v %v", ms, err)
	}
	if st, err := tab.Stats(); err != nil || st.LiveFlows != 2 || st.Allocations != 1 {
		t.Fatalf("Stats: %+v %v", st, err)
	}
	tab.Release(flow, 102)
	tab.Release(flow, 102)
	if err := tab.Release(flow, 103); !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("release without flow: %v", err)
	}
	if n, err := tab.Expire(200, 0); n != 1 || err != nil {
		t.Fatalf("Expire: %d %v", n, err)
	}
	if _, ok, err := tab.Lookup(flow, 200); ok || err != nil {
		t.Fatalf("Lookup after expiry: %v %v", ok, err)
	}
}

func TestTableErrors(t *testing.T) {
	pool := mustPool(t, "198.51.100.1", nil)
	if _, err := NewTable(pool, &TableOptions{Shards: 3}); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("shards 3: %v", err)
	}
	tab, err := NewTable(pool, &TableOptions{MaxMappings: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	tab.Claim(flow, 1)
	other := flow
	other.Src = netip.MustParseAddr("10.0.0.2")
	if _, err := tab.Claim(other, 1); !errors.Is(err, ErrFull) {
		t.Fatalf("full: %v", err)
	}
	v6 := Flow{Proto: 6, Src: netip.MustParseAddr("::1"), Dst: netip.MustParseAddr("::2")}
	if _, err := tab.Claim(v6, 1); !errors.Is(err, ErrNoFamily) {
		t.Fatalf("v6: %v", err)
	}
	mixed := Flow{Proto: 6, Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("::2")}
	if _, err := tab.Claim(mixed, 1); !errors.Is(err, ErrFamily) {
		t.Fatalf("mixed: %v", err)
	}
	if _, err := tab.Claim(Flow{}, 1); !errors.Is(err, ErrAddr) {
		t.Fatalf("zero flow: %v", err)
	}
	if _, err := tab.Load([]byte("junk"), 1); err == nil {
		t.Fatal("loading junk succeeded")
	}
}

func TestTableSnapshotDelta(t *testing.T) {
	pool := mustPool(t, "198.51.100.1-198.51.100.4", nil)
	a, err := NewTable(pool, &TableOptions{Permit: PermitAnyRemoteHost, DeltaCapacity: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	m, _ := a.Claim(flow, 100)
	snap, err := a.Snapshot(100)
	if err != nil || len(snap) == 0 {
		t.Fatalf("Snapshot: %d %v", len(snap), err)
	}
	path := filepath.Join(t.TempDir(), "snap")
	if err := a.Save(path, 100); err != nil {
		t.Fatal(err)
	}
	recs, err := a.ExportDelta(0)
	if err != nil || len(recs) == 0 || len(recs)%DeltaRecordSize != 0 {
		t.Fatalf("ExportDelta: %d %v", len(recs), err)
	}
	for _, load := range []func(*Table) (int, error){
		func(b *Table) (int, error) { return b.Load(snap, 500) },
		func(b *Table) (int, error) { return b.LoadFile(path, 500) },
	} {
		b, _ := NewTable(pool, &TableOptions{Permit: PermitAnyRemoteHost})
		if n, err := load(b); n != 1 || err != nil {
			t.Fatalf("load: %d %v", n, err)
		}
		if got, ok, _ := b.Lookup(flow, 500); !ok || got.XPort != m.XPort {
			t.Fatalf("loaded mapping: %+v", got)
		}
		b.Close()
	}
	c, _ := NewTable(pool, &TableOptions{Permit: PermitAnyRemoteHost})
	defer c.Close()
	if n, used, err := c.ImportDelta(recs, 500); n < 1 || used != len(recs) || err != nil {
		t.Fatalf("ImportDelta: %d %d %v", n, used, err)
	}
}

func TestTableKeepsPool(t *testing.T) {
	pool, _ := NewPool("198.51.100.1-198.51.100.4", nil)
	tab, err := NewTable(pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	pool.Close()
	if _, err := tab.Claim(flow, 1); err != nil {
		t.Fatalf("claim after pool Close: %v", err)
	}
	if _, err := NewTable(pool, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("table on a closed pool: %v", err)
	}
	tab.Close()
	tab.Close()
	if _, err := tab.Claim(flow, 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestTableConcurrent(t *testing.T) {
	pool := mustPool(t, "198.51.100.0/28", nil)
	tab, err := NewTable(pool, &TableOptions{Flags: TablePaired})
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				f := Flow{Proto: 17, Src: netip.AddrFrom4([4]byte{10, byte(g), byte(i), 1}),
					SrcPort: 5000, Dst: netip.MustParseAddr("192.0.2.1"), DstPort: 53}
				m, err := tab.Claim(f, 1)
				if err != nil {
					t.Errorf("claim: %v", err)
					return
				}
				if want, _, _ := pool.Select(f.Src, 0); want != m.XAddr {
					t.Errorf("paired: %v != %v", m.XAddr, want)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

func TestTableEvents(t *testing.T) {
	pool := mustPool(t, "198.51.100.1-198.51.100.2", nil)
	tab, err := NewTable(pool, &TableOptions{EventCapacity: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	f := Flow{Proto: 6, Src: netip.MustParseAddr("10.0.0.1"), SrcPort: 1000, Dst: netip.MustParseAddr("192.0.2.1"), DstPort: 443}
	g := Flow{Proto: 17, Src: netip.MustParseAddr("10.0.0.2"), SrcPort: 2000, Dst: netip.MustParseAddr("192.0.2.1"), DstPort: 53}
	m, err := tab.Claim(f, 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := tab.Release(f, 11); err != nil {
		t.Fatal(err)
	}
	if _, err := tab.Claim(g, 12); err != nil {
		t.Fatal(err)
	}
	if err := tab.Rollback(g, 13); err != nil { // the fourth event: dropped
		t.Fatal(err)
	}
	dropped, queued, err := tab.EventsDropped()
	if err != nil || dropped != 1 || queued != 3 {
		t.Fatalf("EventsDropped = %d, %d, %v; want 1, 3", dropped, queued, err)
	}
	ev, err := tab.DrainEvents(16)
	if err != nil || len(ev) != 3 {
		t.Fatalf("DrainEvents = %v, %v", ev, err)
	}
	want := []struct {
		typ EventType
		now uint32
	}{{EventCreated, 10}, {EventReleased, 11}, {EventCreated, 12}}
	for i, w := range want {
		if ev[i].Type != w.typ || ev[i].Now != w.now || ev[i].Mapping == nil {
			t.Fatalf("event %d = %+v, want %v", i, ev[i], w)
		}
	}
	if ev[0].Mapping.XAddr != m.XAddr || ev[0].Mapping.XPort != m.XPort || ev[0].Mapping.Src != f.Src {
		t.Fatalf("event mapping %+v, claim %+v", *ev[0].Mapping, m)
	}
	if ev, err := tab.DrainEvents(16); err != nil || len(ev) != 0 {
		t.Fatalf("empty queue: %v, %v", ev, err)
	}
	if _, err := tab.DrainEvents(-1); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("DrainEvents(-1): %v", err)
	}
	plain, err := NewTable(pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.DrainEvents(1); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("no queue: %v", err)
	}
	plain.Close()
	if _, err := NewTable(pool, &TableOptions{EventCapacity: 1 << 30}); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("huge queue: %v", err)
	}
	tab.Close()
	if _, err := tab.DrainEvents(1); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
}

func TestTableWorkers(t *testing.T) {
	pool := mustPool(t, "198.51.100.1-198.51.100.4", nil)
	tab, err := NewTable(pool, &TableOptions{Workers: 4, Shards: 16, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	var seen [4]int
	for n := 0; n < 400; n++ {
		src := netip.AddrFrom4([4]byte{10, 0, byte(n >> 8), byte(n)})
		w, err := tab.Worker(src, false)
		if err != nil || w < 0 || w > 3 {
			t.Fatalf("Worker(%v) = %d, %v", src, w, err)
		}
		seen[w]++
		f := Flow{Proto: 6, Src: src, SrcPort: 1234, Dst: netip.MustParseAddr("192.0.2.1"), DstPort: 80}
		if _, err := tab.Claim(f, 1); err != nil {
			t.Fatal(err)
		}
	}
	for w, c := range seen {
		if c < 40 {
			t.Fatalf("worker %d has %d of 400 sources", w, c)
		}
	}
	v6 := netip.MustParseAddr("2001:db8::1")
	a, _ := tab.Worker(v6, false)
	b, _ := tab.Worker(v6, true)
	if a != b {
		t.Fatalf("NAT64 worker %d, native %d", b, a)
	}
	if _, err := NewTable(pool, &TableOptions{Workers: 32, Shards: 16}); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("32 workers over 16 shards: %v", err)
	}
}

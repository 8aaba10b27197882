// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
)

const spec = "198.51.100.1-198.51.100.4,2001:db8::/126"

func mustPool(t *testing.T, s string, o *PoolOptions) *Pool {
	t.Helper()
	p, err := NewPool(s, o)
	if err != nil {
		t.Fatalf("NewPool(%q): %v", s, err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestSelectKnownAnswer(t *testing.T) {
	p := mustPool(t, spec, nil)
	// docs: xpf-userspace-v1 of 10.0.1.100 over four addresses is index 3
	a, i, err := p.Select(netip.MustParseAddr("10.0.1.100"), XpfUserspaceV1)
	if err != nil || i != 3 || a != netip.MustParseAddr("198.51.100.4") {
		t.Fatalf("Select = %v %d %v", a, i, err)
	}
	if p.Count(IPv4) != 4 || p.Count(IPv6) != 4 || p.Count(Family(5)) != 0 {
		t.Fatalf("Count: %d %d", p.Count(IPv4), p.Count(IPv6))
	}
	if lo, hi := p.Ports(); lo != 1024 || hi != 65535 {
		t.Fatalf("Ports = %d-%d", lo, hi)
	}
	if p.DefaultAlgo() != DefaultAlgo || p.Seed() != 0 {
		t.Fatalf("DefaultAlgo %v Seed %d", p.DefaultAlgo(), p.Seed())
	}
	if got := p.Addrs(IPv6); len(got) != 4 || got[3] != netip.MustParseAddr("2001:db8::3") {
		t.Fatalf("Addrs(IPv6) = %v", got)
	}
}

func TestMappedIsIPv6(t *testing.T) {
	p := mustPool(t, spec, nil)
	src := netip.MustParseAddr("::ffff:10.0.1.100")
	a, _, err := p.Select(src, 0)
	if err != nil || !a.Is6() || a.Is4In6() {
		t.Fatalf("mapped source must select an IPv6 address: %v %v", a, err)
	}
	if FamilyOf(src) != IPv6 {
		t.Fatal("FamilyOf(::ffff:a.b.c.d) != IPv6")
	}
}

func TestEveryAlgoMatchesBurst(t *testing.T) {
	p := mustPool(t, "10.9.0.0/28", &PoolOptions{Seed: 42})
	var srcs []netip.Addr
	for i := 0; i < 300; i++ {
		srcs = append(srcs, netip.AddrFrom4([4]byte{192, 0, byte(i >> 8), byte(i)}))
	}
	for _, info := range Algorithms() {
		idx, err := p.SelectBurst(srcs, info.Algo)
		if err != nil {
			t.Fatalf("%s burst: %v", info.Name, err)
		}
		for k, s := range srcs {
			a, i, err := p.Select(s, info.Algo)
			if err != nil || uint32(i) != idx[k] {
				t.Fatalf("%s %v: single %d %v, burst %d", info.Name, s, i, err, idx[k])
			}
			if want, _ := p.Addr(IPv4, i); want != a {
				t.Fatalf("%s: address %v is not index %d (%v)", info.Name, a, i, want)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	_, err := NewPool("198.51.100.1,198.51.100.x", nil)
	var se *Error
	if !errors.Is(err, ErrAddr) || !errors.As(err, &se) || se.Token != "198.51.100.x" {
		t.Fatalf("bad spec: %#v", err)
	}
	if _, err := NewPool("", nil); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty spec: %v", err)
	}
	if _, err := NewPool("10.0.0.1", &PoolOptions{PortLo: 9, PortHi: 1}); !errors.Is(err, ErrPort) {
		t.Fatalf("ports: %v", err)
	}
	if _, err := NewPool("10.0.0.1", &PoolOptions{Algo: 99}); !errors.Is(err, ErrAlgo) {
		t.Fatalf("default algo: %v", err)
	}
	p := mustPool(t, "10.0.0.1-10.0.0.3", nil)
	if _, _, err := p.Select(netip.MustParseAddr("::1"), 0); !errors.Is(err, ErrNoFamily) {
		t.Fatalf("no family: %v", err)
	}
	if _, _, err := p.Select(netip.Addr{}, 0); !errors.Is(err, ErrAddr) {
		t.Fatalf("zero Addr: %v", err)
	}
	if _, _, err := p.Select(netip.MustParseAddr("fe80::1%eth0"), 0); !errors.Is(err, ErrAddr) {
		t.Fatalf("zoned: %v", err)
	}
	if _, _, err := p.Select(netip.MustParseAddr("1.2.3.4"), 77); !errors.Is(err, ErrAlgo) {
		t.Fatalf("algo 77: %v", err)
	}
	q := mustPool(t, "10.0.0.1,10.0.0.3", nil)
	if _, _, err := q.Select(netip.MustParseAddr("1.2.3.4"), LinuxNFPersist); !errors.Is(err, ErrNotRange) {
		t.Fatalf("not range: %v", err)
	}
	if _, err := p.Addr(IPv4, 3); !errors.Is(err, syscall.ERANGE) {
		t.Fatalf("Addr out of range: %v", err)
	}
	if _, err := p.Addr(IPv4, -1); err == nil {
		t.Fatal("Addr(-1) succeeded")
	}
	if _, err := ParseAlgo("no-such-algo"); !errors.Is(err, ErrAlgo) {
		t.Fatalf("ParseAlgo: %v", err)
	}
	if _, err := p.SelectBurst([]netip.Addr{netip.MustParseAddr("1.1.1.1"),
		netip.MustParseAddr("::1")}, 0); !errors.Is(err, ErrFamily) {
		t.Fatalf("mixed burst: %v", err)
	}
	if ErrAddr.Error() != "malformed address" {
		t.Fatalf("ErrAddr text %q", ErrAddr.Error())
	}
}

func TestNewPoolAddrs(t *testing.T) {
	addrs := []netip.Addr{netip.MustParseAddr("203.0.113.9"), netip.MustParseAddr("2001:db8::5"),
		netip.MustParseAddr("203.0.113.1")}
	p, err := NewPoolAddrs(addrs, &PoolOptions{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if a, _ := p.Addr(IPv4, 1); a != addrs[2] || p.Seed() != 7 {
		t.Fatalf("order or seed lost: %v", a)
	}
	_, err = NewPoolAddrs([]netip.Addr{addrs[0], addrs[0]}, nil)
	if !errors.Is(err, ErrDup) {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := NewPoolAddrs(nil, nil); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty: %v", err)
	}
	if _, err := NewPoolAddrs([]netip.Addr{{}}, nil); !errors.Is(err, ErrAddr) {
		t.Fatalf("invalid: %v", err)
	}
}

func TestClose(t *testing.T) {
	p, err := NewPool(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	p.Close()
	if _, _, err := p.Select(netip.MustParseAddr("1.2.3.4"), 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if p.Count(IPv4) != 0 {
		t.Fatal("Count after Close")
	}
	var nilPool *Pool
	if _, _, err := nilPool.Select(netip.MustParseAddr("1.2.3.4"), 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("nil pool: %v", err)
	}
	if _, err := NewTable(nilPool, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("table on nil pool: %v", err)
	}
	var zero Pool
	if _, _, err := zero.Select(netip.MustParseAddr("1.2.3.4"), 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("zero pool: %v", err)
	}
	// pools left to the finalizer
	for i := 0; i < 50; i++ {
		if _, err := NewPool("10.0.0.0/24", nil); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
}

func TestConcurrentSelect(t *testing.T) {
	p := mustPool(t, spec, nil)
	want, _, _ := p.Select(netip.MustParseAddr("10.1.2.3"), MaglevV1)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				a, _, err := p.Select(netip.MustParseAddr("10.1.2.3"), MaglevV1)
				if err != nil || a != want {
					t.Errorf("concurrent: %v %v", a, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestMaglevTable(t *testing.T) {
	p := mustPool(t, "10.0.0.0/30", &PoolOptions{MaglevSize: 1031})
	tab, err := p.MaglevTable(IPv4)
	if err != nil || len(tab) != 1031 {
		t.Fatalf("table: %d %v", len(tab), err)
	}
	for _, v := range tab {
		if v >= 4 {
			t.Fatalf("index %d out of range", v)
		}
	}
	if _, err := p.MaglevTable(IPv6); !errors.Is(err, ErrNoFamily) {
		t.Fatalf("IPv6 table: %v", err)
	}
}

func TestAlgorithms(t *testing.T) {
	algos := Algorithms()
	if len(algos) < 5 {
		t.Fatalf("%d algorithms", len(algos))
	}
	for _, a := range algos {
		got, err := ParseAlgo(a.Name)
		if err != nil || got != a.Algo || got.String() != a.Name {
			t.Fatalf("%s: %v %v", a.Name, got, err)
		}
	}
	if a, err := ParseAlgo("4"); err != nil || a != XXH3V1 {
		t.Fatalf("ParseAlgo(4) = %v %v", a, err)
	}
	if Algo(99).String() != "algo(99)" || Algo(99).Known() {
		t.Fatal("unknown algo")
	}
	info, _ := MaglevV1.Info()
	if info.Flags&FlagConsistent == 0 {
		t.Fatalf("maglev flags %v", info.Flags)
	}
}

func TestAddrText(t *testing.T) {
	a, err := ParseAddr("::ffff:1.2.3.4")
	if err != nil || !a.Is4In6() {
		t.Fatalf("ParseAddr: %v %v", a, err)
	}
	if _, err := ParseAddr("1.2.3"); !errors.Is(err, ErrAddr) {
		t.Fatalf("ParseAddr bad: %v", err)
	}
	if s := FormatAddr(netip.MustParseAddr("2001:db8::1")); s != "2001:db8::1" {
		t.Fatalf("FormatAddr %q", s)
	}
}

func TestVectors(t *testing.T) {
	lines, err := Vectors(XpfLegacyV0)
	if err != nil || len(lines) == 0 {
		t.Fatalf("Vectors: %d %v", len(lines), err)
	}
	if r := CheckVector(lines[0]); !r.OK() {
		t.Fatalf("own vector fails: %+v", r)
	}
	bad := strings.Replace(lines[0], `"index":`, `"index":1`, 1)
	if r := CheckVector(bad); r.Status == 0 {
		t.Fatalf("altered vector passes: %s", bad)
	}
	if r := CheckVector("{"); r.Status >= 0 || r.Msg == "" {
		t.Fatalf("garbage: %+v", r)
	}
	if r := CheckVector(""); r.Status >= 0 {
		t.Fatalf("empty: %+v", r)
	}
	var buf bytes.Buffer
	n, err := WriteVectors(&buf, XXH3V1)
	if err != nil || n != strings.Count(buf.String(), "\n") {
		t.Fatalf("WriteVectors: %d %v", n, err)
	}
	if _, err := WriteVectors(&buf, Algo(99)); !errors.Is(err, ErrAlgo) {
		t.Fatalf("WriteVectors(99): %v", err)
	}
	path := filepath.Join(t.TempDir(), "v.jsonl")
	content := strings.Join(lines, "\n") + "\n\n" + bad + "\nnot json\n"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Verify(path)
	if err != nil || res.Passed != len(lines) || res.Failed != 2 || res.Malformed != 1 {
		t.Fatalf("Verify: %+v %v", res, err)
	}
	if len(res.Failures) != 2 || res.Failures[1].Line != len(lines)+3 {
		t.Fatalf("failures: %+v", res.Failures)
	}
	if _, err := Verify(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("Verify of a missing file succeeded")
	}
}

// The committed vectors, through the binding's own Select (not the C checker).
func TestCommittedVectors(t *testing.T) {
	files, _ := filepath.Glob("../../tests/vectors/*.jsonl")
	if len(files) == 0 {
		t.Fatal("no committed vectors found")
	}
	for _, f := range files {
		res, err := Verify(f)
		if err != nil || res.Failed != 0 || res.Passed == 0 {
			t.Errorf("%s: %+v %v", f, res, err)
		}
	}
}

func FuzzSpec(f *testing.F) {
	f.Add("198.51.100.1-198.51.100.4,2001:db8::/126")
	f.Add("::ffff:0.0.0.0/120")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NewPool(s, nil)
		if err != nil {
			return
		}
		defer p.Close()
		for _, fam := range []Family{IPv4, IPv6} {
			if p.Count(fam) > 0 {
				src := netip.MustParseAddr("10.0.0.1")
				if fam == IPv6 {
					src = netip.MustParseAddr("2001:db8::1")
				}
				if _, _, err := p.Select(src, 0); err != nil {
					t.Fatalf("%q: %v", s, err)
				}
			}
		}
	})
}

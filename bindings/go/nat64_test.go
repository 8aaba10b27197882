// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

// The committed NAT64 vectors (schema /2), through SelectNAT64 and
// SelectNAT64Burst: the binding's own calls, not the C checker.
func TestNAT64Vectors(t *testing.T) {
	files, _ := filepath.Glob("../../tests/vectors/*.nat64.jsonl")
	if len(files) != 3 {
		t.Fatalf("want 3 NAT64 vector files, found %v", files)
	}
	checked := 0
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		var pool *Pool
		var key string
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<26)
		for sc.Scan() {
			var v struct {
				Schema  string `json:"schema"`
				Algo    string `json:"algo"`
				Family  int    `json:"family"`
				XFamily int    `json:"xfamily"`
				Pool    string `json:"pool"`
				Seed    uint64 `json:"seed"`
				Src     string `json:"src"`
				Index   int    `json:"index"`
				Address string `json:"address"`
			}
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
			if v.Schema != "snatpool-vectors/2" || v.Family != 6 || v.XFamily != 4 {
				t.Fatalf("%s: not a NAT64 line: %s", name, sc.Text())
			}
			if k := fmt.Sprintf("%s|%d", v.Pool, v.Seed); pool == nil || k != key {
				if pool != nil {
					pool.Close()
				}
				pool, err = NewPool(v.Pool, &PoolOptions{Seed: v.Seed})
				if err != nil {
					t.Fatal(err)
				}
				key = k
			}
			algo, err := ParseAlgo(v.Algo)
			if err != nil {
				t.Fatal(err)
			}
			src := netip.MustParseAddr(v.Src)
			addr, idx, err := pool.SelectNAT64(src, algo)
			if err != nil || idx != v.Index || addr != netip.MustParseAddr(v.Address) {
				t.Fatalf("%s: %s: got %v %d %v", name, sc.Text(), addr, idx, err)
			}
			burst, err := pool.SelectNAT64Burst([]netip.Addr{src, src}, algo)
			if err != nil || len(burst) != 2 || int(burst[1]) != v.Index {
				t.Fatalf("%s: burst %v %v", sc.Text(), burst, err)
			}
			checked++
		}
		if pool != nil {
			pool.Close()
		}
		f.Close()
	}
	if checked < 10000 {
		t.Fatalf("only %d NAT64 lines checked", checked)
	}
}

func TestNAT64Errors(t *testing.T) {
	p, err := NewPool("198.51.100.1-198.51.100.4,2001:db8::/126", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	src := netip.MustParseAddr("2001:db8::1")
	for _, a := range []Algo{XpfUserspaceV1, LinuxNFPersist} {
		if _, _, err := p.SelectNAT64(src, a); !errors.Is(err, ErrNoNAT64) {
			t.Errorf("algo %d: %v, want ErrNoNAT64", a, err)
		}
		if _, err := p.SelectNAT64Burst([]netip.Addr{src}, a); !errors.Is(err, ErrNoNAT64) {
			t.Errorf("burst algo %d: %v, want ErrNoNAT64", a, err)
		}
	}
	if _, _, err := p.SelectNAT64(netip.MustParseAddr("10.0.0.1"), 0); !errors.Is(err, ErrFamily) {
		t.Errorf("IPv4 source: %v, want ErrFamily", err)
	}
	v6, err := NewPool("2001:db8::/126", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer v6.Close()
	if _, _, err := v6.SelectNAT64(src, XXH3V1); !errors.Is(err, ErrNoFamily) {
		t.Errorf("IPv6-only pool: %v, want ErrNoFamily", err)
	}
	if ErrNoNAT64.Error() == "unknown error" {
		t.Error("ErrNoNAT64 has no text")
	}
}

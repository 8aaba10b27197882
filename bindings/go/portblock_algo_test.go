// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestPortBlockAlgoRegistry(t *testing.T) {
	want := []string{"snatpool-spread-v1", "xpf-det-v0", "vpp-det44-v0"}
	got := PortBlockAlgos()
	if len(got) != len(want) {
		t.Fatalf("PortBlockAlgos() = %v", got)
	}
	for i, a := range got {
		if int(a) != i+1 || a.String() != want[i] {
			t.Errorf("algo %d = %d %q, want %d %q", i, a, a, i+1, want[i])
		}
		if b, err := PortBlockAlgoByName(want[i]); err != nil || b != a {
			t.Errorf("PortBlockAlgoByName(%q) = %v %v", want[i], b, err)
		}
	}
	if _, err := PortBlockAlgoByName("xpf-legacy-v0"); !errors.Is(err, ErrAlgo) {
		t.Errorf("a selection algorithm is not a port-block one: %v", err)
	}
}

func TestPortBlockDet44Refusals(t *testing.T) {
	pool := mustPool(t, "1.1.1.0/28", nil)
	pb, err := NewPortBlock(pool, PortBlockOptions{Base: netip.MustParseAddr("10.0.0.0"),
		PrefixLen: 21, Algo: VppDet44V0})
	if err != nil {
		t.Fatal(err)
	}
	in, err := pb.Info()
	if err != nil || in.BlockSize != 504 || in.Blocks != 128 || in.Count != 2048 ||
		len(in.FingerprintHex()) != 64 {
		t.Fatalf("Info() = %+v %v", in, err)
	}
	pb.Close()
	_, err = NewPortBlock(pool, PortBlockOptions{Base: netip.MustParseAddr("10.0.0.0"),
		PrefixLen: 29, Algo: VppDet44V0})
	var e *Error
	if !errors.As(err, &e) || e.Code != ErrGeometry || !strings.Contains(e.Token, "inside /29") {
		t.Fatalf("inside longer than outside: %v", err)
	}
}

type pbVector struct {
	Algo, Pool, Ports, Subscribers, Op, Result, Src, Address, SubscriberAddress string
	Count, Flags                                                                uint32
	BlockSize, PortLo, PortHi, Port                                             uint16
	Subscriber                                                                  int
}

// Every committed port-block vector (written by independent models of xpf
// and VPP) through Map and Reverse.
func TestPortBlockVectors(t *testing.T) {
	top := os.Getenv("top_srcdir")
	if top == "" {
		top = filepath.Join("..", "..")
	}
	type key struct {
		algo, pool, ports, subs string
		count, flags            uint32
		bs                      uint16
	}
	plans := map[key]*PortBlock{}
	n := 0
	for _, name := range []string{"snatpool-spread-v1", "xpf-det-v0", "vpp-det44-v0"} {
		f, err := os.Open(filepath.Join(top, "tests", "vectors", "portblock", name+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var v struct {
				pbVector
				SubAddr string `json:"subscriber_address"`
				BS      uint16 `json:"block_size"`
				PLo     uint16 `json:"port_lo"`
				PHi     uint16 `json:"port_hi"`
			}
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
			k := key{v.Algo, v.Pool, v.Ports, v.Subscribers, v.Count, v.Flags, v.BS}
			pb := plans[k]
			if pb == nil {
				lohi := strings.Split(v.Ports, "-")
				lo, _ := strconv.Atoi(lohi[0])
				hi, _ := strconv.Atoi(lohi[1])
				pool := mustPool(t, v.Pool, &PoolOptions{PortLo: uint16(lo), PortHi: uint16(hi)})
				pfx := netip.MustParsePrefix(v.Subscribers)
				algo, err := PortBlockAlgoByName(v.Algo)
				if err != nil {
					t.Fatal(err)
				}
				xf := IPv4
				if strings.Contains(v.Pool, ":") {
					xf = IPv6
				}
				pb, err = NewPortBlock(pool, PortBlockOptions{Base: pfx.Addr(), Count: v.Count,
					PrefixLen: uint8(pfx.Bits()), XFamily: xf, BlockSize: v.BS, Algo: algo,
					Flags: v.Flags})
				if err != nil {
					t.Fatalf("%s: %v", sc.Text(), err)
				}
				defer pb.Close()
				plans[k] = pb
			}
			if v.Op == "map" {
				src := netip.MustParseAddr(v.Src)
				var blk Block
				ok := false
				if src.Is4() == !strings.Contains(v.Subscribers, ":") {
					blk, ok, err = pb.Map(src)
				}
				if err != nil || ok != (v.Result == "block") || (ok && (blk.Subscriber != v.Subscriber ||
					blk.XAddr.String() != v.Address || blk.PortLo != v.PLo || blk.PortHi != v.PHi)) {
					t.Fatalf("%s: Map = %+v %v %v", sc.Text(), blk, ok, err)
				}
			} else {
				sub, addr, ok, err := pb.Reverse(netip.MustParseAddr(v.Address), v.Port)
				if err != nil || ok != (v.Result == "subscriber") ||
					(ok && (sub != v.Subscriber || addr.String() != v.SubAddr)) {
					t.Fatalf("%s: Reverse = %d %v %v %v", sc.Text(), sub, addr, ok, err)
				}
			}
			n++
		}
		f.Close()
	}
	if n < 4000 {
		t.Fatalf("only %d vectors", n)
	}
}

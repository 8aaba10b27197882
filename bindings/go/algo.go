// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

/*
#include <stdlib.h>
#include <snatpool.h>
*/
import "C"

import (
	"strconv"
	"unsafe"
)

// Algo is an algorithm ID.  IDs and names are frozen: never renumbered,
// never reused, their output never changed.
type Algo uint32

// The algorithms (enum snatpool_algo).  PoolDefault (0) means the pool's
// default algorithm.
const (
	PoolDefault    Algo = 0
	XpfLegacyV0    Algo = C.SNATPOOL_ALGO_XPF_LEGACY_V0    // "xpf-legacy-v0"
	XpfUserspaceV1 Algo = C.SNATPOOL_ALGO_XPF_USERSPACE_V1 // "xpf-userspace-v1"
	LinuxNFPersist Algo = C.SNATPOOL_ALGO_LINUX_NF_PERSIST // "linux-nf-persistent"
	XXH3V1         Algo = C.SNATPOOL_ALGO_XXH3_V1          // "snatpool-xxh3-v1"
	MaglevV1       Algo = C.SNATPOOL_ALGO_MAGLEV_V1        // "snatpool-maglev-v1"
)

// DefaultAlgo is the library default when neither call nor pool names one.
const DefaultAlgo = XXH3V1

// AlgoFlags are algorithm properties (SNATPOOL_ALGO_F_*).
type AlgoFlags uint32

// Algorithm property flags.
const (
	FlagOpenSSL    AlgoFlags = C.SNATPOOL_ALGO_F_OPENSSL    // the library uses libcrypto for it
	FlagBPFSafe    AlgoFlags = C.SNATPOOL_ALGO_F_BPF_SAFE   // core runs in the BPF verifier
	FlagOrderFree  AlgoFlags = C.SNATPOOL_ALGO_F_ORDER_FREE // independent of configured order
	FlagConsistent AlgoFlags = C.SNATPOOL_ALGO_F_CONSISTENT // minimal moves on pool change
	FlagSeeded     AlgoFlags = C.SNATPOOL_ALGO_F_SEEDED     // uses the pool's seed
	FlagRangeOnly  AlgoFlags = C.SNATPOOL_ALGO_F_RANGE_ONLY // needs a contiguous range
)

// String returns the frozen name ("snatpool-xxh3-v1"), or "algo(N)" for
// an ID the library does not know.
func (a Algo) String() string {
	if s := C.snatpool_algo_name(C.uint32_t(a)); s != nil {
		return C.GoString(s)
	}
	return "algo(" + strconv.FormatUint(uint64(a), 10) + ")"
}

// Known reports whether the library knows the algorithm.
func (a Algo) Known() bool {
	return C.snatpool_algo_name(C.uint32_t(a)) != nil
}

// ParseAlgo returns the algorithm of a frozen name or of a decimal ID.
// An unknown one is an error wrapping ErrAlgo.
func ParseAlgo(name string) (Algo, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	if rc := C.snatpool_algo_by_name(cs); rc > 0 {
		return Algo(rc), nil
	}
	if id, err := strconv.ParseUint(name, 10, 32); err == nil && Algo(id).Known() {
		return Algo(id), nil
	}
	return 0, bad("snatpool_algo_by_name", ErrAlgo, name)
}

// AlgoInfo is what the library's registry says of one algorithm.
type AlgoInfo struct {
	Algo    Algo
	Name    string
	Flags   AlgoFlags
	Summary string
}

// Info returns the registry entry of the algorithm.
func (a Algo) Info() (AlgoInfo, error) {
	var info C.struct_snatpool_algo_info
	if err := errOf("snatpool_algo_info", C.snatpool_algo_info(C.uint32_t(a), &info)); err != nil {
		return AlgoInfo{}, err
	}
	return AlgoInfo{
		Algo:    Algo(info.id),
		Name:    C.GoString(info.name),
		Flags:   AlgoFlags(info.flags),
		Summary: C.GoString(info.summary),
	}, nil
}

// Algorithms returns every algorithm the library knows, by ascending ID.
func Algorithms() []AlgoInfo {
	n := C.snatpool_algo_list(nil, 0)
	if n <= 0 {
		return nil
	}
	ids := make([]C.uint32_t, int(n))
	C.snatpool_algo_list(&ids[0], C.size_t(len(ids)))
	out := make([]AlgoInfo, 0, len(ids))
	for _, id := range ids {
		if info, err := Algo(id).Info(); err == nil {
			out = append(out, info)
		}
	}
	return out
}

// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

/*
#cgo pkg-config: libsnatpool
#include <stdlib.h>
#include <string.h>
#include <snatpool.h>

static int snp_go_pool_from_spec(const char *spec, uint64_t seed, uint16_t lo,
				 uint16_t hi, uint32_t algo, uint32_t msize,
				 struct snatpool **out, struct snatpool_diag *diag)
{
	SNATPOOL_OPTS(snatpool_pool_opts, o, .seed = seed, .port_lo = lo,
		      .port_hi = hi, .default_algo = algo, .maglev_size = msize);
	return snatpool_pool_from_spec(spec, &o, out, diag);
}

static int snp_go_pool_new(const struct snatpool_addr *addrs, size_t n,
			   uint64_t seed, uint16_t lo, uint16_t hi, uint32_t algo,
			   uint32_t msize, struct snatpool **out,
			   struct snatpool_diag *diag)
{
	SNATPOOL_OPTS(snatpool_pool_opts, o, .seed = seed, .port_lo = lo,
		      .port_hi = hi, .default_algo = algo, .maglev_size = msize);
	return snatpool_pool_new(addrs, n, &o, out, diag);
}
*/
import "C"

import (
	"errors"
	"net/netip"
	"runtime"
	"sync"
	"syscall"
	"unsafe"
)

// MaxAddrs is the most addresses of one family a pool may hold.
const MaxAddrs = C.SNATPOOL_MAX_ADDRS

// Family is an address family: IPv4 or IPv6.
type Family int

// The families, named as the vectors files name them.
const (
	IPv4 Family = 4
	IPv6 Family = 6
)

func (f Family) af() (C.int, error) {
	switch f {
	case IPv4:
		return C.AF_INET, nil
	case IPv6:
		return C.AF_INET6, nil
	}
	return 0, bad("family", ErrFamily, "")
}

// FamilyOf returns the family the library reads a into: IPv6 for an
// IPv4-mapped IPv6 address.
func FamilyOf(a netip.Addr) Family {
	if a.Is4() {
		return IPv4
	}
	return IPv6
}

// addrBytes returns the family and network-order octets of a (4 or 16 of
// the array used); an invalid or zoned address is ErrAddr.
func addrBytes(op string, a netip.Addr) (C.int, [16]byte, int, error) {
	var b [16]byte
	switch {
	case !a.IsValid() || a.Zone() != "":
		return 0, b, 0, bad(op, ErrAddr, a.String())
	case a.Is4():
		v := a.As4()
		copy(b[:], v[:])
		return C.AF_INET, b, 4, nil
	default:
		return C.AF_INET6, a.As16(), 16, nil
	}
}

func addrFrom(af C.int, b *[16]byte) netip.Addr {
	if af == C.AF_INET {
		return netip.AddrFrom4([4]byte{b[0], b[1], b[2], b[3]})
	}
	return netip.AddrFrom16(*b)
}

// PoolOptions are the options of a pool; the zero value gives the
// library's defaults (seed 0, ports 1024-65535, DefaultAlgo, Maglev size
// SNATPOOL_MAGLEV_SIZE).
type PoolOptions struct {
	Seed       uint64 // used by the seeded algorithms
	PortLo     uint16 // 0 with PortHi 0: 1024-65535
	PortHi     uint16
	Algo       Algo   // the pool's default algorithm; 0: DefaultAlgo
	MaglevSize uint32 // Maglev table size M (a prime); 0: the default
}

// Pool is an immutable pool of translated addresses, safe for concurrent
// use.  Close frees it; a finalizer does if Close was never called.
type Pool struct {
	mu      sync.RWMutex // held for reading by calls, for writing by Close
	p       *C.struct_snatpool
	users   int  // open tables and port block plans on the pool
	closing bool // Close was called; free when users drops to 0
}

// ErrClosed is returned by the methods of a closed Pool or Table.
var ErrClosed = errors.New("snatpool: use of a closed handle")

func newPool(p *C.struct_snatpool) *Pool {
	pool := &Pool{p: p}
	runtime.SetFinalizer(pool, (*Pool).Close)
	return pool
}

// NewPool builds a pool from a spec: comma-separated addresses, ranges
// A-B and prefixes P/LEN of both families, e.g.
// "198.51.100.1-198.51.100.4,2001:db8::/126".  opts may be nil.  On error
// the *Error names the offending token.
func NewPool(spec string, opts *PoolOptions) (*Pool, error) {
	var o PoolOptions
	if opts != nil {
		o = *opts
	}
	cs := C.CString(spec)
	defer C.free(unsafe.Pointer(cs))
	var p *C.struct_snatpool
	var d C.struct_snatpool_diag
	rc := C.snp_go_pool_from_spec(cs, C.uint64_t(o.Seed), C.uint16_t(o.PortLo),
		C.uint16_t(o.PortHi), C.uint32_t(o.Algo), C.uint32_t(o.MaglevSize), &p, &d)
	if err := errDiag("snatpool_pool_from_spec", rc, &d); err != nil {
		return nil, err
	}
	return newPool(p), nil
}

// NewPoolAddrs builds a pool from addresses of both families; each family
// keeps its order here (the configured order indexes count in).
func NewPoolAddrs(addrs []netip.Addr, opts *PoolOptions) (*Pool, error) {
	var o PoolOptions
	if opts != nil {
		o = *opts
	}
	n := len(addrs)
	if n == 0 {
		n = 1
	}
	// C memory: the array holds no Go pointer, but C reads it only during
	// the call either way; allocating it in C keeps large pools off the
	// Go heap.
	ptr := (*C.struct_snatpool_addr)(C.calloc(C.size_t(n),
		C.size_t(unsafe.Sizeof(C.struct_snatpool_addr{}))))
	if ptr == nil {
		return nil, &Error{Op: "snatpool_pool_new", Code: Code(syscall.ENOMEM)}
	}
	defer C.free(unsafe.Pointer(ptr))
	carr := unsafe.Slice(ptr, n)
	for i, a := range addrs {
		af, b, _, err := addrBytes("snatpool_pool_new", a)
		if err != nil {
			err.(*Error).Offset = i
			return nil, err
		}
		carr[i].family = af
		for k := range b {
			carr[i].addr[k] = C.uint8_t(b[k])
		}
	}
	var p *C.struct_snatpool
	var d C.struct_snatpool_diag
	rc := C.snp_go_pool_new(ptr, C.size_t(len(addrs)), C.uint64_t(o.Seed),
		C.uint16_t(o.PortLo), C.uint16_t(o.PortHi), C.uint32_t(o.Algo),
		C.uint32_t(o.MaglevSize), &p, &d)
	if err := errDiag("snatpool_pool_new", rc, &d); err != nil {
		return nil, err
	}
	return newPool(p), nil
}

// Close frees the pool.  Calling it again is a no-op; other methods then
// return ErrClosed.  Tables built on the pool keep its memory until they
// are closed.
func (p *Pool) Close() error {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closing = true
	p.freeLocked()
	return nil
}

func (p *Pool) freeLocked() {
	if p.p != nil && p.users == 0 {
		C.snatpool_pool_free(p.p)
		p.p = nil
		runtime.SetFinalizer(p, nil)
	}
}

// retain pins the C pool for a table; release unpins it.
func (p *Pool) retain() (*C.struct_snatpool, error) {
	if p == nil {
		return nil, ErrClosed
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.p == nil || p.closing {
		return nil, ErrClosed
	}
	p.users++
	return p.p, nil
}

func (p *Pool) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.users--
	if p.closing {
		p.freeLocked()
	}
}

// pinned is a C object built on a pool (a table, a port block plan): the
// pool stays pinned while the object lives.  Methods of the object take
// handle() for the object and then RUnlock mu.
type pinned[T any] struct {
	mu   sync.RWMutex
	h    *T
	pool *Pool
	free func(*T)
}

// close frees the object the first time; it reports whether it did, so that
// the owner clears its finalizer.
func (o *pinned[T]) close() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.h == nil {
		return false
	}
	o.free(o.h)
	o.h = nil
	o.pool.release()
	return true
}

// handle returns the object with the read lock held; call o.mu.RUnlock().
func (o *pinned[T]) handle() (*T, error) {
	if o == nil {
		return nil, ErrClosed
	}
	o.mu.RLock()
	if o.h == nil {
		o.mu.RUnlock()
		return nil, ErrClosed
	}
	return o.h, nil
}

// handle returns the C pool with the read lock held; call p.mu.RUnlock().
func (p *Pool) handle() (*C.struct_snatpool, error) {
	if p == nil {
		return nil, ErrClosed
	}
	p.mu.RLock()
	if p.p == nil || p.closing {
		p.mu.RUnlock()
		return nil, ErrClosed
	}
	return p.p, nil
}

// Count returns how many addresses of family f the pool holds.
func (p *Pool) Count(f Family) int {
	af, err := f.af()
	if err != nil {
		return 0
	}
	h, err := p.handle()
	if err != nil {
		return 0
	}
	defer p.mu.RUnlock()
	return int(C.snatpool_pool_count(h, af))
}

// Addr returns the address at index i of family f, configured order.
func (p *Pool) Addr(f Family, i int) (netip.Addr, error) {
	af, err := f.af()
	if err != nil {
		return netip.Addr{}, err
	}
	if i < 0 || i > MaxAddrs {
		return netip.Addr{}, &Error{Op: "snatpool_pool_addr", Code: Code(syscall.ERANGE)}
	}
	h, err := p.handle()
	if err != nil {
		return netip.Addr{}, err
	}
	defer p.mu.RUnlock()
	var b [16]byte
	rc := C.snatpool_pool_addr(h, af, C.uint32_t(i), (*C.uint8_t)(unsafe.Pointer(&b[0])))
	if err := errOf("snatpool_pool_addr", rc); err != nil {
		return netip.Addr{}, err
	}
	return addrFrom(af, &b), nil
}

// Addrs returns the addresses of family f in configured order.
func (p *Pool) Addrs(f Family) []netip.Addr {
	n := p.Count(f)
	out := make([]netip.Addr, 0, n)
	for i := 0; i < n; i++ {
		if a, err := p.Addr(f, i); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// Seed returns the pool's seed.
func (p *Pool) Seed() uint64 {
	h, err := p.handle()
	if err != nil {
		return 0
	}
	defer p.mu.RUnlock()
	return uint64(C.snatpool_pool_seed(h))
}

// Ports returns the pool's port range.
func (p *Pool) Ports() (lo, hi uint16) {
	h, err := p.handle()
	if err != nil {
		return 0, 0
	}
	defer p.mu.RUnlock()
	var clo, chi C.uint16_t
	C.snatpool_pool_ports(h, &clo, &chi)
	return uint16(clo), uint16(chi)
}

// DefaultAlgo returns the pool's default algorithm.
func (p *Pool) DefaultAlgo() Algo {
	h, err := p.handle()
	if err != nil {
		return 0
	}
	defer p.mu.RUnlock()
	return Algo(C.snatpool_pool_default_algo(h))
}

// MaglevTable returns a copy of the Maglev table of family f: M 16-bit
// configured-order indexes, for a dataplane's array map.
func (p *Pool) MaglevTable(f Family) ([]uint16, error) {
	af, err := f.af()
	if err != nil {
		return nil, err
	}
	h, err := p.handle()
	if err != nil {
		return nil, err
	}
	defer p.mu.RUnlock()
	var t *C.uint16_t
	var m C.uint32_t
	if err := errOf("snatpool_maglev_table", C.snatpool_maglev_table(h, af, &t, &m)); err != nil {
		return nil, err
	}
	out := make([]uint16, int(m))
	copy(out, unsafe.Slice((*uint16)(unsafe.Pointer(t)), int(m)))
	return out, nil
}

// Select returns the pool address for the internal source src and its
// index in the configured order of src's family.  algo 0 means the pool's
// default.  A pool without an address of src's family is an error
// wrapping ErrNoFamily, never a default address.
func (p *Pool) Select(src netip.Addr, algo Algo) (netip.Addr, int, error) {
	af, b, _, err := addrBytes("snatpool_select", src)
	if err != nil {
		return netip.Addr{}, 0, err
	}
	h, err := p.handle()
	if err != nil {
		return netip.Addr{}, 0, err
	}
	var idx C.uint32_t
	var out [16]byte
	rc := C.snatpool_select(h, af, (*C.uint8_t)(unsafe.Pointer(&b[0])), C.uint32_t(algo),
		&idx, (*C.uint8_t)(unsafe.Pointer(&out[0])))
	p.mu.RUnlock()
	if rc < 0 {
		return netip.Addr{}, 0, errOf("snatpool_select", rc)
	}
	return addrFrom(af, &out), int(idx), nil
}

// SelectBurst selects for many sources of one family at once
// (snatpool_select_burst) and returns their indexes in order.
func (p *Pool) SelectBurst(srcs []netip.Addr, algo Algo) ([]uint32, error) {
	if len(srcs) == 0 {
		return nil, nil
	}
	fam := FamilyOf(srcs[0])
	alen := 4
	if fam == IPv6 {
		alen = 16
	}
	packed := make([]byte, 0, alen*len(srcs))
	var af C.int
	for _, s := range srcs {
		a, b, n, err := addrBytes("snatpool_select_burst", s)
		if err != nil {
			return nil, err
		}
		if n != alen {
			return nil, bad("snatpool_select_burst", ErrFamily, s.String())
		}
		af = a
		packed = append(packed, b[:n]...)
	}
	idx := make([]uint32, len(srcs))
	h, err := p.handle()
	if err != nil {
		return nil, err
	}
	rc := C.snatpool_select_burst(h, af, (*C.uint8_t)(unsafe.Pointer(&packed[0])),
		C.size_t(len(srcs)), C.uint32_t(algo), (*C.uint32_t)(unsafe.Pointer(&idx[0])))
	p.mu.RUnlock()
	if rc < 0 {
		return nil, errOf("snatpool_select_burst", rc)
	}
	return idx, nil
}

// Version returns the version of the linked library.
func Version() string { return C.GoString(C.snatpool_version()) }

// ParseAddr parses an IPv4 or IPv6 address as the library does
// (snatpool_addr_parse): "::ffff:a.b.c.d" stays an IPv6 address.  Bad text
// is an error wrapping ErrAddr.
func ParseAddr(s string) (netip.Addr, error) {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	var fam C.int
	var b [16]byte
	rc := C.snatpool_addr_parse(cs, &fam, (*C.uint8_t)(unsafe.Pointer(&b[0])))
	if rc < 0 {
		e := errOf("snatpool_addr_parse", rc).(*Error)
		e.Token = s
		return netip.Addr{}, e
	}
	return addrFrom(fam, &b), nil
}

// FormatAddr returns the library's text of a (snatpool_addr_format), which
// may differ from a.String() for IPv4-mapped IPv6 addresses.
func FormatAddr(a netip.Addr) string {
	af, b, _, err := addrBytes("snatpool_addr_format", a)
	if err != nil {
		return a.String()
	}
	var buf [64]C.char
	rc := C.snatpool_addr_format(af, (*C.uint8_t)(unsafe.Pointer(&b[0])), &buf[0], C.size_t(len(buf)))
	if rc < 0 {
		return a.String()
	}
	return C.GoString(&buf[0])
}

// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)

package snatpool

/*
#include <stdint.h>
#include <stdlib.h>
#include <snatpool.h>

int snp_go_table_walk(struct snatpool_table *t, uint32_t now, uintptr_t h);
*/
import "C"

import (
	"net/netip"
	"runtime"
	"runtime/cgo"
	"syscall"
	"unsafe"
)

// Permit says which remote hosts may reach a persistent mapping.
type Permit uint32

// Permit modes (SNATPOOL_PERMIT_*).
const (
	PermitNone           Permit = C.SNATPOOL_PERMIT_NONE             // no persistent NAT
	PermitAnyRemoteHost  Permit = C.SNATPOOL_PERMIT_ANY_REMOTE_HOST  // full cone
	PermitTargetHost     Permit = C.SNATPOOL_PERMIT_TARGET_HOST      // hosts the source sent to
	PermitTargetHostPort Permit = C.SNATPOOL_PERMIT_TARGET_HOST_PORT // address and port pairs
)

// PortStrategy says how a new port is chosen.
type PortStrategy uint32

// Port strategies (SNATPOOL_PORTS_*).
const (
	PortsSequential PortStrategy = C.SNATPOOL_PORTS_SEQUENTIAL
	PortsRandom     PortStrategy = C.SNATPOOL_PORTS_RANDOM
)

// TableFlags are table options (SNATPOOL_TABLE_F_*).
type TableFlags uint32

// Table flags.
const (
	TablePaired         TableFlags = C.SNATPOOL_TABLE_F_PAIRED          // address from Select: paired pooling
	TableNoPreserve     TableFlags = C.SNATPOOL_TABLE_F_NO_PRESERVE     // do not keep the original port
	TablePreserveParity TableFlags = C.SNATPOOL_TABLE_F_PRESERVE_PARITY // keep the original port's parity
)

// MappingFlags say what a claim did (SNATPOOL_MAP_F_*).
type MappingFlags uint32

// Mapping flags.
const (
	MappingNew       MappingFlags = C.SNATPOOL_MAP_F_NEW
	MappingReused    MappingFlags = C.SNATPOOL_MAP_F_REUSED
	MappingPreserved MappingFlags = C.SNATPOOL_MAP_F_PRESERVED
)

// DeltaRecordSize is the size of one HA delta record, octets.
const DeltaRecordSize = C.SNATPOOL_DELTA_RECORD_SIZE

// Flow is one flow as a dataplane sees it; Src and Dst of one family, or,
// with NAT64 set, an IPv6 Src translated to IPv4 and the IPv4 remote Dst
// that the IPv6 destination embeds (RFC 6052): SNATPOOL_AF_NAT64, a key of
// its own beside the same source's native IPv6 flows, owning an IPv4 tuple
// (paired through snatpool_select_nat64 with TablePaired).
type Flow struct {
	Proto   uint8 // IPPROTO_TCP, IPPROTO_UDP, ...
	Src     netip.Addr
	SrcPort uint16
	Dst     netip.Addr
	DstPort uint16
	NAT64   bool
}

func (f *Flow) c(op string) (C.struct_snatpool_flow, error) {
	var cf C.struct_snatpool_flow
	af, s, _, err := addrBytes(op, f.Src)
	if err != nil {
		return cf, err
	}
	daf, d, _, err := addrBytes(op, f.Dst)
	if err != nil {
		return cf, err
	}
	if f.NAT64 {
		if af != C.AF_INET6 || daf != C.AF_INET {
			return cf, bad(op, ErrFamily, f.Src.String()+" "+f.Dst.String())
		}
		af = C.SNATPOOL_AF_NAT64
	} else if af != daf {
		return cf, bad(op, ErrFamily, f.Src.String()+" "+f.Dst.String())
	}
	cf.family = af
	cf.proto = C.uint8_t(f.Proto)
	cf.sport = C.uint16_t(f.SrcPort)
	cf.dport = C.uint16_t(f.DstPort)
	for i := 0; i < 16; i++ {
		cf.src[i] = C.uint8_t(s[i])
		cf.dst[i] = C.uint8_t(d[i])
	}
	return cf, nil
}

// Mapping is a source (Proto, Src, SrcPort) and its translated tuple.
type Mapping struct {
	Proto   uint8
	Src     netip.Addr
	SrcPort uint16
	XIndex  int // translated address: index in the family's configured order
	XAddr   netip.Addr
	XPort   uint16
	Flows   uint32 // live flows using it
	Expires uint32 // idle lease deadline (caller's clock); 0 while flows live
	Flags   MappingFlags
	NAT64   bool // an IPv6 Src owning an IPv4 XAddr (XIndex in the IPv4 order)
}

func mappingFrom(m *C.struct_snatpool_mapping) Mapping {
	var s, x [16]byte
	for i := 0; i < 16; i++ {
		s[i] = byte(m.src[i])
		x[i] = byte(m.xaddr[i])
	}
	sf, xf := m.family, m.family
	nat64 := m.family == C.SNATPOOL_AF_NAT64
	if nat64 {
		sf, xf = C.AF_INET6, C.AF_INET
	}
	return Mapping{
		Proto: uint8(m.proto), Src: addrFrom(sf, &s), SrcPort: uint16(m.sport),
		XIndex: int(m.xindex), XAddr: addrFrom(xf, &x), XPort: uint16(m.xport),
		Flows: uint32(m.flows), Expires: uint32(m.expires), Flags: MappingFlags(m.flags),
		NAT64: nat64,
	}
}

// TableOptions are the options of a table; zero fields take the library's
// defaults (see snatpool_table_new).  Events never reach Go as callbacks
// run under the table's locks: with EventCapacity set, the C library copies
// each into a bounded queue (snatpool_event_queue) that DrainEvents
// empties; when it is full new events are dropped and counted.
type TableOptions struct {
	MaxMappings       uint32
	Flags             TableFlags
	Permit            Permit
	Strategy          PortStrategy
	Algo              Algo // paired selection; 0: the pool's default
	InactivityTimeout uint32
	MaxSessionNumber  uint32
	HoldDown          uint32
	PortQuota         uint32
	Shards            uint32
	Seed              uint64
	UtilRaisePct      uint8
	UtilClearPct      uint8
	DeltaCapacity     uint32
	ExpireBudget      uint32
	EventCapacity     int    // events the queue holds; 0: no events
	Workers           uint32 // threads claiming; 0: 1 (a port stripe each, see Table.Worker)
}

// EventType says what a table event reports (SNATPOOL_EV_*).
type EventType uint32

// Event types.
const (
	EventCreated    EventType = C.SNATPOOL_EV_CREATED
	EventReleased   EventType = C.SNATPOOL_EV_RELEASED
	EventExpired    EventType = C.SNATPOOL_EV_EXPIRED
	EventRolledBack EventType = C.SNATPOOL_EV_ROLLEDBACK
	EventUtilRaise  EventType = C.SNATPOOL_EV_UTIL_RAISE
	EventUtilClear  EventType = C.SNATPOOL_EV_UTIL_CLEAR
)

// Event is one table event: its type, the now of the call that caused it,
// the utilization (alarm events) and the mapping (nil for alarm events).
type Event struct {
	Type    EventType
	Now     uint32
	UtilPct uint32
	Mapping *Mapping
}

// TableStats are the table's counters (RFC 8512 names where it has one).
type TableStats struct {
	LiveFlows, TotalMappings, TotalTCPMappings, TotalUDPMappings uint64
	TotalICMPMappings, Leases, PortsAllocated, PortsFree         uint64
	Allocations, Reuses, Releases, Rollbacks, Expirations        uint64
	ExhaustedPorts, ExhaustedPaired, ExhaustedHolddown           uint64
	TableFull, QuotaExceeded, SessionLimit, PermitDenied         uint64
	DeltaExported, DeltaLost                                     uint64
	ImportsApplied, ImportsDuplicate, ImportsRejected            uint64
	UtilPct, UtilAlarm                                           uint32
	UtilRaised, UtilCleared                                      uint64
}

// Table is a persistent-NAT table over a Pool, safe for concurrent use.
// Close frees it (a finalizer does if Close was never called); the pool's
// memory lives at least as long as the table.
type Table struct {
	pinned[C.struct_snatpool_table]
	q *C.struct_snatpool_event_queue // nil: no events; freed after the table
}

// NewTable creates a table for pool; opts may be nil.
func NewTable(pool *Pool, opts *TableOptions) (*Table, error) {
	var o TableOptions
	if opts != nil {
		o = *opts
	}
	var co C.struct_snatpool_table_opts
	co.sz = C.size_t(unsafe.Sizeof(co))
	co.max_mappings = C.uint32_t(o.MaxMappings)
	co.flags = C.uint32_t(o.Flags)
	co.permit = C.uint32_t(o.Permit)
	co.strategy = C.uint32_t(o.Strategy)
	co.algo = C.uint32_t(o.Algo)
	co.inactivity_timeout = C.uint32_t(o.InactivityTimeout)
	co.max_session_number = C.uint32_t(o.MaxSessionNumber)
	co.hold_down = C.uint32_t(o.HoldDown)
	co.port_quota = C.uint32_t(o.PortQuota)
	co.shards = C.uint32_t(o.Shards)
	co.seed = C.uint64_t(o.Seed)
	co.util_raise_pct = C.uint8_t(o.UtilRaisePct)
	co.util_clear_pct = C.uint8_t(o.UtilClearPct)
	co.delta_capacity = C.uint32_t(o.DeltaCapacity)
	co.expire_budget = C.uint32_t(o.ExpireBudget)
	co.workers = C.uint32_t(o.Workers)
	var q *C.struct_snatpool_event_queue
	if o.EventCapacity < 0 {
		return nil, bad("snatpool_event_queue_new", Code(syscall.EINVAL), "EventCapacity")
	}
	if o.EventCapacity > 0 {
		if err := errOf("snatpool_event_queue_new", C.snatpool_event_queue_new(C.size_t(o.EventCapacity), &q)); err != nil {
			return nil, err
		}
		co.event_cb = C.snatpool_table_event_cb(C.snatpool_event_queue_push)
		co.event_ctx = unsafe.Pointer(q)
	}
	h, err := pool.retain()
	if err != nil {
		C.snatpool_event_queue_free(q)
		return nil, err
	}
	var t *C.struct_snatpool_table
	if err := errOf("snatpool_table_new", C.snatpool_table_new(h, &co, &t)); err != nil {
		pool.release()
		C.snatpool_event_queue_free(q)
		return nil, err
	}
	tab := &Table{pinned: pinned[C.struct_snatpool_table]{h: t, pool: pool,
		free: func(t *C.struct_snatpool_table) {
			C.snatpool_table_free(t)
			C.snatpool_event_queue_free(q) // after the table that pushed into it
		}}, q: q}
	runtime.SetFinalizer(tab, (*Table).Close)
	return tab, nil
}

// Close frees the table (no goroutine may still use it).  Idempotent.
func (t *Table) Close() error {
	if t != nil && t.close() {
		runtime.SetFinalizer(t, nil)
	}
	return nil
}

func (t *Table) flowCall(op string, f Flow, call func(*C.struct_snatpool_table, *C.struct_snatpool_flow) C.int) error {
	cf, err := f.c(op)
	if err != nil {
		return err
	}
	h, err := t.handle()
	if err != nil {
		return err
	}
	defer t.mu.RUnlock()
	return errOf(op, call(h, &cf))
}

// Claim returns the translated tuple for a new flow at time now (the
// caller's monotonic seconds).
func (t *Table) Claim(f Flow, now uint32) (Mapping, error) {
	var m C.struct_snatpool_mapping
	err := t.flowCall("snatpool_table_claim", f, func(h *C.struct_snatpool_table, cf *C.struct_snatpool_flow) C.int {
		return C.snatpool_table_claim(h, cf, C.uint32_t(now), &m)
	})
	if err != nil {
		return Mapping{}, err
	}
	return mappingFrom(&m), nil
}

// Release ends a flow of f's key; ENOENT (errors.Is(err, syscall.ENOENT))
// if none is live.
func (t *Table) Release(f Flow, now uint32) error {
	return t.flowCall("snatpool_table_release", f, func(h *C.struct_snatpool_table, cf *C.struct_snatpool_flow) C.int {
		return C.snatpool_table_release(h, cf, C.uint32_t(now))
	})
}

// Rollback undoes a claim whose session install failed.
func (t *Table) Rollback(f Flow, now uint32) error {
	return t.flowCall("snatpool_table_rollback", f, func(h *C.struct_snatpool_table, cf *C.struct_snatpool_flow) C.int {
		return C.snatpool_table_rollback(h, cf, C.uint32_t(now))
	})
}

// Lookup returns the mapping of f's key; ok is false if there is none.
func (t *Table) Lookup(f Flow, now uint32) (m Mapping, ok bool, err error) {
	var cm C.struct_snatpool_mapping
	err = t.flowCall("snatpool_table_lookup", f, func(h *C.struct_snatpool_table, cf *C.struct_snatpool_flow) C.int {
		return C.snatpool_table_lookup(h, cf, C.uint32_t(now), &cm)
	})
	if isNoEnt(err) {
		return Mapping{}, false, nil
	}
	if err != nil {
		return Mapping{}, false, err
	}
	return mappingFrom(&cm), true, nil
}

func isNoEnt(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Code == 2 // ENOENT
}

// LookupXlat returns the mapping owning a translated tuple.
func (t *Table) LookupXlat(proto uint8, xaddr netip.Addr, xport uint16, now uint32) (Mapping, bool, error) {
	af, x, _, err := addrBytes("snatpool_table_lookup_xlat", xaddr)
	if err != nil {
		return Mapping{}, false, err
	}
	h, err := t.handle()
	if err != nil {
		return Mapping{}, false, err
	}
	var cm C.struct_snatpool_mapping
	rc := C.snatpool_table_lookup_xlat(h, af, C.uint8_t(proto), (*C.uint8_t)(unsafe.Pointer(&x[0])),
		C.uint16_t(xport), C.uint32_t(now), &cm)
	t.mu.RUnlock()
	err = errOf("snatpool_table_lookup_xlat", rc)
	if isNoEnt(err) {
		return Mapping{}, false, nil
	}
	if err != nil {
		return Mapping{}, false, err
	}
	return mappingFrom(&cm), true, nil
}

// Worker says which of the table's workers (0 to Workers - 1) owns src's
// flows: a dataplane that sends each source to this worker gives its
// workers shards and port stripes of their own.  nat64: the key family of
// an IPv6 source's NAT64 flows (the same worker as its native ones).
func (t *Table) Worker(src netip.Addr, nat64 bool) (int, error) {
	af, b, _, err := addrBytes("snatpool_table_worker", src)
	if err != nil {
		return 0, err
	}
	if nat64 && af == C.AF_INET6 {
		af = C.SNATPOOL_AF_NAT64
	}
	h, err := t.handle()
	if err != nil {
		return 0, err
	}
	rc := C.snatpool_table_worker(h, af, (*C.uint8_t)(unsafe.Pointer(&b[0])))
	t.mu.RUnlock()
	if err := errOf("snatpool_table_worker", rc); err != nil {
		return 0, err
	}
	return int(rc), nil
}

// Permit reports whether remote:rport may reach the translated tuple; an
// error wrapping ENOENT if no mapping owns it.
func (t *Table) Permit(proto uint8, xaddr netip.Addr, xport uint16, remote netip.Addr, rport uint16, now uint32) (bool, error) {
	af, x, _, err := addrBytes("snatpool_table_permit", xaddr)
	if err != nil {
		return false, err
	}
	raf, r, _, err := addrBytes("snatpool_table_permit", remote)
	if err != nil {
		return false, err
	}
	if raf != af {
		return false, bad("snatpool_table_permit", ErrFamily, remote.String())
	}
	h, err := t.handle()
	if err != nil {
		return false, err
	}
	rc := C.snatpool_table_permit(h, af, C.uint8_t(proto), (*C.uint8_t)(unsafe.Pointer(&x[0])),
		C.uint16_t(xport), (*C.uint8_t)(unsafe.Pointer(&r[0])), C.uint16_t(rport), C.uint32_t(now))
	t.mu.RUnlock()
	if err := errOf("snatpool_table_permit", rc); err != nil {
		return false, err
	}
	return rc == 1, nil
}

// Expire expires leases due at now (at most budget; 0: all) and returns
// how many expired.
func (t *Table) Expire(now uint32, budget int) (int, error) {
	h, err := t.handle()
	if err != nil {
		return 0, err
	}
	defer t.mu.RUnlock()
	if budget < 0 {
		budget = 0
	}
	rc := C.snatpool_table_expire(h, C.uint32_t(now), C.size_t(budget))
	return int(rc), errOf("snatpool_table_expire", rc)
}

// Stats returns the counters.
func (t *Table) Stats() (TableStats, error) {
	h, err := t.handle()
	if err != nil {
		return TableStats{}, err
	}
	defer t.mu.RUnlock()
	var st C.struct_snatpool_table_stats
	st.sz = C.size_t(unsafe.Sizeof(st))
	if err := errOf("snatpool_table_stats", C.snatpool_table_stats(h, &st)); err != nil {
		return TableStats{}, err
	}
	u := func(v C.uint64_t) uint64 { return uint64(v) }
	return TableStats{
		LiveFlows: u(st.live_flows), TotalMappings: u(st.total_mappings),
		TotalTCPMappings: u(st.total_tcp_mappings), TotalUDPMappings: u(st.total_udp_mappings),
		TotalICMPMappings: u(st.total_icmp_mappings), Leases: u(st.leases),
		PortsAllocated: u(st.ports_allocated), PortsFree: u(st.ports_free),
		Allocations: u(st.allocations), Reuses: u(st.reuses), Releases: u(st.releases),
		Rollbacks: u(st.rollbacks), Expirations: u(st.expirations),
		ExhaustedPorts: u(st.exhausted_ports), ExhaustedPaired: u(st.exhausted_paired),
		ExhaustedHolddown: u(st.exhausted_holddown), TableFull: u(st.table_full),
		QuotaExceeded: u(st.quota_exceeded), SessionLimit: u(st.session_limit),
		PermitDenied: u(st.permit_denied), DeltaExported: u(st.delta_exported),
		DeltaLost: u(st.delta_lost), ImportsApplied: u(st.imports_applied),
		ImportsDuplicate: u(st.imports_duplicate), ImportsRejected: u(st.imports_rejected),
		UtilPct: uint32(st.util_pct), UtilAlarm: uint32(st.util_alarm),
		UtilRaised: u(st.util_raised), UtilCleared: u(st.util_cleared),
	}, nil
}

//export snpGoWalkCb
func snpGoWalkCb(m *C.struct_snatpool_mapping, h C.uintptr_t) C.int {
	out := cgo.Handle(h).Value().(*[]Mapping)
	*out = append(*out, mappingFrom(m))
	return 0
}

// Mappings returns every mapping of the table.
func (t *Table) Mappings(now uint32) ([]Mapping, error) {
	h, err := t.handle()
	if err != nil {
		return nil, err
	}
	defer t.mu.RUnlock()
	var out []Mapping
	hd := cgo.NewHandle(&out)
	defer hd.Delete()
	rc := C.snp_go_table_walk(h, C.uint32_t(now), C.uintptr_t(hd))
	return out, errOf("snatpool_table_walk", rc)
}

// Snapshot returns a snapshot of the table (see snatpool_table_snapshot).
func (t *Table) Snapshot(now uint32) ([]byte, error) {
	h, err := t.handle()
	if err != nil {
		return nil, err
	}
	defer t.mu.RUnlock()
	for {
		n := C.snatpool_table_snapshot(h, C.uint32_t(now), nil, 0)
		if n < 0 {
			return nil, errOf("snatpool_table_snapshot", C.int(n))
		}
		buf := make([]byte, int(n)+4096)
		got := C.snatpool_table_snapshot(h, C.uint32_t(now), unsafe.Pointer(&buf[0]), C.size_t(len(buf)))
		if got < 0 {
			return nil, errOf("snatpool_table_snapshot", C.int(got))
		}
		if int(got) <= len(buf) {
			return buf[:got], nil
		}
	}
}

// Save saves a snapshot to path, crash-safe.
func (t *Table) Save(path string, now uint32) error {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	h, err := t.handle()
	if err != nil {
		return err
	}
	defer t.mu.RUnlock()
	return errOf("snatpool_table_save", C.snatpool_table_save(h, cs, C.uint32_t(now)))
}

// Load loads a snapshot into the empty table and returns the number of
// mappings loaded.
func (t *Table) Load(snap []byte, now uint32) (int, error) {
	h, err := t.handle()
	if err != nil {
		return 0, err
	}
	defer t.mu.RUnlock()
	var p unsafe.Pointer
	if len(snap) > 0 {
		p = unsafe.Pointer(&snap[0])
	}
	rc := C.snatpool_table_load_mem(h, p, C.size_t(len(snap)), C.uint32_t(now))
	return int(rc), errOf("snatpool_table_load_mem", rc)
}

// LoadFile loads a snapshot file into the empty table.
func (t *Table) LoadFile(path string, now uint32) (int, error) {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	h, err := t.handle()
	if err != nil {
		return 0, err
	}
	defer t.mu.RUnlock()
	rc := C.snatpool_table_load(h, cs, C.uint32_t(now))
	return int(rc), errOf("snatpool_table_load", rc)
}

// ExportDelta moves up to maxRecords queued HA records out of the table.
func (t *Table) ExportDelta(maxRecords int) ([]byte, error) {
	if maxRecords <= 0 {
		maxRecords = 1024
	}
	h, err := t.handle()
	if err != nil {
		return nil, err
	}
	defer t.mu.RUnlock()
	buf := make([]byte, maxRecords*DeltaRecordSize)
	n := C.snatpool_table_delta_export(h, unsafe.Pointer(&buf[0]), C.size_t(len(buf)))
	if n < 0 {
		return nil, errOf("snatpool_table_delta_export", C.int(n))
	}
	return buf[:n], nil
}

// ImportDelta applies records exported by a peer: how many were applied
// and how many octets were used.
func (t *Table) ImportDelta(recs []byte, now uint32) (applied, consumed int, err error) {
	h, err := t.handle()
	if err != nil {
		return 0, 0, err
	}
	defer t.mu.RUnlock()
	var p unsafe.Pointer
	if len(recs) > 0 {
		p = unsafe.Pointer(&recs[0])
	}
	var used C.size_t
	rc := C.snatpool_table_delta_import(h, p, C.size_t(len(recs)), C.uint32_t(now), &used)
	return int(rc), int(used), errOf("snatpool_table_delta_import", rc)
}

// DrainEvents moves up to max queued events (oldest first) out of the
// table's event queue; none waiting gives an empty slice.  EINVAL if the
// table was made without EventCapacity.
func (t *Table) DrainEvents(max int) ([]Event, error) {
	if max < 0 || max > 1<<20 {
		return nil, bad("snatpool_event_queue_drain", Code(syscall.EINVAL), "max")
	}
	if _, err := t.handle(); err != nil {
		return nil, err
	}
	defer t.mu.RUnlock()
	if t.q == nil {
		return nil, bad("snatpool_event_queue_drain", Code(syscall.EINVAL), "EventCapacity 0")
	}
	if max == 0 {
		return []Event{}, nil
	}
	evs := make([]C.struct_snatpool_table_event, max)
	n := C.snatpool_event_queue_drain(t.q, &evs[0], C.size_t(max))
	if err := errOf("snatpool_event_queue_drain", n); err != nil {
		return nil, err
	}
	out := make([]Event, int(n))
	for i := range out {
		e := &evs[i]
		out[i] = Event{Type: EventType(e._type), Now: uint32(e.now), UtilPct: uint32(e.util_pct)}
		if out[i].Type != EventUtilRaise && out[i].Type != EventUtilClear &&
			(e._map.family == C.AF_INET || e._map.family == C.AF_INET6 ||
				e._map.family == C.SNATPOOL_AF_NAT64) {
			m := mappingFrom(&e._map)
			out[i].Mapping = &m
		}
	}
	return out, nil
}

// EventsDropped returns how many events were dropped because the queue was
// full, and how many wait now.
func (t *Table) EventsDropped() (dropped uint64, queued int, err error) {
	if _, err := t.handle(); err != nil {
		return 0, 0, err
	}
	defer t.mu.RUnlock()
	if t.q == nil {
		return 0, 0, bad("snatpool_event_queue_stats", Code(syscall.EINVAL), "EventCapacity 0")
	}
	var q C.size_t
	var d C.uint64_t
	C.snatpool_event_queue_stats(t.q, &q, &d)
	return uint64(d), int(q), nil
}

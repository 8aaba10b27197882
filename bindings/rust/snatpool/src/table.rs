// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! Persistent-NAT tables: claims, releases, lookups, permits, expiry,
//! counters, snapshots and the HA delta stream.
use std::mem::MaybeUninit;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::raw::{c_int, c_void};
use std::path::Path;
use std::ptr::{self, NonNull};

use snatpool_sys as sys;

use crate::addr::{cstring, to_c};
use crate::algo::Algo;
use crate::error::{check, check_long, codes, Error, Result};
use crate::events::{Event, EventQueue};
pub use crate::mapping::Mapping;
use crate::pool::Pool;

/// Octets of one HA delta record.
pub const DELTA_RECORD_SIZE: usize = sys::SNATPOOL_DELTA_RECORD_SIZE as usize;
/// Table flag: the address is snatpool_select()'s (paired pooling).
pub const TABLE_F_PAIRED: u32 = sys::SNATPOOL_TABLE_F_PAIRED;
/// Table flag: do not try to keep the original port.
pub const TABLE_F_NO_PRESERVE: u32 = sys::SNATPOOL_TABLE_F_NO_PRESERVE;
/// Table flag: keep the original port's parity.
pub const TABLE_F_PRESERVE_PARITY: u32 = sys::SNATPOOL_TABLE_F_PRESERVE_PARITY;
/// Mapping flag: this claim created the mapping.
pub const MAP_F_NEW: u32 = sys::SNATPOOL_MAP_F_NEW;
/// Mapping flag: this claim reused a live mapping or an idle lease.
pub const MAP_F_REUSED: u32 = sys::SNATPOOL_MAP_F_REUSED;
/// Mapping flag: the translated port is the original port.
pub const MAP_F_PRESERVED: u32 = sys::SNATPOOL_MAP_F_PRESERVED;

/// Who may reach a persistent mapping (Junos permit modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Permit {
    /// No persistent NAT: a mapping dies with its last flow.
    #[default]
    None,
    /// Any remote host (full cone).
    AnyRemoteHost,
    /// Remote addresses the source sent to.
    TargetHost,
    /// Remote address and port pairs the source sent to.
    TargetHostPort,
}

impl Permit {
    fn c(self) -> u32 {
        match self {
            Permit::None => sys::SNATPOOL_PERMIT_NONE,
            Permit::AnyRemoteHost => sys::SNATPOOL_PERMIT_ANY_REMOTE_HOST,
            Permit::TargetHost => sys::SNATPOOL_PERMIT_TARGET_HOST,
            Permit::TargetHostPort => sys::SNATPOOL_PERMIT_TARGET_HOST_PORT,
        }
    }
}

/// How a new port is chosen once port preservation did not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PortStrategy {
    /// Per-address cursor, then the oldest freed port first.
    #[default]
    Sequential,
    /// Random start, next free port (RFC 6056 algorithm 1).
    Random,
}

/// One flow: its mapping's key (proto, src, sport) and its remote end.
///
/// An IPv6 `src` with an IPv4 `dst` is a NAT64 flow (SNATPOOL_AF_NAT64,
/// see [`Flow::nat64`]): a key of its own beside the source's native IPv6
/// flows, owning an IPv4 tuple.  The other mix of families is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Flow {
    /// IPPROTO_* number (6 TCP, 17 UDP, 1 ICMP, ...).
    pub proto: u8,
    /// Original source address.
    pub src: IpAddr,
    /// Original source port (ICMP: identifier).
    pub sport: u16,
    /// Remote address (same family as `src`; NAT64: the IPv4 remote).
    pub dst: IpAddr,
    /// Remote port (0 for ICMP).
    pub dport: u16,
}

impl Flow {
    /// A TCP flow.
    pub fn tcp(src: IpAddr, sport: u16, dst: IpAddr, dport: u16) -> Flow {
        Flow {
            proto: 6,
            src,
            sport,
            dst,
            dport,
        }
    }

    /// A UDP flow.
    pub fn udp(src: IpAddr, sport: u16, dst: IpAddr, dport: u16) -> Flow {
        Flow {
            proto: 17,
            src,
            sport,
            dst,
            dport,
        }
    }

    /// A NAT64 flow: an IPv6 source translated to IPv4, and the IPv4 remote
    /// its IPv6 destination embeds (RFC 6052).  Its mapping owns an IPv4
    /// tuple (paired through `snatpool_select_nat64` with TABLE_F_PAIRED).
    pub fn nat64(proto: u8, src: Ipv6Addr, sport: u16, dst: Ipv4Addr, dport: u16) -> Flow {
        Flow {
            proto,
            src: IpAddr::V6(src),
            sport,
            dst: IpAddr::V4(dst),
            dport,
        }
    }

    /// Whether this is a NAT64 flow (an IPv6 source, an IPv4 remote).
    pub fn is_nat64(&self) -> bool {
        self.src.is_ipv6() && self.dst.is_ipv4()
    }

    fn c(&self, op: &'static str) -> Result<sys::snatpool_flow> {
        let (mut af, src) = to_c(self.src);
        let (af2, dst) = to_c(self.dst);
        if self.is_nat64() {
            af = sys::SNATPOOL_AF_NAT64 as c_int;
        } else if af != af2 {
            return Err(Error::with_token(
                op,
                codes::EFAMILY,
                "flow addresses of two families",
                0,
            ));
        }
        let mut f = zeroed::<sys::snatpool_flow>();
        f.family = af;
        f.proto = self.proto;
        f.sport = self.sport;
        f.dport = self.dport;
        f.src = src;
        f.dst = dst;
        Ok(f)
    }
}

fn zeroed<T>() -> T {
    // SAFETY: used for plain C structs only, for which all zero is valid.
    unsafe { MaybeUninit::<T>::zeroed().assume_init() }
}

/// Table options; the default is the library's (see snatpool_table_new(3)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// Capacity in mappings and leases (0: 65536).
    pub max_mappings: u32,
    /// TABLE_F_* flags.
    pub flags: u32,
    /// Persistent NAT permit mode.
    pub permit: Permit,
    /// Port strategy.
    pub strategy: PortStrategy,
    /// Paired selection algorithm.
    pub algo: Algo,
    /// Idle lease lifetime, s (0: 300).
    pub inactivity_timeout: u32,
    /// Most live flows per mapping (0: 65535).
    pub max_session_number: u32,
    /// Seconds a freed port rests (0: none).
    pub hold_down: u32,
    /// Most ports one internal address may hold (0: no limit).
    pub port_quota: u32,
    /// Shards, a power of two (0: 64).
    pub shards: u32,
    /// Hashing and random ports (0: from getrandom()).
    pub seed: u64,
    /// Utilization alarm raise threshold, percent (0: no alarm).
    pub util_raise_pct: u8,
    /// Clear threshold (0: raise - 10).
    pub util_clear_pct: u8,
    /// HA delta stream: records kept for export (0: off).
    pub delta_capacity: u32,
    /// Due leases expired per call (0: 8).
    pub expire_budget: u32,
    /// Events: capacity of the queue [`Table::drain_events`] empties (0:
    /// no events).  When it is full new events are dropped and counted
    /// ([`Table::events_dropped`]).
    pub event_capacity: usize,
    /// Workers (threads) claiming on the table (0: 1): each port space
    /// gets a stripe per worker, see [`Table::worker`].
    pub workers: u32,
}

/// Table and pool counters (RFC 8512 names where it has one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct TableStats {
    pub live_flows: u64,
    pub total_mappings: u64,
    pub total_tcp_mappings: u64,
    pub total_udp_mappings: u64,
    pub total_icmp_mappings: u64,
    pub leases: u64,
    pub ports_allocated: u64,
    pub ports_free: u64,
    pub allocations: u64,
    pub reuses: u64,
    pub releases: u64,
    pub rollbacks: u64,
    pub expirations: u64,
    pub exhausted_ports: u64,
    pub exhausted_paired: u64,
    pub exhausted_holddown: u64,
    pub table_full: u64,
    pub quota_exceeded: u64,
    pub session_limit: u64,
    pub permit_denied: u64,
    pub delta_exported: u64,
    pub delta_lost: u64,
    pub imports_applied: u64,
    pub imports_duplicate: u64,
    pub imports_rejected: u64,
    pub util_pct: u32,
    pub util_alarm: u32,
    pub util_raised: u64,
    pub util_cleared: u64,
}

/// A persistent-NAT table over a [`Pool`] (which it keeps alive).
pub struct Table {
    t: NonNull<sys::snatpool_table>,
    // Dropped after the table (fields drop after Drop::drop).
    events: Option<EventQueue>,
    pool: Pool,
}

// SAFETY: the C contract: "every call may be made by any number of threads
// at once" (state sharded behind short locks; lookups are lock-free
// readers).  The pool is Sync, the event queue is Sync.  Freeing needs
// exclusive access, which Drop has.
unsafe impl Send for Table {}
unsafe impl Sync for Table {}

impl Drop for Table {
    fn drop(&mut self) {
        // SAFETY: &mut self: no other thread uses the table; the event queue
        // and the pool are freed after it.
        unsafe { sys::snatpool_table_free(self.t.as_ptr()) }
    }
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table").field("pool", &self.pool).finish()
    }
}

impl Table {
    /// A table for `pool`.
    pub fn new(pool: &Pool, opts: &TableOptions) -> Result<Table> {
        let events = if opts.event_capacity > 0 {
            Some(EventQueue::new(opts.event_capacity)?)
        } else {
            None
        };
        let (event_cb, event_ctx) = events
            .as_ref()
            .map_or((None, ptr::null_mut()), EventQueue::hook);
        // Written in place into zeroed memory: fields a newer header adds
        // stay zero (their defaults), and so does the padding after the
        // last field, which the library checks is zero (a struct literal
        // would leave it undefined).
        let mut mo = MaybeUninit::<sys::snatpool_table_opts>::zeroed();
        // SAFETY: all zero is a valid value of this plain C struct.
        let o = unsafe { &mut *mo.as_mut_ptr() };
        o.sz = std::mem::size_of::<sys::snatpool_table_opts>();
        o.max_mappings = opts.max_mappings;
        o.flags = opts.flags;
        o.permit = opts.permit.c();
        o.strategy = match opts.strategy {
            PortStrategy::Sequential => sys::SNATPOOL_PORTS_SEQUENTIAL,
            PortStrategy::Random => sys::SNATPOOL_PORTS_RANDOM,
        };
        o.algo = opts.algo.id();
        o.inactivity_timeout = opts.inactivity_timeout;
        o.max_session_number = opts.max_session_number;
        o.hold_down = opts.hold_down;
        o.port_quota = opts.port_quota;
        o.shards = opts.shards;
        o.seed = opts.seed;
        o.util_raise_pct = opts.util_raise_pct;
        o.util_clear_pct = opts.util_clear_pct;
        o.delta_capacity = opts.delta_capacity;
        o.expire_budget = opts.expire_budget;
        o.event_cb = event_cb;
        o.event_ctx = event_ctx;
        o.workers = opts.workers;
        let mut out = ptr::null_mut();
        // SAFETY: a live pool, which the Table keeps alive (it must outlive
        // the table); sized opts; the event queue outlives the table too.
        check("Table::new", unsafe {
            sys::snatpool_table_new(pool.h.ptr(), mo.as_ptr(), &mut out)
        })?;
        let t = NonNull::new(out).ok_or_else(|| Error::new("Table::new", codes::ENOMEM))?;
        Ok(Table {
            t,
            events,
            pool: pool.clone(),
        })
    }

    fn p(&self) -> *mut sys::snatpool_table {
        self.t.as_ptr()
    }

    /// The table's pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The translated tuple for a new flow (reusing its key's live mapping
    /// or lease).
    pub fn claim(&self, f: &Flow, now: u32) -> Result<Mapping> {
        let cf = f.c("Table::claim")?;
        let mut m = zeroed::<sys::snatpool_mapping>();
        // SAFETY: live table; flow and out valid for the call.
        check("Table::claim", unsafe {
            sys::snatpool_table_claim(self.p(), &cf, now, &mut m)
        })?;
        Ok(Mapping::from_c(&m))
    }

    /// A flow of `f`'s key ended.
    pub fn release(&self, f: &Flow, now: u32) -> Result<()> {
        let cf = f.c("Table::release")?;
        // SAFETY: live table; flow valid for the call.
        check("Table::release", unsafe {
            sys::snatpool_table_release(self.p(), &cf, now)
        })
        .map(|_| ())
    }

    /// Undo a claim whose session install failed.
    pub fn rollback(&self, f: &Flow, now: u32) -> Result<()> {
        let cf = f.c("Table::rollback")?;
        // SAFETY: live table; flow valid for the call.
        check("Table::rollback", unsafe {
            sys::snatpool_table_rollback(self.p(), &cf, now)
        })
        .map(|_| ())
    }

    /// The mapping of `f`'s key; None if there is none.
    pub fn lookup(&self, f: &Flow, now: u32) -> Result<Option<Mapping>> {
        let cf = f.c("Table::lookup")?;
        let mut m = zeroed::<sys::snatpool_mapping>();
        // SAFETY: live table; flow and out valid for the call.
        let rc = unsafe { sys::snatpool_table_lookup(self.p(), &cf, now, &mut m) };
        found("Table::lookup", rc, || Mapping::from_c(&m))
    }

    /// [`Table::lookup`] of a burst of flows (their cache misses overlap).
    pub fn lookup_burst(&self, flows: &[Flow], now: u32) -> Result<Vec<Option<Mapping>>> {
        let cf = flows
            .iter()
            .map(|f| f.c("Table::lookup_burst"))
            .collect::<Result<Vec<_>>>()?;
        let mut out = vec![zeroed::<sys::snatpool_mapping>(); cf.len()];
        let mut ret = vec![0 as c_int; cf.len()];
        // SAFETY: live table; the three arrays hold cf.len() elements.
        check("Table::lookup_burst", unsafe {
            sys::snatpool_table_lookup_burst(
                self.p(),
                cf.as_ptr(),
                cf.len(),
                now,
                out.as_mut_ptr(),
                ret.as_mut_ptr(),
            )
        })?;
        ret.iter()
            .zip(&out)
            .map(|(&rc, m)| found("Table::lookup_burst", rc, || Mapping::from_c(m)))
            .collect()
    }

    /// Which of the table's workers owns `src`'s flows (0 to workers - 1):
    /// a dataplane that sends each source to this worker gives its
    /// workers shards and port stripes of their own.  `nat64`: the key
    /// family of an IPv6 source's NAT64 flows (the same worker as its
    /// native ones).
    pub fn worker(&self, src: IpAddr, nat64: bool) -> Result<u32> {
        let (mut af, b) = to_c(src);
        if nat64 && src.is_ipv6() {
            af = sys::SNATPOOL_AF_NAT64 as c_int;
        }
        // SAFETY: live table; b 16 octets.
        let rc = unsafe { sys::snatpool_table_worker(self.p(), af, b.as_ptr()) };
        check("Table::worker", rc)?;
        Ok(rc as u32)
    }

    /// The mapping owning the translated tuple (proto, xaddr, xport).
    pub fn lookup_xlat(
        &self,
        proto: u8,
        xaddr: IpAddr,
        xport: u16,
        now: u32,
    ) -> Result<Option<Mapping>> {
        let (af, b) = to_c(xaddr);
        let mut m = zeroed::<sys::snatpool_mapping>();
        // SAFETY: live table; b 16 octets; out writable.
        let rc = unsafe {
            sys::snatpool_table_lookup_xlat(self.p(), af, proto, b.as_ptr(), xport, now, &mut m)
        };
        found("Table::lookup_xlat", rc, || Mapping::from_c(&m))
    }

    /// May `remote:rport` reach the translated tuple?  Err with
    /// [`codes::ENOENT`] when no mapping owns it.
    pub fn permit(
        &self,
        proto: u8,
        xaddr: IpAddr,
        xport: u16,
        remote: IpAddr,
        rport: u16,
        now: u32,
    ) -> Result<bool> {
        let (af, x) = to_c(xaddr);
        let (af2, r) = to_c(remote);
        if af != af2 {
            return Err(Error::with_token(
                "Table::permit",
                codes::EFAMILY,
                "addresses of two families",
                0,
            ));
        }
        // SAFETY: live table; x and r 16 octets each.
        let rc = unsafe {
            sys::snatpool_table_permit(
                self.p(),
                af,
                proto,
                x.as_ptr(),
                xport,
                r.as_ptr(),
                rport,
                now,
            )
        };
        Ok(check("Table::permit", rc)? == 1)
    }

    /// Expire leases due at `now` (at most `budget`, 0: all); how many expired.
    pub fn expire(&self, now: u32, budget: usize) -> Result<usize> {
        // SAFETY: live table.
        Ok(check("Table::expire", unsafe {
            sys::snatpool_table_expire(self.p(), now, budget)
        })? as usize)
    }

    /// The counters.
    pub fn stats(&self) -> Result<TableStats> {
        let mut s = zeroed::<sys::snatpool_table_stats>();
        s.sz = std::mem::size_of::<sys::snatpool_table_stats>();
        // SAFETY: live table; sized stats.
        check("Table::stats", unsafe {
            sys::snatpool_table_stats(self.p(), &mut s)
        })?;
        Ok(TableStats {
            live_flows: s.live_flows,
            total_mappings: s.total_mappings,
            total_tcp_mappings: s.total_tcp_mappings,
            total_udp_mappings: s.total_udp_mappings,
            total_icmp_mappings: s.total_icmp_mappings,
            leases: s.leases,
            ports_allocated: s.ports_allocated,
            ports_free: s.ports_free,
            allocations: s.allocations,
            reuses: s.reuses,
            releases: s.releases,
            rollbacks: s.rollbacks,
            expirations: s.expirations,
            exhausted_ports: s.exhausted_ports,
            exhausted_paired: s.exhausted_paired,
            exhausted_holddown: s.exhausted_holddown,
            table_full: s.table_full,
            quota_exceeded: s.quota_exceeded,
            session_limit: s.session_limit,
            permit_denied: s.permit_denied,
            delta_exported: s.delta_exported,
            delta_lost: s.delta_lost,
            imports_applied: s.imports_applied,
            imports_duplicate: s.imports_duplicate,
            imports_rejected: s.imports_rejected,
            util_pct: s.util_pct,
            util_alarm: s.util_alarm,
            util_raised: s.util_raised,
            util_cleared: s.util_cleared,
        })
    }

    /// Every mapping (copied out shard by shard; no Rust code runs under
    /// the table's locks beyond pushing onto a Vec).
    pub fn mappings(&self, now: u32) -> Result<Vec<Mapping>> {
        unsafe extern "C" fn push(m: *const sys::snatpool_mapping, ctx: *mut c_void) -> c_int {
            // SAFETY: ctx is the Vec below, m a valid mapping for the call.
            let v = &mut *(ctx as *mut Vec<Mapping>);
            v.push(Mapping::from_c(&*m));
            0
        }
        let mut v: Vec<Mapping> = Vec::new();
        // SAFETY: live table; the callback only appends to v, which
        // outlives the call.
        check("Table::mappings", unsafe {
            sys::snatpool_table_walk(
                self.p(),
                now,
                Some(push),
                (&mut v as *mut Vec<Mapping>).cast(),
            )
        })?;
        Ok(v)
    }

    /// A snapshot of the table (versioned, checksummed binary).
    pub fn snapshot(&self, now: u32) -> Result<Vec<u8>> {
        loop {
            // SAFETY: cap 0 with NULL asks for the size.
            let n = check_long("Table::snapshot", unsafe {
                sys::snatpool_table_snapshot(self.p(), now, ptr::null_mut(), 0)
            })?;
            let mut buf = vec![0u8; n as usize + 4096];
            // SAFETY: buf holds buf.len() octets.
            let m = check_long("Table::snapshot", unsafe {
                sys::snatpool_table_snapshot(self.p(), now, buf.as_mut_ptr().cast(), buf.len())
            })? as usize;
            if m <= buf.len() {
                buf.truncate(m);
                return Ok(buf);
            } // the table grew in between: again
        }
    }

    /// Save a snapshot to `path`, crash-safely.
    pub fn save<P: AsRef<Path>>(&self, path: P, now: u32) -> Result<()> {
        let c = cstring("Table::save", &path.as_ref().to_string_lossy())?;
        // SAFETY: live table; NUL-terminated path.
        check("Table::save", unsafe {
            sys::snatpool_table_save(self.p(), c.as_ptr(), now)
        })
        .map(|_| ())
    }

    /// Load a snapshot into this empty table; mappings loaded.
    pub fn load(&self, snap: &[u8], now: u32) -> Result<usize> {
        // SAFETY: live table; snap readable for its length.
        Ok(check("Table::load", unsafe {
            sys::snatpool_table_load_mem(self.p(), snap.as_ptr().cast(), snap.len(), now)
        })? as usize)
    }

    /// Load a snapshot file into this empty table; mappings loaded.
    pub fn load_file<P: AsRef<Path>>(&self, path: P, now: u32) -> Result<usize> {
        let c = cstring("Table::load_file", &path.as_ref().to_string_lossy())?;
        // SAFETY: live table; NUL-terminated path.
        Ok(check("Table::load_file", unsafe {
            sys::snatpool_table_load(self.p(), c.as_ptr(), now)
        })? as usize)
    }

    /// Move up to `max_records` queued HA delta records out.
    pub fn export_delta(&self, max_records: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; max_records * DELTA_RECORD_SIZE];
        // SAFETY: live table; buf writable for its length.
        let n = check_long("Table::export_delta", unsafe {
            sys::snatpool_table_delta_export(self.p(), buf.as_mut_ptr().cast(), buf.len())
        })?;
        buf.truncate(n as usize);
        Ok(buf)
    }

    /// Apply HA delta records of a peer: (records applied, octets consumed).
    pub fn import_delta(&self, recs: &[u8], now: u32) -> Result<(usize, usize)> {
        let mut consumed = 0usize;
        // SAFETY: live table; recs readable for its length.
        let n = check("Table::import_delta", unsafe {
            sys::snatpool_table_delta_import(
                self.p(),
                recs.as_ptr().cast(),
                recs.len(),
                now,
                &mut consumed,
            )
        })?;
        Ok((n as usize, consumed))
    }

    /// Move up to `max` queued events (oldest first) onto `out`; how many.
    /// Err with [`codes::EINVAL`] if the table was made without events.
    pub fn drain_events(&self, out: &mut Vec<Event>, max: usize) -> Result<usize> {
        match &self.events {
            Some(q) => q.drain(out, max),
            None => Err(Error::with_token(
                "Table::drain_events",
                codes::EINVAL,
                "event_capacity 0",
                0,
            )),
        }
    }

    /// Every queued event, oldest first.
    pub fn events(&self) -> Result<Vec<Event>> {
        let mut v = Vec::new();
        while self.drain_events(&mut v, 4096)? > 0 {}
        Ok(v)
    }

    /// Events dropped because the queue was full, since the table was made.
    pub fn events_dropped(&self) -> u64 {
        self.events.as_ref().map_or(0, |q| q.stats().1)
    }

    /// Events waiting in the queue.
    pub fn events_queued(&self) -> usize {
        self.events.as_ref().map_or(0, |q| q.stats().0)
    }
}

fn found<F: FnOnce() -> Mapping>(op: &'static str, rc: c_int, f: F) -> Result<Option<Mapping>> {
    if rc == -codes::ENOENT {
        Ok(None)
    } else {
        check(op, rc).map(|_| Some(f()))
    }
}

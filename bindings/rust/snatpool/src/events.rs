// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! Table events: the C event hook fills a bounded queue (the library's
//! snatpool_event_queue, a leaf lock, a copy per event); Rust code drains it
//! with no table lock held.  No Rust code ever runs under a table's locks.
use std::ptr::{self, NonNull};

use snatpool_sys as sys;

use crate::addr::Family;
use crate::error::{check, codes, Error, Result};
use crate::mapping::Mapping;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A tuple was given to a source.
    Created,
    /// The tuple was freed (last flow gone, no lease kept).
    Released,
    /// An idle lease timed out; its tuple was freed.
    Expired,
    /// A claim was undone; its tuple is free at once.
    RolledBack,
    /// Port utilization reached the raise threshold.
    UtilRaise,
    /// Port utilization fell to the clear threshold.
    UtilClear,
    /// A type this crate does not know (a newer library).
    Other(u32),
}

impl EventKind {
    fn from_c(t: u32) -> EventKind {
        match t {
            sys::SNATPOOL_EV_CREATED => EventKind::Created,
            sys::SNATPOOL_EV_RELEASED => EventKind::Released,
            sys::SNATPOOL_EV_EXPIRED => EventKind::Expired,
            sys::SNATPOOL_EV_ROLLEDBACK => EventKind::RolledBack,
            sys::SNATPOOL_EV_UTIL_RAISE => EventKind::UtilRaise,
            sys::SNATPOOL_EV_UTIL_CLEAR => EventKind::UtilClear,
            t => EventKind::Other(t),
        }
    }
}

/// One table event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// The `now` of the call that caused it.
    pub now: u32,
    /// Utilization, percent (UtilRaise, UtilClear).
    pub util_pct: u32,
    /// The mapping (None for the utilization events).
    pub mapping: Option<Mapping>,
}

impl Event {
    fn from_c(e: &sys::snatpool_table_event) -> Event {
        let kind = EventKind::from_c(e.type_);
        let mapping = match kind {
            EventKind::UtilRaise | EventKind::UtilClear => None,
            _ if Family::from_af(e.map.family).is_none()
                && e.map.family != sys::SNATPOOL_AF_NAT64 as std::os::raw::c_int =>
            {
                None
            }
            _ => Some(Mapping::from_c(&e.map)),
        };
        Event {
            kind,
            now: e.now,
            util_pct: e.util_pct,
            mapping,
        }
    }
}

pub(crate) struct EventQueue(NonNull<sys::snatpool_event_queue>);

// SAFETY: the C contract says any number of threads may push, drain and
// read the counters of a queue at once (its own lock guards the ring).
unsafe impl Send for EventQueue {}
unsafe impl Sync for EventQueue {}

impl EventQueue {
    pub(crate) fn new(capacity: usize) -> Result<EventQueue> {
        let mut q = ptr::null_mut();
        // SAFETY: q is writable.
        check("Table::new (event queue)", unsafe {
            sys::snatpool_event_queue_new(capacity, &mut q)
        })?;
        NonNull::new(q)
            .map(EventQueue)
            .ok_or_else(|| Error::new("Table::new", codes::ENOMEM))
    }

    /// (hook, context) for struct snatpool_table_opts.
    pub(crate) fn hook(&self) -> (sys::snatpool_table_event_cb, *mut std::os::raw::c_void) {
        (Some(sys::snatpool_event_queue_push), self.0.as_ptr().cast())
    }

    pub(crate) fn drain(&self, out: &mut Vec<Event>, max: usize) -> Result<usize> {
        let max = max.min(4096);
        let mut buf: Vec<sys::snatpool_table_event> = Vec::with_capacity(max);
        // SAFETY: buf has room for max events; the queue writes n <= max.
        let n = check("Table::drain_events", unsafe {
            sys::snatpool_event_queue_drain(self.0.as_ptr(), buf.as_mut_ptr(), max)
        })? as usize;
        // SAFETY: the first n were written.
        unsafe { buf.set_len(n) };
        out.extend(buf.iter().map(Event::from_c));
        Ok(n)
    }

    pub(crate) fn stats(&self) -> (usize, u64) {
        let (mut queued, mut dropped) = (0usize, 0u64);
        // SAFETY: a live queue; both out-parameters writable.
        unsafe { sys::snatpool_event_queue_stats(self.0.as_ptr(), &mut queued, &mut dropped) };
        (queued, dropped)
    }
}

impl Drop for EventQueue {
    fn drop(&mut self) {
        // SAFETY: the table that pushed into it is freed first (Table's
        // drop order), so nothing uses the queue any more.
        unsafe { sys::snatpool_event_queue_free(self.0.as_ptr()) }
    }
}

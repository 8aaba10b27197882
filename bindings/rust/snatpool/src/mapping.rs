// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! A mapping as tables and their events report it (its own module: both
//! `table` and `events` hand it out, and neither depends on the other
//! for it).
use std::os::raw::c_int;

use snatpool_sys as sys;

use crate::addr::from_c;
use std::net::IpAddr;

/// A mapping: a source (proto, src, sport) and its translated tuple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mapping {
    /// IPPROTO_* number.
    pub proto: u8,
    /// The key: original source address.
    pub src: IpAddr,
    /// The key: original source port.
    pub sport: u16,
    /// Translated address: index in the family's configured order.
    pub xindex: u32,
    /// Translated address.
    pub xaddr: IpAddr,
    /// Translated port.
    pub xport: u16,
    /// Live flows using it.
    pub flows: u32,
    /// Idle lease deadline (caller's clock); 0 while flows live.
    pub expires: u32,
    /// MAP_F_* flags.
    pub flags: u32,
}

impl Mapping {
    pub(crate) fn from_c(m: &sys::snatpool_mapping) -> Mapping {
        // NAT64 (SNATPOOL_AF_NAT64): an IPv6 source owning an IPv4 tuple
        let (sf, xf) = if m.family == sys::SNATPOOL_AF_NAT64 as c_int {
            (sys::AF_INET6, sys::AF_INET)
        } else {
            (m.family, m.family)
        };
        Mapping {
            proto: m.proto,
            src: from_c(sf, &m.src),
            sport: m.sport,
            xindex: m.xindex,
            xaddr: from_c(xf, &m.xaddr),
            xport: m.xport,
            flows: m.flows,
            expires: m.expires,
            flags: m.flags,
        }
    }
}

// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! Addresses between std::net and the library's (family, 16 octets).
use std::ffi::{CStr, CString};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::raw::{c_char, c_int};

use snatpool_sys as sys;

use crate::error::{codes, Error, Result};

/// An address family of a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// IPv4 (AF_INET)
    V4,
    /// IPv6 (AF_INET6)
    V6,
}

impl Family {
    /// The family of `a`.
    pub fn of(a: IpAddr) -> Family {
        match a {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }

    pub(crate) fn af(self) -> c_int {
        match self {
            Family::V4 => sys::AF_INET,
            Family::V6 => sys::AF_INET6,
        }
    }

    pub(crate) fn from_af(af: c_int) -> Option<Family> {
        match af {
            sys::AF_INET => Some(Family::V4),
            sys::AF_INET6 => Some(Family::V6),
            _ => None,
        }
    }

    /// Octets of an address of this family (4 or 16).
    pub fn addr_len(self) -> usize {
        match self {
            Family::V4 => 4,
            Family::V6 => 16,
        }
    }
}

/// A source address type of a burst: [`Ipv4Addr`] or [`Ipv6Addr`].
pub trait SourceAddr: Copy {
    /// Its family.
    const FAMILY: Family;
    /// Append its network-order octets to `buf`.
    fn put(&self, buf: &mut Vec<u8>);
}

impl SourceAddr for Ipv4Addr {
    const FAMILY: Family = Family::V4;
    fn put(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.octets());
    }
}

impl SourceAddr for Ipv6Addr {
    const FAMILY: Family = Family::V6;
    fn put(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.octets());
    }
}

pub(crate) fn to_c(a: IpAddr) -> (c_int, [u8; 16]) {
    let mut b = [0u8; 16];
    match a {
        IpAddr::V4(v) => {
            b[..4].copy_from_slice(&v.octets());
            (sys::AF_INET, b)
        }
        IpAddr::V6(v) => (sys::AF_INET6, v.octets()),
    }
}

pub(crate) fn from_c(af: c_int, b: &[u8; 16]) -> IpAddr {
    if af == sys::AF_INET {
        IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
    } else {
        IpAddr::V6(Ipv6Addr::from(*b))
    }
}

pub(crate) fn cstring(op: &'static str, s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::with_token(op, codes::EINVAL, "NUL in string", 0))
}

/// Parse an IPv4 or IPv6 address as the library does (`snatpool_addr_parse()`).
pub fn parse_addr(text: &str) -> Result<IpAddr> {
    let c = cstring("parse_addr", text)?;
    let (mut fam, mut out): (c_int, [u8; 16]) = (0, [0; 16]);
    // SAFETY: c is NUL-terminated; fam and out (16 octets) are writable.
    let rc = unsafe { sys::snatpool_addr_parse(c.as_ptr(), &mut fam, out.as_mut_ptr()) };
    if rc < 0 {
        return Err(Error::with_token("parse_addr", rc, text, 0));
    }
    Ok(from_c(fam, &out))
}

/// The library's text of `a` (`snatpool_addr_format()`; e.g. it writes
/// `::ffff:a.b.c.d` for IPv4-mapped addresses).
pub fn format_addr(a: IpAddr) -> String {
    let (af, b) = to_c(a);
    let mut buf = [0 as c_char; 64];
    // SAFETY: b holds 16 octets, buf 64 (>= 46 as required).
    let rc = unsafe { sys::snatpool_addr_format(af, b.as_ptr(), buf.as_mut_ptr(), buf.len()) };
    if rc < 0 {
        return a.to_string();
    }
    // SAFETY: on success buf holds a NUL-terminated string.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

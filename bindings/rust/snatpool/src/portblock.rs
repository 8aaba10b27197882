// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! Deterministic port blocks (RFC 7422).
use std::net::IpAddr;
use std::ptr::{self, NonNull};

use snatpool_sys as sys;

use crate::addr::{from_c, to_c, Family};
use crate::error::{check, codes, Error, Result};
use crate::pool::Pool;

/// Port block geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortBlockOptions {
    /// First subscriber address (IPv4) or prefix (IPv6).
    pub base: IpAddr,
    /// Subscribers.
    pub count: u32,
    /// IPv6: subscriber prefix length, 32..64; IPv4: 0 or 32.
    pub prefix_len: u8,
    /// Pool family handed out.
    pub xfamily: Family,
    /// Ports per block.
    pub block_size: u16,
}

/// One subscriber's block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// The subscriber's number (from the range's base).
    pub subscriber: u64,
    /// Pool address index (configured order of `xfamily`).
    pub xindex: u32,
    /// Pool address.
    pub xaddr: IpAddr,
    /// First port of the block.
    pub port_lo: u16,
    /// Last port of the block.
    pub port_hi: u16,
}

/// A port block plan over a pool (which it keeps alive).
pub struct PortBlock {
    pb: NonNull<sys::snatpool_portblock>,
    xfamily: Family,
    subfamily: Family,
    _pool: Pool,
}

// SAFETY: the C contract: a plan is "opaque, immutable, shared by threads";
// map and reverse only read it.  Its pool is Sync and kept alive here.
unsafe impl Send for PortBlock {}
unsafe impl Sync for PortBlock {}

impl Drop for PortBlock {
    fn drop(&mut self) {
        // SAFETY: &mut self: no other user; the pool is dropped after.
        unsafe { sys::snatpool_portblock_free(self.pb.as_ptr()) }
    }
}

impl std::fmt::Debug for PortBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortBlock")
            .field("xfamily", &self.xfamily)
            .finish()
    }
}

impl PortBlock {
    /// A plan over `pool`.
    pub fn new(pool: &Pool, o: &PortBlockOptions) -> Result<PortBlock> {
        let (family, base) = to_c(o.base);
        // Field by field on a zeroed struct (fields a newer header adds stay 0).
        // SAFETY: a plain C struct; all zero is valid.
        let mut c: sys::snatpool_portblock_opts =
            unsafe { std::mem::MaybeUninit::zeroed().assume_init() };
        c.sz = std::mem::size_of::<sys::snatpool_portblock_opts>();
        c.family = family;
        c.base = base;
        c.count = o.count;
        c.prefix_len = o.prefix_len;
        c.xfamily = o.xfamily.af();
        c.block_size = o.block_size;
        let mut out = ptr::null_mut();
        // SAFETY: a live pool, kept alive by the plan; sized opts.
        check("PortBlock::new", unsafe {
            sys::snatpool_portblock_new(pool.h.ptr(), &c, &mut out)
        })?;
        let pb = NonNull::new(out).ok_or_else(|| Error::new("PortBlock::new", codes::ENOMEM))?;
        Ok(PortBlock {
            pb,
            xfamily: o.xfamily,
            subfamily: Family::of(o.base),
            _pool: pool.clone(),
        })
    }

    /// The block of subscriber `src`; None outside the range.
    pub fn map(&self, src: IpAddr) -> Result<Option<Block>> {
        if Family::of(src) != self.subfamily {
            return Err(Error::with_token(
                "PortBlock::map",
                codes::EFAMILY,
                "not the subscriber family",
                0,
            ));
        }
        let (_, b) = to_c(src);
        let (mut xi, mut xa, mut lo, mut hi) = (0u32, [0u8; 16], 0u16, 0u16);
        // SAFETY: live plan; b 16 octets; out-parameters writable (xaddr 16).
        let rc = unsafe {
            sys::snatpool_portblock_map(
                self.pb.as_ptr(),
                b.as_ptr(),
                &mut xi,
                xa.as_mut_ptr(),
                &mut lo,
                &mut hi,
            )
        };
        if rc == -(codes::ENOENT as std::os::raw::c_long) {
            return Ok(None);
        }
        if rc < 0 {
            return Err(Error::new("PortBlock::map", rc as i32));
        }
        Ok(Some(Block {
            subscriber: rc as u64,
            xindex: xi,
            xaddr: from_c(self.xfamily.af(), &xa),
            port_lo: lo,
            port_hi: hi,
        }))
    }

    /// The subscriber using `xaddr:xport`: (number, address or prefix);
    /// None if no subscriber has it.
    pub fn reverse(&self, xaddr: IpAddr, xport: u16) -> Result<Option<(u64, IpAddr)>> {
        if Family::of(xaddr) != self.xfamily {
            return Err(Error::with_token(
                "PortBlock::reverse",
                codes::EFAMILY,
                "not the pool family",
                0,
            ));
        }
        let (_, x) = to_c(xaddr);
        let mut sub = [0u8; 16];
        // SAFETY: live plan; x and sub 16 octets.
        let rc = unsafe {
            sys::snatpool_portblock_reverse(self.pb.as_ptr(), x.as_ptr(), xport, sub.as_mut_ptr())
        };
        if rc == -(codes::ENOENT as std::os::raw::c_long) {
            return Ok(None);
        }
        if rc < 0 {
            return Err(Error::new("PortBlock::reverse", rc as i32));
        }
        Ok(Some((rc as u64, from_c(self.subfamily.af(), &sub))))
    }
}

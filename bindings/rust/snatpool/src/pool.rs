// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! Pools and selection.
use std::ffi::CStr;
use std::mem::MaybeUninit;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ptr::{self, NonNull};
use std::sync::Arc;

use snatpool_sys as sys;

use crate::addr::{cstring, from_c, to_c, Family, SourceAddr};
use crate::algo::Algo;
use crate::error::{check, codes, Error, Result};

/// Pool options; the default is: seed 0, ports 1024-65535, the library's
/// default algorithm, the default Maglev size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolOptions {
    /// Seed of the seeded algorithms (0: unseeded).
    pub seed: u64,
    /// Port range (0 and 0: 1024-65535).
    pub port_lo: u16,
    /// Port range, high end.
    pub port_hi: u16,
    /// The pool's default algorithm ([`Algo::PoolDefault`]: the library's).
    pub default_algo: Option<Algo>,
    /// Maglev table size, a prime (0: SNATPOOL_MAGLEV_SIZE).
    pub maglev_size: u32,
}

impl PoolOptions {
    fn c(&self) -> sys::snatpool_pool_opts {
        // Field by field on a zeroed struct: a field a newer header adds
        // stays 0 (its default), so regenerated bindings still build.
        // SAFETY: a plain C struct; all zero is valid.
        let mut o: sys::snatpool_pool_opts = unsafe { MaybeUninit::zeroed().assume_init() };
        o.sz = std::mem::size_of::<sys::snatpool_pool_opts>();
        o.seed = self.seed;
        o.port_lo = self.port_lo;
        o.port_hi = self.port_hi;
        o.default_algo = self.default_algo.map_or(0, Algo::id);
        o.maglev_size = self.maglev_size;
        o
    }
}

pub(crate) struct PoolHandle(NonNull<sys::snatpool>);

// SAFETY: a pool is immutable once built and the C contract says it is
// "shared by any number of threads": selection takes no lock and writes
// nothing but per-thread digest contexts and, once, a family's Maglev table
// under a per-pool lock.  So a pool may move to and be used from any thread.
unsafe impl Send for PoolHandle {}
unsafe impl Sync for PoolHandle {}

impl Drop for PoolHandle {
    fn drop(&mut self) {
        // SAFETY: the last reference is gone (Arc), so no table, plan or
        // thread still uses the pool.
        unsafe { sys::snatpool_pool_free(self.0.as_ptr()) }
    }
}

impl PoolHandle {
    #[inline]
    pub(crate) fn ptr(&self) -> *const sys::snatpool {
        self.0.as_ptr()
    }
}

/// An immutable address pool.  Cloning is cheap (reference counted); the C
/// pool is freed when the last clone, table and port block plan is gone.
#[derive(Clone)]
pub struct Pool {
    pub(crate) h: Arc<PoolHandle>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("v4", &self.count(Family::V4))
            .field("v6", &self.count(Family::V6))
            .field("seed", &self.seed())
            .finish()
    }
}

fn diag() -> sys::snatpool_diag {
    // SAFETY: a plain C struct; all zero is a valid value.
    unsafe { MaybeUninit::zeroed().assume_init() }
}

impl Pool {
    /// Build a pool from a text spec: "198.51.100.1-198.51.100.4,2001:db8::/126".
    pub fn from_spec(spec: &str, opts: &PoolOptions) -> Result<Pool> {
        let c = cstring("Pool::from_spec", spec)?;
        let o = opts.c();
        let mut d = diag();
        let mut out: *mut sys::snatpool = ptr::null_mut();
        // SAFETY: valid NUL-terminated spec, sized opts, out and diag writable.
        let rc = unsafe { sys::snatpool_pool_from_spec(c.as_ptr(), &o, &mut out, &mut d) };
        Pool::wrap("Pool::from_spec", rc, out, &d)
    }

    /// Build a pool from addresses (both families mixed; each family keeps
    /// its order, the "configured order" indexes count in).
    pub fn new(addrs: &[IpAddr], opts: &PoolOptions) -> Result<Pool> {
        let v: Vec<sys::snatpool_addr> = addrs
            .iter()
            .map(|&a| {
                let (family, addr) = to_c(a);
                sys::snatpool_addr { family, addr }
            })
            .collect();
        let o = opts.c();
        let mut d = diag();
        let mut out: *mut sys::snatpool = ptr::null_mut();
        // SAFETY: v holds v.len() addresses; opts sized; out and diag writable.
        let rc = unsafe { sys::snatpool_pool_new(v.as_ptr(), v.len(), &o, &mut out, &mut d) };
        Pool::wrap("Pool::new", rc, out, &d)
    }

    fn wrap(
        op: &'static str,
        rc: i32,
        out: *mut sys::snatpool,
        d: &sys::snatpool_diag,
    ) -> Result<Pool> {
        if rc < 0 {
            return Err(Error::from_diag(op, rc, d));
        }
        let h = NonNull::new(out).ok_or_else(|| Error::new(op, codes::ENOMEM))?;
        Ok(Pool {
            h: Arc::new(PoolHandle(h)),
        })
    }

    #[inline]
    fn p(&self) -> *const sys::snatpool {
        self.h.ptr()
    }

    /// Number of addresses of `f`.
    pub fn count(&self, f: Family) -> usize {
        // SAFETY: a live pool.
        unsafe { sys::snatpool_pool_count(self.p(), f.af()) }
    }

    /// The address at `index` of `f`, configured order.
    pub fn addr(&self, f: Family, index: u32) -> Result<IpAddr> {
        let mut b = [0u8; 16];
        // SAFETY: a live pool; b holds 16 octets.
        check("Pool::addr", unsafe {
            sys::snatpool_pool_addr(self.p(), f.af(), index, b.as_mut_ptr())
        })?;
        Ok(from_c(f.af(), &b))
    }

    /// Every address of `f`, configured order.
    pub fn addrs(&self, f: Family) -> Vec<IpAddr> {
        (0..self.count(f) as u32)
            .filter_map(|i| self.addr(f, i).ok())
            .collect()
    }

    /// The pool's seed.
    pub fn seed(&self) -> u64 {
        // SAFETY: a live pool.
        unsafe { sys::snatpool_pool_seed(self.p()) }
    }

    /// The pool's port range (lo, hi).
    pub fn ports(&self) -> (u16, u16) {
        let (mut lo, mut hi) = (0u16, 0u16);
        // SAFETY: a live pool; lo and hi writable.
        unsafe { sys::snatpool_pool_ports(self.p(), &mut lo, &mut hi) };
        (lo, hi)
    }

    /// The pool's default algorithm.
    pub fn default_algo(&self) -> Algo {
        // SAFETY: a live pool.
        let id = unsafe { sys::snatpool_pool_default_algo(self.p()) };
        Algo::from_id(id).unwrap_or(Algo::PoolDefault)
    }

    /// The Maglev table of `f` (configured-order indexes), for dataplanes.
    pub fn maglev_table(&self, f: Family) -> Result<&[u16]> {
        let mut t: *const u16 = ptr::null();
        let mut size = 0u32;
        // SAFETY: a live pool; t and size writable.
        check("Pool::maglev_table", unsafe {
            sys::snatpool_maglev_table(self.p(), f.af(), &mut t, &mut size)
        })?;
        // SAFETY: the table holds size entries and lives as long as the pool,
        // which &self keeps alive.
        Ok(unsafe { std::slice::from_raw_parts(t, size as usize) })
    }

    /// The pool address for the internal source `src`: (index in the
    /// family's configured order, address).  Fails closed: a pool with no
    /// address of `src`'s family gives [`codes::ENOFAMILY`].
    #[inline]
    pub fn select(&self, src: IpAddr, algo: Algo) -> Result<(u32, IpAddr)> {
        let mut index = 0u32;
        // The octets go to C straight from the address (no copy into a
        // wider buffer: a load spanning two stores stalls store forwarding).
        let rc = match src {
            IpAddr::V4(v) => {
                let (s, mut out) = (v.octets(), [0u8; 4]);
                // SAFETY: a live pool; s and out hold 4 octets (AF_INET).
                let rc = unsafe {
                    sys::snatpool_select(
                        self.p(),
                        sys::AF_INET,
                        s.as_ptr(),
                        algo.id(),
                        &mut index,
                        out.as_mut_ptr(),
                    )
                };
                if rc == 0 {
                    return Ok((index, IpAddr::V4(out.into())));
                }
                rc
            }
            IpAddr::V6(v) => {
                let (s, mut out) = (v.octets(), [0u8; 16]);
                // SAFETY: a live pool; s and out hold 16 octets (AF_INET6).
                let rc = unsafe {
                    sys::snatpool_select(
                        self.p(),
                        sys::AF_INET6,
                        s.as_ptr(),
                        algo.id(),
                        &mut index,
                        out.as_mut_ptr(),
                    )
                };
                if rc == 0 {
                    return Ok((index, IpAddr::V6(out.into())));
                }
                rc
            }
        };
        Err(Error::new("Pool::select", rc))
    }

    /// NAT64 (snatpool_select_nat64): the IPv4 pool address, and its index
    /// in the pool's IPv4 configured order, that `algo`'s NAT64 rule gives
    /// the IPv6 source `src`.  Fails with `codes::ENONAT64` for an algorithm
    /// without a NAT64 rule, `codes::ENOFAMILY` for a pool without IPv4
    /// addresses.
    pub fn select_nat64(&self, src: Ipv6Addr, algo: Algo) -> Result<(u32, Ipv4Addr)> {
        let (s, mut out, mut index) = (src.octets(), [0u8; 4], 0u32);
        // SAFETY: a live pool; s holds 16 octets, out 4.
        let rc = unsafe {
            sys::snatpool_select_nat64(self.p(), s.as_ptr(), algo.id(), &mut index, out.as_mut_ptr())
        };
        if rc == 0 {
            Ok((index, out.into()))
        } else {
            Err(Error::new("Pool::select_nat64", rc))
        }
    }

    /// The index alone (no address copied out).
    #[inline]
    pub fn select_index(&self, src: IpAddr, algo: Algo) -> Result<u32> {
        let mut index = 0u32;
        let rc = match src {
            // SAFETY: a live pool; 4 or 16 octets as the family says; addr NULL is allowed.
            IpAddr::V4(v) => unsafe {
                sys::snatpool_select(
                    self.p(),
                    sys::AF_INET,
                    v.octets().as_ptr(),
                    algo.id(),
                    &mut index,
                    ptr::null_mut(),
                )
            },
            IpAddr::V6(v) => unsafe {
                sys::snatpool_select(
                    self.p(),
                    sys::AF_INET6,
                    v.octets().as_ptr(),
                    algo.id(),
                    &mut index,
                    ptr::null_mut(),
                )
            },
        };
        if rc == 0 {
            Ok(index)
        } else {
            Err(Error::new("Pool::select", rc))
        }
    }

    /// Selection for a burst of sources of one family: indexes into
    /// `indexes` (which must be as long as `srcs`).
    pub fn select_burst_into<A: SourceAddr>(
        &self,
        srcs: &[A],
        algo: Algo,
        indexes: &mut [u32],
    ) -> Result<()> {
        if indexes.len() != srcs.len() || srcs.len() > i32::MAX as usize {
            return Err(Error::new("Pool::select_burst", codes::EINVAL));
        }
        let mut buf = Vec::with_capacity(srcs.len() * A::FAMILY.addr_len());
        for s in srcs {
            s.put(&mut buf);
        }
        // SAFETY: buf packs srcs.len() addresses of the family, indexes has
        // room for as many.
        let rc = unsafe {
            sys::snatpool_select_burst(
                self.p(),
                A::FAMILY.af(),
                buf.as_ptr(),
                srcs.len(),
                algo.id(),
                indexes.as_mut_ptr(),
            )
        };
        check("Pool::select_burst", rc).map(|_| ())
    }

    /// Selection for a burst of sources of one family: (index, address) each.
    pub fn select_burst<A: SourceAddr>(
        &self,
        srcs: &[A],
        algo: Algo,
    ) -> Result<Vec<(u32, IpAddr)>> {
        let mut idx = vec![0u32; srcs.len()];
        self.select_burst_into(srcs, algo, &mut idx)?;
        let af = A::FAMILY.af();
        idx.into_iter()
            .map(|i| {
                let mut b = [0u8; 16];
                // SAFETY: a live pool; b holds 16 octets; i came from the
                // library for this family, so it is in range.
                check("Pool::select_burst", unsafe {
                    sys::snatpool_pool_addr(self.p(), af, i, b.as_mut_ptr())
                })?;
                Ok((i, from_c(af, &b)))
            })
            .collect()
    }
}

/// The library's version string, e.g. "0.1.0".
pub fn version() -> &'static str {
    // SAFETY: a static NUL-terminated string.
    unsafe { CStr::from_ptr(sys::snatpool_version()) }
        .to_str()
        .unwrap_or("")
}

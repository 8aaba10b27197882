// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! Algorithms: frozen IDs and names.
use std::ffi::CStr;
use std::fmt;
use std::mem::MaybeUninit;

use snatpool_sys as sys;

use crate::addr::cstring;
use crate::error::{check, codes, Error, Result};

/// A selection algorithm (frozen IDs, docs/algorithms.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algo {
    /// The pool's default algorithm (ID 0 in the C API).
    #[default]
    PoolDefault,
    /// "xpf-legacy-v0" (1)
    XpfLegacyV0,
    /// "xpf-userspace-v1" (2)
    XpfUserspaceV1,
    /// "linux-nf-persistent" (3)
    LinuxNfPersistent,
    /// "snatpool-xxh3-v1" (4), the library default
    Xxh3V1,
    /// "snatpool-maglev-v1" (5)
    MaglevV1,
}

impl Algo {
    /// Every named algorithm, ascending ID.
    pub const ALL: [Algo; 5] = [
        Algo::XpfLegacyV0,
        Algo::XpfUserspaceV1,
        Algo::LinuxNfPersistent,
        Algo::Xxh3V1,
        Algo::MaglevV1,
    ];

    /// The numeric ID (0 for [`Algo::PoolDefault`]).
    #[inline]
    pub fn id(self) -> u32 {
        match self {
            Algo::PoolDefault => 0,
            Algo::XpfLegacyV0 => sys::SNATPOOL_ALGO_XPF_LEGACY_V0,
            Algo::XpfUserspaceV1 => sys::SNATPOOL_ALGO_XPF_USERSPACE_V1,
            Algo::LinuxNfPersistent => sys::SNATPOOL_ALGO_LINUX_NF_PERSIST,
            Algo::Xxh3V1 => sys::SNATPOOL_ALGO_XXH3_V1,
            Algo::MaglevV1 => sys::SNATPOOL_ALGO_MAGLEV_V1,
        }
    }

    /// The algorithm of `id` (0: [`Algo::PoolDefault`]); None if unknown.
    pub fn from_id(id: u32) -> Option<Algo> {
        if id == 0 {
            return Some(Algo::PoolDefault);
        }
        Algo::ALL.iter().copied().find(|a| a.id() == id)
    }

    /// The algorithm named `name` ("snatpool-xxh3-v1"), as the library reads it.
    pub fn parse(name: &str) -> Result<Algo> {
        let c = cstring("Algo::parse", name)?;
        // SAFETY: c is NUL-terminated.
        let rc = unsafe { sys::snatpool_algo_by_name(c.as_ptr()) };
        let id = check("Algo::parse", rc)
            .map_err(|e| Error::with_token("Algo::parse", e.code(), name, 0))?;
        Algo::from_id(id as u32)
            .ok_or_else(|| Error::with_token("Algo::parse", codes::EALGO, name, 0))
    }

    /// The frozen name; "" for [`Algo::PoolDefault`].
    pub fn name(self) -> &'static str {
        // SAFETY: snatpool_algo_name() returns a static string or NULL.
        let p = unsafe { sys::snatpool_algo_name(self.id()) };
        if p.is_null() {
            return "";
        }
        // SAFETY: non-NULL: static and NUL-terminated.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap_or("")
    }

    /// What the registry knows of it.
    pub fn info(self) -> Result<AlgoInfo> {
        let mut i = MaybeUninit::<sys::snatpool_algo_info>::zeroed();
        // SAFETY: i is a writable snatpool_algo_info.
        check("Algo::info", unsafe {
            sys::snatpool_algo_info(self.id(), i.as_mut_ptr())
        })?;
        // SAFETY: filled on success; its strings are static.
        let i = unsafe { i.assume_init() };
        let s = |p: *const std::os::raw::c_char| {
            unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
        };
        Ok(AlgoInfo {
            algo: self,
            id: i.id,
            name: s(i.name),
            flags: i.flags,
            summary: s(i.summary),
        })
    }
}

impl fmt::Display for Algo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Algo::PoolDefault => f.write_str("pool-default"),
            a => f.write_str(a.name()),
        }
    }
}

/// One algorithm of the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgoInfo {
    /// The algorithm.
    pub algo: Algo,
    /// Its ID.
    pub id: u32,
    /// Its frozen name.
    pub name: String,
    /// SNATPOOL_ALGO_F_* flags.
    pub flags: u32,
    /// One line.
    pub summary: String,
}

/// Every algorithm the library knows (that this crate names), ascending ID.
pub fn algorithms() -> Vec<AlgoInfo> {
    // SAFETY: NULL with max 0 asks for the count.
    let n = unsafe { sys::snatpool_algo_list(std::ptr::null_mut(), 0) }.max(0) as usize;
    let mut ids = vec![0u32; n];
    // SAFETY: ids holds n slots.
    unsafe { sys::snatpool_algo_list(ids.as_mut_ptr(), n) };
    ids.into_iter()
        .filter_map(Algo::from_id)
        .filter_map(|a| a.info().ok())
        .collect()
}

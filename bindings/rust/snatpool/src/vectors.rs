// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! Golden vectors: write and verify (the library's JSON lines format).
use std::ffi::CStr;
use std::fs::File;
use std::mem::MaybeUninit;
use std::os::raw::c_void;
use std::os::unix::io::AsRawFd;
use std::path::Path;

use snatpool_sys as sys;

use crate::algo::Algo;
use crate::error::{check, codes, Error, Result};

/// The outcome of checking one vector line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorResult {
    /// Line number (from 1) in a verified file; 0 for [`check_vector`].
    pub line: usize,
    /// 0 pass, 1 mismatch, negative SNATPOOL_E* for a malformed line.
    pub status: i32,
    /// Expected index.
    pub want_index: u32,
    /// Computed index.
    pub got_index: u32,
    /// Expected address text.
    pub want_addr: String,
    /// Computed address text.
    pub got_addr: String,
    /// Why it failed; empty on pass.
    pub msg: String,
}

impl VectorResult {
    /// Whether the line passed.
    pub fn ok(&self) -> bool {
        self.status == 0
    }

    fn from_c(line: usize, r: &sys::snatpool_vector_result) -> VectorResult {
        // SAFETY: the library NUL-terminates these arrays (zeroed first).
        let s = |a: &[std::os::raw::c_char]| {
            unsafe { CStr::from_ptr(a.as_ptr()) }
                .to_string_lossy()
                .into_owned()
        };
        VectorResult {
            line,
            status: r.status,
            want_index: r.want_index,
            got_index: r.got_index,
            want_addr: s(&r.want_addr),
            got_addr: s(&r.got_addr),
            msg: s(&r.msg),
        }
    }
}

/// Totals of a verified file, and its failures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyResult {
    /// Lines that passed.
    pub passed: usize,
    /// Mismatches and malformed lines.
    pub failed: usize,
    /// Malformed lines (a subset of failed).
    pub malformed: usize,
    /// Each failure.
    pub failures: Vec<VectorResult>,
}

fn zeroed<T>() -> T {
    // SAFETY: plain C structs only.
    unsafe { MaybeUninit::<T>::zeroed().assume_init() }
}

/// Check one vector line (without its newline).
pub fn check_vector(line: &str) -> VectorResult {
    let mut r = zeroed::<sys::snatpool_vector_result>();
    // SAFETY: line readable for its length (no NUL needed); r writable.
    unsafe { sys::snatpool_vector_check(line.as_ptr().cast(), line.len(), &mut r) };
    VectorResult::from_c(0, &r)
}

unsafe extern "C" fn on_failure(
    lineno: usize,
    res: *const sys::snatpool_vector_result,
    ctx: *mut c_void,
) {
    // SAFETY: ctx is the Vec of verify_fd(), res valid for the call.
    let v = &mut *(ctx as *mut Vec<VectorResult>);
    v.push(VectorResult::from_c(lineno, &*res));
}

/// Verify every line read from `fd` (a file, a pipe).
pub fn verify_fd<F: AsRawFd>(fd: &F) -> Result<VerifyResult> {
    let mut st = zeroed::<sys::snatpool_verify_stats>();
    let mut failures: Vec<VectorResult> = Vec::new();
    // SAFETY: fd is open for the call; st writable; the callback appends
    // to failures, which outlives the call.
    let rc = unsafe {
        sys::snatpool_vectors_verify(
            fd.as_raw_fd(),
            &mut st,
            Some(on_failure),
            (&mut failures as *mut Vec<VectorResult>).cast(),
        )
    };
    check("verify", rc)?;
    Ok(VerifyResult {
        passed: st.passed,
        failed: st.failed,
        malformed: st.malformed,
        failures,
    })
}

/// Verify a vectors file.
pub fn verify_file<P: AsRef<Path>>(path: P) -> Result<VerifyResult> {
    let f = File::open(path.as_ref()).map_err(|e| {
        Error::with_token(
            "verify_file",
            e.raw_os_error().unwrap_or(codes::EINVAL),
            &path.as_ref().to_string_lossy(),
            0,
        )
    })?;
    verify_fd(&f)
}

/// Write the deterministic edge-case vectors of `algo` to `fd`; lines written.
pub fn write_vectors<F: AsRawFd>(fd: &F, algo: Algo) -> Result<usize> {
    if algo == Algo::PoolDefault {
        return Err(Error::new("write_vectors", codes::EALGO));
    }
    // SAFETY: fd is open for the call.
    Ok(check("write_vectors", unsafe {
        sys::snatpool_vectors_write(fd.as_raw_fd(), algo.id())
    })? as usize)
}

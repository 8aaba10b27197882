// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! Library errors: the code (SNATPOOL_E* or errno, positive) and its text.
use std::ffi::CStr;
use std::fmt;
use std::os::raw::c_int;

use snatpool_sys as sys;

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Library error codes (positive), as [`Error::code`] gives them.
pub mod codes {
    #![allow(missing_docs)]
    use snatpool_sys as sys;
    pub const EADDR: i32 = sys::SNATPOOL_EADDR as i32;
    pub const ERANGE: i32 = sys::SNATPOOL_ERANGE as i32;
    pub const EPREFIX: i32 = sys::SNATPOOL_EPREFIX as i32;
    pub const EDUP: i32 = sys::SNATPOOL_EDUP as i32;
    pub const EPORT: i32 = sys::SNATPOOL_EPORT as i32;
    pub const EEMPTY: i32 = sys::SNATPOOL_EEMPTY as i32;
    pub const ELIMIT: i32 = sys::SNATPOOL_ELIMIT as i32;
    pub const EFAMILY: i32 = sys::SNATPOOL_EFAMILY as i32;
    pub const ENOFAMILY: i32 = sys::SNATPOOL_ENOFAMILY as i32;
    pub const EALGO: i32 = sys::SNATPOOL_EALGO as i32;
    pub const ENOTRANGE: i32 = sys::SNATPOOL_ENOTRANGE as i32;
    pub const ECRYPTO: i32 = sys::SNATPOOL_ECRYPTO as i32;
    pub const EVECTOR: i32 = sys::SNATPOOL_EVECTOR as i32;
    pub const ESYNTAX: i32 = sys::SNATPOOL_ESYNTAX as i32;
    pub const EEXHAUSTED: i32 = sys::SNATPOOL_EEXHAUSTED as i32;
    pub const EFULL: i32 = sys::SNATPOOL_EFULL as i32;
    pub const EQUOTA: i32 = sys::SNATPOOL_EQUOTA as i32;
    pub const ESESSIONS: i32 = sys::SNATPOOL_ESESSIONS as i32;
    pub const ESNAPSHOT: i32 = sys::SNATPOOL_ESNAPSHOT as i32;
    pub const EDELTA: i32 = sys::SNATPOOL_EDELTA as i32;
    pub const EGAP: i32 = sys::SNATPOOL_EGAP as i32;
    pub const ECONFLICT: i32 = sys::SNATPOOL_ECONFLICT as i32;
    pub const EGEOMETRY: i32 = sys::SNATPOOL_EGEOMETRY as i32;
    pub const EMAGLEV: i32 = sys::SNATPOOL_EMAGLEV as i32;
    pub const ENONAT64: i32 = sys::SNATPOOL_ENONAT64 as i32;
    /// errno values the library returns (Linux).
    pub const ENOENT: i32 = 2;
    pub const ENOMEM: i32 = 12;
    pub const EBUSY: i32 = 16;
    pub const EINVAL: i32 = 22;
    pub const ERANGE_ERRNO: i32 = 34;
    pub const EPROTONOSUPPORT: i32 = 93;
}

/// A library error: which call, the code and the library's message, and
/// for the parsers the offending token and its offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    op: &'static str,
    code: i32,
    message: String,
    token: Option<String>,
    offset: usize,
}

fn strerror(code: i32) -> String {
    // SAFETY: snatpool_strerror() returns a static NUL-terminated string,
    // never NULL, for any value.
    unsafe { CStr::from_ptr(sys::snatpool_strerror(code as c_int)) }
        .to_string_lossy()
        .into_owned()
}

impl Error {
    /// An error of `op` with the library code `code` (either sign).
    pub fn new(op: &'static str, code: i32) -> Error {
        let code = code.checked_abs().unwrap_or(codes::EINVAL);
        Error {
            op,
            code,
            message: strerror(code),
            token: None,
            offset: 0,
        }
    }

    pub(crate) fn with_token(op: &'static str, code: i32, token: &str, offset: usize) -> Error {
        let mut e = Error::new(op, code);
        if !token.is_empty() {
            e.token = Some(token.to_string());
        }
        e.offset = offset;
        e
    }

    pub(crate) fn from_diag(op: &'static str, rc: c_int, d: &sys::snatpool_diag) -> Error {
        let code = if d.code > 0 { d.code } else { rc };
        // SAFETY: the library NUL-terminates diag.token (zeroed by us first).
        let token = unsafe { CStr::from_ptr(d.token.as_ptr()) }.to_string_lossy();
        Error::with_token(op, code, &token, d.offset)
    }

    /// The code: SNATPOOL_E* (>= 4000, see [`codes`]) or an errno value.
    pub fn code(&self) -> i32 {
        self.code
    }

    /// The library's text for the code (`snatpool_strerror()`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The call that failed, e.g. "Pool::from_spec".
    pub fn op(&self) -> &str {
        self.op
    }

    /// The offending token of a spec or address, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The token's octet offset in the input.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Whether this is the error `code` (positive).
    pub fn is(&self, code: i32) -> bool {
        self.code == code
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.op, self.message, self.code)?;
        if let Some(t) = &self.token {
            write!(f, ": '{}' at offset {}", t, self.offset)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// `Ok(rc)` for rc >= 0, else the error.
pub(crate) fn check(op: &'static str, rc: c_int) -> Result<c_int> {
    if rc < 0 {
        Err(Error::new(op, rc))
    } else {
        Ok(rc)
    }
}

#[allow(clippy::useless_conversion)] // c_long is i32 on 32-bit targets
pub(crate) fn check_long(op: &'static str, rc: std::os::raw::c_long) -> Result<i64> {
    if rc < 0 {
        Err(Error::new(op, rc as i32))
    } else {
        Ok(i64::from(rc))
    }
}

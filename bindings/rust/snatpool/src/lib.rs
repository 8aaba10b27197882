// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! Safe Rust API of libsnatpool: address-persistent source-NAT pool
//! selection (the same pool address for an internal source on every
//! dataplane), persistent-NAT tables and deterministic port blocks.
//!
//! ```no_run
//! use std::net::IpAddr;
//! use snatpool::{Algo, Pool, PoolOptions};
//!
//! let pool = Pool::from_spec("198.51.100.1-198.51.100.4,2001:db8::/126", &PoolOptions::default())?;
//! let (index, addr) = pool.select("10.0.1.100".parse::<IpAddr>().unwrap(), Algo::XpfUserspaceV1)?;
//! assert_eq!((index, addr.to_string()), (3, "198.51.100.4".to_string()));
//! # Ok::<(), snatpool::Error>(())
//! ```
//!
//! Every call goes to the C library (the `snatpool-sys` crate); this crate
//! only converts types.  `unsafe` lives in this crate's modules alone, each
//! block next to the C contract it relies on.  Handles free their C object
//! on drop; pools are reference counted so that tables and port block plans
//! keep their pool alive.
#![deny(missing_docs)]

mod addr;
mod algo;
mod error;
mod events;
mod mapping;
mod pool;
mod portblock;
mod table;
mod vectors;

pub use addr::{format_addr, parse_addr, Family, SourceAddr};
pub use algo::{algorithms, Algo, AlgoInfo};
pub use error::{codes, Error, Result};
pub use events::{Event, EventKind};
pub use pool::{version, Pool, PoolOptions};
pub use portblock::{Block, PortBlock, PortBlockOptions};
pub use table::{
    Flow, Mapping, Permit, PortStrategy, Table, TableOptions, TableStats, DELTA_RECORD_SIZE,
    MAP_F_NEW, MAP_F_PRESERVED, MAP_F_REUSED, TABLE_F_NO_PRESERVE, TABLE_F_PAIRED,
    TABLE_F_PRESERVE_PARITY,
};
pub use vectors::{
    check_vector, verify_fd, verify_file, write_vectors, VectorResult, VerifyResult,
};

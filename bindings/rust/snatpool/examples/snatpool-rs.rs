// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! snatpool-rs: golden vectors through the Rust binding, as `snatpool
//! verify` does through the C library.
//!
//!     cargo run --release --example snatpool-rs -- verify FILE...
//!
//! Each failing line is reported on standard error as FILE:LINE: message;
//! standard output ends with "N passed, N failed".  Exit status: 0 every
//! line passed, 1 a line failed (or a file held no vector), 2 usage error
//! or unreadable file.
//!
//! More commands: "select --algo NAME --pool SPEC SRC..." prints INDEX
//! ADDRESS per source; "vectors --algo NAME" writes the edge-case vectors
//! to standard output; and for the conformance suite (tests/conformance)
//! "compute JOBS" answers job lines through Pool::select (X lines: Pool::select_nat64), "bench [N]" prints
//! the per-call cost of Pool::select as a key=value line.
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{IpAddr, Ipv4Addr};
use std::process::exit;
use std::time::Instant;

use snatpool::{codes, format_addr, parse_addr, verify_fd, Algo, Pool, PoolOptions, VectorResult};

const OK: i32 = 0;
const FAIL: i32 = 1;
const USAGE: i32 = 2;

fn sanitize(s: &str, max: usize) -> String {
    s.chars()
        .take(max)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn failure_text(r: &VectorResult) -> String {
    if !r.msg.is_empty() {
        sanitize(&r.msg, 168)
    } else if r.status == 1 {
        format!(
            "mismatch: want {} {}, got {} {}",
            r.want_index,
            sanitize(&r.want_addr, 56),
            r.got_index,
            sanitize(&r.got_addr, 56)
        )
    } else {
        snatpool::Error::new("verify", r.status)
            .message()
            .to_string()
    }
}

fn verify_one(path: &str, passed: &mut usize, failed: &mut usize) -> i32 {
    let res = if path == "-" {
        verify_fd(&io::stdin())
    } else {
        match File::open(path) {
            Ok(f) => verify_fd(&f),
            Err(e) => {
                eprintln!("snatpool-rs: verify: {}: {}", path, e);
                return USAGE;
            }
        }
    };
    let name = if path == "-" { "<stdin>" } else { path };
    match res {
        Err(e) => {
            eprintln!("snatpool-rs: verify: {}: {}", name, e);
            USAGE
        }
        Ok(r) => {
            for f in &r.failures {
                eprintln!("{}:{}: {}", name, f.line, failure_text(f));
            }
            *passed += r.passed;
            *failed += r.failed;
            if r.passed + r.failed == 0 {
                eprintln!("snatpool-rs: verify: {}: no vector in the file", name);
                FAIL
            } else if r.failed > 0 {
                FAIL
            } else {
                OK
            }
        }
    }
}

fn cmd_verify(args: &[String]) -> i32 {
    if args.is_empty() || args[0] == "-h" || args[0] == "--help" {
        eprintln!("Usage: snatpool-rs verify FILE...\nCheck every line of vector files against libsnatpool through the Rust\nbinding; output ends with 'N passed, N failed'.");
        return USAGE;
    }
    let (mut passed, mut failed, mut worst) = (0, 0, OK);
    for f in args {
        worst = worst.max(verify_one(f, &mut passed, &mut failed));
    }
    println!("{} passed, {} failed", passed, failed);
    worst
}

fn cmd_compute(args: &[String]) -> i32 {
    if args.len() != 1 {
        eprintln!("Usage: snatpool-rs compute JOBS");
        return USAGE;
    }
    let input: Box<dyn BufRead> = if args[0] == "-" {
        Box::new(BufReader::new(io::stdin()))
    } else {
        match File::open(&args[0]) {
            Ok(f) => Box::new(BufReader::new(f)),
            Err(e) => {
                eprintln!("snatpool-rs: compute: {}: {}", args[0], e);
                return USAGE;
            }
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let (mut pool, mut pool_err): (Option<Pool>, i32) = (None, codes::EINVAL);
    for line in input.lines() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("snatpool-rs: compute: {}", e);
                return USAGE;
            }
        };
        if line.starts_with('#') {
            let _ = writeln!(out, "{}", line);
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let res = match (f[0], f.len()) {
            ("P", 4) => {
                pool = None;
                let (seed, msize) = match (f[1].parse::<u64>(), f[2].parse::<u32>()) {
                    (Ok(s), Ok(m)) => (s, m),
                    _ => {
                        eprintln!("snatpool-rs: compute: bad P line");
                        return USAGE;
                    }
                };
                let o = PoolOptions {
                    seed,
                    maglev_size: msize,
                    ..Default::default()
                };
                match Pool::from_spec(f[3], &o) {
                    Ok(p) => {
                        pool = Some(p);
                        pool_err = 0;
                        writeln!(out, "pool ok")
                    }
                    Err(e) => {
                        pool_err = e.code();
                        writeln!(out, "pool error {}", pool_err)
                    }
                }
            }
            (kind @ ("S" | "X"), 3) => {
                let algo = if f[1]
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .is_empty()
                {
                    Err(codes::EALGO)
                } else {
                    Algo::parse(f[1]).map_err(|e| e.code())
                };
                let r = algo.and_then(|a| parse_addr(f[2]).map(|s| (a, s)).map_err(|e| e.code()));
                match r {
                    Err(c) => writeln!(out, "error {}", c),
                    Ok(_) if pool_err != 0 => writeln!(out, "error {}", pool_err),
                    // X: NAT64, an IPv6 source and an IPv4 address (jobs.py)
                    Ok((a, src)) => match pool.as_ref().map(|p| match (kind, src) {
                        ("X", std::net::IpAddr::V6(s6)) => {
                            p.select_nat64(s6, a).map(|(i, a4)| (i, std::net::IpAddr::V4(a4)))
                        }
                        ("X", _) => Err(snatpool::Error::new("select_nat64", -codes::EFAMILY)),
                        _ => p.select(src, a),
                    }) {
                        Some(Ok((i, addr))) => writeln!(out, "{} {}", i, format_addr(addr)),
                        Some(Err(e)) => writeln!(out, "error {}", e.code()),
                        None => writeln!(out, "error {}", codes::EINVAL),
                    },
                }
            }
            _ => {
                eprintln!(
                    "snatpool-rs: compute: not a job line: {:?}",
                    sanitize(&line, 80)
                );
                return USAGE;
            }
        };
        if res.is_err() {
            return USAGE;
        }
    }
    if out.flush().is_err() {
        return USAGE;
    }
    OK
}

/// The loop of compute.c --bench, through Pool::select.
fn cmd_bench(args: &[String]) -> i32 {
    let n: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .filter(|&v| v > 0)
        .unwrap_or(2_000_000);
    let pool = match Pool::from_spec("198.51.100.0/24", &PoolOptions::default()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("snatpool-rs: bench: {}", e);
            return FAIL;
        }
    };
    const NSRC: usize = 4096;
    let srcs: Vec<IpAddr> = (0..NSRC as u32)
        .map(|i| {
            let v = i.wrapping_mul(2654435761);
            IpAddr::V4(Ipv4Addr::new(10, (v >> 16) as u8, (v >> 8) as u8, v as u8))
        })
        .collect();
    let (mut sum, mut best) = (0u32, 0f64);
    for run in 0..6 {
        let t0 = Instant::now();
        for i in 0..n {
            match pool.select(srcs[i % NSRC], Algo::Xxh3V1) {
                Ok((idx, IpAddr::V4(a))) => {
                    sum = sum.wrapping_add(idx).wrapping_add(a.octets()[3] as u32)
                }
                Ok(_) => return FAIL,
                Err(e) => {
                    eprintln!("snatpool-rs: bench: {}", e);
                    return FAIL;
                }
            }
        }
        let ns = t0.elapsed().as_nanos() as f64 / n as f64;
        if run > 0 && (best == 0.0 || ns < best) {
            best = ns;
        }
    }
    println!(
        "call_ns.rust.select={:.1} algo=snatpool-xxh3-v1 calls={} checksum={}",
        best, n, sum
    );
    OK
}

fn opt_algo(args: &[String]) -> Option<(Algo, usize)> {
    let i = args.iter().position(|a| a == "--algo")?;
    Some((Algo::parse(args.get(i + 1)?).ok()?, i))
}

fn cmd_vectors(args: &[String]) -> i32 {
    let algo = match opt_algo(args) {
        Some((a, _)) => a,
        None => {
            eprintln!("Usage: snatpool-rs vectors --algo NAME");
            return USAGE;
        }
    };
    match snatpool::write_vectors(&io::stdout(), algo) {
        Ok(_) => OK,
        Err(e) => {
            eprintln!("snatpool-rs: vectors: {}", e);
            FAIL
        }
    }
}

fn cmd_select(args: &[String]) -> i32 {
    let usage = || {
        eprintln!("Usage: snatpool-rs select --algo NAME --pool SPEC SRC...");
        USAGE
    };
    let (mut algo, mut spec, mut srcs) = (None, None, Vec::new());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--algo" => algo = it.next().map(|s| Algo::parse(s)),
            "--pool" => spec = it.next(),
            s => srcs.push(s.to_string()),
        }
    }
    let (algo, spec) = match (algo, spec) {
        (Some(Ok(a)), Some(s)) => (a, s),
        (Some(Err(e)), _) => {
            eprintln!("snatpool-rs: select: {}", e);
            return USAGE;
        }
        _ => return usage(),
    };
    let pool = match Pool::from_spec(spec, &PoolOptions::default()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("snatpool-rs: select: {}", e);
            return USAGE;
        }
    };
    let mut rc = OK;
    for s in srcs {
        match parse_addr(&s).and_then(|a| pool.select(a, algo)) {
            Ok((i, addr)) => println!("{} {}", i, format_addr(addr)),
            Err(e) => {
                eprintln!("snatpool-rs: select: {}: {}", s, e);
                rc = FAIL;
            }
        }
    }
    rc
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rc = match args.first().map(String::as_str) {
        Some("verify") => cmd_verify(&args[1..]),
        Some("compute") => cmd_compute(&args[1..]),
        Some("bench") => cmd_bench(&args[1..]),
        Some("vectors") => cmd_vectors(&args[1..]),
        Some("select") => cmd_select(&args[1..]),
        _ => {
            eprintln!("Usage: snatpool-rs verify FILE... | select --algo NAME --pool SPEC SRC... | vectors --algo NAME | compute JOBS | bench [N]");
            USAGE
        }
    };
    exit(rc);
}

// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! Every committed vector file (tests/vectors/*.jsonl) through the Rust API:
//! each line's pool built with Pool::from_spec, its source selected with
//! Pool::select and, grouped by pool, Pool::select_burst; then the whole
//! file through verify_file.  Index and address must be the file's.
use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use snatpool::{parse_addr, verify_file, Algo, Pool, PoolOptions};

fn vectors_dir() -> PathBuf {
    match env::var_os("SNATPOOL_VECTORS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/vectors"),
    }
}

/// The value of "key" in a flat JSON object of strings and integers (the
/// vectors format: no nesting, no escapes in these fields).
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("\"{}\":", key);
    let rest = &line[line.find(&pat)? + pat.len()..];
    let rest = rest.trim_start();
    if let Some(s) = rest.strip_prefix('"') {
        Some(&s[..s.find('"')?])
    } else {
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        Some(rest[..end].trim())
    }
}

struct Vector {
    nat64: bool, // schema /2, "xfamily" 4 for an IPv6 "src": select_nat64
    algo: Algo,
    src: IpAddr,
    index: u32,
    address: IpAddr,
}

#[test]
fn every_committed_vector_file() {
    let mut files: Vec<PathBuf> = fs::read_dir(vectors_dir())
        .expect("tests/vectors")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().map_or(false, |x| x == "jsonl"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 5,
        "found only {} vector files in {}",
        files.len(),
        vectors_dir().display()
    );
    let mut total = 0usize;
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        // (pool, seed, maglev size) -> its vectors
        let mut groups: BTreeMap<(String, u64, u32), Vec<Vector>> = BTreeMap::new();
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let f = |k: &str| {
                field(line, k).unwrap_or_else(|| panic!("{}:{}: no {}", file.display(), n + 1, k))
            };
            let nat64 = match f("schema") {
                "snatpool-vectors/1" => false,
                "snatpool-vectors/2" => f("xfamily") != f("family"),
                other => panic!("{}:{}: schema {}", file.display(), n + 1, other),
            };
            let algo = Algo::parse(f("algo")).unwrap();
            assert_eq!(algo.id().to_string(), f("algo_id"));
            let key = (
                f("pool").to_string(),
                f("seed").parse().unwrap(),
                field(line, "maglev_size").map_or(0, |m| m.parse().unwrap()),
            );
            groups.entry(key).or_default().push(Vector {
                nat64,
                algo,
                src: parse_addr(f("src")).unwrap(),
                index: f("index").parse().unwrap(),
                address: parse_addr(f("address")).unwrap(),
            });
        }
        for ((spec, seed, msize), vs) in &groups {
            let pool = Pool::from_spec(
                spec,
                &PoolOptions {
                    seed: *seed,
                    maglev_size: *msize,
                    ..Default::default()
                },
            )
            .unwrap_or_else(|e| panic!("{}: pool {}: {}", file.display(), spec, e));
            for v in vs {
                if v.nat64 {
                    let src = match v.src {
                        IpAddr::V6(a) => a,
                        _ => panic!("{}: NAT64 line with an IPv4 src", file.display()),
                    };
                    let (i, a) = pool.select_nat64(src, v.algo).unwrap();
                    assert_eq!((i, IpAddr::V4(a)), (v.index, v.address), "NAT64 {} {}", spec, v.src);
                    continue;
                }
                let (i, a) = pool.select(v.src, v.algo).unwrap();
                assert_eq!(
                    (i, a),
                    (v.index, v.address),
                    "{}: {} {} {}",
                    file.display(),
                    spec,
                    v.algo,
                    v.src
                );
                assert_eq!(pool.select_index(v.src, v.algo).unwrap(), v.index);
            }
            // the burst form, per algorithm and family
            for algo in Algo::ALL {
                let v4: Vec<&Vector> = vs
                    .iter()
                    .filter(|v| v.algo == algo && !v.nat64 && v.src.is_ipv4())
                    .collect();
                let v6: Vec<&Vector> = vs
                    .iter()
                    .filter(|v| v.algo == algo && !v.nat64 && v.src.is_ipv6())
                    .collect();
                if !v4.is_empty() {
                    let srcs: Vec<Ipv4Addr> = v4
                        .iter()
                        .map(|v| match v.src {
                            IpAddr::V4(a) => a,
                            _ => unreachable!(),
                        })
                        .collect();
                    let got = pool.select_burst(&srcs, algo).unwrap();
                    for (v, (i, a)) in v4.iter().zip(got) {
                        assert_eq!((i, a), (v.index, v.address), "burst {} {}", spec, v.src);
                    }
                }
                if !v6.is_empty() {
                    let srcs: Vec<Ipv6Addr> = v6
                        .iter()
                        .map(|v| match v.src {
                            IpAddr::V6(a) => a,
                            _ => unreachable!(),
                        })
                        .collect();
                    let got = pool.select_burst(&srcs, algo).unwrap();
                    for (v, (i, a)) in v6.iter().zip(got) {
                        assert_eq!((i, a), (v.index, v.address), "burst {} {}", spec, v.src);
                    }
                }
            }
            total += vs.len();
        }
        let r = verify_file(file).unwrap();
        assert_eq!(
            (r.failed, r.malformed),
            (0, 0),
            "{}: {:?}",
            file.display(),
            r.failures.first()
        );
        assert!(r.passed > 0);
    }
    eprintln!(
        "vectors: {} lines of {} files agree through the Rust API",
        total,
        files.len()
    );
}

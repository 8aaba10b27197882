// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! The safe API: pools, selection, algorithms, errors, tables (events
//! included), port blocks and vectors.
use std::fs::File;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::thread;

use snatpool::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn pool(spec: &str) -> Pool {
    Pool::from_spec(spec, &PoolOptions::default()).unwrap()
}

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn send_sync() {
    assert_send_sync::<Pool>();
    assert_send_sync::<Table>();
    assert_send_sync::<PortBlock>();
    assert_send_sync::<Error>();
}

#[test]
fn pool_from_spec_and_addrs() {
    let p = pool("198.51.100.1-198.51.100.4,2001:db8::/126");
    assert_eq!((p.count(Family::V4), p.count(Family::V6)), (4, 4));
    assert_eq!(p.addr(Family::V4, 3).unwrap(), ip("198.51.100.4"));
    assert_eq!(p.addr(Family::V6, 1).unwrap(), ip("2001:db8::1"));
    assert_eq!(
        p.addr(Family::V4, 4).unwrap_err().code(),
        codes::ERANGE_ERRNO
    );
    assert_eq!(p.ports(), (1024, 65535));
    assert_eq!(p.seed(), 0);
    assert_eq!(p.default_algo(), Algo::Xxh3V1);

    let q = Pool::new(
        &[ip("198.51.100.1"), ip("2001:db8::9"), ip("198.51.100.3")],
        &PoolOptions {
            seed: 7,
            port_lo: 2000,
            port_hi: 3000,
            default_algo: Some(Algo::MaglevV1),
            maglev_size: 251,
        },
    )
    .unwrap();
    assert_eq!(
        q.addrs(Family::V4),
        vec![ip("198.51.100.1"), ip("198.51.100.3")]
    );
    assert_eq!(
        (q.seed(), q.ports(), q.default_algo()),
        (7, (2000, 3000), Algo::MaglevV1)
    );
    assert_eq!(q.maglev_table(Family::V4).unwrap().len(), 251);
    assert!(q.maglev_table(Family::V4).unwrap().iter().all(|&i| i < 2));
}

#[test]
fn pool_errors_carry_code_message_token() {
    let e = Pool::from_spec("198.51.100.1,bogus", &PoolOptions::default()).unwrap_err();
    assert_eq!(e.code(), codes::EADDR);
    assert_eq!(e.token(), Some("bogus"));
    assert_eq!(e.offset(), 13);
    assert!(!e.message().is_empty());
    assert!(e.to_string().contains("bogus"), "{}", e);
    let _: &dyn std::error::Error = &e;
    assert_eq!(
        Pool::from_spec("", &PoolOptions::default())
            .unwrap_err()
            .code(),
        codes::EEMPTY
    );
    assert_eq!(
        Pool::from_spec("198.51.100.1,198.51.100.1", &PoolOptions::default())
            .unwrap_err()
            .code(),
        codes::EDUP
    );
    assert_eq!(
        Pool::from_spec("a\0b", &PoolOptions::default())
            .unwrap_err()
            .code(),
        codes::EINVAL
    );
    let e = Pool::new(
        &[ip("198.51.100.1")],
        &PoolOptions {
            port_lo: 9,
            port_hi: 8,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), codes::EPORT);
    assert_eq!(
        Pool::new(&[], &PoolOptions::default()).unwrap_err().code(),
        codes::EEMPTY
    );
}

#[test]
fn select_address_persistent() {
    let p = pool("198.51.100.1-198.51.100.4,2001:db8::/126");
    // tests/vectors: xpf-userspace-v1 gives 10.0.1.100 index 3
    assert_eq!(
        p.select(ip("10.0.1.100"), Algo::XpfUserspaceV1).unwrap(),
        (3, ip("198.51.100.4"))
    );
    let (i, a) = p.select(ip("2001:db8:1::5"), Algo::Xxh3V1).unwrap();
    assert_eq!(p.addr(Family::V6, i).unwrap(), a);
    assert_eq!(
        p.select(ip("10.0.1.100"), Algo::PoolDefault).unwrap(),
        p.select(ip("10.0.1.100"), Algo::Xxh3V1).unwrap()
    );
    // the same source, the same address: every call, every clone, every thread
    let first = p.select(ip("10.9.8.7"), Algo::MaglevV1).unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let p = p.clone();
            thread::spawn(move || p.select(ip("10.9.8.7"), Algo::MaglevV1).unwrap())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), first);
    }
    // fails closed
    let v4only = pool("198.51.100.1");
    assert_eq!(
        v4only
            .select(ip("2001:db8::1"), Algo::Xxh3V1)
            .unwrap_err()
            .code(),
        codes::ENOFAMILY
    );
    let sparse = pool("198.51.100.1,198.51.100.9");
    assert_eq!(
        sparse
            .select(ip("10.0.0.1"), Algo::LinuxNfPersistent)
            .unwrap_err()
            .code(),
        codes::ENOTRANGE
    );
}

#[test]
fn select_burst_equals_single() {
    let p = pool("198.51.100.0/25,2001:db8::/120");
    let v4: Vec<Ipv4Addr> = (0..1000u32)
        .map(|i| Ipv4Addr::from(0x0a00_0000 + i * 7919))
        .collect();
    let v6: Vec<Ipv6Addr> = (0..300u128)
        .map(|i| Ipv6Addr::from((0xfd00u128 << 112) + i * 104729))
        .collect();
    for algo in Algo::ALL {
        if algo == Algo::LinuxNfPersistent {
            continue;
        }
        let b4 = p.select_burst(&v4, algo).unwrap();
        for (s, r) in v4.iter().zip(&b4) {
            assert_eq!(p.select(IpAddr::V4(*s), algo).unwrap(), *r);
        }
        let b6 = p.select_burst(&v6, algo).unwrap();
        for (s, r) in v6.iter().zip(&b6) {
            assert_eq!(p.select(IpAddr::V6(*s), algo).unwrap(), *r);
        }
    }
    let mut short = vec![0u32; 3];
    assert_eq!(
        p.select_burst_into(&v4[..4], Algo::Xxh3V1, &mut short)
            .unwrap_err()
            .code(),
        codes::EINVAL
    );
    assert!(p
        .select_burst::<Ipv4Addr>(&[], Algo::Xxh3V1)
        .unwrap()
        .is_empty());
    assert_eq!(
        pool("2001:db8::1")
            .select_burst(&v4[..2], Algo::Xxh3V1)
            .unwrap_err()
            .code(),
        codes::ENOFAMILY
    );
}

#[test]
fn algorithms_and_names() {
    let all = algorithms();
    assert_eq!(
        all.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
        vec![
            "xpf-legacy-v0",
            "xpf-userspace-v1",
            "linux-nf-persistent",
            "snatpool-xxh3-v1",
            "snatpool-maglev-v1"
        ]
    );
    for a in Algo::ALL {
        assert_eq!(Algo::parse(a.name()).unwrap(), a);
        assert_eq!(Algo::from_id(a.id()), Some(a));
        assert_eq!(a.info().unwrap().id, a.id());
        assert_eq!(a.to_string(), a.name());
    }
    assert_eq!(Algo::parse("nope").unwrap_err().code(), codes::EALGO);
    assert_eq!(Algo::from_id(99), None);
    assert_eq!(Algo::PoolDefault.info().unwrap_err().code(), codes::EALGO);
    assert!(!version().is_empty());
}

#[test]
fn addresses() {
    assert_eq!(parse_addr("10.0.0.1").unwrap(), ip("10.0.0.1"));
    assert_eq!(parse_addr("x").unwrap_err().code(), codes::EADDR);
    assert_eq!(format_addr(ip("::ffff:10.0.0.1")), "::ffff:10.0.0.1");
}

fn flow(src: &str, sport: u16) -> Flow {
    Flow::tcp(ip(src), sport, ip("192.0.2.1"), 443)
}

#[test]
fn table_claim_release_rollback_lookup() {
    let p = pool("198.51.100.1-198.51.100.2");
    let t = Table::new(
        &p,
        &TableOptions {
            permit: Permit::AnyRemoteHost,
            inactivity_timeout: 30,
            seed: 5,
            ..Default::default()
        },
    )
    .unwrap();
    let f = flow("10.0.0.1", 40000);
    let m = t.claim(&f, 100).unwrap();
    assert_eq!(
        (m.proto, m.src, m.sport, m.flows),
        (6, ip("10.0.0.1"), 40000, 1)
    );
    assert!(m.flags & MAP_F_NEW != 0);
    assert_eq!(m.xaddr, p.addr(Family::V4, m.xindex).unwrap());
    let m2 = t.claim(&f, 101).unwrap();
    assert!(m2.flags & MAP_F_REUSED != 0);
    assert_eq!((m2.xaddr, m2.xport, m2.flows), (m.xaddr, m.xport, 2));
    assert_eq!(t.lookup(&f, 102).unwrap().unwrap().xport, m.xport);
    assert_eq!(
        t.lookup_xlat(6, m.xaddr, m.xport, 102)
            .unwrap()
            .unwrap()
            .src,
        ip("10.0.0.1")
    );
    assert_eq!(
        t.lookup_xlat(6, m.xaddr, m.xport.wrapping_add(1), 102)
            .unwrap(),
        None
    );
    assert_eq!(t.lookup(&flow("10.0.0.2", 1), 102).unwrap(), None);
    // burst lookups equal single ones
    let flows = [f, flow("10.0.0.2", 1), f];
    let b = t.lookup_burst(&flows, 102).unwrap();
    assert_eq!(b.len(), 3);
    assert_eq!(b[0], t.lookup(&f, 102).unwrap());
    assert_eq!(b[1], None);
    // permit: any remote host may reach the mapping
    assert!(t
        .permit(6, m.xaddr, m.xport, ip("203.0.113.9"), 80, 103)
        .unwrap());
    assert_eq!(
        t.permit(6, m.xaddr, 1, ip("203.0.113.9"), 80, 103)
            .unwrap_err()
            .code(),
        codes::ENOENT
    );
    t.release(&f, 104).unwrap();
    t.release(&f, 105).unwrap(); // last flow: an idle lease
    let st = t.stats().unwrap();
    assert_eq!(
        (st.live_flows, st.leases, st.allocations, st.reuses),
        (0, 1, 1, 1)
    );
    assert_eq!(t.release(&f, 106).unwrap_err().code(), codes::ENOENT);
    assert_eq!(t.expire(200, 0).unwrap(), 1);
    assert_eq!(t.lookup(&f, 201).unwrap(), None);
    // rollback frees at once
    let g = Flow::udp(ip("10.0.0.3"), 5000, ip("192.0.2.2"), 53);
    t.claim(&g, 300).unwrap();
    t.rollback(&g, 300).unwrap();
    assert_eq!(t.stats().unwrap().rollbacks, 1);
    assert_eq!(t.lookup(&g, 301).unwrap(), None);
    // bad input: clear errors, nothing changed
    let mixed = Flow::tcp(ip("10.0.0.1"), 1, ip("2001:db8::1"), 2);
    assert_eq!(t.claim(&mixed, 400).unwrap_err().code(), codes::EFAMILY);
    let bad_proto = Flow { proto: 250, ..f };
    assert_eq!(
        t.claim(&bad_proto, 400).unwrap_err().code(),
        codes::EPROTONOSUPPORT
    );
    assert_eq!(t.stats().unwrap().total_mappings, 0);
}

#[test]
fn table_paired_uses_select() {
    let p = pool("198.51.100.1-198.51.100.8");
    let t = Table::new(
        &p,
        &TableOptions {
            flags: TABLE_F_PAIRED,
            algo: Algo::XpfUserspaceV1,
            seed: 1,
            ..Default::default()
        },
    )
    .unwrap();
    for n in 0..50u32 {
        let src = IpAddr::V4(Ipv4Addr::from(0x0a00_0100 + n));
        let m = t
            .claim(&Flow::udp(src, 1000, ip("192.0.2.1"), 53), 1)
            .unwrap();
        assert_eq!(m.xindex, p.select(src, Algo::XpfUserspaceV1).unwrap().0);
    }
    assert_eq!(t.mappings(1).unwrap().len(), 50);
}

#[test]
fn table_errors() {
    let p = pool("198.51.100.1");
    assert_eq!(
        Table::new(
            &p,
            &TableOptions {
                shards: 3,
                ..Default::default()
            }
        )
        .unwrap_err()
        .code(),
        codes::EINVAL
    );
    let t = Table::new(
        &p,
        &TableOptions {
            max_mappings: 1,
            seed: 1,
            ..Default::default()
        },
    )
    .unwrap();
    t.claim(&flow("10.0.0.1", 1), 1).unwrap();
    assert_eq!(
        t.claim(&flow("10.0.0.2", 1), 1).unwrap_err().code(),
        codes::EFULL
    );
    let mut v = Vec::new();
    assert_eq!(
        t.drain_events(&mut v, 10).unwrap_err().code(),
        codes::EINVAL
    );
    assert_eq!(t.events_dropped(), 0);
}

#[test]
fn table_snapshot_and_delta_stream() {
    let p = pool("198.51.100.1-198.51.100.4");
    let o = TableOptions {
        permit: Permit::TargetHost,
        delta_capacity: 1024,
        seed: 9,
        ..Default::default()
    };
    let a = Table::new(&p, &o).unwrap();
    for n in 0..20u32 {
        a.claim(
            &Flow::tcp(
                IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n)),
                1234,
                ip("192.0.2.1"),
                80,
            ),
            10,
        )
        .unwrap();
    }
    let snap = a.snapshot(10).unwrap();
    let b = Table::new(&p, &o).unwrap();
    assert_eq!(b.load(&snap, 500).unwrap(), 20);
    assert_eq!(b.load(&snap, 500).unwrap_err().code(), codes::EBUSY);
    let mut am = a.mappings(10).unwrap();
    let mut bm = b.mappings(500).unwrap();
    am.sort_by_key(|m| m.src);
    bm.sort_by_key(|m| m.src);
    assert_eq!(
        am.iter()
            .map(|m| (m.src, m.xaddr, m.xport))
            .collect::<Vec<_>>(),
        bm.iter()
            .map(|m| (m.src, m.xaddr, m.xport))
            .collect::<Vec<_>>()
    );
    let c = Table::new(&p, &o).unwrap();
    assert_eq!(
        c.load(&snap[..snap.len() - 1], 1).unwrap_err().code(),
        codes::ESNAPSHOT
    );
    assert_eq!(c.stats().unwrap().total_mappings, 0);
    // file round trip
    let dir = std::env::temp_dir().join(format!("snatpool-rs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.snap");
    a.save(&path, 10).unwrap();
    assert_eq!(c.load_file(&path, 11).unwrap(), 20);
    assert!(Table::new(&p, &o)
        .unwrap()
        .load_file(dir.join("none"), 1)
        .is_err());
    std::fs::remove_dir_all(&dir).unwrap();
    // HA delta stream: a peer applies what a exported
    let recs = a.export_delta(1000).unwrap();
    assert_eq!(recs.len() % DELTA_RECORD_SIZE, 0);
    assert!(recs.len() >= 20 * DELTA_RECORD_SIZE);
    let peer = Table::new(
        &p,
        &TableOptions {
            delta_capacity: 0,
            ..o
        },
    )
    .unwrap();
    let (applied, consumed) = peer.import_delta(&recs, 10).unwrap();
    assert_eq!(
        (applied * DELTA_RECORD_SIZE, consumed),
        (recs.len(), recs.len())
    );
    assert_eq!(peer.mappings(10).unwrap().len(), 20);
    // replays are idempotent; a corrupt record is refused
    assert_eq!(peer.import_delta(&recs, 10).unwrap().0, 0);
    let mut bad = recs[..DELTA_RECORD_SIZE].to_vec();
    bad[40] ^= 0xff;
    assert_eq!(
        Table::new(&p, &o)
            .unwrap()
            .import_delta(&bad, 10)
            .unwrap_err()
            .code(),
        codes::EDELTA
    );
    assert!(a.export_delta(10).unwrap().is_empty());
}

#[test]
fn table_events_are_a_bounded_queue() {
    let p = pool("198.51.100.1-198.51.100.2");
    let t = Table::new(
        &p,
        &TableOptions {
            event_capacity: 3,
            seed: 2,
            ..Default::default()
        },
    )
    .unwrap();
    let f = flow("10.0.0.1", 1000);
    let m = t.claim(&f, 10).unwrap();
    t.release(&f, 11).unwrap();
    let g = flow("10.0.0.2", 2000);
    t.claim(&g, 12).unwrap();
    t.rollback(&g, 13).unwrap(); // the fourth event: dropped, counted
    assert_eq!((t.events_queued(), t.events_dropped()), (3, 1));
    let ev = t.events().unwrap();
    assert_eq!(
        ev.iter().map(|e| (e.kind, e.now)).collect::<Vec<_>>(),
        vec![
            (EventKind::Created, 10),
            (EventKind::Released, 11),
            (EventKind::Created, 12)
        ]
    );
    let em = ev[0].mapping.unwrap();
    assert_eq!(
        (em.src, em.sport, em.xaddr, em.xport),
        (m.src, m.sport, m.xaddr, m.xport)
    );
    assert_eq!(t.events_queued(), 0);
    t.claim(&f, 20).unwrap();
    let mut v = Vec::new();
    assert_eq!(t.drain_events(&mut v, 10).unwrap(), 1);
    assert_eq!(t.events_dropped(), 1);

    // many threads claim while another drains: every event arrives or is counted
    let t = Arc::new(
        Table::new(
            &pool("198.51.100.0/28"),
            &TableOptions {
                event_capacity: 64,
                seed: 3,
                ..Default::default()
            },
        )
        .unwrap(),
    );
    let workers: Vec<_> = (0..4u32)
        .map(|w| {
            let t = Arc::clone(&t);
            thread::spawn(move || {
                for n in 0..500u32 {
                    let f = Flow::udp(
                        IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + w * 1000 + n)),
                        7,
                        ip("192.0.2.1"),
                        53,
                    );
                    t.claim(&f, 1).unwrap();
                    t.release(&f, 2).unwrap();
                }
            })
        })
        .collect();
    let mut got = 0u64;
    let mut buf = Vec::new();
    while workers.iter().any(|w| !w.is_finished()) {
        buf.clear();
        got += t.drain_events(&mut buf, 64).unwrap() as u64;
    }
    for w in workers {
        w.join().unwrap();
    }
    got += t.events().unwrap().len() as u64;
    assert_eq!(got + t.events_dropped(), 4 * 500 * 2);
}

#[test]
fn port_blocks() {
    let p = pool("198.51.100.1-198.51.100.4");
    let pb = PortBlock::new(
        &p,
        &PortBlockOptions {
            base: ip("100.64.0.0"),
            count: 1000,
            prefix_len: 0,
            xfamily: Family::V4,
            block_size: 256,
        },
    )
    .unwrap();
    for i in [0u32, 1, 5, 999] {
        let src = IpAddr::V4(Ipv4Addr::from(0x6440_0000 + i));
        let b = pb.map(src).unwrap().unwrap();
        // RFC 7422 arithmetic: address i mod 4, block i div 4
        assert_eq!(
            (b.subscriber, b.xindex, b.port_lo, b.port_hi),
            (
                i as u64,
                i % 4,
                (1024 + (i / 4) * 256) as u16,
                (1024 + (i / 4) * 256 + 255) as u16
            )
        );
        assert_eq!(
            pb.reverse(b.xaddr, b.port_hi).unwrap(),
            Some((i as u64, src))
        );
    }
    assert_eq!(pb.map(ip("100.64.3.232")).unwrap(), None);
    assert_eq!(pb.reverse(ip("198.51.100.9"), 2000).unwrap(), None);
    assert_eq!(
        pb.map(ip("2001:db8::1")).unwrap_err().code(),
        codes::EFAMILY
    );
    let e = PortBlock::new(
        &p,
        &PortBlockOptions {
            base: ip("100.64.0.0"),
            count: 0,
            prefix_len: 0,
            xfamily: Family::V4,
            block_size: 256,
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), codes::EGEOMETRY);
    drop(p); // the plan keeps its pool alive
    assert!(pb.map(ip("100.64.0.1")).unwrap().is_some());
}

#[test]
fn vectors_write_and_verify() {
    let dir = std::env::temp_dir().join(format!("snatpool-rs-v-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.jsonl");
    let n = write_vectors(&File::create(&path).unwrap(), Algo::MaglevV1).unwrap();
    assert!(n > 100);
    let r = verify_file(&path).unwrap();
    assert_eq!((r.passed, r.failed), (n, 0));
    // a wrong index is a mismatch with details
    let mut text = String::new();
    File::open(&path)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let line = text.lines().find(|l| l.contains("\"index\":0,")).unwrap();
    let bad = line.replace("\"index\":0,", "\"index\":1,");
    let vr = check_vector(&bad);
    assert_eq!((vr.status, vr.want_index, vr.got_index), (1, 1, 0));
    assert!(check_vector(line).ok());
    assert!(check_vector("{not json").status < 0);
    std::fs::write(dir.join("bad.jsonl"), format!("{}\n{}\n", line, bad)).unwrap();
    let r = verify_file(dir.join("bad.jsonl")).unwrap();
    assert_eq!((r.passed, r.failed, r.failures[0].line), (1, 1, 2));
    assert_eq!(
        write_vectors(&File::create(dir.join("x")).unwrap(), Algo::PoolDefault)
            .unwrap_err()
            .code(),
        codes::EALGO
    );
    assert!(verify_file(dir.join("missing")).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn select_nat64_and_its_refusals() {
    use snatpool::{codes, Algo, Pool, PoolOptions};
    let pool = Pool::from_spec(
        "198.51.100.1-198.51.100.7,2001:db8::/126",
        &PoolOptions::default(),
    )
    .unwrap();
    // xpf-legacy-v0: LE32(20 01 0d b8) = 0xb80d0120 mod 7 = 1
    let src: std::net::Ipv6Addr = "2001:db8::1".parse().unwrap();
    let legacy = Algo::parse("xpf-legacy-v0").unwrap();
    assert_eq!(
        pool.select_nat64(src, legacy).unwrap(),
        (1, "198.51.100.2".parse().unwrap())
    );
    for name in ["xpf-userspace-v1", "linux-nf-persistent"] {
        let e = pool.select_nat64(src, Algo::parse(name).unwrap()).unwrap_err();
        assert_eq!(e.code(), codes::ENONAT64, "{}", name);
    }
    let v6 = Pool::from_spec("2001:db8::/126", &PoolOptions::default()).unwrap();
    let xxh3 = Algo::parse("snatpool-xxh3-v1").unwrap();
    assert_eq!(v6.select_nat64(src, xxh3).unwrap_err().code(), codes::ENOFAMILY);
}

/// NAT64 flows: claimed, paired through select_nat64, found by lookup_xlat.
#[test]
fn table_nat64_flows() {
    let p = pool("198.51.100.1-198.51.100.4,2001:db8::/126");
    let xxh3 = Algo::parse("snatpool-xxh3-v1").unwrap();
    let t = Table::new(
        &p,
        &TableOptions {
            flags: TABLE_F_PAIRED,
            algo: xxh3,
            permit: Permit::AnyRemoteHost,
            ..Default::default()
        },
    )
    .unwrap();
    let src: Ipv6Addr = "2001:db8:1::5".parse().unwrap();
    let f = Flow::nat64(17, src, 4000, Ipv4Addr::new(192, 0, 2, 1), 53);
    assert!(f.is_nat64());
    let (idx, addr) = p.select_nat64(src, xxh3).unwrap();
    let m = t.claim(&f, 10).unwrap();
    assert_eq!((m.src, m.xindex, m.xaddr), (IpAddr::V6(src), idx, IpAddr::V4(addr)));
    let g = Flow { sport: 4001, ..f };
    assert_eq!(t.claim(&g, 10).unwrap().xaddr, IpAddr::V4(addr));
    let native = Flow::udp(IpAddr::V6(src), 4000, ip("2001:db8::9"), 53);
    assert_eq!(t.lookup(&native, 10).unwrap(), None);
    let x = t.lookup_xlat(17, m.xaddr, m.xport, 10).unwrap().unwrap();
    assert_eq!((x.src, x.sport), (IpAddr::V6(src), 4000));
}

/// NAT64 mappings (an IPv6 source owning an IPv4 tuple) read back with an
/// IPv4 xaddr: loaded from the snapshot seed of the fuzz corpus, which the
/// C library wrote with four NAT64 mappings among IPv4 and IPv6 ones.
#[test]
fn table_nat64_mappings() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../fuzz/corpus/snapshot/table-nat64");
    let mut data = Vec::new();
    File::open(&path).unwrap().read_to_end(&mut data).unwrap();
    let p = pool("198.51.100.1-198.51.100.4,2001:db8::/126");
    let t = Table::new(&p, &TableOptions::default()).unwrap();
    assert_eq!(t.load(&data[1..], 100).unwrap(), 6);
    let ms = t.mappings(100).unwrap();
    let nat64: Vec<_> = ms
        .iter()
        .filter(|m| m.src.is_ipv6() && m.xaddr.is_ipv4())
        .collect();
    assert_eq!(nat64.len(), 4);
    for m in nat64 {
        assert!(m.xindex < 4);
        // the tuple is IPv4's: an ICMPv6 identifier is looked up as ICMP
        let xproto = if m.proto == 58 { 1 } else { m.proto };
        let x = t.lookup_xlat(xproto, m.xaddr, m.xport, 100).unwrap().unwrap();
        assert_eq!(&x, m);
    }
}

#[test]
fn table_workers() {
    let p = pool("198.51.100.1-198.51.100.4");
    let o = TableOptions {
        workers: 4,
        shards: 16,
        seed: 3,
        ..Default::default()
    };
    let t = Table::new(&p, &o).unwrap();
    let mut seen = [0u32; 4];
    for n in 0..400u32 {
        let src = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n));
        let w = t.worker(src, false).unwrap();
        assert!(w < 4);
        seen[w as usize] += 1;
        t.claim(&Flow::tcp(src, 1234, ip("192.0.2.1"), 80), 1)
            .unwrap();
    }
    assert!(seen.iter().all(|&c| c > 40), "{:?}", seen);
    let v6 = ip("2001:db8::1");
    assert_eq!(t.worker(v6, true).unwrap(), t.worker(v6, false).unwrap());
    let bad = TableOptions {
        workers: 32,
        shards: 16,
        ..Default::default()
    };
    assert_eq!(Table::new(&p, &bad).unwrap_err().code(), codes::EINVAL);
}

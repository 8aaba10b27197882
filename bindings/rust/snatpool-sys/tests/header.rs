// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! The committed bindings (src/bindings.rs) must say what include/snatpool.h
//! says.  Without bindgen: every function, struct, field (by name and
//! order) and integer constant of the header is in the bindings, and the C
//! compiler lays out every struct field for field as Rust does.  With bindgen (required when
//! SNATPOOL_REQUIRE_BINDGEN=1, as `make check` sets): regenerating gives the
//! committed file, whitespace aside.
use std::collections::{BTreeMap, BTreeSet};
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const FIX: &str = "the header and the committed Rust bindings disagree: regenerate them with \
                   `make -C BUILDDIR rust-bindgen` (bindings/rust/snatpool-sys/bindgen.sh) and commit \
                   bindings/rust/snatpool-sys/src/bindings.rs";

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    match env::var_os("SNATPOOL_HEADER") {
        Some(p) => PathBuf::from(p),
        None => manifest().join("../../../include/snatpool.h"),
    }
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {}", p.display(), e))
}

fn bindings() -> String {
    read(&manifest().join("src/bindings.rs"))
}

/// Identifiers `snatpool_xxx` right before '(' after SNATPOOL_API.
fn header_functions(h: &str) -> BTreeSet<String> {
    let flat = h.replace('\n', " ");
    let mut set = BTreeSet::new();
    for part in flat.split("SNATPOOL_API").skip(1) {
        let decl = part.split(';').next().unwrap_or("");
        if decl.trim_start().starts_with("__attribute__") {
            continue; // the #define of SNATPOOL_API itself
        }
        if let Some(open) = decl.find('(') {
            let name = decl[..open]
                .trim_end()
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            if name.starts_with("snatpool_") {
                set.insert(name.to_string());
            }
        }
    }
    set
}

fn rust_functions(b: &str) -> BTreeSet<String> {
    b.lines()
        .filter_map(|l| l.trim().strip_prefix("pub fn "))
        .map(|r| r.split('(').next().unwrap().trim().to_string())
        .collect()
}

/// The header without comments, on one line.
fn flat_code(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    let mut rest = h;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("/*") {
            rest = r.find("*/").map_or("", |i| &r[i + 2..]);
            out.push(' ');
        } else if let Some(r) = rest.strip_prefix("//") {
            rest = r.find('\n').map_or("", |i| &r[i..]);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(if c == '\n' { ' ' } else { c });
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Every `struct snatpool_xxx { ... }` definition of the header with the
/// names of its fields (unnamed bit-fields such as `size_t :0` left out).
fn header_struct_fields(h: &str) -> BTreeMap<String, Vec<String>> {
    let code = flat_code(h);
    let mut map = BTreeMap::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("struct snatpool_") {
        let after = &rest[i + "struct ".len()..];
        let name_len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        let tail = after[name_len..].trim_start();
        rest = &after[name_len..];
        if !tail.starts_with('{') {
            continue; // a use or a forward declaration
        }
        let body = &tail[1..tail.find('}').expect("unterminated struct")];
        let mut fields = Vec::new();
        for decl in body.split(';') {
            let decl = decl.split(':').next().unwrap().trim(); // bit-field width
            if decl.split_whitespace().count() < 2 {
                continue; // empty, or an unnamed bit-field (`size_t :0`)
            }
            // `uint32_t want_index, got_index` declares two fields
            for (k, part) in decl.split(',').enumerate() {
                let part = part.split('[').next().unwrap().trim(); // array size
                let field = if k == 0 {
                    part.rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or("")
                } else {
                    part.trim_start_matches(|c: char| c == '*' || c.is_whitespace())
                };
                if !field.is_empty() {
                    fields.push(field.to_string());
                }
            }
        }
        map.insert(name.to_string(), fields);
    }
    map
}

fn header_structs(h: &str) -> BTreeSet<String> {
    header_struct_fields(h).into_keys().collect()
}

/// `pub const SNATPOOL_X: T = <integer>;` of the bindings.
fn rust_int_consts(b: &str) -> Vec<(String, i128)> {
    let mut v = Vec::new();
    for l in b.lines() {
        if let Some(rest) = l.trim().strip_prefix("pub const ") {
            let (name, rest) = match rest.split_once(':') {
                Some(x) => x,
                None => continue,
            };
            let val = match rest.split_once('=') {
                Some((_, v)) => v.trim().trim_end_matches(';').trim(),
                None => continue,
            };
            if let Ok(n) = val.parse::<i128>() {
                v.push((name.trim().to_string(), n));
            }
        }
    }
    v
}

/// Integer macros and enumerators of the header named SNATPOOL_*.
fn header_int_names(h: &str) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    let mut in_enum = false;
    for line in h.lines() {
        let l = line.trim();
        if l.starts_with("enum ") && l.ends_with('{') {
            in_enum = true;
            continue;
        }
        if in_enum {
            if l.starts_with('}') {
                in_enum = false;
            } else if l.starts_with("SNATPOOL_") {
                let name = l
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap();
                set.insert(name.to_string());
            }
            continue;
        }
        if let Some(rest) = l.strip_prefix("#define SNATPOOL_") {
            let mut it = rest.splitn(2, char::is_whitespace);
            let name = it.next().unwrap();
            let val = it.next().unwrap_or("").trim();
            if !name.contains('(') && val.chars().next().map_or(false, |c| c.is_ascii_digit()) {
                set.insert(format!("SNATPOOL_{}", name));
            }
        }
    }
    set
}

#[test]
fn every_function_is_bound() {
    let h = read(&header_path());
    let (hf, rf) = (header_functions(&h), rust_functions(&bindings()));
    assert!(
        hf.len() > 40,
        "found only {} functions in the header",
        hf.len()
    );
    let missing: Vec<_> = hf.difference(&rf).collect();
    let extra: Vec<_> = rf.difference(&hf).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{}\n  in the header only: {:?}\n  in the bindings only: {:?}",
        FIX,
        missing,
        extra
    );
}

#[test]
fn every_struct_is_bound() {
    let h = read(&header_path());
    let hs = header_structs(&h);
    let rs: BTreeSet<String> = snatpool_sys::layout::LAYOUT_STRUCTS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(
        hs.len() >= 10,
        "found only {} structs in the header",
        hs.len()
    );
    let missing: Vec<_> = hs.difference(&rs).collect();
    assert!(
        missing.is_empty(),
        "{}\n  structs missing from the bindings: {:?}",
        FIX,
        missing
    );
}

/// Field names, struct by struct: catches a field added where the layout
/// does not show it (in trailing padding).
fn field_mismatches(header: &Path) -> Vec<String> {
    let hf = header_struct_fields(&read(header));
    let rows = snatpool_sys::layout::layout();
    let mut bad = Vec::new();
    for (s, fields) in &hf {
        let rust: Vec<String> = rows
            .iter()
            .filter(|r| r.0 == s && !r.1.is_empty())
            .map(|r| r.1.strip_suffix('_').unwrap_or(r.1).to_string())
            .collect();
        if &rust != fields {
            bad.push(format!(
                "  struct {}: header fields {:?}, Rust fields {:?}",
                s, fields, rust
            ));
        }
    }
    bad
}

#[test]
fn every_field_is_bound() {
    let bad = field_mismatches(&header_path());
    assert!(bad.is_empty(), "{}\n{}", FIX, bad.join("\n"));
}

/// What the C compiler says of every row of the Rust layout and every
/// integer constant, against `header`: the disagreements (empty: none).
fn layout_mismatches(header: &Path, tag: &str) -> Vec<String> {
    let h = read(header);
    let rows = snatpool_sys::layout::layout();
    let consts = rust_int_consts(&bindings());
    let names: BTreeSet<String> = consts.iter().map(|(n, _)| n.clone()).collect();
    let mut bad: Vec<String> = header_int_names(&h)
        .into_iter()
        .filter(|n| !names.contains(n))
        .map(|n| format!("  constant {} missing from the bindings", n))
        .collect();

    let with_fields: BTreeSet<&str> = rows
        .iter()
        .filter(|r| !r.1.is_empty())
        .map(|r| r.0)
        .collect();
    let mut c = String::from(
        "#include <stdio.h>\n#include <stddef.h>\n#include \"snatpool.h\"\nint main(void)\n{\n",
    );
    let mut want = Vec::new();
    for (s, f, a, b) in &rows {
        if f.is_empty() {
            if !with_fields.contains(s) {
                continue; // opaque: no C size
            }
            c.push_str(&format!(
                "\tprintf(\"%zu %zu\\n\", sizeof(struct {s}), _Alignof(struct {s}));\n",
                s = s
            ));
            want.push((format!("struct {} size, align", s), format!("{} {}", a, b)));
        } else {
            let cf = f.strip_suffix('_').unwrap_or(f); // bindgen's type_ is C's type
            c.push_str(&format!(
                "\tprintf(\"%zu %zu\\n\", offsetof(struct {s}, {f}), sizeof(((struct {s} *)0)->{f}));\n",
                s = s,
                f = cf
            ));
            want.push((format!("{}.{} offset, size", s, cf), format!("{} {}", a, b)));
        }
    }
    for (n, v) in &consts {
        c.push_str(&format!("\tprintf(\"%lld\\n\", (long long)({}));\n", n));
        want.push((n.clone(), v.to_string()));
    }
    for (n, v) in [
        ("AF_INET", snatpool_sys::AF_INET),
        ("AF_INET6", snatpool_sys::AF_INET6),
    ] {
        c.push_str(&format!("\tprintf(\"%lld\\n\", (long long)({}));\n", n));
        want.push((n.to_string(), v.to_string()));
    }
    c.push_str("\treturn 0;\n}\n");

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("header-layout-{}", tag));
    fs::create_dir_all(&dir).unwrap();
    let (src, exe) = (dir.join("layout.c"), dir.join("layout"));
    fs::write(&src, &c).unwrap();
    let cc = env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let st = Command::new("sh")
        .arg("-c")
        .arg(format!("{} -std=gnu11 -I\"$1\" -o \"$2\" \"$3\"", cc))
        .arg("sh")
        .arg(header.parent().unwrap())
        .arg(&exe)
        .arg(&src)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler {}: {}", cc, e));
    if !st.success() {
        bad.push(format!(
            "  {} failed on {} (a field or constant the header no longer has?)",
            cc,
            src.display()
        ));
        return bad;
    }
    let out = Command::new(&exe).output().expect("run the layout program");
    assert!(out.status.success());
    let got = String::from_utf8(out.stdout).unwrap();
    let got: Vec<&str> = got.lines().collect();
    assert_eq!(got.len(), want.len());
    bad.extend(
        want.iter()
            .zip(&got)
            .filter(|((_, w), g)| w != *g)
            .map(|((what, w), g)| format!("  {}: Rust {}, C {}", what, w, g)),
    );
    bad
}

/// One C program prints what the C compiler says of every row of the Rust
/// layout and every integer constant; both must agree.
#[test]
fn layout_and_constants_match_the_c_compiler() {
    let bad = layout_mismatches(&header_path(), "header");
    assert!(bad.is_empty(), "{}\n{}", FIX, bad.join("\n"));
    eprintln!(
        "header: {} layout rows agree with the C compiler",
        snatpool_sys::layout::layout().len()
    );
}

/// The checks can fail: a header with a field inserted, an enumerator
/// renumbered and a function added disagrees with the committed bindings.
#[test]
fn a_changed_header_is_caught() {
    let h = read(&header_path());
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("header-mutated");
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("snatpool.h");
    let field = "\tuint16_t dport;";
    assert!(h.contains(field) && h.contains("SNATPOOL_EV_UTIL_CLEAR = 6"));
    let m = h
        .replacen(field, &format!("\tuint32_t added;\n{}", field), 1)
        .replacen(
            "SNATPOOL_EV_UTIL_CLEAR = 6",
            "SNATPOOL_EV_UTIL_CLEAR = 7",
            1,
        )
        .replacen(
            "#ifdef __cplusplus\n}",
            "SNATPOOL_API int snatpool_added(void);\n#ifdef __cplusplus\n}",
            1,
        );
    fs::write(&path, m.as_bytes()).unwrap();
    let bad = layout_mismatches(&path, "mutated");
    assert!(
        bad.iter().any(|b| b.contains("snatpool_flow.dport")),
        "{:?}",
        bad
    );
    assert!(
        bad.iter().any(|b| b.contains("SNATPOOL_EV_UTIL_CLEAR")),
        "{:?}",
        bad
    );
    assert!(header_functions(&read(&path)).contains("snatpool_added"));
    // a field in trailing padding (no layout change) and a one-line struct
    let m2 = h
        .replacen(
            "\tuint32_t maglev_size;",
            "\tuint32_t maglev_size;\n\tuint32_t added;",
            1,
        )
        .replacen(
            "#ifdef __cplusplus\n}",
            "struct snatpool_added { int a; };\n#ifdef __cplusplus\n}",
            1,
        );
    fs::write(&path, m2.as_bytes()).unwrap();
    let bad = field_mismatches(&path);
    assert!(
        bad.iter().any(|b| b.contains("snatpool_pool_opts")),
        "{:?}",
        bad
    );
    assert!(header_structs(&read(&path)).contains("snatpool_added"));
    assert!(!rust_functions(&bindings()).contains("snatpool_added"));
}

fn find_bindgen() -> Option<String> {
    if let Ok(b) = env::var("BINDGEN") {
        return Some(b);
    }
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|d| d.join("bindgen"))
        .find(|p| p.is_file())
        .map(|p| p.display().to_string())
}

#[test]
fn regenerated_bindings_are_the_committed_ones() {
    let required = env::var("SNATPOOL_REQUIRE_BINDGEN").map_or(false, |v| v == "1");
    let bindgen = match find_bindgen() {
        Some(b) => b,
        None => {
            assert!(!required, "SNATPOOL_REQUIRE_BINDGEN=1 but no bindgen on PATH (Debian: apt-get install bindgen)");
            eprintln!("header: no bindgen here; the layout and name checks stand alone");
            return;
        }
    };
    let out = Command::new(manifest().join("bindgen.sh"))
        .arg(header_path())
        .env("BINDGEN", &bindgen)
        .output()
        .expect("run bindgen.sh");
    assert!(
        out.status.success(),
        "bindgen.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let strip = |s: &str| -> String {
        s.lines()
            .filter(|l| !l.contains("automatically generated by rust-bindgen"))
            .flat_map(|l| l.chars())
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let (fresh, committed) = (String::from_utf8(out.stdout).unwrap(), bindings());
    assert!(
        strip(&fresh) == strip(&committed),
        "{}\n  (regenerating with {} gives a different file)",
        FIX,
        bindgen
    );
    eprintln!(
        "header: regenerated bindings equal the committed ones ({})",
        bindgen
    );
}

// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
//! Link libsnatpool as `pkg-config --libs libsnatpool` says (PKG_CONFIG
//! names another pkg-config; PKG_CONFIG_PATH finds an uninstalled or staged
//! library), and write the layout table the header test compares with the C
//! compiler's (OUT_DIR/layout.rs, from the committed src/bindings.rs).
use std::env;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    for v in [
        "PKG_CONFIG",
        "PKG_CONFIG_PATH",
        "PKG_CONFIG_LIBDIR",
        "PKG_CONFIG_SYSROOT_DIR",
    ] {
        println!("cargo:rerun-if-env-changed={}", v);
    }
    println!("cargo:rerun-if-changed=src/bindings.rs");
    let pkg_config = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".to_string());
    let out = Command::new(&pkg_config)
        .args(["--libs", "libsnatpool"])
        .output()
        .unwrap_or_else(|e| panic!("snatpool-sys: cannot run {}: {}", pkg_config, e));
    if !out.status.success() {
        panic!(
            "snatpool-sys: `{} --libs libsnatpool` failed (install libsnatpool, or set PKG_CONFIG_PATH): {}",
            pkg_config,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let libs = String::from_utf8(out.stdout).expect("pkg-config output is not UTF-8");
    let mut linked = false;
    for flag in libs.split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={}", dir);
            println!("cargo:libdir={}", dir);
        } else if let Some(lib) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib={}", lib);
            linked |= lib == "snatpool";
        }
    }
    if !linked {
        panic!(
            "snatpool-sys: pkg-config gave no -lsnatpool: {}",
            libs.trim()
        );
    }
    write_layout();
}

/// Every `pub struct` of bindings.rs with its fields, as Rust code that
/// measures them: (struct, field, offset, size); field "" is the struct.
fn write_layout() {
    let src = fs::read_to_string("src/bindings.rs").expect("src/bindings.rs");
    let mut code = String::from("pub const LAYOUT_STRUCTS: &[&str] = &[");
    let mut body = String::new();
    let mut names = Vec::new();
    let mut cur: Option<String> = None;
    for line in src.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("pub struct ") {
            let name = rest.trim_end_matches('{').trim().to_string();
            if l.ends_with('{') {
                body.push_str(&format!(
                    "    v.push((\"{n}\", \"\", ::std::mem::size_of::<{n}>(), ::std::mem::align_of::<{n}>()));\n",
                    n = name
                ));
                names.push(name.clone());
                cur = Some(name);
            }
            continue;
        }
        if l == "}" {
            cur = None;
            continue;
        }
        if let (Some(s), Some(rest)) = (&cur, l.strip_prefix("pub ")) {
            if let Some((field, _)) = rest.split_once(':') {
                let field = field.trim();
                if field == "_unused" {
                    continue;
                }
                body.push_str(&format!(
                    "    {{ let u = ::std::mem::MaybeUninit::<{s}>::uninit(); let b = u.as_ptr(); \
                     let f = unsafe {{ ::std::ptr::addr_of!((*b).{f}) }}; \
                     v.push((\"{s}\", \"{f}\", f as usize - b as usize, size_of_pointee(f))); }}\n",
                    s = s,
                    f = field
                ));
            }
        }
    }
    for n in &names {
        code.push_str(&format!("\"{}\", ", n));
    }
    code.push_str("];\n");
    code.push_str("fn size_of_pointee<T>(_: *const T) -> usize { ::std::mem::size_of::<T>() }\n");
    code.push_str("pub fn layout() -> Vec<(&'static str, &'static str, usize, usize)> {\n    let mut v = Vec::new();\n");
    code.push_str(&body);
    code.push_str("    v\n}\n");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("layout.rs");
    fs::write(out, code).expect("write layout.rs");
}

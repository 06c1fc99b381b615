//! Compiles the C shim over libavcodec (shim/avd.c) and links Debian's libavcodec and
//! libavutil dynamically, with the flags pkg-config gives.

use std::process::Command;

fn pkg_config(args: &[&str]) -> String {
    let out = Command::new("pkg-config")
        .args(args)
        .args(["libavcodec", "libavutil"])
        .output()
        .unwrap_or_else(|e| panic!("avcodec-decoder: cannot run pkg-config ({e}); install pkg-config"));
    if !out.status.success() {
        panic!(
            "avcodec-decoder: pkg-config {} libavcodec libavutil failed (install libavcodec-dev and libavutil-dev): {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn main() {
    println!("cargo:rerun-if-changed=shim/avd.c");
    println!("cargo:rerun-if-changed=shim/avd.h");
    let mut build = cc::Build::new();
    build.file("shim/avd.c").include("shim").warnings(true).extra_warnings(true);
    for flag in pkg_config(&["--cflags"]).split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-I") {
            build.include(dir);
        }
    }
    build.compile("avd");
    for flag in pkg_config(&["--libs"]).split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={dir}");
        } else if let Some(lib) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib=dylib={lib}");
        }
    }
}

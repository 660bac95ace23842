//! Compile tests: `ui/pass` must compile, `ui/fail` must fail with the committed `.stderr`.
//! The `.stderr` files are generated with the toolchain of `rust-toolchain.toml`
//! (`TRYBUILD=overwrite cargo test -p retry-tests --test ui`); rustc's own wording changes
//! between releases, so on another toolchain only the passing cases are checked.

use std::process::Command;

/// The toolchain the `.stderr` files were generated with.
const PINNED: &str = "rustc 1.95.";

fn on_pinned_toolchain() -> bool {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    Command::new(rustc)
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).starts_with(PINNED))
}

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    if on_pinned_toolchain() {
        t.compile_fail("ui/fail/*.rs");
    } else {
        eprintln!("not on the pinned toolchain ({PINNED}*): ui/fail not compared");
    }
}

//! Compile tests: `ui/pass` must compile, `ui/fail` must fail with the committed `.stderr`.
//! The `.stderr` files are generated with the toolchain of `rust-toolchain.toml`
//! (`TRYBUILD=overwrite cargo test -p retry-tests --test ui`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}

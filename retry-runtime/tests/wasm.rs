//! On wasm32-unknown-unknown (run with `wasm-bindgen-test-runner` under node): the clock of
//! deadlines and hooks works there, where `std::time::Instant::now` panics.

#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use std::time::Duration;

use retry_runtime::{retry, testing};
use wasm_bindgen_test::wasm_bindgen_test;

#[retry(max = 10, base = "1s", deadline = "5s", on_retry = |a| assert!(a.elapsed < Duration::from_secs(5)))]
fn always_fails() -> Option<u8> {
    None
}

#[wasm_bindgen_test]
fn deadlines_and_hooks_read_the_clock_without_panicking() {
    let (outcome, delays) = testing::record(always_fails);
    assert_eq!(outcome, None);
    // 1 s and 2 s are recorded; 4 s more would end past the 5 s deadline.
    assert_eq!(delays, [Duration::from_secs(1), Duration::from_secs(2)]);
}

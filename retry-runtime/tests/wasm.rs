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

/// The seed fastrand's thread generator falls back to when it has no source of entropy,
/// as on wasm32-unknown-unknown without its `js` feature (fastrand 2, `global_rng.rs`).
const FASTRAND_FALLBACK_SEED: u64 = 0x0ef6_f79e_d30b_a75a;

#[retry(max = 9, base = "1s", jitter = "full")]
fn jittered() -> Option<u8> {
    None
}

#[wasm_bindgen_test]
fn jitter_is_seeded_from_the_platform_not_a_constant() {
    use retry_runtime::{Jitter, Policy};
    let (_, drawn) = testing::record(jittered);
    let policy = Policy::new()
        .max_attempts(9)
        .base(Duration::from_secs(1))
        .jitter(Jitter::Full);
    let constant: Vec<Duration> = policy.jittered_delays(FASTRAND_FALLBACK_SEED).collect();
    assert_eq!(drawn.len(), constant.len());
    // Every tab and process would draw exactly these without a seed from the platform
    // (checked: without fastrand's `js` feature this assertion fails, the two lists equal).
    assert_ne!(drawn, constant);
}

//! What works without the `tokio` feature: sync fns, and async fns with `sleep = path`.
//! CI also runs this file with `--no-default-features`, where no tokio is in the runtime.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use retry_runtime::{Policy, retry, testing};
use retry_tests::block_on;

static SLEPT: AtomicU32 = AtomicU32::new(0);

/// A runtime-agnostic sleep: counts and returns at once.
async fn counting_sleep(delay: Duration) {
    SLEPT.fetch_add(u32::try_from(delay.as_millis()).unwrap(), Ordering::SeqCst);
}

#[retry(max = 4, base = "10ms", sleep = counting_sleep)]
async fn custom_sleep(tries: &AtomicU32) -> Result<u32, u32> {
    let n = tries.fetch_add(1, Ordering::SeqCst) + 1;
    if n < 3 { Err(n) } else { Ok(n) }
}

#[test]
fn async_fns_sleep_with_the_named_fn() {
    let tries = AtomicU32::new(0);
    assert_eq!(block_on(custom_sleep(&tries)), Ok(3));
    assert_eq!(SLEPT.load(Ordering::SeqCst), 10 + 20);
}

#[test]
fn record_async_works_on_any_executor() {
    let tries = AtomicU32::new(0);
    let (out, delays) = block_on(testing::record_async(custom_sleep(&tries)));
    assert_eq!(out, Ok(3));
    assert_eq!(delays, [10, 20].map(Duration::from_millis));
}

#[retry(max = 3, base = "1ms")]
fn sync_fn() -> Option<()> {
    None
}

#[test]
fn sync_fns_need_no_async_runtime() {
    let (out, delays) = testing::record(sync_fn);
    assert_eq!((out, delays.len()), (None, 2));
}

#[test]
fn policy_retry_async_with_a_custom_sleep_runs_without_tokio() {
    let policy = Policy::new().max_attempts(3).base(Duration::from_millis(7));
    let (out, delays) = block_on(testing::record_async(
        policy
            .retry_async(|| async { Err::<(), _>("x") })
            .sleep(counting_sleep),
    ));
    assert_eq!(out, Err("x"));
    assert_eq!(delays, [7, 14].map(Duration::from_millis));
}

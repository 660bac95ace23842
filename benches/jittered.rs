//! The wrappers of the `jittered_*` benchmarks, with one jittered schedule: at most 5
//! calls, 10 ms * 2^k capped at 1 s, full jitter (`U(0, d)`; backon has no full jitter,
//! and adds `U(0, d)` to `d`).
//! The sync wrappers sleep their thread for real (callgrind counts the instructions, not
//! the time); the async ones await a future that is ready at once.
//!
//! They live in the benchmark, not in `lib.rs`, so that the other wrappers compile as they
//! did before them.

use backon::{BlockingRetryable, ExponentialBuilder, Retryable};
use retry_benches::{Flaky, MAX_ATTEMPTS};
use retry_runtime::{Jitter, Policy, retry};
use std::future::{Future, IntoFuture, Ready, ready};
use std::time::Duration;

/// The async sleep of the async wrappers: ready at once.
pub(crate) fn instant(_: Duration) -> Ready<()> {
    ready(())
}

/// `#[retry]` on a sync fn, with the jittered schedule.
///
/// # Errors
///
/// The last failure.
#[retry(max = 5, base = "10ms", max_delay = "1s", jitter = "full")]
pub(crate) fn attribute(op: &Flaky) -> Result<u32, u32> {
    op.call()
}

/// `#[retry]` on an async fn, with the jittered schedule.
///
/// # Errors
///
/// The last failure.
#[retry(max = 5, base = "10ms", max_delay = "1s", jitter = "full", sleep = instant)]
pub(crate) async fn attribute_async(op: &Flaky) -> Result<u32, u32> {
    op.call_async().await
}

/// The jittered schedule as a `Policy`.
pub(crate) const POLICY: Policy = Policy::new()
    .max_attempts(MAX_ATTEMPTS)
    .base(Duration::from_millis(10))
    .max_delay(Duration::from_secs(1))
    .jitter(Jitter::Full);

/// The sync closure builder with the jittered schedule.
///
/// # Errors
///
/// The last failure.
pub(crate) fn policy(op: &Flaky) -> Result<u32, u32> {
    POLICY.retry(|| op.call()).call()
}

/// The async closure builder with the jittered schedule and the instant sleep.
pub(crate) fn policy_async(op: &Flaky) -> impl Future<Output = Result<u32, u32>> + '_ {
    POLICY
        .retry_async(|| op.call_async())
        .sleep(instant)
        .into_future()
}

/// The delay before retry `k` as one would write it by hand: 10 ms * 2^k, capped at
/// 1 s, full jitter.
fn delay(k: u32) -> Duration {
    let cap = Duration::from_millis(10)
        .saturating_mul(1u32.checked_shl(k).unwrap_or(u32::MAX))
        .min(Duration::from_secs(1));
    #[allow(clippy::cast_possible_truncation)] // at most 1 s
    Duration::from_nanos(fastrand::u64(0..=cap.as_nanos() as u64))
}

/// The hand-written loop with the jittered schedule.
///
/// # Errors
///
/// The last failure.
pub(crate) fn hand_loop(op: &Flaky) -> Result<u32, u32> {
    let mut attempt = 1;
    loop {
        match op.call() {
            Ok(value) => return Ok(value),
            Err(error) if attempt >= MAX_ATTEMPTS => return Err(error),
            Err(_) => {
                std::thread::sleep(delay(attempt - 1));
                attempt += 1;
            }
        }
    }
}

/// The hand-written async loop with the jittered schedule.
///
/// # Errors
///
/// The last failure.
pub(crate) async fn hand_loop_async(op: &Flaky) -> Result<u32, u32> {
    let mut attempt = 1;
    loop {
        match op.call_async().await {
            Ok(value) => return Ok(value),
            Err(error) if attempt >= MAX_ATTEMPTS => return Err(error),
            Err(_) => {
                instant(delay(attempt - 1)).await;
                attempt += 1;
            }
        }
    }
}

fn schedule() -> ExponentialBuilder {
    ExponentialBuilder::new()
        .with_min_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_secs(1))
        .with_max_times(MAX_ATTEMPTS as usize - 1)
        .with_jitter()
}

/// backon's blocking retry with the jittered schedule, sleeping with its default
/// sleeper (`std::thread::sleep`).
///
/// # Errors
///
/// The last failure.
pub(crate) fn backon(op: &Flaky) -> Result<u32, u32> {
    (|| op.call()).retry(schedule()).call()
}

/// backon's async retry with the jittered schedule and the instant sleep.
///
/// # Errors
///
/// The last failure.
pub(crate) async fn backon_async(op: &Flaky) -> Result<u32, u32> {
    (|| op.call_async()).retry(schedule()).sleep(instant).await
}

//! The operation and the retry wrappers that the benchmarks compare: the same flaky call,
//! retried by `#[retry]`, by the closure builders (`Policy::retry`, `Policy::retry_async`),
//! by a hand-written loop, by backon and by tokio-retry2. Every wrapper makes at most 5
//! attempts with zero delays; `attribute_500ms` and `attribute_500ms_async` are the
//! success path of the README's `#[retry(max = 10, base = "500ms")]`.

use std::cell::Cell;
use std::future::{Future, IntoFuture};
use std::hint::black_box;
use std::time::Duration;

use backon::{BlockingRetryable, ConstantBuilder, Retryable};
use retry_runtime::{Backoff, CircuitBreaker, Policy, Rejected, Throttle, retry};
use tokio_retry2::strategy::FixedInterval;
use tokio_retry2::{Retry, RetryError};

pub mod replay;

/// Total attempts every wrapper makes at most.
pub const MAX_ATTEMPTS: u32 = 5;

/// A call that fails its first `failures` times, then succeeds.
#[derive(Debug)]
pub struct Flaky {
    calls: Cell<u32>,
    failures: u32,
}

impl Flaky {
    /// A call that fails `failures` times first.
    pub fn new(failures: u32) -> Self {
        Flaky {
            calls: Cell::new(0),
            failures,
        }
    }

    /// Starts over, as a new caller would.
    pub fn reset(&self) {
        self.calls.set(0);
    }

    /// The call (not inlined: each wrapper calls the same opaque function).
    ///
    /// # Errors
    ///
    /// The call number, for the first `failures` calls.
    #[inline(never)]
    pub fn call(&self) -> Result<u32, u32> {
        let n = self.calls.get();
        self.calls.set(n + 1);
        if black_box(n) >= self.failures {
            Ok(n)
        } else {
            Err(n)
        }
    }

    /// The same call as a future.
    ///
    /// # Errors
    ///
    /// As [`Flaky::call`].
    #[inline(never)]
    #[allow(clippy::unused_async)] // a future around the same call is the point
    pub async fn call_async(&self) -> Result<u32, u32> {
        self.call()
    }
}

/// `#[retry]` on a sync fn.
///
/// # Errors
///
/// The last failure.
#[retry(max = 5, base = "0s")]
pub fn attribute(op: &Flaky) -> Result<u32, u32> {
    op.call()
}

/// `#[retry]` on an async fn.
///
/// # Errors
///
/// The last failure.
#[retry(max = 5, base = "0s")]
pub async fn attribute_async(op: &Flaky) -> Result<u32, u32> {
    op.call_async().await
}

/// `#[retry]` on a sync fn whose body reads its `context` (the call's id, drawn at its
/// first attempt, and the attempt's number).
///
/// # Errors
///
/// The last failure.
#[retry(max = 5, base = "0s", context = cx)]
pub fn attribute_context(op: &Flaky) -> Result<u32, u32> {
    std::hint::black_box((cx.call_id, cx.attempt));
    op.call()
}

/// `#[retry]` on an async fn whose body reads its `context`.
///
/// # Errors
///
/// The last failure.
#[retry(max = 5, base = "0s", context = cx)]
pub async fn attribute_context_async(op: &Flaky) -> Result<u32, u32> {
    std::hint::black_box((cx.call_id, cx.attempt));
    op.call_async().await
}

/// The limits of the `*_limited` wrappers: a breaker that cannot open within a benchmark
/// (at most a few dozen attempts) and a throttle whose `K` keeps its probability at zero
/// once it has counted one success (the benchmark's setup makes one), so that every attempt
/// pays for asking both and for being counted, and nothing is refused (a refusal would end
/// the benchmark's call early).
pub static BREAKER: CircuitBreaker = CircuitBreaker::new().minimum_throughput(1000);
/// See [`BREAKER`].
pub static THROTTLE: Throttle = Throttle::new(1000.0);

/// `#[retry]` on a sync fn, with a breaker and a throttle.
///
/// # Errors
///
/// The last failure.
#[retry(max = 5, base = "0s", breaker = &BREAKER, throttle = &THROTTLE)]
pub fn attribute_limited(op: &Flaky) -> Result<u32, Failure> {
    op.call().map_err(Failure::Op)
}

/// `#[retry]` on an async fn, with a breaker and a throttle.
///
/// # Errors
///
/// The last failure.
#[retry(max = 5, base = "0s", breaker = &BREAKER, throttle = &THROTTLE)]
pub async fn attribute_limited_async(op: &Flaky) -> Result<u32, Failure> {
    op.call_async().await.map_err(Failure::Op)
}

/// The failure of the `*_limited` wrappers: the operation's, or a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The operation failed.
    Op(u32),
    /// A limit refused the call.
    Rejected(Rejected),
}

impl From<Rejected> for Failure {
    fn from(rejected: Rejected) -> Self {
        Failure::Rejected(rejected)
    }
}

/// `#[retry(max = 10, base = "500ms")]` on a sync fn (for the success path: a failure
/// would sleep).
///
/// # Errors
///
/// The last failure.
#[retry(max = 10, base = "500ms")]
pub fn attribute_500ms(op: &Flaky) -> Result<u32, u32> {
    op.call()
}

/// `#[retry(max = 10, base = "500ms")]` on an async fn.
///
/// # Errors
///
/// The last failure.
#[retry(max = 10, base = "500ms")]
pub async fn attribute_500ms_async(op: &Flaky) -> Result<u32, u32> {
    op.call_async().await
}

/// The loop one would write by hand, without sleeping (the delays are zero).
///
/// # Errors
///
/// The last failure.
pub fn hand_loop(op: &Flaky) -> Result<u32, u32> {
    let mut attempt = 1;
    loop {
        match op.call() {
            Ok(value) => return Ok(value),
            Err(error) if attempt >= MAX_ATTEMPTS => return Err(error),
            Err(_) => attempt += 1,
        }
    }
}

/// The hand-written loop, async.
///
/// # Errors
///
/// The last failure.
pub async fn hand_loop_async(op: &Flaky) -> Result<u32, u32> {
    let mut attempt = 1;
    loop {
        match op.call_async().await {
            Ok(value) => return Ok(value),
            Err(error) if attempt >= MAX_ATTEMPTS => return Err(error),
            Err(_) => attempt += 1,
        }
    }
}

/// The hand-written async loop as it is written for real: it sleeps between attempts with
/// tokio (skipping zero delays, as `#[retry]` does), so its future holds a tokio `Sleep`.
///
/// # Errors
///
/// The last failure.
pub async fn hand_loop_sleep_async(op: &Flaky) -> Result<u32, u32> {
    let mut attempt = 1;
    let mut delay = Duration::ZERO;
    loop {
        match op.call_async().await {
            Ok(value) => return Ok(value),
            Err(error) if attempt >= MAX_ATTEMPTS => return Err(error),
            Err(_) => attempt += 1,
        }
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        delay *= 2;
    }
}

/// The schedule of every wrapper here, as a `Policy`.
pub const POLICY: Policy = Policy::new()
    .max_attempts(MAX_ATTEMPTS)
    .base(Duration::ZERO)
    .backoff(Backoff::Fixed);

/// The sync closure builder, `Policy::retry`.
///
/// # Errors
///
/// The last failure.
pub fn policy(op: &Flaky) -> Result<u32, u32> {
    POLICY.retry(|| op.call()).call()
}

/// The async closure builder, `Policy::retry_async`: its own future, as `.await` polls it
/// (an `async fn` around it would add a future of its own).
pub fn policy_async(op: &Flaky) -> impl Future<Output = Result<u32, u32>> + '_ {
    POLICY.retry_async(|| op.call_async()).into_future()
}

/// Polls a future that never waits to completion, with no runtime: what the
/// instruction counts run async wrappers with.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

fn backon_schedule() -> ConstantBuilder {
    ConstantBuilder::default()
        .with_delay(Duration::ZERO)
        .with_max_times(MAX_ATTEMPTS as usize - 1)
}

/// backon's blocking retry. Its sleeper is a no-op, so that only the retry machinery is
/// measured (its default sleeper calls `std::thread::sleep` even for zero delays).
///
/// # Errors
///
/// The last failure.
pub fn backon(op: &Flaky) -> Result<u32, u32> {
    (|| op.call()).retry(backon_schedule()).sleep(|_| ()).call()
}

/// backon's async retry, with a no-op sleeper.
///
/// # Errors
///
/// The last failure.
pub async fn backon_async(op: &Flaky) -> Result<u32, u32> {
    (|| op.call_async())
        .retry(backon_schedule())
        .sleep(|_| std::future::ready(()))
        .await
}

/// tokio-retry2 (it always sleeps with tokio's timer).
///
/// # Errors
///
/// The last failure.
pub async fn tokio_retry2(op: &Flaky) -> Result<u32, u32> {
    let strategy = FixedInterval::new(Duration::ZERO).take(MAX_ATTEMPTS as usize - 1);
    Retry::spawn(strategy, || async {
        op.call_async().await.map_err(RetryError::transient)
    })
    .await
}

//! Zero heap allocations: on the success path and per retry, sync and async, with and
//! without jitter, with a breaker and a throttle (after the first call on a thread, which
//! sets up thread-locals). With the `metrics` feature each call hands the facade its three
//! series as it returns, one key (an allocation) each, and still nothing per retry.
#![cfg(feature = "tokio")]

use std::cell::Cell;

use allocation_counter::measure;
use retry_runtime::{Backoff, CircuitBreaker, Jitter, Policy, Rejected, Throttle, retry};
use retry_tests::block_on;

thread_local! {
    /// Per test thread: the tests run in parallel.
    static CALLS: Cell<u32> = const { Cell::new(0) };
}

/// Fails until the call counter reaches `succeed_on`.
fn op(succeed_on: u32) -> Result<u32, u32> {
    let n = CALLS.get() + 1;
    CALLS.set(n);
    if n >= succeed_on { Ok(n) } else { Err(n) }
}

fn start() {
    CALLS.set(0);
}

#[retry(max = 5, base = "0s")]
fn plain(succeed_on: u32) -> Result<u32, u32> {
    op(succeed_on)
}

#[retry(max = 5, base = "0s", jitter = "full", max_delay = "0s")]
fn jittered(succeed_on: u32) -> Result<u32, u32> {
    op(succeed_on)
}

#[retry(max = 5, base = "0s", jitter = "decorrelated", max_delay = "0s", deadline = "1h", on_retry = |a| assert!(a.number > 0), when = |e| *e > 0)]
fn every_feature(succeed_on: u32) -> Result<u32, u32> {
    op(succeed_on)
}

#[retry(max = 5, base = "0s")]
async fn plain_async(succeed_on: u32) -> Result<u32, u32> {
    op(succeed_on)
}

#[retry(max = 5, base = "0s", deadline = "1h", context = cx)]
async fn with_context(succeed_on: u32) -> Result<u32, u32> {
    assert!(cx.call_id != 0 && cx.remaining().is_some());
    op(succeed_on)
}

/// The allocations of one call: none, or the metrics' three keys.
const PER_CALL: u64 = if cfg!(feature = "metrics") { 3 } else { 0 };

/// Allocations made by `f`, after one call to warm the thread up.
fn allocations(f: impl Fn()) -> u64 {
    f();
    measure(f).count_total
}

#[test]
fn the_success_path_does_not_allocate() {
    assert_eq!(
        allocations(|| {
            start();
            assert_eq!(plain(1), Ok(1));
        }),
        PER_CALL
    );
    assert_eq!(
        allocations(|| {
            start();
            assert_eq!(block_on(plain_async(1)), Ok(1));
        }),
        PER_CALL
    );
}

#[test]
fn retries_do_not_allocate() {
    assert_eq!(
        allocations(|| {
            start();
            assert_eq!(plain(4), Ok(4));
        }),
        PER_CALL
    );
    assert_eq!(
        allocations(|| {
            start();
            assert_eq!(plain(9), Err(5));
        }),
        PER_CALL
    );
    assert_eq!(
        allocations(|| {
            start();
            assert_eq!(block_on(plain_async(4)), Ok(4));
        }),
        PER_CALL
    );
}

#[test]
fn a_context_and_its_id_do_not_allocate() {
    assert_eq!(
        allocations(|| {
            start();
            assert_eq!(block_on(with_context(4)), Ok(4));
        }),
        PER_CALL
    );
    let policy = Policy::new().base(std::time::Duration::ZERO);
    assert_eq!(
        allocations(|| {
            start();
            let result = policy
                .retry_with_context(|cx| {
                    assert_ne!(cx.call_id, 0);
                    op(2)
                })
                .call();
            assert_eq!(result, Ok(2));
        }),
        PER_CALL
    );
}

#[test]
fn jitter_deadlines_and_hooks_do_not_allocate() {
    assert_eq!(
        allocations(|| {
            start();
            assert_eq!(jittered(4), Ok(4));
        }),
        PER_CALL
    );
    assert_eq!(
        allocations(|| {
            start();
            assert_eq!(every_feature(4), Ok(4));
        }),
        PER_CALL
    );
}

#[test]
fn policy_retry_does_not_allocate() {
    let policy = Policy::new()
        .max_attempts(5)
        .base(std::time::Duration::ZERO)
        .backoff(Backoff::Fibonacci)
        .jitter(Jitter::Equal);
    assert_eq!(
        allocations(|| {
            start();
            assert_eq!(policy.retry(|| op(3)).call(), Ok(3));
        }),
        PER_CALL
    );
}

/// A breaker that cannot open within the test, and a throttle that sheds nothing once it
/// has counted a success (the warm-up call makes one).
static BREAKER: CircuitBreaker = CircuitBreaker::new().minimum_throughput(1000);
static THROTTLE: Throttle = Throttle::new(1000.0);

#[derive(Debug, PartialEq)]
enum Limited {
    Failed(u32),
    Rejected,
}

impl From<Rejected> for Limited {
    fn from(_: Rejected) -> Self {
        Limited::Rejected
    }
}

#[retry(max = 5, base = "0s", breaker = &BREAKER, throttle = &THROTTLE)]
fn limited(succeed_on: u32) -> Result<u32, Limited> {
    op(succeed_on).map_err(Limited::Failed)
}

#[test]
fn breakers_and_throttles_do_not_allocate() {
    start();
    assert_eq!(limited(1), Ok(1));
    assert_eq!(
        allocations(|| {
            start();
            assert_eq!(limited(3), Ok(3));
        }),
        PER_CALL
    );
}

#[test]
fn the_counter_sees_allocations() {
    assert_eq!(
        measure(|| drop(std::hint::black_box(vec![1u8]))).count_total,
        1
    );
}

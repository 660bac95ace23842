//! Behaviours that users found wrong and that are fixed: each test here failed before its
//! fix (the closing note of the change says how).
#![cfg(feature = "tokio")]

use std::future::{Future, IntoFuture};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use retry_runtime::{Policy, TimedOut, retry, retry_after, testing};

const MS: Duration = Duration::from_millis(1);

#[derive(Debug, PartialEq)]
struct Busy {
    retry_after: Option<Duration>,
}

// 1. A server cannot park its client, nor skip the backoff.

#[retry(max = 3, base = "100ms", hint = |e| e.retry_after)]
fn hinted(retry_after: Duration) -> Result<(), Busy> {
    Err(Busy {
        retry_after: Some(retry_after),
    })
}

#[test]
fn a_huge_hint_sleeps_at_most_a_minute_without_max_delay() {
    let years = retry_after("99999999999").expect("delay-seconds");
    let (_, delays) = testing::record(|| hinted(years));
    assert_eq!(delays, [Duration::from_secs(60); 2]);
    let far_date = retry_after("Tue, 01 Jan 2999 00:00:00 GMT").expect("a date");
    let (_, delays) = testing::record(|| hinted(far_date));
    assert_eq!(delays, [Duration::from_secs(60); 2]);
}

#[test]
fn a_zero_hint_does_not_skip_the_backoff() {
    let (_, delays) = testing::record(|| hinted(Duration::ZERO));
    assert_eq!(delays, [MS * 100, MS * 200]);
    let (_, delays) = testing::record(|| hinted(MS * 150));
    assert_eq!(
        delays,
        [MS * 150, MS * 200],
        "lengthened, then the schedule's own"
    );
}

#[test]
fn the_builders_follow_the_same_rule() {
    let policy = Policy::new().max_attempts(3).base(MS * 100);
    let (_, delays) = testing::record(|| {
        policy
            .retry(|| Err::<(), _>(Duration::from_secs(1 << 40)))
            .hint(|e| Some(*e))
            .call()
    });
    assert_eq!(delays, [Duration::from_secs(60); 2]);
}

// 2. Async retries with a zero delay yield to the executor.

#[retry(max = 50, base = "0s", when_ok = |ready: &bool| !ready)]
async fn wait_for(flag: &AtomicBool) -> Option<bool> {
    Some(flag.load(Ordering::SeqCst))
}

#[tokio::test(flavor = "current_thread")]
async fn a_when_ok_loop_lets_the_task_that_sets_its_flag_run() {
    let flag = Arc::new(AtomicBool::new(false));
    let setter = flag.clone();
    let task = tokio::spawn(async move { setter.store(true, Ordering::SeqCst) });
    assert_eq!(wait_for(&flag).await, Some(true));
    task.await.unwrap();
}

static ZERO_SLEEPS: AtomicU32 = AtomicU32::new(0);

async fn counting_sleep(delay: Duration) {
    assert_eq!(delay, Duration::ZERO);
    ZERO_SLEEPS.fetch_add(1, Ordering::SeqCst);
}

#[retry(max = 4, base = "0s", sleep = counting_sleep)]
async fn fails_at_once() -> Result<(), ()> {
    Err(())
}

#[test]
fn a_users_sleep_is_called_for_a_zero_delay() {
    let mut call = pin!(fails_at_once());
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(call.as_mut().poll(&mut cx), Poll::Ready(Err(())));
    assert_eq!(ZERO_SLEEPS.load(Ordering::SeqCst), 3);
}

#[test]
fn two_calls_polled_together_interleave() {
    let policy = Policy::new().max_attempts(3).base(Duration::ZERO);
    let order = std::sync::Mutex::new(Vec::new());
    let call = |name: &'static str| {
        let order = &order;
        policy
            .retry_async(move || async move {
                order.lock().unwrap().push(name);
                Err::<(), ()>(())
            })
            .into_future()
    };
    let (mut a, mut b) = (pin!(call("a")), pin!(call("b")));
    let mut cx = Context::from_waker(Waker::noop());
    // One poll each, as a join would: each makes one attempt, then yields.
    assert!(a.as_mut().poll(&mut cx).is_pending());
    assert!(b.as_mut().poll(&mut cx).is_pending());
    assert_eq!(*order.lock().unwrap(), ["a", "b"]);
}

// 3. The deadline: a sleep that would end at it is not started.

static AT_THE_DEADLINE: AtomicU32 = AtomicU32::new(0);

#[retry(max = 10, base = "50ms", backoff = "fixed", deadline = "100ms")]
async fn until_the_deadline() -> Result<(), ()> {
    AT_THE_DEADLINE.fetch_add(1, Ordering::SeqCst);
    Err(())
}

#[tokio::test(start_paused = true)]
async fn a_sleep_ending_at_the_deadline_is_not_started() {
    let start = tokio::time::Instant::now();
    assert_eq!(until_the_deadline().await, Err(()));
    // Attempts at 0 and 50 ms; a sleep from 50 ms would end at 100 ms, the deadline.
    assert_eq!(AT_THE_DEADLINE.load(Ordering::SeqCst), 2);
    assert_eq!(start.elapsed(), MS * 50);
}

// 8. A sync fn's deadline reads the clock its sleeps advance, even in a paused runtime.

static SYNC_CALLS: AtomicU32 = AtomicU32::new(0);

#[retry(max = 100, base = "10ms", backoff = "fixed", deadline = "30ms")]
fn sync_until_the_deadline() -> Result<(), ()> {
    SYNC_CALLS.fetch_add(1, Ordering::SeqCst);
    Err(())
}

#[tokio::test(start_paused = true)]
async fn a_sync_deadline_is_real_time_under_a_paused_runtime() {
    let start = std::time::Instant::now();
    assert_eq!(sync_until_the_deadline(), Err(()));
    // Real sleeps of 10 ms: attempts at about 0, 10 and 20 ms (fewer on a slow machine).
    let calls = SYNC_CALLS.load(Ordering::SeqCst);
    assert!((1..=3).contains(&calls), "{calls} calls");
    assert!(start.elapsed() < Duration::from_secs(5));
}

// 13. `attempt_timeout` with an error that cannot implement `From<TimedOut>`.

/// Stands for another crate's error (`redis::RedisError`, say): it converts from
/// `io::Error` but not from `TimedOut`, and this crate could not add that impl.
#[derive(Debug)]
struct DriverError(std::io::Error);

impl From<std::io::Error> for DriverError {
    fn from(error: std::io::Error) -> Self {
        DriverError(error)
    }
}

#[retry(max = 2, attempt_timeout = "1s", timed_out = |t| DriverError::from(std::io::Error::from(t)))]
async fn hangs() -> Result<(), DriverError> {
    std::future::pending().await
}

#[retry(max = 2, attempt_timeout = "1s", hedge = "300ms", timed_out = |t| DriverError::from(std::io::Error::from(t)))]
async fn hangs_hedged() -> Result<(), DriverError> {
    std::future::pending().await
}

#[retry(max = 2, attempt_timeout = "1s")]
async fn hangs_io() -> Result<(), std::io::Error> {
    std::future::pending().await
}

#[tokio::test(start_paused = true)]
async fn the_conversion_is_given_in_the_attribute_and_the_builder() {
    let error = hangs().await.unwrap_err();
    assert_eq!(error.0.kind(), std::io::ErrorKind::TimedOut);
    assert_eq!(error.0.to_string(), "the attempt timed out after 1s");
    let error = hangs_hedged().await.unwrap_err();
    assert_eq!(error.0.kind(), std::io::ErrorKind::TimedOut);
    assert_eq!(
        hangs_io().await.unwrap_err().kind(),
        std::io::ErrorKind::TimedOut
    );
    let policy = Policy::new().max_attempts(2);
    let built: Result<(), DriverError> = policy
        .retry_async(std::future::pending)
        .attempt_timeout(MS * 10)
        .timed_out(|t: TimedOut| DriverError(t.into()))
        .await;
    assert_eq!(built.unwrap_err().0.kind(), std::io::ErrorKind::TimedOut);
}

// 14. A hedged future polled after completion panics, as the sequential one does.

#[test]
#[should_panic(expected = "a retried call's future polled after completion")]
fn a_hedged_future_polled_again_panics() {
    let policy = Policy::new().max_attempts(2);
    let mut call = pin!(
        policy
            .retry_async(|| async { Ok::<u8, ()>(1) })
            .sleep(|_| std::future::pending::<()>())
            .hedge(MS)
            .into_future()
    );
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(call.as_mut().poll(&mut cx), Poll::Ready(Ok(1)));
    let _ = call.as_mut().poll(&mut cx);
}

#[test]
#[should_panic(expected = "a retried call's future polled after completion")]
fn a_sequential_future_polled_again_panics() {
    let policy = Policy::new().max_attempts(2);
    let mut call = pin!(
        policy
            .retry_async(|| async { Ok::<u8, ()>(1) })
            .into_future()
    );
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(call.as_mut().poll(&mut cx), Poll::Ready(Ok(1)));
    let _ = call.as_mut().poll(&mut cx);
}

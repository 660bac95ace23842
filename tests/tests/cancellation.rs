//! Dropping a retried call, while it sleeps or while an attempt is in flight, stops
//! everything and leaks nothing; a later call starts afresh; `tokio::time::timeout` works.
#![cfg(feature = "tokio")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use retry_runtime::retry;

/// Counts its drops, so that a test sees every value the call owned go away.
struct Guard(Arc<AtomicU32>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[derive(Default)]
struct Counters {
    attempts: AtomicU32,
    dropped: Arc<AtomicU32>,
    hooks: AtomicU32,
}

#[retry(max = 5, base = "1h", on_retry = |_| { counters.hooks.fetch_add(1, Ordering::SeqCst); })]
async fn slow_to_recover(counters: &Counters, owned: Guard, hang: bool) -> Result<u32, u32> {
    let _in_flight = Guard(counters.dropped.clone());
    let n = counters.attempts.fetch_add(1, Ordering::SeqCst) + 1;
    if hang {
        std::future::pending::<()>().await;
    }
    let _ = &owned;
    Err(n)
}

#[tokio::test(start_paused = true)]
async fn dropping_the_call_while_it_sleeps_stops_it() {
    let counters = Counters::default();
    let call = slow_to_recover(&counters, Guard(counters.dropped.clone()), false);
    let timed_out = tokio::time::timeout(Duration::from_secs(60), call).await;
    assert!(timed_out.is_err(), "still sleeping its first hour");
    // One attempt, one hook, then asleep: dropping it dropped the owned argument too
    // (the attempt's own guard was dropped when the attempt ended).
    assert_eq!(counters.attempts.load(Ordering::SeqCst), 1);
    assert_eq!(counters.hooks.load(Ordering::SeqCst), 1);
    assert_eq!(counters.dropped.load(Ordering::SeqCst), 2);
    // Time goes on: nothing runs any more.
    tokio::time::advance(Duration::from_secs(10 * 3600)).await;
    tokio::task::yield_now().await;
    assert_eq!(counters.attempts.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn dropping_the_call_during_an_attempt_drops_the_attempt() {
    let counters = Counters::default();
    let call = slow_to_recover(&counters, Guard(counters.dropped.clone()), true);
    assert!(
        tokio::time::timeout(Duration::from_secs(1), call)
            .await
            .is_err()
    );
    assert_eq!(counters.attempts.load(Ordering::SeqCst), 1);
    assert_eq!(counters.hooks.load(Ordering::SeqCst), 0);
    // The attempt's guard and the owned argument.
    assert_eq!(counters.dropped.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn a_later_call_starts_afresh() {
    let counters = Counters::default();
    let first = slow_to_recover(&counters, Guard(counters.dropped.clone()), false);
    let _ = tokio::time::timeout(Duration::from_secs(2 * 3600), first).await;
    // 1 h, then the second sleep of 2 h is cut: 2 attempts.
    assert_eq!(counters.attempts.load(Ordering::SeqCst), 2);
    let start = tokio::time::Instant::now();
    let second = slow_to_recover(&counters, Guard(counters.dropped.clone()), false).await;
    // A whole new schedule: 5 attempts, 1 + 2 + 4 + 8 hours.
    assert_eq!(second, Err(7));
    assert_eq!(start.elapsed(), Duration::from_secs(15 * 3600));
}

#[retry(max = 3, base = "10ms")]
async fn eventually(tries: &AtomicU32) -> Result<u32, u32> {
    let n = tries.fetch_add(1, Ordering::SeqCst) + 1;
    if n < 3 { Err(n) } else { Ok(n) }
}

#[tokio::test(start_paused = true)]
async fn timeout_around_a_retried_call_returns_its_result_when_in_time() {
    let tries = AtomicU32::new(0);
    let result = tokio::time::timeout(Duration::from_secs(1), eventually(&tries)).await;
    assert_eq!(result.unwrap(), Ok(3));
}

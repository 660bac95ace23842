//! `testing::record*`, `Policy::retry*` and `retry_call`.
#![cfg(feature = "tokio")]

use std::cell::Cell;
use std::time::Duration;

use retry_runtime::{Backoff, Jitter, Policy, retry, retry_call, testing};

const MS: Duration = Duration::from_millis(1);

#[retry(max = 3, base = "1h")]
fn slow() -> Option<()> {
    None
}

#[test]
fn record_skips_sleeps_of_an_hour() {
    let start = std::time::Instant::now();
    let (out, delays) = testing::record(slow);
    assert_eq!(out, None);
    assert_eq!(delays, [3600, 7200].map(Duration::from_secs));
    assert!(start.elapsed() < Duration::from_secs(60));
}

#[test]
fn recordings_nest_and_restore_the_outer_one() {
    let (inner, outer) = testing::record(|| {
        let _ = slow();
        testing::record(slow).1
    });
    assert_eq!(inner.len(), 2);
    assert_eq!(
        outer.len(),
        2,
        "the outer recording sees only its own sleeps"
    );
}

#[test]
fn a_panic_inside_record_leaves_no_recording_behind() {
    let result = std::panic::catch_unwind(|| testing::record(|| panic!("boom")));
    assert!(result.is_err());
    // Outside any recording, sleeps happen again: measure one of 1 ms.
    let policy = Policy::new().max_attempts(2).base(MS);
    let start = std::time::Instant::now();
    let _ = policy.retry(|| None::<()>).call();
    assert!(start.elapsed() >= MS);
}

#[test]
fn policy_retry_follows_the_schedule_and_stops_on_success() {
    let policy = Policy::new()
        .max_attempts(5)
        .base(MS * 10)
        .backoff(Backoff::Linear);
    let tries = Cell::new(0);
    let (out, delays) = testing::record(|| {
        policy
            .retry(|| {
                tries.set(tries.get() + 1);
                if tries.get() < 3 {
                    Err(tries.get())
                } else {
                    Ok(tries.get())
                }
            })
            .call()
    });
    assert_eq!(out, Ok(3));
    assert_eq!(delays, [MS * 10, MS * 20]);
    let (out, delays) = testing::record(|| policy.retry(|| Err::<(), _>("down")).call());
    assert_eq!((out, delays.len()), (Err("down"), 4));
}

#[test]
fn policy_retry_applies_jitter_and_deadline() {
    let policy = Policy::new()
        .max_attempts(20)
        .base(MS * 100)
        .jitter(Jitter::Full)
        .max_delay(MS * 300)
        .deadline(Duration::from_secs(2));
    let (_, delays) = testing::record(|| policy.retry(|| None::<()>).call());
    assert!(delays.iter().all(|d| *d <= MS * 300));
    assert!(delays.iter().sum::<Duration>() <= Duration::from_secs(2));
}

#[tokio::test]
async fn policy_retry_async_is_recorded() {
    let policy = Policy::new().max_attempts(3).base(Duration::from_secs(5));
    let (out, delays) =
        testing::record_async(policy.retry_async(|| async { Err::<(), _>(7) })).await;
    assert_eq!(out, Err(7));
    assert_eq!(delays, [5, 10].map(Duration::from_secs));
}

#[tokio::test(start_paused = true)]
async fn policy_retry_async_sleeps_with_tokio() {
    let policy = Policy::new().max_attempts(3).base(Duration::from_secs(5));
    let start = tokio::time::Instant::now();
    let _ = policy.retry_async(|| async { None::<()> }).await;
    assert_eq!(start.elapsed(), Duration::from_secs(15));
}

#[test]
fn retry_call_reports_attempts_and_doubling_delays() {
    let tries = Cell::new(0);
    let report = retry_call(
        || {
            tries.set(tries.get() + 1);
            if tries.get() < 5 {
                Err("503")
            } else {
                Ok("200")
            }
        },
        10,
        MS * 500,
    )
    .unwrap();
    assert_eq!(report.value, "200");
    assert_eq!(report.attempts, 5);
    assert_eq!(report.delays, [500, 1000, 2000, 4000].map(|ms| MS * ms));
}

#[test]
fn retry_call_returns_the_last_error_after_max_attempts_without_sleeping() {
    let tries = Cell::new(0);
    let start = std::time::Instant::now();
    let err = retry_call(
        || {
            tries.set(tries.get() + 1);
            Err::<(), _>(tries.get())
        },
        4,
        Duration::from_secs(3600),
    )
    .unwrap_err();
    assert_eq!(err, 4);
    assert!(start.elapsed() < Duration::from_secs(60));
    let once = retry_call(|| Ok::<_, ()>(1), 4, MS).unwrap();
    assert_eq!((once.attempts, once.delays.len()), (1, 0));
}

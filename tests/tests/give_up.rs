//! `on_give_up`: called exactly once when a call returns an outcome it could not improve on,
//! with the attempts, the elapsed time and the reason; never on a success.

use std::cell::RefCell;
use std::time::Duration;

use retry_runtime::{GiveUp, RetryBudget, StopReason, retry, testing};

type Log = RefCell<Vec<(u32, Duration, StopReason, Option<u16>)>>;

fn note<T>(log: &Log, give_up: &GiveUp<'_, Result<T, u16>>) {
    // Whole seconds: the recorded sleeps are exact, the attempts' own running time is not.
    let entry = (
        give_up.attempts,
        Duration::from_secs(give_up.elapsed.as_secs()),
        give_up.reason,
        give_up.error().copied(),
    );
    log.borrow_mut().push(entry);
}

#[retry(max = 3, base = "1s", on_give_up = |g| note(log, g))]
fn always(log: &Log, status: u16) -> Result<(), u16> {
    Err(status)
}

#[test]
fn attempts_run_out() {
    let log = Log::default();
    let (out, delays) = testing::record(|| always(&log, 503));
    assert_eq!(out, Err(503));
    assert_eq!(delays, [1, 2].map(Duration::from_secs));
    // Recorded sleeps count as elapsed: 1 s + 2 s.
    assert_eq!(
        log.into_inner(),
        [(3, Duration::from_secs(3), StopReason::Attempts, Some(503))]
    );
}

#[retry(max = 10, base = "1s", deadline = "5s", on_give_up = |g| note(log, g))]
fn until_deadline(log: &Log) -> Result<(), u16> {
    Err(503)
}

#[test]
fn the_deadline_passes() {
    let log = Log::default();
    let (_, delays) = testing::record(|| until_deadline(&log));
    assert_eq!(delays, [1, 2].map(Duration::from_secs));
    assert_eq!(
        log.into_inner(),
        [(3, Duration::from_secs(3), StopReason::Deadline, Some(503))]
    );
}

static EMPTY: RetryBudget = RetryBudget::new(2, 0.001);

#[retry(max = 10, base = "0s", budget = &EMPTY, on_give_up = |g| note(log, g))]
fn over_budget(log: &Log) -> Result<(), u16> {
    Err(503)
}

#[test]
fn the_budget_refuses() {
    let log = Log::default();
    let (_, delays) = testing::record(|| over_budget(&log));
    assert!(delays.is_empty());
    let log = log.into_inner();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].0, log[0].2), (1, StopReason::Budget));
}

#[retry(max = 5, base = "0s", when = |e| *e >= 500, on_give_up = |g| note(log, g))]
fn declined(log: &Log, status: u16) -> Result<(), u16> {
    Err(status)
}

#[test]
fn when_declines() {
    let log = Log::default();
    assert_eq!(declined(&log, 404), Err(404));
    let log = log.into_inner();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].0, log[0].2, log[0].3),
        (1, StopReason::NotRetryable, Some(404))
    );
}

#[retry(max = 3, base = "0s", on_give_up = |g| note(log, g))]
fn succeeds(log: &Log) -> Result<u8, u16> {
    Ok(1)
}

#[retry(max = 3, base = "0s", when_ok = |v| *v == 0, on_give_up = |g| note(log, g))]
fn still_pending(log: &Log) -> Result<u8, u16> {
    Ok(0)
}

#[test]
fn never_on_a_success_but_on_a_success_when_ok_still_wanted_to_retry() {
    let log = Log::default();
    assert_eq!(succeeds(&log), Ok(1));
    assert!(log.borrow().is_empty());
    assert_eq!(still_pending(&log), Ok(0));
    let log = log.into_inner();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].0, log[0].2, log[0].3),
        (3, StopReason::Attempts, None)
    );
}

#[cfg(feature = "tokio")]
#[retry(max = 2, base = "1ms", on_give_up = |g| assert_eq!(g.attempts, 2))]
async fn async_give_up() -> Option<u8> {
    None
}

#[cfg(feature = "tokio")]
#[test]
fn async_fns_give_up_too() {
    let (out, delays) = retry_tests::block_on(testing::record_async(async_give_up()));
    assert_eq!((out, delays.len()), (None, 1));
}

#[test]
fn reasons_have_stable_names() {
    let names = [
        StopReason::Attempts,
        StopReason::Deadline,
        StopReason::Budget,
        StopReason::NotRetryable,
    ]
    .map(|reason| reason.to_string());
    assert_eq!(names, ["attempts", "deadline", "budget", "not_retryable"]);
}

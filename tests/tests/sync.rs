//! Sync fns: the loop, the attempt count, the last error, and each attempt's own scope.

use std::cell::Cell;
use std::time::Duration;

use retry_runtime::{retry, testing};

#[derive(Debug, PartialEq)]
struct Unavailable(u32);

/// Fails until the `succeed_on`-th call, counting calls.
fn flaky(calls: &Cell<u32>, succeed_on: u32) -> Result<u32, Unavailable> {
    calls.set(calls.get() + 1);
    if calls.get() >= succeed_on {
        Ok(calls.get())
    } else {
        Err(Unavailable(calls.get()))
    }
}

#[retry(max = 10, base = "500ms")]
fn call(calls: &Cell<u32>, succeed_on: u32) -> Result<u32, Unavailable> {
    flaky(calls, succeed_on)
}

#[test]
fn a_fn_that_never_fails_is_called_once_and_never_sleeps() {
    let calls = Cell::new(0);
    let (result, delays) = testing::record(|| call(&calls, 1));
    assert_eq!(result, Ok(1));
    assert_eq!(calls.get(), 1);
    assert!(delays.is_empty());
}

#[test]
fn retries_with_exponential_backoff_until_success() {
    let calls = Cell::new(0);
    let (result, delays) = testing::record(|| call(&calls, 4));
    assert_eq!(result, Ok(4));
    assert_eq!(calls.get(), 4);
    assert_eq!(delays, [500, 1000, 2000].map(Duration::from_millis));
}

#[test]
fn gives_up_after_max_calls_with_the_last_error() {
    let calls = Cell::new(0);
    let (result, delays) = testing::record(|| call(&calls, u32::MAX));
    assert_eq!(result, Err(Unavailable(10)));
    assert_eq!(calls.get(), 10);
    assert_eq!(delays.len(), 9);
    assert_eq!(delays[8], Duration::from_millis(500) * 256);
}

#[retry]
fn defaults(calls: &Cell<u32>) -> Result<(), Unavailable> {
    flaky(calls, u32::MAX).map(drop)
}

#[test]
fn the_defaults_are_three_attempts_from_100ms() {
    let calls = Cell::new(0);
    let (result, delays) = testing::record(|| defaults(&calls));
    assert_eq!(result, Err(Unavailable(3)));
    assert_eq!(delays, [100, 200].map(Duration::from_millis));
}

#[retry(max = 1)]
fn once(calls: &Cell<u32>) -> Result<u32, Unavailable> {
    flaky(calls, u32::MAX)
}

#[test]
fn max_one_means_no_retry() {
    let calls = Cell::new(0);
    let (result, delays) = testing::record(|| once(&calls));
    assert_eq!(result, Err(Unavailable(1)));
    assert!(delays.is_empty());
}

#[retry(max = 3, base = "0s")]
fn early_return_and_question_mark(calls: &Cell<u32>) -> Result<&'static str, String> {
    calls.set(calls.get() + 1);
    if calls.get() == 1 {
        return Err("first attempt returns early".into());
    }
    let n: u32 = if calls.get() == 2 { "x" } else { "3" }
        .parse()
        .map_err(|e| format!("{e}"))?;
    Ok(if n == 3 {
        "third attempt got through"
    } else {
        "?"
    })
}

#[test]
fn return_and_question_mark_end_one_attempt_not_the_loop() {
    let calls = Cell::new(0);
    assert_eq!(
        early_return_and_question_mark(&calls),
        Ok("third attempt got through")
    );
    assert_eq!(calls.get(), 3);
}

#[retry(max = 4, base = "1ms")]
fn really_sleeps(calls: &Cell<u32>) -> Result<u32, Unavailable> {
    flaky(calls, 3)
}

#[test]
fn outside_a_recording_the_sleeps_happen() {
    let calls = Cell::new(0);
    let start = std::time::Instant::now();
    assert_eq!(really_sleeps(&calls), Ok(3));
    // 1 ms + 2 ms: a lower bound only, so that a busy machine cannot fail it.
    assert!(start.elapsed() >= Duration::from_millis(3));
}

#[retry(max = 3, base = "0s", clone(name))]
fn consumes(name: String, calls: &Cell<u32>) -> Result<String, String> {
    calls.set(calls.get() + 1);
    let owned: String = name; // moves this attempt's clone
    if calls.get() < 3 {
        Err(owned)
    } else {
        Ok(owned)
    }
}

#[retry(max = 2, base = "0s", clone(buffer))]
fn mutates(mut buffer: Vec<u8>) -> Result<Vec<u8>, Vec<u8>> {
    buffer.push(1);
    if buffer.len() > 5 {
        Ok(buffer)
    } else {
        Err(buffer)
    }
}

#[test]
fn clone_gives_each_attempt_a_fresh_copy() {
    let calls = Cell::new(0);
    assert_eq!(consumes("abc".into(), &calls), Ok("abc".into()));
    assert_eq!(calls.get(), 3);
    // Each attempt pushes onto its own clone of the original, never onto the last one.
    assert_eq!(mutates(vec![0, 0, 0]), Err(vec![0, 0, 0, 1]));
}

//! `deadline`: a sleep that would end past it is not started, with recorded time counted.

use std::cell::Cell;
use std::time::Duration;

use retry_runtime::{retry, testing};

#[retry(max = 10, base = "1s", deadline = "10s")]
fn budgeted(tries: &Cell<u32>) -> Result<(), u32> {
    tries.set(tries.get() + 1);
    Err(tries.get())
}

#[test]
fn stops_before_a_sleep_that_would_cross_the_deadline() {
    let tries = Cell::new(0);
    let (out, delays) = testing::record(|| budgeted(&tries));
    // 1 + 2 + 4 = 7 s slept; 8 s more would end at 15 s > 10 s: the last error is returned.
    assert_eq!(delays, [1, 2, 4].map(Duration::from_secs));
    assert_eq!(out, Err(4));
}

#[retry(max = 10, base = "2s", backoff = "fixed", deadline = "6500ms")]
fn fixed_within_deadline(tries: &Cell<u32>) -> Result<(), u32> {
    tries.set(tries.get() + 1);
    Err(tries.get())
}

#[test]
fn sleeps_that_end_before_the_deadline_happen() {
    let tries = Cell::new(0);
    let (out, delays) = testing::record(|| fixed_within_deadline(&tries));
    // Sleeps end at 2, 4 and 6 s (plus the attempts' real time, well under 0.5 s); the
    // next would end at 8 s.
    assert_eq!(delays.len(), 3);
    assert_eq!(out, Err(4));
}

#[retry(max = 5, base = "1s", deadline = "30ms")]
fn deadline_shorter_than_base(tries: &Cell<u32>) -> Result<(), u32> {
    tries.set(tries.get() + 1);
    Err(tries.get())
}

#[test]
fn a_deadline_shorter_than_the_first_delay_means_one_attempt() {
    let tries = Cell::new(0);
    let (out, delays) = testing::record(|| deadline_shorter_than_base(&tries));
    assert_eq!((out, delays.len()), (Err(1), 0));
}

#[retry(max = 10, base = "20ms", backoff = "fixed", deadline = "50ms")]
fn real_time(tries: &Cell<u32>) -> Result<(), u32> {
    std::thread::sleep(Duration::from_millis(10));
    tries.set(tries.get() + 1);
    Err(tries.get())
}

#[test]
fn attempt_time_counts_toward_the_deadline() {
    let tries = Cell::new(0);
    let (_, delays) = testing::record(|| real_time(&tries));
    // Each attempt takes at least 10 ms of real time and each recorded sleep 20 ms, so at
    // most two sleeps fit in 50 ms; a deadline that ignored attempt time would allow two
    // as well, but one that ignored recorded sleeps would allow nine.
    assert!(delays.len() <= 2, "{delays:?}");
    assert!(tries.get() <= 3);
}

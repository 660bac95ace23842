//! `on_retry`: called before each sleep with the attempt, the delay and the elapsed time.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use retry_runtime::{Attempt, retry, testing};

type Seen = RefCell<Vec<(u32, Duration, Duration, Option<String>)>>;

#[retry(
    max = 4,
    base = "1s",
    on_retry = |a| seen.borrow_mut().push((a.number, a.delay, a.elapsed, a.error().cloned())),
)]
fn call(seen: &Seen, tries: &Cell<u32>) -> Result<u32, String> {
    tries.set(tries.get() + 1);
    if tries.get() < 4 {
        Err(format!("fail {}", tries.get()))
    } else {
        Ok(tries.get())
    }
}

#[test]
fn the_hook_sees_each_failed_attempt_before_its_sleep() {
    let seen = Seen::default();
    let tries = Cell::new(0);
    let (out, delays) = testing::record(|| call(&seen, &tries));
    assert_eq!(out, Ok(4));
    let seen = seen.into_inner();
    let numbers: Vec<u32> = seen.iter().map(|s| s.0).collect();
    assert_eq!(numbers, [1, 2, 3]);
    let hook_delays: Vec<Duration> = seen.iter().map(|s| s.1).collect();
    assert_eq!(hook_delays, delays);
    let errors: Vec<_> = seen.iter().map(|s| s.3.clone().unwrap()).collect();
    assert_eq!(errors, ["fail 1", "fail 2", "fail 3"]);
    // Recorded sleeps count as elapsed time: before the 3rd sleep, 1 s + 2 s have passed.
    let elapsed: Vec<u64> = seen.iter().map(|s| s.2.as_secs()).collect();
    assert_eq!(elapsed, [0, 1, 3]);
}

#[test]
fn the_hook_is_not_called_on_success_or_give_up() {
    let seen = Seen::default();
    let tries = Cell::new(3);
    let _ = testing::record(|| call(&seen, &tries));
    assert!(seen.borrow().is_empty(), "success on the first attempt");
}

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn log(attempt: &Attempt<'_, Option<u8>>) {
    LOG.with_borrow_mut(|log| log.push(format!("#{} {:?}", attempt.number, attempt.outcome)));
}

#[retry(max = 3, base = "0s", on_retry = log, when_ok = |v| *v == 0)]
fn zero_is_not_ready() -> Option<u8> {
    Some(0)
}

#[test]
fn the_hook_can_be_a_fn_and_sees_retried_successes() {
    let _ = zero_is_not_ready();
    LOG.with_borrow(|log| assert_eq!(*log, ["#1 Some(0)", "#2 Some(0)"]));
}

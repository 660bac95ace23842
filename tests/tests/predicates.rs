//! `when` and `when_ok`: which outcomes are retried.

use std::cell::Cell;

use retry_runtime::{retry, testing};

#[derive(Debug, PartialEq)]
enum Error {
    Transient(u32),
    Fatal(u32),
}

fn next(tries: &Cell<u32>, fatal_at: u32) -> Result<u32, Error> {
    tries.set(tries.get() + 1);
    let n = tries.get();
    if n == fatal_at {
        Err(Error::Fatal(n))
    } else {
        Err(Error::Transient(n))
    }
}

#[retry(max = 5, base = "1s", when = |e| matches!(e, Error::Transient(_)))]
fn with_closure(tries: &Cell<u32>, fatal_at: u32) -> Result<u32, Error> {
    next(tries, fatal_at)
}

fn is_transient(e: &Error) -> bool {
    matches!(e, Error::Transient(_))
}

#[retry(max = 5, base = "1s", when = is_transient)]
fn with_fn_path(tries: &Cell<u32>, fatal_at: u32) -> Result<u32, Error> {
    next(tries, fatal_at)
}

#[test]
fn a_failure_when_rejects_is_returned_at_once() {
    for f in [with_closure, with_fn_path] {
        let tries = Cell::new(0);
        let (out, delays) = testing::record(|| f(&tries, 3));
        assert_eq!(out, Err(Error::Fatal(3)));
        assert_eq!(delays.len(), 2);
        // Transient failures alone are retried up to `max`.
        let tries = Cell::new(0);
        let (out, delays) = testing::record(|| f(&tries, 0));
        assert_eq!((out, delays.len()), (Err(Error::Transient(5)), 4));
    }
}

struct Client {
    retryable: u32,
    tries: u32,
}

impl Client {
    // The predicate borrows `self` while the body needs `&mut self`: each is used in turn.
    #[retry(max = 10, base = "0s", when = |code| *code == self.retryable)]
    fn call(&mut self) -> Result<(), u32> {
        self.tries += 1;
        Err(if self.tries < 4 { 503 } else { 404 })
    }
}

#[test]
fn predicates_can_borrow_self_and_arguments() {
    let mut client = Client {
        retryable: 503,
        tries: 0,
    };
    assert_eq!(client.call(), Err(404));
    assert_eq!(client.tries, 4);
}

#[retry(max = 4, base = "1s", when_ok = |body| body.is_empty())]
fn poll(bodies: &Cell<&'static [&'static str]>) -> Result<&'static str, ()> {
    let (first, rest) = bodies.get().split_first().ok_or(())?;
    bodies.set(rest);
    Ok(first)
}

#[test]
fn when_ok_retries_a_success() {
    let bodies = Cell::new(&["", "", "ready", "later"][..]);
    let (out, delays) = testing::record(|| poll(&bodies));
    assert_eq!((out, delays.len()), (Ok("ready"), 2));
}

#[test]
fn when_ok_returns_the_last_success_when_attempts_run_out() {
    let bodies = Cell::new(&["", "", "", "", "never reached"][..]);
    let (out, delays) = testing::record(|| poll(&bodies));
    assert_eq!((out, delays.len()), (Ok(""), 3));
}

#[test]
fn failures_are_still_retried_with_when_ok() {
    let bodies = Cell::new(&[][..]);
    let (out, delays) = testing::record(|| poll(&bodies));
    assert_eq!((out, delays.len()), (Err(()), 3));
}

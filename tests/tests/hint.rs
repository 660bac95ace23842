//! `hint`: a server's Retry-After can lengthen the next delay up to `max_delay` (or 60 s),
//! never shorten it, and a hint that would reach `deadline` ends the retrying.

use std::cell::Cell;
use std::time::Duration;

use retry_runtime::{retry, retry_after, testing};

#[derive(Debug, PartialEq)]
struct HttpError {
    status: u16,
    retry_after: Option<&'static str>,
}

fn respond(script: &Cell<&'static [HttpError]>) -> Result<&'static str, &'static HttpError> {
    match script.get().split_first() {
        Some((first, rest)) => {
            script.set(rest);
            Err(first)
        }
        None => Ok("200"),
    }
}

const fn busy(retry_after: Option<&'static str>) -> HttpError {
    HttpError {
        status: 503,
        retry_after,
    }
}

#[retry(max = 5, base = "1s", max_delay = "10s", hint = |e| e.retry_after.and_then(retry_after))]
fn call(script: &Cell<&'static [HttpError]>) -> Result<&'static str, &'static HttpError> {
    respond(script)
}

#[test]
fn the_hint_lengthens_the_schedule_up_to_the_cap() {
    static SCRIPT: [HttpError; 4] = [
        busy(Some("3")),
        busy(None),
        busy(Some("120")),
        busy(Some("0")),
    ];
    let script = Cell::new(&SCRIPT[..]);
    let (out, delays) = testing::record(|| call(&script));
    assert_eq!(out, Ok("200"));
    // Retry 0 (1 s) lengthened to the hinted 3 s; no hint: the schedule's 2 s (retry 1);
    // retry 2 (4 s) lengthened to 120 s capped at 10 s; retry 3 (8 s) is not shortened by
    // `Retry-After: 0`.
    assert_eq!(delays, [3, 2, 10, 8].map(Duration::from_secs));
}

#[retry(max = 5, base = "1s", deadline = "60s", hint = |e| e.retry_after.and_then(retry_after))]
fn with_deadline(script: &Cell<&'static [HttpError]>) -> Result<&'static str, &'static HttpError> {
    respond(script)
}

#[test]
fn a_hint_that_would_cross_the_deadline_ends_the_retrying() {
    static SCRIPT: [HttpError; 3] = [busy(Some("30")), busy(Some("45")), busy(None)];
    let script = Cell::new(&SCRIPT[..]);
    let (out, delays) = testing::record(|| with_deadline(&script));
    // 30 s is slept; 45 s more would end at 75 s > 60 s: the 503 is returned.
    assert_eq!(delays, [Duration::from_secs(30)]);
    assert_eq!(out, Err(&SCRIPT[1]));
}

#[test]
fn an_http_date_hint_in_the_past_does_not_skip_the_backoff() {
    static SCRIPT: [HttpError; 1] = [busy(Some("Wed, 21 Oct 2015 07:28:00 GMT"))];
    let script = Cell::new(&SCRIPT[..]);
    let (out, delays) = testing::record(|| call(&script));
    assert_eq!((out, delays), (Ok("200"), vec![Duration::from_secs(1)]));
}

#[retry(max = 3, base = "1s", hint = |()| Some(Duration::from_millis(5)), when_ok = |v| *v == 0)]
fn hint_on_success(tries: &Cell<u32>) -> Result<u32, ()> {
    tries.set(tries.get() + 1);
    Ok(tries.get() - 1)
}

#[test]
fn a_retried_success_has_no_hint_and_follows_the_schedule() {
    let tries = Cell::new(0);
    let (out, delays) = testing::record(|| hint_on_success(&tries));
    assert_eq!((out, delays), (Ok(1), vec![Duration::from_secs(1)]));
}

//! `context = cx`, `Context`, `retry_with_context` and `retry_async_with_context` ("Inside a
//! call"): each attempt's number (1-based, each hedged attempt its own), the time since the
//! first attempt started, the time left before the deadline, and one random id for every
//! attempt of a call. The attribute (sync, async, a method, hedged, with `attempt_timeout`)
//! and the builders, the same scenarios, the same numbers.
#![cfg(feature = "tokio")]

use std::cell::RefCell;
use std::collections::HashSet;
use std::time::Duration;

use retry_runtime::{Context, Policy, retry, testing};

const MS: Duration = Duration::from_millis(1);

thread_local! {
    static SEEN: RefCell<Vec<Context>> = const { RefCell::new(Vec::new()) };
}

/// Keeps `cx`; fails until attempt `succeed_on`.
fn attempt(cx: Context, succeed_on: u32) -> Result<u32, u32> {
    SEEN.with_borrow_mut(|seen| seen.push(cx));
    if cx.attempt >= succeed_on {
        Ok(cx.attempt)
    } else {
        Err(cx.attempt)
    }
}

/// The contexts seen since the last call, and a fresh start.
fn seen() -> Vec<Context> {
    SEEN.take()
}

/// `elapsed` in whole milliseconds: a sync call's clock is the system's, and the attempts'
/// own run time (microseconds) adds to the recorded sleeps.
fn whole_ms(elapsed: Duration) -> Duration {
    MS * u32::try_from(elapsed.as_millis()).unwrap()
}

/// What the scenario's attempts must have been told: numbers 1, 2, 3, elapsed 0, 10 and 30
/// ms (the sleeps), the rest of the 100 ms deadline left, and one id.
fn assert_scenario(contexts: &[Context]) {
    let numbers: Vec<u32> = contexts.iter().map(|cx| cx.attempt).collect();
    assert_eq!(numbers, [1, 2, 3]);
    let elapsed: Vec<Duration> = contexts.iter().map(|cx| whole_ms(cx.elapsed)).collect();
    assert_eq!(elapsed, [0, 10, 30].map(|ms| MS * ms));
    for cx in contexts {
        assert_eq!(cx.remaining().map(|left| left + cx.elapsed), Some(MS * 100));
    }
    let ids: HashSet<u128> = contexts.iter().map(|cx| cx.call_id).collect();
    assert_eq!(ids.len(), 1, "one id for every attempt of a call");
    assert_ne!(contexts[0].call_id, 0);
}

#[retry(max = 3, base = "10ms", deadline = "100ms", context = cx)]
fn sync_call(succeed_on: u32) -> Result<u32, u32> {
    attempt(cx, succeed_on)
}

#[retry(max = 3, base = "10ms", deadline = "100ms", context = cx)]
async fn async_call(succeed_on: u32) -> Result<u32, u32> {
    // The context is `Copy`: it stays usable after being passed on.
    let number = cx.attempt;
    let outcome = attempt(cx, succeed_on);
    assert_eq!(cx.attempt, number);
    outcome
}

fn policy() -> Policy {
    Policy::new()
        .max_attempts(3)
        .base(MS * 10)
        .deadline(MS * 100)
}

#[test]
fn a_sync_fn_tells_each_attempt_its_number_time_and_the_calls_id() {
    let (result, delays) = testing::record(|| sync_call(3));
    assert_eq!(result, Ok(3));
    assert_eq!(delays, [MS * 10, MS * 20]);
    assert_scenario(&seen());
}

#[test]
fn the_sync_builder_tells_the_same() {
    let (result, _) = testing::record(|| policy().retry_with_context(|cx| attempt(cx, 3)).call());
    assert_eq!(result, Ok(3));
    assert_scenario(&seen());
}

#[tokio::test(start_paused = true)]
async fn an_async_fn_tells_the_same() {
    let (result, _) = testing::record_async(async_call(3)).await;
    assert_eq!(result, Ok(3));
    assert_scenario(&seen());
}

#[tokio::test(start_paused = true)]
async fn the_async_builder_tells_the_same() {
    let policy = policy();
    let (result, _) =
        testing::record_async(policy.retry_async_with_context(|cx| async move { attempt(cx, 3) }))
            .await;
    assert_eq!(result, Ok(3));
    assert_scenario(&seen());
}

#[tokio::test(start_paused = true)]
async fn an_async_fn_reads_tokios_clock_for_elapsed_and_remaining() {
    // Not recorded: the sleeps are tokio's, paused, and the context reads its clock.
    let result = async_call(3).await;
    assert_eq!(result, Ok(3));
    assert_scenario(&seen());
}

#[test]
fn each_call_draws_its_own_id() {
    let ids: HashSet<u128> = (0..100)
        .map(|_| {
            let _ = sync_call(1);
            let contexts = seen();
            assert_eq!(contexts.len(), 1);
            contexts[0].call_id
        })
        .collect();
    assert_eq!(ids.len(), 100);
    assert!(!ids.contains(&0));
}

#[retry(max = 2, context = cx)]
fn no_deadline() -> Result<Option<Duration>, ()> {
    Ok(cx.remaining())
}

#[test]
fn without_a_deadline_nothing_remains_to_say() {
    assert_eq!(no_deadline(), Ok(None));
    let from_builder = Policy::new()
        .retry_with_context(|cx| Some(cx.remaining()))
        .call();
    assert_eq!(from_builder, Some(None));
}

#[retry(max = 3, base = "80ms", deadline = "100ms", context = cx)]
fn past_the_deadline() -> Result<Option<Duration>, Option<Duration>> {
    // The second attempt starts 80 ms in, 20 ms before the deadline.
    if cx.attempt == 1 {
        Err(cx.remaining())
    } else {
        Ok(cx.remaining())
    }
}

#[test]
fn remaining_is_what_is_left_when_the_attempt_starts() {
    let (result, _) = testing::record(past_the_deadline);
    let left = result.unwrap().unwrap();
    assert!(left <= MS * 20 && left > MS * 19, "{left:?}");
}

struct Client {
    sent: Vec<(u32, u128)>,
}

impl Client {
    #[retry(max = 3, base = "0s", context = cx)]
    fn send(&mut self, fail: u32) -> Result<usize, ()> {
        self.sent.push((cx.attempt, cx.call_id));
        if cx.attempt <= fail {
            Err(())
        } else {
            Ok(self.sent.len())
        }
    }

    #[retry(max = 3, base = "0s", context = attempt_context)]
    async fn send_async(&mut self, fail: u32) -> Result<usize, ()> {
        self.sent
            .push((attempt_context.attempt, attempt_context.call_id));
        if attempt_context.attempt <= fail {
            Err(())
        } else {
            Ok(self.sent.len())
        }
    }
}

#[tokio::test]
async fn methods_bind_it_too_by_any_name() {
    let mut client = Client { sent: Vec::new() };
    assert_eq!(client.send(2), Ok(3));
    assert_eq!(client.send_async(1).await, Ok(5));
    let numbers: Vec<u32> = client.sent.iter().map(|sent| sent.0).collect();
    assert_eq!(numbers, [1, 2, 3, 1, 2]);
    // Two calls: two ids, each shared by its call's attempts.
    assert!(
        client.sent[..3]
            .iter()
            .all(|sent| sent.1 == client.sent[0].1)
    );
    assert!(
        client.sent[3..]
            .iter()
            .all(|sent| sent.1 == client.sent[3].1)
    );
    assert_ne!(client.sent[0].1, client.sent[3].1);
}

/// Hedged: the first attempt answers after 100 ms, later ones after 10 ms; each is told its
/// own number as it starts, 30 ms after the last.
async fn hedged_attempt(cx: Context) -> Result<u32, ()> {
    SEEN.with_borrow_mut(|seen| seen.push(cx));
    let latency = if cx.attempt == 1 { 100 } else { 10 };
    tokio::time::sleep(MS * latency).await;
    Ok(cx.attempt)
}

#[retry(max = 3, hedge = "30ms", context = cx)]
async fn hedged_call() -> Result<u32, ()> {
    hedged_attempt(cx).await
}

fn assert_hedged(contexts: &[Context]) {
    let numbers: Vec<u32> = contexts.iter().map(|cx| cx.attempt).collect();
    assert_eq!(numbers, [1, 2]);
    let elapsed: Vec<Duration> = contexts.iter().map(|cx| cx.elapsed).collect();
    assert_eq!(elapsed, [Duration::ZERO, MS * 30]);
    assert_eq!(contexts[0].call_id, contexts[1].call_id);
}

#[tokio::test(start_paused = true)]
async fn each_hedged_attempt_has_its_own_number() {
    // The hedge started at 30 ms answers at 40 ms, before the first.
    assert_eq!(hedged_call().await, Ok(2));
    assert_hedged(&seen());
}

#[tokio::test(start_paused = true)]
async fn the_hedged_builder_numbers_alike() {
    let policy = Policy::new().max_attempts(3);
    let result = policy
        .retry_async_with_context(hedged_attempt)
        .hedge(MS * 30)
        .await;
    assert_eq!(result, Ok(2));
    assert_hedged(&seen());
}

#[retry(max = 3, base = "0s", attempt_timeout = "50ms", context = cx)]
async fn cut_call() -> Result<u32, std::io::Error> {
    SEEN.with_borrow_mut(|seen| seen.push(cx));
    if cx.attempt < 3 {
        std::future::pending::<()>().await;
    }
    Ok(cx.attempt)
}

#[tokio::test(start_paused = true)]
async fn attempts_cut_by_attempt_timeout_share_the_calls_id() {
    assert_eq!(cut_call().await.unwrap(), 3);
    let contexts = seen();
    let elapsed: Vec<Duration> = contexts.iter().map(|cx| cx.elapsed).collect();
    assert_eq!(elapsed, [0, 50, 100].map(|ms| MS * ms));
    assert!(contexts.iter().all(|cx| cx.call_id == contexts[0].call_id));
}

#[retry(max = 2, base = "0s", context = cx, clone(name))]
fn consumes(name: String) -> Result<String, String> {
    let tagged = format!("{name}#{}", cx.attempt);
    if cx.attempt == 1 {
        Err(tagged)
    } else {
        Ok(tagged)
    }
}

#[test]
fn context_and_clone_go_together() {
    assert_eq!(consumes("a".into()).as_deref(), Ok("a#2"));
}

//! `on_success` and `Succeeded` ("Inside a call"): called once when a call returns a
//! success, with the attempts and the elapsed time; never on a give-up (a success that
//! `when_ok` still wanted included), so that with `on_retry` and `on_give_up` every call ends
//! in exactly one hook. The attribute (sync, async, hedged, a method) and the builders, same
//! scenarios, same numbers.
#![cfg(feature = "tokio")]

use std::cell::{Cell, RefCell};
use std::time::Duration;

use retry_runtime::{GiveUp, Policy, StopReason, Succeeded, retry, testing};

/// How one call ended, as its hooks told it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    /// `on_success`: attempts, elapsed in whole tens of milliseconds (the attempts' own
    /// run time, microseconds, is below that).
    Succeeded(u32, Duration),
    /// `on_give_up`: attempts, reason.
    GaveUp(u32, StopReason),
}

thread_local! {
    static ENDS: RefCell<Vec<End>> = const { RefCell::new(Vec::new()) };
    static CALLS: Cell<u32> = const { Cell::new(0) };
}

fn succeeded<R>(s: &Succeeded<'_, R>) {
    let tens = u32::try_from(s.elapsed.as_millis() / 10).unwrap();
    ENDS.with_borrow_mut(|ends| ends.push(End::Succeeded(s.attempts, MS * 10 * tens)));
}

fn gave_up<R>(g: &GiveUp<'_, R>) {
    ENDS.with_borrow_mut(|ends| ends.push(End::GaveUp(g.attempts, g.reason)));
}

/// The hooks' ends since the last call, and a fresh start.
fn ends() -> Vec<End> {
    CALLS.set(0);
    ENDS.take()
}

/// Fails (with the call's number) until call `succeed_on`; 0 is a value `when_ok` retries,
/// 404 a failure `when` declines.
fn op(succeed_on: u32) -> Result<u32, u32> {
    let n = CALLS.get() + 1;
    CALLS.set(n);
    match succeed_on {
        0 => Ok(0),
        404 => Err(404),
        _ if n >= succeed_on => Ok(n),
        _ => Err(n),
    }
}

const MS: Duration = Duration::from_millis(1);

#[retry(max = 3, base = "10ms", when = |e| *e != 404, when_ok = |v| *v == 0,
        on_success = succeeded, on_give_up = gave_up)]
fn sync_call(succeed_on: u32) -> Result<u32, u32> {
    op(succeed_on)
}

#[retry(max = 3, base = "10ms", when = |e| *e != 404, when_ok = |v| *v == 0,
        on_success = succeeded, on_give_up = gave_up)]
async fn async_call(succeed_on: u32) -> Result<u32, u32> {
    op(succeed_on)
}

/// The builders' call, the same keys.
fn builder(succeed_on: u32) -> Result<u32, u32> {
    Policy::new()
        .max_attempts(3)
        .base(MS * 10)
        .retry(|| op(succeed_on))
        .when(|e| *e != 404)
        .when_ok(|v| *v == 0)
        .on_success(succeeded)
        .on_give_up(gave_up)
        .call()
}

async fn builder_async(succeed_on: u32) -> Result<u32, u32> {
    Policy::new()
        .max_attempts(3)
        .base(MS * 10)
        .retry_async(|| async move { op(succeed_on) })
        .when(|e| *e != 404)
        .when_ok(|v| *v == 0)
        .on_success(succeeded)
        .on_give_up(gave_up)
        .await
}

/// The scenarios and how each must end: (argument, outcome, the one hook).
fn scenarios() -> [(u32, Result<u32, u32>, End); 5] {
    [
        (1, Ok(1), End::Succeeded(1, Duration::ZERO)),
        // 10 ms, then 20 ms, recorded: they count as elapsed time.
        (3, Ok(3), End::Succeeded(3, MS * 30)),
        (9, Err(3), End::GaveUp(3, StopReason::Attempts)),
        (404, Err(404), End::GaveUp(1, StopReason::NotRetryable)),
        // A success `when_ok` still wanted goes to `on_give_up`, never to `on_success`.
        (0, Ok(0), End::GaveUp(3, StopReason::Attempts)),
    ]
}

#[test]
fn every_sync_call_ends_in_exactly_one_hook() {
    for (arg, outcome, end) in scenarios() {
        let (got, _) = testing::record(|| sync_call(arg));
        assert_eq!(
            (got, ends()),
            (outcome, vec![end.clone()]),
            "attribute, {arg}"
        );
        let (got, _) = testing::record(|| builder(arg));
        assert_eq!((got, ends()), (outcome, vec![end]), "builder, {arg}");
    }
}

#[tokio::test]
async fn every_async_call_ends_in_exactly_one_hook() {
    for (arg, outcome, end) in scenarios() {
        let (got, _) = testing::record_async(async_call(arg)).await;
        assert_eq!(
            (got, ends()),
            (outcome, vec![end.clone()]),
            "attribute, {arg}"
        );
        let (got, _) = testing::record_async(builder_async(arg)).await;
        assert_eq!((got, ends()), (outcome, vec![end]), "builder, {arg}");
    }
}

struct Client {
    name: &'static str,
}

impl Client {
    #[retry(max = 3, base = "0s", on_success = |s| assert_eq!((self.name, s.value()), ("c", Some(&2))))]
    fn fetch(&self) -> Result<u32, u32> {
        op(2)
    }
}

#[test]
fn a_method_hook_can_read_self_and_the_value() {
    assert_eq!(Client { name: "c" }.fetch(), Ok(2));
    CALLS.set(0);
}

#[retry(max = 3, hedge = "10ms", on_success = succeeded, on_give_up = gave_up)]
async fn hedged(succeed_on: u32) -> Result<u32, u32> {
    op(succeed_on)
}

#[tokio::test(start_paused = true)]
async fn a_hedged_call_ends_in_one_hook_too() {
    // The first attempt fails at once and starts the second, which succeeds.
    assert_eq!(hedged(2).await, Ok(2));
    assert_eq!(ends(), [End::Succeeded(2, Duration::ZERO)]);
    assert_eq!(hedged(9).await, Err(3));
    assert_eq!(ends(), [End::GaveUp(3, StopReason::Attempts)]);
    // The builder's hedged call, the same.
    let policy = Policy::new().max_attempts(3);
    let builder = policy
        .retry_async(|| async { op(2) })
        .hedge(MS * 10)
        .on_success(succeeded)
        .on_give_up(gave_up);
    assert_eq!(builder.await, Ok(2));
    assert_eq!(ends(), [End::Succeeded(2, Duration::ZERO)]);
}

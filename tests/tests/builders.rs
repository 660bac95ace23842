//! The closure builders have every behaviour of the attribute: each scenario runs once
//! through a `#[retry]` fn and once through `policy.retry(..)` / `policy.retry_async(..)`
//! with the same keys, and both must make the same calls, sleep the same delays, call the
//! same hooks with the same values and give up for the same reason.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use retry_runtime::{Attempt, Backoff, GiveUp, Policy, RetryBudget, StopReason, retry, testing};
use retry_tests::block_on;

/// A service that answers from a script, one answer per call, the last one forever.
struct Service {
    script: Vec<Result<u8, u16>>,
    calls: Cell<usize>,
}

impl Service {
    fn new(script: &[Result<u8, u16>]) -> Self {
        Service {
            script: script.to_vec(),
            calls: Cell::new(0),
        }
    }

    fn call(&self) -> Result<u8, u16> {
        let n = self.calls.get();
        self.calls.set(n + 1);
        self.script[n.min(self.script.len() - 1)]
    }
}

/// What `on_retry` saw: attempt number, delay, elapsed (to 5 ms), error.
type Retried = (u32, Duration, Duration, Option<u16>);
/// What `on_give_up` saw: attempts, elapsed (to 5 ms), reason, error.
type GaveUp = (u32, Duration, StopReason, Option<u16>);

/// Everything a call did that a user can see.
#[derive(Debug, Default, PartialEq)]
struct Seen {
    outcome: Option<Result<u8, u16>>,
    calls: usize,
    delays: Vec<Duration>,
    retries: Vec<Retried>,
    give_ups: Vec<GaveUp>,
}

#[derive(Default)]
struct Log {
    retries: RefCell<Vec<Retried>>,
    give_ups: RefCell<Vec<GaveUp>>,
}

impl Log {
    fn retry(&self, a: &Attempt<'_, Result<u8, u16>>) {
        let entry = (a.number, a.delay, millis(a.elapsed), a.error().copied());
        self.retries.borrow_mut().push(entry);
    }

    fn give_up(&self, g: &GiveUp<'_, Result<u8, u16>>) {
        let entry = (g.attempts, millis(g.elapsed), g.reason, g.error().copied());
        self.give_ups.borrow_mut().push(entry);
    }

    fn seen(&self, service: &Service, outcome: Result<u8, u16>, delays: Vec<Duration>) -> Seen {
        Seen {
            outcome: Some(outcome),
            calls: service.calls.get(),
            delays,
            retries: self.retries.take(),
            give_ups: self.give_ups.take(),
        }
    }
}

/// Elapsed time rounded down to 5 ms: the recorded sleeps are exact (whole multiples of
/// 10 ms here), the attempts' own running time is not: well under a millisecond on an idle
/// machine, a few on a loaded one (a cold CI run measured 2 ms).
fn millis(elapsed: Duration) -> Duration {
    let millis = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(millis - millis % 5)
}

/// Runs `run` under a recording against a fresh service with `script`.
fn observe(
    script: &[Result<u8, u16>],
    run: impl FnOnce(&Service, &Log) -> Result<u8, u16>,
) -> Seen {
    let (service, log) = (Service::new(script), Log::default());
    let (outcome, delays) = testing::record(|| run(&service, &log));
    log.seen(&service, outcome, delays)
}

/// `observe` for a future.
fn observe_async<F: Future<Output = Result<u8, u16>>>(
    script: &[Result<u8, u16>],
    run: impl FnOnce(&'static Service, &'static Log) -> F,
) -> Seen {
    // The futures borrow both for as long as they like: a few bytes per test.
    let service: &'static Service = Box::leak(Box::new(Service::new(script)));
    let log: &'static Log = Box::leak(Box::default());
    let (outcome, delays) = block_on(testing::record_async(run(service, log)));
    log.seen(service, outcome, delays)
}

const FAILING: &[Result<u8, u16>] = &[Err(503)];
const RECOVERING: &[Result<u8, u16>] = &[Err(503), Err(502), Ok(7)];
const THEN_NOT_FOUND: &[Result<u8, u16>] = &[Err(503), Err(404)];
const PENDING: &[Result<u8, u16>] = &[Ok(0), Ok(0), Ok(9)];

#[retry(max = 4, base = "1s", on_retry = |a| log.retry(a), on_give_up = |g| log.give_up(g))]
fn schedule(service: &Service, log: &Log) -> Result<u8, u16> {
    service.call()
}

#[test]
fn schedule_hooks_and_giving_up() {
    let policy = Policy::new().max_attempts(4).base(Duration::from_secs(1));
    for script in [FAILING, RECOVERING] {
        let by_attribute = observe(script, schedule);
        let by_builder = observe(script, |service, log| {
            policy
                .retry(|| service.call())
                .on_retry(|a| log.retry(a))
                .on_give_up(|g| log.give_up(g))
                .call()
        });
        assert_eq!(by_attribute, by_builder);
        assert!(!by_builder.retries.is_empty());
    }
    let failing = observe(FAILING, schedule);
    assert_eq!(failing.calls, 4);
    assert_eq!(failing.delays, [1, 2, 4].map(Duration::from_secs));
    assert_eq!(
        failing.give_ups,
        [(4, Duration::from_secs(7), StopReason::Attempts, Some(503))]
    );
}

#[retry(max = 5, base = "10ms", backoff = "linear", when = |e| *e >= 500, on_give_up = |g| log.give_up(g))]
fn when(service: &Service, log: &Log) -> Result<u8, u16> {
    service.call()
}

#[test]
fn when_declines() {
    let policy = Policy::new()
        .max_attempts(5)
        .base(Duration::from_millis(10))
        .backoff(Backoff::Linear);
    let by_builder = observe(THEN_NOT_FOUND, |service, log| {
        policy
            .retry(|| service.call())
            .when(|e| *e >= 500)
            .on_give_up(|g| log.give_up(g))
            .call()
    });
    assert_eq!(observe(THEN_NOT_FOUND, when), by_builder);
    assert_eq!(by_builder.calls, 2);
    assert_eq!(by_builder.give_ups[0].2, StopReason::NotRetryable);
}

#[retry(max = 5, base = "1s", backoff = "fixed", when_ok = |v| *v == 0, on_retry = |a| log.retry(a))]
fn when_ok(service: &Service, log: &Log) -> Result<u8, u16> {
    service.call()
}

#[test]
fn when_ok_retries_successes() {
    let policy = Policy::new()
        .max_attempts(5)
        .base(Duration::from_secs(1))
        .backoff(Backoff::Fixed);
    let by_builder = observe(PENDING, |service, log| {
        policy
            .retry(|| service.call())
            .when_ok(|v| *v == 0)
            .on_retry(|a| log.retry(a))
            .call()
    });
    assert_eq!(observe(PENDING, when_ok), by_builder);
    assert_eq!((by_builder.outcome, by_builder.calls), (Some(Ok(9)), 3));
    assert_eq!(by_builder.retries[0].3, None); // a success has no error
}

#[allow(clippy::trivially_copy_pass_by_ref)] // a `hint` takes the error by reference
fn hinted(status: &u16) -> Option<Duration> {
    (*status == 503).then_some(Duration::from_secs(30))
}

#[retry(max = 3, base = "1s", max_delay = "20s", hint = hinted, deadline = "1m")]
fn hint(service: &Service, log: &Log) -> Result<u8, u16> {
    let _ = log;
    service.call()
}

#[test]
fn hints_max_delay_and_deadline() {
    let policy = Policy::new()
        .max_attempts(3)
        .base(Duration::from_secs(1))
        .max_delay(Duration::from_secs(20))
        .deadline(Duration::from_secs(60));
    let by_builder = observe(RECOVERING, |service, _| {
        policy.retry(|| service.call()).hint(hinted).call()
    });
    assert_eq!(observe(RECOVERING, hint), by_builder);
    // 503 is hinted 30 s, capped at 20 s; 502 follows the schedule (retry 1: 2 s).
    assert_eq!(by_builder.delays, [20, 2].map(Duration::from_secs));
}

static ATTRIBUTE_BUDGET: RetryBudget = RetryBudget::new(4, 0.001);
static BUILDER_BUDGET: RetryBudget = RetryBudget::new(4, 0.001);

#[retry(max = 10, base = "0s", budget = &ATTRIBUTE_BUDGET, on_give_up = |g| log.give_up(g))]
fn budget(service: &Service, log: &Log) -> Result<u8, u16> {
    service.call()
}

#[test]
fn the_budget() {
    let policy = Policy::new().max_attempts(10).base(Duration::ZERO);
    let by_builder = observe(FAILING, |service, log| {
        policy
            .retry(|| service.call())
            .budget(&BUILDER_BUDGET)
            .on_give_up(|g| log.give_up(g))
            .call()
    });
    assert_eq!(observe(FAILING, budget), by_builder);
    assert_eq!(by_builder.calls, 2);
    assert_eq!(by_builder.give_ups[0].2, StopReason::Budget);
    assert!((ATTRIBUTE_BUDGET.tokens() - BUILDER_BUDGET.tokens()).abs() < 1e-9);
}

#[retry(max = 4, base = "1s", on_retry = |a| log.retry(a), on_give_up = |g| log.give_up(g),
        sleep = no_sleep)]
async fn schedule_async(service: &Service, log: &Log) -> Result<u8, u16> {
    service.call()
}

async fn no_sleep(_: Duration) {}

#[test]
fn async_schedule_hooks_and_giving_up() {
    let policy = Policy::new().max_attempts(4).base(Duration::from_secs(1));
    for script in [FAILING, RECOVERING] {
        let by_attribute = observe_async(script, schedule_async);
        let by_builder = observe_async(script, |service, log| {
            policy
                .retry_async(|| async { service.call() })
                .on_retry(|a| log.retry(a))
                .on_give_up(|g| log.give_up(g))
                .sleep(no_sleep)
                .into_future()
        });
        assert_eq!(by_attribute, by_builder);
        assert_eq!(by_attribute, observe(script, schedule));
    }
}

#[retry(max = 5, base = "10ms", when = |e| *e >= 500, on_give_up = |g| log.give_up(g),
        sleep = no_sleep)]
async fn when_async(service: &Service, log: &Log) -> Result<u8, u16> {
    service.call()
}

#[test]
fn async_when_declines() {
    let policy = Policy::new()
        .max_attempts(5)
        .base(Duration::from_millis(10));
    let by_builder = observe_async(THEN_NOT_FOUND, |service, log| {
        policy
            .retry_async(|| async { service.call() })
            .when(|e| *e >= 500)
            .on_give_up(|g| log.give_up(g))
            .sleep(no_sleep)
            .into_future()
    });
    assert_eq!(observe_async(THEN_NOT_FOUND, when_async), by_builder);
    assert_eq!(by_builder.give_ups[0].2, StopReason::NotRetryable);
}

#[test]
fn nothing_runs_until_call_or_await() {
    let service = Service::new(FAILING);
    let policy = Policy::new();
    let pending = policy.retry(|| service.call());
    let pending_async = policy.retry_async(|| async { service.call() });
    assert_eq!(service.calls.get(), 0);
    drop((pending, pending_async));
    assert_eq!(service.calls.get(), 0);
}

#[test]
fn async_mut_schedule_hooks_and_giving_up() {
    let policy = Policy::new().max_attempts(4).base(Duration::from_secs(1));
    for script in [FAILING, RECOVERING] {
        let by_attribute = observe_async(script, schedule_async);
        let by_builder = observe_async(script, |service, log| {
            policy
                .retry_async_mut(async || service.call())
                .on_retry(|a| log.retry(a))
                .on_give_up(|g| log.give_up(g))
                .sleep_mut(no_sleep)
                .run()
        });
        assert_eq!(by_attribute, by_builder);
    }
}

#[test]
fn async_mut_when_declines() {
    let policy = Policy::new()
        .max_attempts(5)
        .base(Duration::from_millis(10));
    let by_builder = observe_async(THEN_NOT_FOUND, |service, log| {
        policy
            .retry_async_mut(async || service.call())
            .when(|e| *e >= 500)
            .on_give_up(|g| log.give_up(g))
            .sleep_mut(no_sleep)
            .run()
    });
    assert_eq!(observe_async(THEN_NOT_FOUND, when_async), by_builder);
}

#[test]
fn async_mut_futures_borrow_the_closures_state_across_awaits() {
    let policy = Policy::new()
        .max_attempts(3)
        .base(Duration::from_millis(10));
    let mut log: Vec<usize> = Vec::new();
    let call = policy
        .retry_async_mut(async || {
            let entry = log.len();
            log.push(entry); // a mutable borrow of the captured state...
            std::future::ready(()).await; // ...held across an await
            if log.len() < 3 {
                Err(log.len())
            } else {
                Ok(log.len())
            }
        })
        .sleep_mut(no_sleep)
        .run();
    let (outcome, delays) = block_on(testing::record_async(call));
    assert_eq!(outcome, Ok(3));
    assert_eq!(delays, [10, 20].map(Duration::from_millis));
    assert_eq!(log, [0, 1, 2]);
}

#[test]
fn async_mut_runs_nothing_until_awaited() {
    let service = Service::new(FAILING);
    let policy = Policy::new();
    let pending = policy
        .retry_async_mut(async || service.call())
        .sleep_mut(no_sleep)
        .run();
    assert_eq!(service.calls.get(), 0);
    drop(pending);
    assert_eq!(service.calls.get(), 0);
}

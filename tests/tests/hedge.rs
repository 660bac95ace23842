//! `hedge`: attempts that overlap, on tokio's paused clock with exact times. Each scenario
//! runs through a `#[retry(hedge = ...)]` fn and through the `retry_async` builder.
#![cfg(feature = "tokio")]

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use retry_runtime::{Policy, RetryBudget, StopReason, TimedOut, retry};
use tokio::time::Instant;

const MS: Duration = Duration::from_millis(1);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Error {
    Unavailable,
    NotFound,
    TimedOut(TimedOut),
}

impl From<TimedOut> for Error {
    fn from(timed_out: TimedOut) -> Self {
        Error::TimedOut(timed_out)
    }
}

/// A server whose `n`th call answers `script(n)` after the latency the script gives. It
/// counts the calls started, and the calls dropped before they answered.
struct Server {
    script: fn(u32) -> (u64, Result<u32, Error>),
    calls: AtomicU32,
    dropped: AtomicU32,
}

/// Counts a call as dropped unless it answered.
struct Guard<'a> {
    server: &'a Server,
    answered: bool,
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        if !self.answered {
            self.server.dropped.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Server {
    const fn new(script: fn(u32) -> (u64, Result<u32, Error>)) -> Self {
        Server {
            script,
            calls: AtomicU32::new(0),
            dropped: AtomicU32::new(0),
        }
    }

    async fn call(&self) -> Result<u32, Error> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let (latency, answer) = (self.script)(n);
        let mut guard = Guard {
            server: self,
            answered: false,
        };
        tokio::time::sleep(MS * u32::try_from(latency).unwrap()).await;
        guard.answered = true;
        answer
    }

    fn calls(&self) -> u32 {
        self.calls.load(Ordering::SeqCst)
    }

    fn dropped(&self) -> u32 {
        self.dropped.load(Ordering::SeqCst)
    }

    /// Calls through a hedged builder with `max` attempts, a hedge of 50 ms, and `when`
    /// retrying all but `NotFound`.
    async fn through_builder(&self, policy: &Policy) -> Result<u32, Error> {
        policy
            .retry_async(|| self.call())
            .when(|e| *e != Error::NotFound)
            .hedge(MS * 50)
            .await
    }
}

#[retry(max = 3, hedge = "50ms", when = |e| *e != Error::NotFound)]
async fn fetch(server: &Server) -> Result<u32, Error> {
    server.call().await
}

/// Runs `fetch` and the builder with the same settings on fresh servers with `script`:
/// both outcomes, the calls each server saw, the calls dropped, and the times taken.
async fn both(
    script: fn(u32) -> (u64, Result<u32, Error>),
) -> [(Result<u32, Error>, u32, u32, Duration); 2] {
    let (by_macro, by_builder) = (Server::new(script), Server::new(script));
    let start = Instant::now();
    let outcome = fetch(&by_macro).await;
    let macro_run = (
        outcome,
        by_macro.calls(),
        by_macro.dropped(),
        start.elapsed(),
    );
    let start = Instant::now();
    let outcome = by_builder.through_builder(&Policy::new()).await;
    let builder_run = (
        outcome,
        by_builder.calls(),
        by_builder.dropped(),
        start.elapsed(),
    );
    [macro_run, builder_run]
}

#[tokio::test(start_paused = true)]
async fn a_slow_first_attempt_is_overtaken_by_the_hedge() {
    // Call 1 takes 1 s; call 2, started at 50 ms, answers at 60 ms; call 1 is dropped.
    let runs = both(|n| if n == 1 { (1000, Ok(1)) } else { (10, Ok(n)) }).await;
    for run in runs {
        assert_eq!(run, (Ok(2), 2, 1, MS * 60));
    }
}

#[tokio::test(start_paused = true)]
async fn a_fast_call_starts_no_hedge() {
    let runs = both(|n| (10, Ok(n))).await;
    for run in runs {
        assert_eq!(run, (Ok(1), 1, 0, MS * 10));
    }
}

#[tokio::test(start_paused = true)]
async fn a_retryable_failure_starts_the_next_attempt_at_once() {
    // Call 1 fails at 10 ms; call 2 starts then, not at 50 ms, and answers at 30 ms.
    let runs = both(|n| {
        if n == 1 {
            (10, Err(Error::Unavailable))
        } else {
            (20, Ok(n))
        }
    })
    .await;
    for run in runs {
        assert_eq!(run, (Ok(2), 2, 0, MS * 30));
    }
}

#[tokio::test(start_paused = true)]
async fn a_declined_failure_is_returned_and_the_others_dropped() {
    // Call 1 hangs for 1 s; the hedge (50 ms) gets `NotFound` at 60 ms, which is returned
    // then, with call 1 dropped.
    let runs = both(|n| {
        if n == 1 {
            (1000, Ok(1))
        } else {
            (10, Err(Error::NotFound))
        }
    })
    .await;
    for run in runs {
        assert_eq!(run, (Err(Error::NotFound), 2, 1, MS * 60));
    }
}

#[tokio::test(start_paused = true)]
async fn when_every_attempt_fails_the_last_failure_is_returned() {
    // Each call fails after 100 ms: calls start at 0 and 50 ms (hedge), and at 100 ms
    // (call 1's failure); call 2's failure at 150 ms starts nothing (3 started); call 3's
    // failure at 200 ms is the last, and is returned.
    static GIVE_UPS: Mutex<GiveUps> = Mutex::new(Vec::new());
    #[retry(max = 3, hedge = "50ms", on_give_up = |g| GIVE_UPS.lock().unwrap().push((g.attempts, g.reason, g.elapsed, g.error().copied())))]
    async fn fetch_all(server: &Server) -> Result<u32, Error> {
        server
            .call()
            .await
            .map_err(|_| Error::TimedOut(TimedOut::new(MS * 100)))
    }
    let server = Server::new(|_| (100, Err(Error::Unavailable)));
    let start = Instant::now();
    let outcome = fetch_all(&server).await;
    assert_eq!(start.elapsed(), MS * 200);
    assert_eq!(outcome, Err(Error::TimedOut(TimedOut::new(MS * 100))));
    assert_eq!((server.calls(), server.dropped()), (3, 0));
    let expected = (
        3,
        StopReason::Attempts,
        MS * 200,
        Some(Error::TimedOut(TimedOut::new(MS * 100))),
    );
    assert_eq!(*GIVE_UPS.lock().unwrap(), [expected]);

    // The builder returns the last failure too, which here is call 3's.
    let server = Server::new(|n| {
        (
            100,
            if n == 3 {
                Err(Error::Unavailable)
            } else {
                Err(Error::TimedOut(TimedOut::new(MS)))
            },
        )
    });
    let start = Instant::now();
    let give_ups = Mutex::new(Vec::new());
    let outcome = Policy::new()
        .retry_async(|| server.call())
        .on_give_up(|g| {
            give_ups
                .lock()
                .unwrap()
                .push((g.attempts, g.reason, g.elapsed));
        })
        .hedge(MS * 50)
        .await;
    assert_eq!(
        (outcome, start.elapsed(), server.calls()),
        (Err(Error::Unavailable), MS * 200, 3)
    );
    assert_eq!(
        *give_ups.lock().unwrap(),
        [(3, StopReason::Attempts, MS * 200)]
    );
}

#[tokio::test(start_paused = true)]
async fn the_budget_refuses_a_hedge() {
    // Every call takes 1 s. 4 tokens: the first hedge (50 ms) takes one and leaves 3, above
    // half; the second (100 ms) would leave 2, so it is refused, and no other starts.
    static BUDGET: RetryBudget = RetryBudget::new(4, 0.001);
    static SHARED: RetryBudget = RetryBudget::new(4, 0.001);
    #[retry(max = 5, hedge = "50ms", budget = &BUDGET, on_give_up = |_| panic!("a success"))]
    async fn fetch_budgeted(server: &Server) -> Result<u32, Error> {
        server.call().await
    }
    let server = Server::new(|n| (1000, Ok(n)));
    let start = Instant::now();
    assert_eq!(fetch_budgeted(&server).await, Ok(1));
    assert_eq!(
        (server.calls(), server.dropped(), start.elapsed()),
        (2, 1, MS * 1000)
    );

    // The refused hedge took no token: it sent nothing (the success gave 0.001 back).
    assert!(
        (BUDGET.tokens() - 3.001).abs() < 1e-9,
        "{}",
        BUDGET.tokens()
    );
    let server = Server::new(|n| (1000, Ok(n)));
    let policy = Policy::new().max_attempts(5).budget(&SHARED);
    assert_eq!(server.through_builder(&policy).await, Ok(1));
    assert_eq!(server.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_stops_new_hedges() {
    // Calls start at 0, 50 and 100 ms; at 150 ms the deadline (120 ms) has passed, so no
    // fourth starts, and call 1 answers at 1 s.
    #[retry(max = 10, hedge = "50ms", deadline = "120ms")]
    async fn fetch_by_deadline(server: &Server) -> Result<u32, Error> {
        server.call().await
    }
    let server = Server::new(|n| (1000, Ok(n)));
    let start = Instant::now();
    assert_eq!(fetch_by_deadline(&server).await, Ok(1));
    assert_eq!(
        (server.calls(), server.dropped(), start.elapsed()),
        (3, 2, MS * 1000)
    );

    let server = Server::new(|n| (1000, Ok(n)));
    let policy = Policy::new().max_attempts(10).deadline(MS * 120);
    assert_eq!(server.through_builder(&policy).await, Ok(1));
    assert_eq!(server.calls(), 3);
}

type Seen = Vec<(u32, Duration, Duration, Option<Error>)>;
type GiveUps = Vec<(u32, StopReason, Duration, Option<Error>)>;

#[tokio::test(start_paused = true)]
async fn on_retry_is_called_as_each_hedge_starts() {
    // Call 1 fails at 70 ms; call 2 (hedge at 50 ms) takes 1 s; call 3 starts at 70 ms on
    // call 1's failure and answers at 90 ms. A hedge on the timer reports the attempt it
    // overtakes as `TimedOut` after the hedge; one on a failure reports the failure.
    static SEEN: Mutex<Seen> = Mutex::new(Vec::new());
    fn script(n: u32) -> (u64, Result<u32, Error>) {
        match n {
            1 => (70, Err(Error::Unavailable)),
            2 => (1000, Ok(2)),
            _ => (20, Ok(n)),
        }
    }
    #[retry(max = 3, hedge = "50ms", on_retry = |a| SEEN.lock().unwrap().push((a.number, a.delay, a.elapsed, a.error().copied())))]
    async fn fetch_seen(server: &Server) -> Result<u32, Error> {
        server.call().await
    }
    let expected = [
        (
            1,
            Duration::ZERO,
            MS * 50,
            Some(Error::TimedOut(TimedOut::new(MS * 50))),
        ),
        (2, Duration::ZERO, MS * 70, Some(Error::Unavailable)),
    ];
    let server = Server::new(script);
    assert_eq!(fetch_seen(&server).await, Ok(3));
    assert_eq!(*SEEN.lock().unwrap(), expected);

    let server = Server::new(script);
    let seen = Mutex::new(Seen::new());
    let outcome = Policy::new()
        .retry_async(|| server.call())
        .on_retry(|a| {
            seen.lock()
                .unwrap()
                .push((a.number, a.delay, a.elapsed, a.error().copied()));
        })
        .hedge(MS * 50)
        .await;
    assert_eq!((outcome, server.dropped()), (Ok(3), 1));
    assert_eq!(*seen.lock().unwrap(), expected);
}

#[tokio::test(start_paused = true)]
async fn attempt_timeout_applies_to_each_hedged_attempt() {
    // Every call hangs, and each is cut 80 ms after it started. Calls start at 0 and 50 ms
    // (hedge); call 1's cut at 80 ms starts call 3 at once; call 2 is cut at 130 ms, and
    // call 3 at 160 ms, the last failure, which is returned.
    #[retry(max = 3, hedge = "50ms", attempt_timeout = "80ms")]
    async fn fetch_cut(server: &Server) -> Result<u32, Error> {
        server.call().await
    }
    let server = Server::new(|n| (10_000, Ok(n)));
    let start = Instant::now();
    let outcome = fetch_cut(&server).await;
    assert_eq!(outcome, Err(Error::TimedOut(TimedOut::new(MS * 80))));
    assert_eq!(
        (server.calls(), server.dropped(), start.elapsed()),
        (3, 3, MS * 160)
    );
}

/// A hedged method on `&self`, through `#[async_trait]` and `dyn Trait` on a
/// multi-threaded runtime: the boxed future is `Send`.
#[async_trait::async_trait]
trait Fetch: Send + Sync {
    async fn fetch(&self) -> Result<u32, Error>;
}

#[async_trait::async_trait]
impl Fetch for Server {
    #[retry(max = 3, hedge = "50ms", when = |e| self.calls() < 10 && *e != Error::NotFound)]
    async fn fetch(&self) -> Result<u32, Error> {
        self.call().await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hedged_method_through_dyn_trait_is_send() {
    static SERVER: Server = Server::new(|n| if n == 1 { (1000, Ok(1)) } else { (1, Ok(n)) });
    let fetcher: &'static dyn Fetch = &SERVER;
    let outcome = tokio::spawn(async move { fetcher.fetch().await })
        .await
        .unwrap();
    assert_eq!(outcome, Ok(2));
}

/// The allocations of one call: none, or the `metrics` feature's three keys (see
/// `alloc.rs`).
const PER_CALL: u64 = if cfg!(feature = "metrics") { 3 } else { 0 };

#[test]
fn a_call_answered_before_the_hedge_allocates_nothing() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let server = Server::new(|n| (10, Ok(n)));
    // One call outside the count: tokio's timer allocates on first use.
    runtime.block_on(fetch(&server)).unwrap();
    let allocations = allocation_counter::measure(|| {
        runtime.block_on(fetch(&server)).unwrap();
    });
    assert_eq!(allocations.count_total, PER_CALL);
    // A hedged call allocates once, for the attempts beside the first.
    let slow = Server::new(|n| if n == 1 { (1000, Ok(1)) } else { (10, Ok(n)) });
    let allocations = allocation_counter::measure(|| {
        runtime.block_on(fetch(&slow)).unwrap();
    });
    assert_eq!((allocations.count_total, slow.calls()), (1 + PER_CALL, 2));
}

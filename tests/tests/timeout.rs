//! `attempt_timeout`: an attempt still running after its time is dropped and judged as the
//! failure `TimedOut`, on tokio's paused clock with exact times.
#![cfg(feature = "tokio")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use retry_runtime::{Policy, TimedOut, retry, testing};
use tokio::time::Instant;

const S: Duration = Duration::from_secs(1);

#[derive(Debug, PartialEq)]
enum Error {
    Refused,
    TimedOut(TimedOut),
}

impl From<TimedOut> for Error {
    fn from(timed_out: TimedOut) -> Self {
        Error::TimedOut(timed_out)
    }
}

/// A server that never answers the first `hangs` calls, then answers at once.
struct Server {
    calls: AtomicU32,
    hangs: u32,
}

impl Server {
    fn new(hangs: u32) -> Self {
        Server {
            calls: AtomicU32::new(0),
            hangs,
        }
    }

    async fn call(&self) -> u32 {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if n <= self.hangs {
            std::future::pending::<()>().await;
        }
        n
    }

    fn calls(&self) -> u32 {
        self.calls.load(Ordering::SeqCst)
    }
}

#[retry(max = 3, base = "1s", attempt_timeout = "2s")]
async fn fetch(server: &Server) -> Result<u32, Error> {
    Ok(server.call().await)
}

#[tokio::test(start_paused = true)]
async fn a_hung_first_attempt_is_cut_and_retried() {
    let server = Server::new(1);
    let start = Instant::now();
    assert_eq!(fetch(&server).await, Ok(2));
    // 2 s for the hung attempt, 1 s of backoff, then an answer at once.
    assert_eq!(start.elapsed(), 3 * S);
    assert_eq!(server.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn recorded_sleeps_skip_the_backoff_never_the_timer() {
    let server = Server::new(2);
    let start = Instant::now();
    let (outcome, delays) = testing::record_async(fetch(&server)).await;
    assert_eq!(outcome, Ok(3));
    assert_eq!(delays, [S, 2 * S]);
    // Two timers of 2 s ran; the 1 s and 2 s of backoff were recorded, not slept.
    assert_eq!(start.elapsed(), 4 * S);
}

#[retry(max = 3, base = "1s", attempt_timeout = "2s", when = |e| *e == Error::Refused)]
async fn only_refusals(server: &Server) -> Result<u32, Error> {
    Ok(server.call().await)
}

#[tokio::test(start_paused = true)]
async fn when_decides_whether_a_timeout_is_retried() {
    let server = Server::new(5);
    let start = Instant::now();
    let outcome = only_refusals(&server).await;
    assert_eq!(outcome, Err(Error::TimedOut(TimedOut::new(2 * S))));
    assert_eq!((server.calls(), start.elapsed()), (1, 2 * S));
}

#[retry(max = 2, base = "1s", attempt_timeout = "500ms")]
async fn optional(server: &Server) -> Option<u32> {
    Some(server.call().await)
}

#[retry(max = 2, base = "1s", attempt_timeout = "500ms")]
async fn with_anyhow(server: &Server) -> anyhow::Result<u32> {
    Ok(server.call().await)
}

#[retry(max = 2, base = "1s", attempt_timeout = "500ms")]
async fn boxed(server: &Server) -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
    Ok(server.call().await)
}

#[tokio::test(start_paused = true)]
async fn option_anyhow_and_boxed_errors_stand_for_a_timeout() {
    assert_eq!(optional(&Server::new(9)).await, None);
    let error = with_anyhow(&Server::new(9)).await.unwrap_err();
    assert_eq!(
        error.downcast_ref::<TimedOut>(),
        Some(&TimedOut::new(S / 2))
    );
    let error = boxed(&Server::new(9)).await.unwrap_err();
    assert_eq!(error.to_string(), "the attempt timed out after 500ms");
    assert_eq!(with_anyhow(&Server::new(1)).await.unwrap(), 2);
}

#[retry(max = 10, base = "1s", attempt_timeout = "3s", deadline = "10s")]
async fn bounded(server: &Server) -> Result<u32, Error> {
    Ok(server.call().await)
}

#[tokio::test(start_paused = true)]
async fn the_deadline_bounds_a_call_whose_every_attempt_hangs() {
    let server = Server::new(u32::MAX);
    let start = Instant::now();
    let outcome = bounded(&server).await;
    // 3 s + 1 s, 3 s + 2 s: 9 s; the third attempt gets the 1 s left, and no sleep fits
    // after it. The call ends exactly at the deadline.
    assert_eq!(outcome, Err(Error::TimedOut(TimedOut::new(S))));
    assert_eq!((server.calls(), start.elapsed()), (3, 10 * S));
}

#[retry(max = 10, base = "1s", attempt_timeout = "4s", deadline = "6s")]
async fn squeezed(server: &Server) -> Result<u32, Error> {
    Ok(server.call().await)
}

#[tokio::test(start_paused = true)]
async fn an_attempt_never_runs_past_the_deadline() {
    let server = Server::new(u32::MAX);
    let start = Instant::now();
    let outcome = squeezed(&server).await;
    // 4 s, 1 s of backoff, then only 1 s is left: the second attempt gets 1 s.
    assert_eq!(outcome, Err(Error::TimedOut(TimedOut::new(S))));
    assert_eq!((server.calls(), start.elapsed()), (2, 6 * S));
}

static TIMERS: AtomicU32 = AtomicU32::new(0);

/// Counts the sleeps it starts.
fn counting_sleep(delay: Duration) -> tokio::time::Sleep {
    TIMERS.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(delay)
}

#[retry(max = 2, base = "1s", attempt_timeout = "2s", sleep = counting_sleep)]
async fn own_sleep(server: &Server) -> Result<u32, Error> {
    Ok(server.call().await)
}

#[tokio::test(start_paused = true)]
async fn the_timer_is_the_fns_own_sleep() {
    TIMERS.store(0, Ordering::SeqCst);
    assert_eq!(own_sleep(&Server::new(1)).await, Ok(2));
    // Two attempt timers and one backoff sleep.
    assert_eq!(TIMERS.load(Ordering::SeqCst), 3);
}

/// Counts its drops.
struct Guard(Arc<AtomicU32>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[retry(max = 2, base = "1s", attempt_timeout = "1s", clone(guard))]
async fn owns(server: &Server, guard: Arc<AtomicU32>) -> Result<u32, Error> {
    let _held = Guard(guard);
    Ok(server.call().await)
}

#[tokio::test(start_paused = true)]
async fn a_cut_attempt_drops_what_it_owned_at_once() {
    let drops = Arc::new(AtomicU32::new(0));
    let server = Server::new(1);
    let call = owns(&server, Arc::clone(&drops));
    let mut call = std::pin::pin!(call);
    // Run until the first attempt is cut and the backoff sleep has begun.
    tokio::select! {
        _ = &mut call => panic!("the call cannot end within 1.5 s"),
        () = tokio::time::sleep(S * 3 / 2) => {}
    }
    assert_eq!(drops.load(Ordering::SeqCst), 1, "the cut attempt's guard");
    assert_eq!(call.await, Ok(2));
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn the_builder_cuts_attempts_too() {
    let server = Server::new(1);
    let policy = Policy::new().max_attempts(3).base(S);
    let start = Instant::now();
    let outcome: Result<u32, Error> = policy
        .retry_async(|| async { Ok(server.call().await) })
        .attempt_timeout(2 * S)
        .await;
    assert_eq!(outcome, Ok(2));
    assert_eq!(start.elapsed(), 3 * S);
    let declined: Result<u32, Error> = policy
        .retry_async(|| async { Ok(server.call().await) })
        .attempt_timeout(2 * S)
        .when(|e| *e == Error::Refused)
        .await;
    assert_eq!(declined, Ok(3));
}

/// Another crate's error, which cannot implement `From<TimedOut>`.
#[derive(Debug, PartialEq)]
struct Foreign(String);

// The conversion's closure needs no annotation, even when it calls a method on its argument.
#[retry(max = 1, attempt_timeout = "1s", timed_out = |t| Foreign(t.to_string()))]
async fn foreign() -> Result<(), Foreign> {
    tokio::time::sleep(Duration::from_secs(2)).await;
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn the_timed_out_key_converts_with_an_unannotated_closure() {
    assert_eq!(
        foreign().await,
        Err(Foreign("the attempt timed out after 1s".into()))
    );
}

//! Retries for fallible sync and async functions: the `#[retry]` attribute and its runtime.
//!
//! # A first example
//!
//! ```
//! use retry_runtime::retry;
//!
//! #[derive(Debug)]
//! struct Unavailable;
//!
//! /// Calls a service that answers 503 now and then.
//! #[retry(max = 5, base = "10ms")]
//! fn fetch(id: u32) -> Result<String, Unavailable> {
//!     # return Ok(format!("item {id}"));
//!     todo!("call the service")
//! }
//!
//! assert_eq!(fetch(7).unwrap(), "item 7");
//! ```
//!
//! `fetch` keeps its signature. Each call runs the body up to 5 times: when an attempt
//! returns `Err`, it sleeps (10 ms, then 20 ms, 40 ms, ...) and tries again; after the 5th
//! failure it returns that `Err` as it is. An attempt that succeeds is returned at once, so
//! a function that never fails is called once and never sleeps. Each attempt runs the body
//! in its own scope: `return` and `?` end the attempt, never the retry loop.
//!
//! # The keys
//!
//! | key | value | default | meaning |
//! | --- | --- | --- | --- |
//! | `max` | integer literal ≥ 1 | `3` | total attempts, the first call included |
//! | `base` | duration literal, or an expression of type `Duration` | `"100ms"` | the delay before the first retry |
//! | `backoff` | `"exponential"`, `"fixed"`, `"linear"`, `"fibonacci"` | `"exponential"` | the shape of the schedule ([`Backoff`]) |
//! | `factor` | number literal ≥ 1 (`2`, `1.5`) | `2` | growth of `"exponential"` |
//! | `max_delay` | duration | none | no single delay is ever longer, jitter included |
//! | `jitter` | `"none"`, `"full"`, `"equal"`, `"decorrelated"` | `"none"` | randomisation ([`Jitter`]) |
//! | `deadline` | duration | none | time budget from the start of the first attempt: a sleep that would end at or past it is not started, and no attempt (hedged or not) starts at or past it; the last outcome is returned instead |
//! | `when` | `Fn(&E) -> bool` | every failure is retried | a failure is retried only when this returns `true`; otherwise it is returned at once |
//! | `when_ok` | `Fn(&T) -> bool` | never | a success for which this returns `true` is retried too; when attempts run out it is returned as it is |
//! | `on_retry` | `Fn(&Attempt<'_, R>)` | none | called before each sleep ([`Attempt`]) |
//! | `on_give_up` | `Fn(&GiveUp<'_, R>)` | none | called once when the call returns an outcome it could not improve on ([`GiveUp`], with its [`StopReason`]); never on a success |
//! | `attempt_timeout` | duration (async fns only) | none | an attempt still running after this long is dropped and judged as the failure [`TimedOut`] |
//! | `hedge` | duration (async fns only) | none | hedged attempts: while none has answered, another attempt starts this long after the last, and the first success wins (see "Hedged attempts") |
//! | `hint` | `Fn(&E) -> Option<Duration>` | none | a server's hint (`Retry-After`, see [`retry_after`]): the next delay is `max(scheduled, min(hint, cap))`, `cap` the `max_delay` or 60 s (see "Server hints"); a hint that would reach `deadline` ends the retrying |
//! | `budget` | `&RetryBudget` (usually a `static`) | none | a shared [`RetryBudget`]: when it has no room, the failure is returned without a retry |
//! | `policy` | `Policy` or `&Policy`, evaluated at each call | none | the schedule at run time (from configuration); cannot be combined with `max`, `base`, `backoff`, `factor`, `max_delay`, `jitter`, `deadline` |
//! | `clone` | `clone(arg, ...)` | none | each attempt gets a fresh `Clone::clone` of these by-value arguments |
//! | `sleep` | path to `fn(Duration) -> impl Future` | `tokio::time::sleep` | the async sleep of another runtime ([`AsyncSleep`]) |
//! | `crate` | path | `::retry_runtime` | where this crate is, for crates that re-export it |
//!
//! Duration literals are a number and a unit, or several in decreasing order: `"250us"`,
//! `"500ms"`, `"2s"`, `"1.5s"`, `"1m"`, `"1m30s"`, `"1h"`; the units are `ns`, `us` (or
//! `µs`), `ms`, `s`, `m`, `h` and `d`. Misspelled keys, bad literals, `max = 0` and the
//! like are compile errors at the offending token, and say what is accepted.
//!
//! # The schedule
//!
//! With `k` the zero-based retry number (the sleep after attempt `k + 1` failed):
//! exponential sleeps `base * factor^k`, fixed `base`, linear `base * (k + 1)`, fibonacci
//! `base * F(k + 1)` with F = 1, 1, 2, 3, 5, .... Each delay is then capped by `max_delay`.
//! Arithmetic saturates: no setting and no attempt count, up to `u32::MAX`, panics or
//! overflows.
//!
//! ```
//! use retry_runtime::{retry, testing};
//! use std::time::Duration;
//!
//! #[retry(max = 6, base = "500ms", backoff = "fibonacci", max_delay = "2s")]
//! fn flaky() -> Option<u8> {
//!     None
//! }
//!
//! let (_, delays) = testing::record(flaky);
//! assert_eq!(delays, [500, 500, 1000, 1500, 2000].map(Duration::from_millis));
//! ```
//!
//! # Jitter, and why
//!
//! Clients that failed together (a deploy, a network blip) retry together when their
//! schedules are the same, and hit the service in waves. Jitter randomises each delay
//! `d` so that the retries spread out: `"full"` sleeps `U(0, d)`, `"equal"` sleeps
//! `d/2 + U(0, d/2)`, and `"decorrelated"` sleeps `min(max_delay, U(base, 3 * previous))`.
//! In the 2015 AWS experiment, reproduced with this crate in `docs/simulation.md`, full
//! jitter cut the work of 100 contending clients by more than half compared with plain
//! exponential backoff. For fleets, use `jitter = "full"` with a `max_delay`.
//!
//! ```
//! use retry_runtime::{retry, testing};
//! use std::time::Duration;
//!
//! #[retry(max = 4, base = "1s", jitter = "full")]
//! fn spread() -> Option<u8> {
//!     None
//! }
//!
//! let (_, delays) = testing::record(spread);
//! for (k, delay) in delays.iter().enumerate() {
//!     assert!(*delay <= Duration::from_secs(1 << k)); // somewhere in U(0, base * 2^k)
//! }
//! ```
//!
//! # Deadlines
//!
//! `deadline` bounds the whole call: before each sleep, if the time since the first attempt
//! started plus the sleep would reach or pass the deadline, the last outcome is returned
//! instead of sleeping (tenacity's `stop_before_delay`). A sync attempt that is running is
//! not interrupted; an async one is, with `attempt_timeout` (below).
//!
//! The clock is the one the call's sleeps advance: a sync fn sleeps its thread, so its
//! deadline reads the system's monotonic clock, even inside a paused tokio runtime; an async
//! fn reads tokio's clock with the `tokio` feature (so `tokio::time::pause()` governs its
//! deadline as it does its sleeps), the system's otherwise. Under [`testing::record`] the
//! recorded sleeps count as time that has passed.
//!
//! ```
//! use retry_runtime::{retry, testing};
//! use std::time::Duration;
//!
//! #[retry(max = 10, base = "1s", deadline = "10s")]
//! fn slow() -> Result<(), &'static str> {
//!     Err("busy")
//! }
//!
//! let (result, delays) = testing::record(slow);
//! assert_eq!(result, Err("busy"));
//! assert_eq!(delays, [1, 2, 4].map(Duration::from_secs)); // 8 s more would end past 10 s
//! ```
//!
//! # Per-attempt timeouts
//!
//! A server that accepts a connection and never answers would hold an attempt, and the
//! whole call, forever. On an `async fn`, `attempt_timeout` drops an attempt still running
//! after that long and judges it as a failure like any other: `Err(E::from(TimedOut))` for
//! `Result<T, E>` (so `E: From<TimedOut>`, as `anyhow::Error` and
//! `Box<dyn Error + Send + Sync>` have), `None` for `Option<T>` (see [`TimeoutOutcome`]).
//! `when` decides whether a timeout is retried. With a `deadline` as well, each attempt gets
//! at most the time left before it, so the call never runs past the deadline. The timer is
//! the fn's own async sleep (tokio's, or `sleep = path`); [`testing::record_async`] skips
//! the sleeps between attempts, never this timer, and `tokio::time::pause()` drives both.
//!
//! ```
//! use retry_runtime::{TimedOut, retry};
//! use std::time::Duration;
//!
//! #[derive(Debug, PartialEq)]
//! enum Error { Unavailable, TimedOut }
//!
//! impl From<TimedOut> for Error {
//!     fn from(_: TimedOut) -> Self { Error::TimedOut }
//! }
//!
//! #[retry(max = 5, base = "100ms", attempt_timeout = "2s", deadline = "10s")]
//! async fn fetch(hang: bool) -> Result<u32, Error> {
//!     if hang {
//!         std::future::pending::<()>().await; // accepts, never answers
//!     }
//!     Ok(7)
//! }
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let start = tokio::time::Instant::now();
//! assert_eq!(fetch(true).await, Err(Error::TimedOut));
//! assert!(start.elapsed() <= Duration::from_secs(10));
//! assert_eq!(fetch(false).await, Ok(7));
//! # }
//! ```
//!
//! On a sync fn the key is a compile error: a running sync attempt cannot be interrupted, so
//! give the operation a timeout of its own (a socket's read timeout, say).
//!
//! # Hedged attempts
//!
//! Retries fix failures; they do nothing for the call that is merely slow. `hedge = "50ms"`
//! on an `async fn` starts a second attempt when the first has not answered after 50 ms,
//! a third 50 ms later, and so on up to `max` in all, and returns the first success (the
//! "backup requests" of *The Tail at Scale*, gRPC's hedging policy). Set it near the p95
//! latency, and the slowest 5% of calls get a second chance for about 5% more requests;
//! `docs/hedging.md` measures it against a real server and in a fleet.
//!
//! - The first success is returned, and the attempts still running are dropped (cancelled).
//! - A failure that `when` accepts starts the next attempt at once; one it declines is
//!   returned at once, the others dropped. When every attempt has failed, the last failure is
//!   returned, and `on_give_up` hears why no other started (`Attempts`, `Deadline`, `Budget`).
//! - No attempt starts at or past `deadline`, or when the `budget` refuses: each attempt after the
//!   first takes a token, as a retry does, so a budget bounds the extra load when the service
//!   is slow for everyone (the hedges would only add to its queue).
//! - `attempt_timeout` applies to each attempt. The hedge's timer is the fn's async sleep,
//!   like the attempt timer, and [`testing::record_async`] never skips it: test hedged fns
//!   with `tokio::time::pause()`.
//! - `on_retry` is called as each hedged attempt starts, with `number` the attempts started
//!   before it and `delay` zero: after a failure, with that failure; on the timer, with the
//!   attempt it overtakes as the failure [`TimedOut`] after `hedge` (so `on_retry` with
//!   `hedge` needs `E: From<TimedOut>`, as `attempt_timeout` does).
//! - The delays of the schedule play no part: `base`, `backoff`, `factor`, `max_delay`,
//!   `jitter` and `hint` beside `hedge` are compile errors, and with `policy = expr` only the
//!   policy's `max_attempts`, `deadline` and `budget` apply.
//! - The attempts run at the same time, so the body must allow it: `&mut self` is a compile
//!   error, and a by-value argument the body consumes needs `clone(...)`. The first attempt
//!   lives in the fn's future; the others share one allocation, made when the first hedge
//!   starts (a call answered before `hedge` allocates nothing). At most 32 attempts of one
//!   call run at once.
//!
//! ```
//! use retry_runtime::{RetryBudget, retry};
//! use std::time::Duration;
//! use tokio::time::{Instant, sleep};
//!
//! static HEDGES: RetryBudget = RetryBudget::new(100, 0.1);
//!
//! #[retry(max = 3, hedge = "50ms", budget = &HEDGES)]
//! async fn lookup(latency_ms: &[u64], calls: &std::sync::atomic::AtomicUsize) -> Result<u64, ()> {
//!     let n = calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
//!     sleep(Duration::from_millis(latency_ms[n])).await;
//!     Ok(latency_ms[n])
//! }
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let calls = std::sync::atomic::AtomicUsize::new(0);
//! let start = Instant::now();
//! // The first attempt would take 2 s; the hedge, started at 50 ms, takes 5 ms.
//! assert_eq!(lookup(&[2000, 5], &calls).await, Ok(5));
//! assert_eq!(start.elapsed(), Duration::from_millis(55));
//! # }
//! ```
//!
//! `.hedge(d)` on [`Policy::retry_async`]'s builder does the same for closures.
//!
//! # Which failures to retry
//!
//! The return type must implement [`Outcome`] (see below). `when` decides which failures
//! are retried, and `when_ok` retries successes that are not final yet (a job still
//! "pending", say). The attribute's closures need no type annotations: its fn states the
//! outcome's type. A builder's closures take theirs from the operation, so an operation
//! whose error type Rust cannot infer needs it spelled once (`Ok::<_, E>(..)`).
//!
//! ```
//! use retry_runtime::{retry, testing};
//! use std::io;
//!
//! fn transient(e: &io::Error) -> bool {
//!     matches!(e.kind(), io::ErrorKind::ConnectionRefused | io::ErrorKind::TimedOut)
//! }
//!
//! #[retry(max = 4, base = "50ms", when = transient)]
//! fn read_config(path: &str) -> io::Result<String> {
//!     let text = std::fs::read_to_string(path)?; // `?` ends this attempt only
//!     Ok(text)
//! }
//!
//! // NotFound is not transient: returned after one attempt, without sleeping.
//! let (result, delays) = testing::record(|| read_config("/no/such/file"));
//! assert_eq!(result.unwrap_err().kind(), io::ErrorKind::NotFound);
//! assert!(delays.is_empty());
//!
//! #[retry(max = 5, base = "0s", when_ok = |status| *status == "pending")]
//! fn job_status() -> Result<&'static str, io::Error> {
//!     Ok("done")
//! }
//! assert_eq!(job_status().unwrap(), "done");
//! ```
//!
//! `when`, `when_ok`, `hint`, `budget`, `on_retry` and `on_give_up` are evaluated after each
//! attempt, so
//! they may borrow `self` and the arguments even when the body takes `&mut self`; schedule
//! expressions (`base = self.timeout`, `policy = &self.policy`) are evaluated once per
//! call, before the first attempt.
//!
//! # Hooks and logs
//!
//! `on_retry` is called before each sleep with an [`Attempt`]: the number of the attempt
//! that failed, the delay about to be slept, the time so far, and the outcome. `on_give_up`
//! is called once when the call returns a failure (or a success `when_ok` still wanted to
//! retry) with a [`GiveUp`]: the attempts made, the time spent, the outcome, and the
//! [`StopReason`]: `Attempts`, `Deadline`, `Budget` or `NotRetryable` (`when` declined).
//!
//! ```
//! use retry_runtime::retry;
//!
//! #[retry(
//!     max = 3,
//!     base = "0s",
//!     on_retry = |a| eprintln!("attempt {} failed ({:?}), retrying in {:?}", a.number, a.error(), a.delay),
//!     on_give_up = |g| eprintln!("gave up after {} attempts ({}): {:?}", g.attempts, g.reason, g.error()),
//! )]
//! fn parse(input: &str) -> Result<u32, std::num::ParseIntError> {
//!     input.parse()
//! }
//!
//! assert!(parse("x").is_err());
//! ```
//!
//! With the `tracing` feature, every `#[retry]` fn also emits, with target
//! `retry_runtime`:
//!
//! | event | level | fields |
//! | --- | --- | --- |
//! | `retrying` | `WARN` | `function` (the fn's name), `attempt` (the number of the attempt that failed), `delay` (the sleep about to happen), `elapsed` (since the first attempt started), `error` |
//! | `attempt timed out` | `WARN` | `function`, `attempt`, `after` (the time the attempt had) |
//! | `hedging` | `INFO` | `function`, `attempt` (the number of the attempt starting), `elapsed` |
//! | `giving up` | `ERROR`; `DEBUG` for `not_retryable` | `function`, `attempts` (attempts made), `reason` (`"attempts"`, `"deadline"`, `"budget"` or `"not_retryable"`, see [`StopReason`]), `elapsed`, `error` |
//!
//! `error` shows the failure with `Display` if it has one, else with `Debug`, else as `-`.
//! A failure that `when` declines is the answer rather than an incident, hence `DEBUG`.
//! The closure builders emit the same events with `function` = `Policy::retry` or
//! `Policy::retry_async` and `error` = `-` (their error type is generic). `elapsed` needs
//! the clock, which a call reads only when a subscriber listens at `WARN` or finer, or a
//! `deadline` or a hook needs it. Without the feature there is no event and no `tracing`
//! dependency. These names are stable.
//!
//! # Testing without sleeping
//!
//! [`testing::record`] and [`testing::record_async`] skip and record every retry sleep and
//! count them as elapsed time for `deadline`: tests of retrying code run instantly and
//! check the exact schedule. With tokio, `tokio::time::pause()` works too.
//!
//! ```
//! use retry_runtime::{retry, testing};
//! use std::time::Duration;
//!
//! #[retry(max = 3, base = "1h")]
//! fn hourly() -> Option<()> {
//!     None
//! }
//!
//! let (out, delays) = testing::record(hourly); // returns at once
//! assert_eq!(out, None);
//! assert_eq!(delays, [Duration::from_secs(3600), Duration::from_secs(7200)]);
//! ```
//!
//! # `Option` and your own outcomes
//!
//! `Result<T, E>` (an `Err` is a failure) and `Option<T>` (`None` is a failure) implement
//! [`Outcome`]; implement it for your own types to say which values are failures.
//!
//! ```
//! use retry_runtime::{Outcome, retry};
//!
//! struct Status(u16);
//!
//! impl Outcome for Status {
//!     type Success = u16;
//!     type Failure = u16;
//!     fn failure(&self) -> Option<&u16> {
//!         (self.0 >= 500).then_some(&self.0)
//!     }
//!     fn success(&self) -> Option<&u16> {
//!         (self.0 < 500).then_some(&self.0)
//!     }
//! }
//!
//! #[retry(max = 3, base = "0s")]
//! fn ping() -> Status {
//!     Status(204)
//! }
//!
//! #[retry(max = 3, base = "0s")]
//! fn first_even(candidates: &[u32]) -> Option<u32> {
//!     candidates.iter().copied().find(|n| n % 2 == 0)
//! }
//!
//! assert_eq!(ping().0, 204);
//! assert_eq!(first_even(&[1, 4]), Some(4));
//! ```
//!
//! # Moved arguments and `clone(...)`
//!
//! A body that moves a by-value argument cannot run twice; rustc reports "value moved here,
//! in previous iteration of loop" at the move. List such arguments in `clone(...)` and each
//! attempt gets its own clone:
//!
//! ```
//! use retry_runtime::retry;
//!
//! fn send(message: String) -> Result<usize, String> {
//!     Ok(message.len())
//! }
//!
//! #[retry(max = 3, clone(message))]
//! fn send_with_retry(message: String) -> Result<usize, String> {
//!     send(message)
//! }
//!
//! assert_eq!(send_with_retry("hello".into()), Ok(5));
//! ```
//!
//! # Async, runtimes and `sleep`
//!
//! On an `async fn`, sleeps are `tokio::time::sleep` (feature `tokio`, on by default), or
//! the function named by `sleep = path` for another runtime (smol, embassy, wasm timers).
//! The returned future is `Send` whenever the body's is; dropping it cancels the retrying.
//! With `default-features = false`, sync fns and async fns with `sleep = ...` work, and
//! tokio is not in the dependency tree.
//!
//! ```
//! use retry_runtime::retry;
//!
//! struct Client {
//!     calls: u32,
//! }
//!
//! impl Client {
//!     #[retry(max = 3, base = "1ms")]
//!     async fn get(&mut self, path: &str) -> Result<String, String> {
//!         self.calls += 1;
//!         if self.calls < 2 { Err("503".into()) } else { Ok(format!("{path}: 200")) }
//!     }
//! }
//!
//! async fn my_runtime_sleep(delay: std::time::Duration) {
//!     // e.g. smol::Timer::after(delay).await;
//! #   let _ = delay;
//! }
//!
//! #[retry(max = 3, sleep = my_runtime_sleep)]
//! async fn elsewhere() -> Option<u8> {
//!     Some(1)
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mut client = Client { calls: 0 };
//! assert_eq!(client.get("/").await.unwrap(), "/: 200");
//! assert_eq!(client.calls, 2);
//! assert_eq!(elsewhere().await, Some(1));
//! # }
//! ```
//!
//! # Fleets: budgets, server hints, run-time policies
//!
//! Thousands of clients retrying against one struggling service can keep it down. Jitter
//! spreads their retries out; a [`RetryBudget`] shared by the calls of a process stops
//! retrying when most attempts fail, so the fleet sends about one attempt per call instead
//! of `max`; `hint` follows the server's `Retry-After`. The simulations in
//! `docs/simulation.md` measure both.
//!
//! ## Server hints
//!
//! A hint is the server's word on when to come back, never a way for a server to park its
//! client. With `scheduled` the delay the schedule itself would sleep (jitter included) and
//! `cap` the `max_delay`, or 60 s when `max_delay` is not set, the delay after a hinted
//! failure is `max(scheduled, min(hint, cap))`:
//!
//! - `Retry-After: 99999999999` (or a date in 2999) sleeps at most `cap`, so a few hostile
//!   or broken responses cannot hold a service's connections for years;
//! - `Retry-After: 0` (or a date in the past) sleeps the scheduled delay, so a fleet told
//!   "now" does not come back in lockstep;
//! - a hinted retry still moves the schedule on by one step, as any retry does;
//! - a hint whose sleep would end at or past `deadline` ends the retrying;
//! - a value that does not parse or overflows is no hint ([`retry_after`] gives `None`).
//!
//! The rule is the engine's, so the attribute, the builders and the tower policy all
//! follow it.
//!
//! ```
//! use retry_runtime::{Policy, RetryBudget, retry, retry_after};
//! use std::time::Duration;
//!
//! static BUDGET: RetryBudget = RetryBudget::new(100, 0.1);
//!
//! #[derive(Debug)]
//! struct HttpError {
//!     status: u16,
//!     retry_after: Option<String>,
//! }
//!
//! struct Client {
//!     policy: Policy, // from configuration
//! }
//!
//! impl Client {
//!     #[retry(
//!         policy = &self.policy,
//!         budget = &BUDGET,
//!         when = |e| e.status == 429 || e.status >= 500,
//!         hint = |e| e.retry_after.as_deref().and_then(retry_after),
//!     )]
//!     fn get(&self, path: &str) -> Result<String, HttpError> {
//!         # return Ok(path.into());
//!         todo!()
//!     }
//! }
//!
//! let client = Client { policy: Policy::new().max_attempts(5).max_delay(Duration::from_secs(30)) };
//! assert_eq!(client.get("/").unwrap(), "/");
//! ```
//!
//! # Without the macro
//!
//! [`Policy`] is the same schedule as a value. [`Policy::retry`] and
//! [`Policy::retry_async`] retry a closure: they return a [`Retrying`] builder with the
//! attribute's other keys as methods (`when`, `when_ok`, `hint`, `budget`, `on_retry`,
//! `on_give_up`, and `sleep` for async), and run nothing until `.call()` or `.await`. The
//! builders and the attribute drive the same engine, so a call behaves the same through
//! either; [`testing::record`] sees both.
//!
//! ```
//! use retry_runtime::{Jitter, Policy, testing};
//! use std::time::Duration;
//!
//! #[derive(Debug, PartialEq)]
//! enum Error { Unavailable, NotFound }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let policy = Policy::new()
//!     .max_attempts(5)
//!     .base(Duration::from_millis(100))
//!     .jitter(Jitter::Full);
//! let mut answers = vec![Ok("item"), Err(Error::Unavailable)].into_iter();
//! let (result, delays) = testing::record(|| {
//!     policy
//!         .retry(|| answers.next_back().unwrap_or(Err(Error::NotFound)))
//!         .when(|e| *e == Error::Unavailable)
//!         .on_retry(|a| eprintln!("attempt {} failed: {:?}", a.number, a.error()))
//!         .call()
//! });
//! assert_eq!(result, Ok("item"));
//! assert_eq!(delays.len(), 1);
//!
//! let value = policy
//!     .retry_async(|| async { Ok::<_, Error>(7) })
//!     .when(|e| *e == Error::Unavailable)
//!     .await;
//! assert_eq!(value, Ok(7));
//! # }
//! ```
//!
//! [`retry_call`] runs an operation without sleeping and reports what it would have slept.
//!
//! With the `tower` feature, `tower::RetryPolicy` is a third front door:
//! a `tower::retry::Policy` from the same `Policy`, for any tower `Service`.
//!
//! # With `#[async_trait]` and `#[tracing::instrument]`
//!
//! On a method of an `#[async_trait]` impl or trait, `#[retry]` finds the boxed future that
//! async-trait made of the `async fn` and puts the retry loop inside it: the method is
//! still called through `dyn Trait`, its future is still `Send`, and every key works as on
//! an `async fn` (`self` in a key's expression is the method's receiver).
//!
//! ```
//! use async_trait::async_trait;
//! use retry_runtime::retry;
//! use std::sync::Arc;
//!
//! #[async_trait]
//! trait Store: Send + Sync {
//!     async fn load(&self, key: u32) -> Option<String>;
//! }
//!
//! struct Disk;
//!
//! #[async_trait]
//! impl Store for Disk {
//!     #[retry(max = 3, base = "10ms", attempt_timeout = "1s")]
//!     async fn load(&self, key: u32) -> Option<String> {
//!         Some(format!("value {key}"))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let store: Arc<dyn Store> = Arc::new(Disk);
//! let loaded = tokio::spawn(async move { store.load(7).await }).await.unwrap();
//! assert_eq!(loaded.as_deref(), Some("value 7"));
//! # }
//! ```
//!
//! With `#[tracing::instrument]`, the attribute written first (outermost) wraps the other's
//! output. `#[retry]` above `#[instrument]` gives **one span per call**, around all the
//! attempts; `#[instrument]` above `#[retry]` gives **one span per attempt**:
//!
//! ```
//! use retry_runtime::retry;
//! use tracing::instrument;
//!
//! #[retry(max = 3, base = "10ms")]
//! #[instrument]                     // one `fetch` span for the whole call
//! fn fetch(id: u32) -> Option<u32> {
//!     Some(id)
//! }
//!
//! #[instrument]                     // one `fetch_each` span per attempt
//! #[retry(max = 3, base = "10ms")]
//! fn fetch_each(id: u32) -> Option<u32> {
//!     Some(id)
//! }
//! # assert_eq!((fetch(1), fetch_each(2)), (Some(1), Some(2)));
//! ```
//!
//! # Retry at one layer
//!
//! Retries at two layers multiply: a retried fn that calls another retried fn makes up to
//! `max_outer × max_inner` calls to a service that is down (`max = 3` over `max = 4` is 12
//! calls per call, where either layer alone is 3 or 4), just when it is least able to take
//! them. Retry at one layer, usually the one closest to the call that fails, and let the
//! others return the error. Where two layers cannot be avoided, give them one shared
//! [`RetryBudget`]: the first failures are retried, and once the budget is low each layer
//! makes one attempt (`tests/nested.rs`: 10 calls make 13 calls to the service instead of
//! 120).
//!
//! # Panics
//!
//! A panic in the body, in a predicate or in a hook is not retried: it propagates as it
//! is, and the retrying stops.

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// `$Struct` with `$field` set to `$value` (of another type, maybe) and the `$keep` fields
/// moved from `$from`: the body of a type-changing builder setter.
macro_rules! replace {
    ($Struct:ident, $from:ident, $field:ident: $value:expr; $($keep:ident),*) => {
        $Struct { $field: $value, $($keep: $from.$keep),* }
    };
}

mod backoff;
mod budget;
pub mod builder;
mod describe;
mod engine;
mod events;
mod expansion;
mod hedge;
mod hooks;
mod jitter;
mod judge;
mod outcome;
mod policy;
mod report;
mod retry_after;
mod retry_future;
mod running;
mod schedule;
mod sleep;
pub mod testing;
mod timeout;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;

/// What `#[retry]` expands to. Not public API: names and signatures change without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::__retry_describer as describer;

    /// The names of the expansion's locals, as fns that do nothing: the expansion imports
    /// them with a glob, which shadows the user's module-level items of the same names (a
    /// `const` or a unit struct), so that its `let`s can bind them.
    #[allow(missing_docs)]
    pub mod reserved {
        pub fn __retry_state() {}
        pub fn __retry_outcome() {}
        pub fn __retry_delay() {}
        pub fn __retry_early() {}
        pub fn __retry_hedging() {}
        pub fn __retry_policy() {}
        pub fn __retry_error() {}
    }
    pub use crate::__retry_judge as judge;
    pub use crate::describe::{
        Describe, DescribeDebug, DescribeDisplay, DescribeNothing, Described,
    };
    pub use crate::expansion::{CannotBeCut, CutByFrom, CutCheck, CutMissing, Uncut};
    pub use crate::expansion::{Judge, Retry};
    pub use crate::hedge::{Expanded, hedged};
    pub use crate::judge::Describer;
    pub use crate::sleep::{DefaultSleep, sleep, sleep_async};
}

pub use backoff::Backoff;
pub use budget::RetryBudget;
pub use builder::Retrying;
pub use engine::StopReason;
pub use hooks::{Attempt, GiveUp};
pub use jitter::Jitter;
pub use outcome::Outcome;
pub use policy::Policy;
pub use report::{Report, retry_call};
pub use retry_after::{retry_after, retry_after_at};
pub use schedule::{Delays, JitteredDelays};
pub use sleep::AsyncSleep;
pub use timeout::{ByFrom, Converted, Cut, TimedOut, TimeoutOutcome};

/// Retries a fallible `fn` or `async fn`. See the [crate documentation](crate) for the keys.
///
/// ```
/// use retry_runtime::retry;
///
/// #[retry(max = 3, base = "1ms", jitter = "full")]
/// fn call() -> Result<u8, String> {
///     Ok(1)
/// }
///
/// assert_eq!(call(), Ok(1));
/// ```
pub use retry_macro::retry;

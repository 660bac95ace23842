//! Retries for fallible sync and async functions: the `#[retry]` attribute and its runtime.
//!
//! ```
//! use retry_runtime::retry;
//!
//! #[derive(Debug)]
//! struct Unavailable;
//!
//! /// Calls a service that answers 503 now and then.
//! #[retry(max = 5, base = "10ms", jitter = "full")]
//! fn fetch(id: u32) -> Result<String, Unavailable> {
//!     # return Ok(format!("item {id}"));
//!     todo!("call the service")
//! }
//!
//! assert_eq!(fetch(7).unwrap(), "item 7");
//! ```
//!
//! `fetch` keeps its signature. Each call runs the body up to 5 times: when an attempt
//! returns `Err`, it sleeps (10 ms, 20 ms, 40 ms, ... each randomised by full jitter) and
//! tries again; after the 5th failure it returns that `Err` as it is. An attempt that
//! succeeds is returned at once, so a function that never fails is called once and never
//! sleeps.
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
//! | `deadline` | duration | none | time budget from the start of the first attempt: a sleep that would end past it is not started; the last outcome is returned instead |
//! | `when` | `Fn(&E) -> bool` | every failure is retried | a failure is retried only when this returns `true`; otherwise it is returned at once |
//! | `when_ok` | `Fn(&T) -> bool` | never | a success for which this returns `true` is retried too; when attempts run out it is returned as it is |
//! | `on_retry` | `Fn(&Attempt<'_, R>)` | none | called before each sleep ([`Attempt`]) |
//! | `hint` | `Fn(&E) -> Option<Duration>` | none | a server's hint (`Retry-After`, see [`retry_after`]): the next delay is the hint, capped by `max_delay`; a hint that would cross `deadline` ends the retrying |
//! | `budget` | `&RetryBudget` (usually a `static`) | none | a shared [`RetryBudget`]: when it has no room, the failure is returned without a retry |
//! | `policy` | `Policy` or `&Policy`, evaluated at each call | none | the schedule at run time (from configuration); cannot be combined with `max`, `base`, `backoff`, `factor`, `max_delay`, `jitter`, `deadline` |
//! | `clone` | `clone(arg, ...)` | none | each attempt gets a fresh `Clone::clone` of these by-value arguments |
//! | `sleep` | path to `fn(Duration) -> impl Future` | `tokio::time::sleep` | the async sleep of another runtime ([`AsyncSleep`]) |
//! | `crate` | path | `::retry_runtime` | where this crate is, for crates that re-export it |
//!
//! Duration literals are a number and a unit, or several in decreasing order: `"250us"`,
//! `"500ms"`, `"2s"`, `"1.5s"`, `"1m"`, `"1m30s"`, `"1h"`; the units are `ns`, `us` (or
//! `µs`), `ms`, `s`, `m`, `h` and `d`. Misspelled keys, bad literals, `max = 0` and the
//! like are compile errors at the offending token.
//!
//! # What gets retried
//!
//! The return type must implement [`Outcome`]: `Result<T, E>` (an `Err` is a failure) and
//! `Option<T>` (`None` is a failure) do; implement it for your own types. Each attempt runs
//! the body in its own scope, so `return` and `?` end the attempt, never the retry loop.
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
//! ```
//!
//! Closures in `when`, `when_ok` and `on_retry` need no type annotations. These keys are
//! evaluated after each attempt, so they may borrow `self` and the arguments even when the
//! body takes `&mut self`; schedule expressions (`base = self.timeout`) are evaluated once
//! per call, before the first attempt.
//!
//! ```
//! use retry_runtime::retry;
//!
//! #[retry(
//!     max = 5,
//!     base = "0s",
//!     when = |status| *status >= 500,
//!     when_ok = |body| body.is_empty(),
//!     on_retry = |attempt| eprintln!("attempt {} failed: {:?}", attempt.number, attempt.outcome),
//! )]
//! fn get(path: &str) -> Result<String, u16> {
//!     if path.is_empty() { Err(404) } else { Ok(format!("contents of {path}")) }
//! }
//!
//! assert_eq!(get(""), Err(404)); // 404 is not retried
//! ```
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
//! # Async
//!
//! On an `async fn`, sleeps are `tokio::time::sleep` (feature `tokio`, on by default), or
//! the function named by `sleep = path`. The returned future is `Send` whenever the body's
//! is. Dropping it cancels the retrying.
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
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mut client = Client { calls: 0 };
//! assert_eq!(client.get("/").await.unwrap(), "/: 200");
//! assert_eq!(client.calls, 2);
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
//! [`Policy`] is the same schedule as a value, for settings that come from configuration;
//! [`retry_call`] runs an operation without sleeping and reports what it would have slept.
//!
//! # Testing
//!
//! [`testing::record`] and [`testing::record_async`] skip and record every retry sleep, and
//! count them as elapsed time for `deadline`: tests of retrying code run instantly and can
//! check the exact schedule.
//!
//! # Panics
//!
//! A panic in the body, in a predicate or in a hook is not retried: it propagates as it
//! is.

#![deny(missing_docs)]

mod attempt;
mod backoff;
mod budget;
mod describe;
mod jitter;
mod outcome;
mod policy;
mod retry;
mod retry_after;
mod sleep;
pub mod testing;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use attempt::Attempt;
pub use backoff::Backoff;
pub use budget::RetryBudget;
pub use jitter::Jitter;
pub use outcome::Outcome;
pub use policy::{Delays, JitteredDelays, Policy};
pub use retry::{Report, retry_call};
pub use retry_after::{retry_after, retry_after_at};
pub use sleep::AsyncSleep;

/// Retries a fallible `fn` or `async fn`. See the [crate documentation](crate) for the keys.
pub use retry_macro::retry;

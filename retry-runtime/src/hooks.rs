//! What the hooks are told: [`Attempt`] before each sleep (`on_retry`), [`GiveUp`] when a
//! call gives up (`on_give_up`), with the [`StopReason`], and [`Succeeded`] when it returns
//! a success (`on_success`).

use std::fmt;
use std::time::Duration;

use crate::outcome::Outcome;

/// What `on_retry` is told before each sleep: the attempt that just failed, the delay about
/// to be slept, and the time spent so far.
///
/// `R` is the retried function's return type.
///
/// ```
/// use retry_runtime::{retry, Attempt};
///
/// fn log(attempt: &Attempt<'_, Result<u32, String>>) {
///     eprintln!(
///         "attempt {} failed ({:?}); retrying in {:?} ({:?} so far)",
///         attempt.number, attempt.error(), attempt.delay, attempt.elapsed,
///     );
/// }
///
/// #[retry(max = 3, base = "0s", on_retry = log)]
/// fn parse(input: &str) -> Result<u32, String> {
///     input.parse().map_err(|e| format!("{e}"))
/// }
///
/// assert!(parse("x").is_err());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Attempt<'a, R> {
    /// The 1-based number of the attempt that just failed.
    pub number: u32,
    /// The sleep about to happen before the next attempt.
    pub delay: Duration,
    /// The time since the first attempt started (recorded sleeps count, see
    /// [`testing`](crate::testing)).
    pub elapsed: Duration,
    /// What the attempt returned.
    pub outcome: &'a R,
}

impl<R: Outcome> Attempt<'_, R> {
    /// The failure of this attempt, or `None` when a success is retried by `when_ok`.
    ///
    /// ```
    /// use retry_runtime::retry;
    ///
    /// #[retry(max = 2, base = "0s", on_retry = |a| assert_eq!(a.error(), Some(&"down")))]
    /// fn call() -> Result<(), &'static str> {
    ///     Err("down")
    /// }
    ///
    /// assert_eq!(call(), Err("down"));
    /// ```
    pub fn error(&self) -> Option<&R::Failure> {
        self.outcome.failure()
    }
}

// A derive would require `R: Clone`; the fields are all `Copy`.
impl<R> Clone for Attempt<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Attempt<'_, R> {}

/// What `on_give_up` is told once, when a call returns an outcome it could not improve on:
/// the attempts made, the time spent, why it stopped, and the outcome.
///
/// `R` is the retried function's return type. A plain success never gives up.
///
/// ```
/// use retry_runtime::{retry, GiveUp, StopReason};
///
/// fn report(give_up: &GiveUp<'_, Result<u32, String>>) {
///     eprintln!(
///         "gave up after {} attempts ({}): {:?}",
///         give_up.attempts, give_up.reason, give_up.error(),
///     );
/// }
///
/// #[retry(max = 3, base = "0s", on_give_up = report)]
/// fn parse(input: &str) -> Result<u32, String> {
///     input.parse().map_err(|e| format!("{e}"))
/// }
///
/// assert!(parse("x").is_err());
///
/// #[retry(max = 3, base = "0s", on_give_up = |g| assert_eq!(g.reason, StopReason::NotRetryable),
///         when = |e| *e != "fatal")]
/// fn fatal() -> Result<(), &'static str> {
///     Err("fatal")
/// }
///
/// assert_eq!(fatal(), Err("fatal"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct GiveUp<'a, R> {
    /// The attempts made, the last one included.
    pub attempts: u32,
    /// The time since the first attempt started (recorded sleeps count, see
    /// [`testing`](crate::testing)).
    pub elapsed: Duration,
    /// Why the call stopped.
    pub reason: StopReason,
    /// What the last attempt returned, which the call returns.
    pub outcome: &'a R,
}

impl<R: Outcome> GiveUp<'_, R> {
    /// The failure returned, or `None` when a success that `when_ok` still wanted to retry
    /// is returned.
    ///
    /// ```
    /// use retry_runtime::retry;
    ///
    /// #[retry(max = 2, base = "0s", on_give_up = |g| assert_eq!(g.error(), Some(&"down")))]
    /// fn call() -> Result<(), &'static str> {
    ///     Err("down")
    /// }
    ///
    /// assert_eq!(call(), Err("down"));
    /// ```
    pub fn error(&self) -> Option<&R::Failure> {
        self.outcome.failure()
    }
}

impl<R> Clone for GiveUp<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for GiveUp<'_, R> {}

/// What `on_success` is told when a call returns a success: with `on_retry` and
/// `on_give_up`, every call ends in exactly one hook, so "succeeded after retries" can be
/// counted.
///
/// `R` is the retried function's return type. A success that `when_ok` still wanted to
/// retry, returned when the attempts ran out, goes to `on_give_up` instead.
///
/// ```
/// use retry_runtime::{retry, Succeeded};
/// use std::sync::atomic::{AtomicU32, Ordering};
///
/// static AFTER_RETRIES: AtomicU32 = AtomicU32::new(0);
///
/// fn count(succeeded: &Succeeded<'_, Result<u32, String>>) {
///     if succeeded.attempts > 1 {
///         AFTER_RETRIES.fetch_add(1, Ordering::Relaxed);
///     }
/// }
///
/// static CALLS: AtomicU32 = AtomicU32::new(0);
///
/// #[retry(max = 3, base = "0s", on_success = count)]
/// fn flaky() -> Result<u32, String> {
///     match CALLS.fetch_add(1, Ordering::Relaxed) {
///         0 => Err("once".into()),
///         n => Ok(n),
///     }
/// }
///
/// assert_eq!(flaky(), Ok(1));
/// assert_eq!(AFTER_RETRIES.load(Ordering::Relaxed), 1);
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Succeeded<'a, R> {
    /// The attempts made, the successful one included.
    pub attempts: u32,
    /// Time since the first attempt started (zero when no hook or deadline reads the clock
    /// and the first attempt succeeded).
    pub elapsed: Duration,
    /// The success being returned.
    pub outcome: &'a R,
}

impl<R: Outcome> Succeeded<'_, R> {
    /// The success value.
    pub fn value(&self) -> Option<&R::Success> {
        self.outcome.success()
    }
}

impl<R> Clone for Succeeded<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Succeeded<'_, R> {}

/// Why a call returned an outcome that it could not improve on: see
/// [`GiveUp`](crate::GiveUp).
///
/// ```
/// use retry_runtime::StopReason;
///
/// assert_eq!(StopReason::Deadline.to_string(), "deadline");
/// assert_eq!(StopReason::NotRetryable.as_str(), "not_retryable");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StopReason {
    /// `max` attempts were made.
    Attempts,
    /// The next sleep would have ended at or past the `deadline` (in a hedged call: the next
    /// attempt would have started at or past it).
    Deadline,
    /// The [`RetryBudget`](crate::RetryBudget) had no room for another retry.
    Budget,
    /// `when` declined to retry the failure.
    NotRetryable,
    /// A [`CircuitBreaker`](crate::CircuitBreaker) refused the next attempt: it is open, or
    /// half-open with its probe running.
    CircuitOpen,
    /// A [`Throttle`](crate::Throttle) shed the next attempt.
    Throttled,
}

impl StopReason {
    /// The reason as the `tracing` events show it: `"attempts"`, `"deadline"`, `"budget"`,
    /// `"not_retryable"`, `"circuit_open"` or `"throttled"`.
    ///
    /// ```
    /// use retry_runtime::StopReason;
    ///
    /// assert_eq!(StopReason::Attempts.as_str(), "attempts");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            StopReason::Attempts => "attempts",
            StopReason::Deadline => "deadline",
            StopReason::Budget => "budget",
            StopReason::NotRetryable => "not_retryable",
            StopReason::CircuitOpen => "circuit_open",
            StopReason::Throttled => "throttled",
        }
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

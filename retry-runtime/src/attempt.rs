use std::time::Duration;

use crate::Outcome;

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

//! Why a call ended without the outcome it wanted.

use std::fmt;

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
}

impl StopReason {
    /// The reason as the `tracing` events show it: `"attempts"`, `"deadline"`, `"budget"`
    /// or `"not_retryable"`.
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
        }
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

//! [`retry_call`], the deterministic helper: retries without sleeping and reports what it
//! would have slept.

use std::time::Duration;

use crate::engine::{Engine, Rules, judge};
use crate::schedule::Policy;
use crate::time::Timing;

/// The result of [`retry_call`]: the value, how many calls it took, and the delays that
/// were recorded between them.
///
/// ```
/// use retry_runtime::{Report, retry_call};
/// use std::time::Duration;
///
/// let report: Report<&str> = retry_call(|| Ok::<_, ()>("done"), 3, Duration::from_secs(1)).unwrap();
/// assert_eq!((report.value, report.attempts, report.delays.len()), ("done", 1, 0));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report<T> {
    /// The successful value.
    pub value: T,
    /// Calls made, the successful one included.
    pub attempts: u32,
    /// The delay recorded before each retry: `base * 2^k` for retry `k`.
    pub delays: Vec<Duration>,
}

/// Calls `op` up to `max_attempts` times with exponential backoff from `base` (factor 2),
/// without sleeping: the delays are recorded in the [`Report`].
///
/// # Errors
///
/// After `max_attempts` failures, the last error, as `op` returned it.
///
/// ```
/// use retry_runtime::retry_call;
/// use std::time::Duration;
///
/// let mut calls = 0;
/// let report = retry_call(
///     || {
///         calls += 1;
///         if calls < 4 { Err("503") } else { Ok("200") }
///     },
///     10,
///     Duration::from_millis(500),
/// )
/// .unwrap();
/// assert_eq!(report.value, "200");
/// assert_eq!(report.attempts, 4);
/// assert_eq!(report.delays, [500, 1000, 2000].map(Duration::from_millis));
///
/// let failed: Result<_, &str> = retry_call(|| Err::<(), _>("503"), 3, Duration::ZERO);
/// assert_eq!(failed.unwrap_err(), "503");
/// ```
pub fn retry_call<T, E>(
    mut op: impl FnMut() -> Result<T, E>,
    max_attempts: u32,
    base: Duration,
) -> Result<Report<T>, E> {
    let policy = Policy::new().max_attempts(max_attempts).base(base);
    let mut engine = Engine::new(&policy, false, Timing::Sync);
    let rules = Rules::new();
    let mut delays = Vec::new();
    loop {
        let outcome = op();
        match judge(
            &rules,
            &mut engine,
            &policy,
            (&outcome, false),
            "retry_call",
        ) {
            Some(delay) => delays.push(delay),
            None => {
                return outcome.map(|value| Report {
                    value,
                    attempts: engine.attempt(),
                    delays,
                });
            }
        }
    }
}
